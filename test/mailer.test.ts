// The mailers against a real SMTP server (test/helpers/smtp-server.ts, an ephemeral port) and a real directory.
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { simpleParser } from "mailparser";
import { afterEach, describe, expect, it } from "vitest";
import { MailError, type Mailer, type OutgoingMail } from "../src/alerts/alert.types.js";
import { createEmlMailer } from "../src/alerts/mailer/eml-mailer.js";
import { createMailer } from "../src/alerts/mailer/index.js";
import { createSmtpMailer } from "../src/alerts/mailer/smtp-mailer.js";
import { unitAlertFixture } from "../src/alerts/templates/fixtures.js";
import { renderMessage } from "../src/alerts/templates/render.js";
import { type SmtpTestServer, startSmtpTestServer } from "./helpers/smtp-server.js";

const FROM = '"Hệ thống theo dõi giải ngân" <giam-sat@mtqg.example.vn>';

// Teardown in reverse order of creation: mailers (their pooled connections) before servers.
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function server(): Promise<SmtpTestServer> {
  const s = await startSmtpTestServer();
  cleanups.push(() => s.close());
  return s;
}

function smtpMailer(
  port: number,
  extra: { timeoutMs?: number; log?: (m: string, meta: object) => void } = {},
) {
  const mailer = createSmtpMailer({
    url: `smtp://127.0.0.1:${port}`,
    from: FROM,
    timeoutMs: 2_000,
    ...extra,
  });
  cleanups.push(() => mailer.close());
  return mailer;
}

let seq = 0;
function outgoing(overrides: Partial<OutgoingMail> = {}): OutgoingMail {
  seq += 1;
  const r = renderMessage(unitAlertFixture);
  return {
    to: "an.nv@taygiang.example.vn",
    cc: ["vanthu@taygiang.example.vn"],
    subject: r.subject,
    html: r.html,
    text: r.text,
    messageId: `<outbox-${seq}.alert@disbursement-monitor.local>`,
    ...overrides,
  };
}

async function sendError(mailer: Mailer, mail: OutgoingMail): Promise<MailError> {
  const err = await mailer.send(mail).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(MailError);
  return err as MailError;
}

describe("SMTP mailer", () => {
  it("delivers the rendered message: subject, Vietnamese text and HTML, cc and our Message-ID", async () => {
    const s = await server();
    const mailer = smtpMailer(s.port);
    const mail = outgoing();

    await mailer.send(mail);

    expect(s.received).toHaveLength(1);
    const { envelope, parsed } = s.received[0]!;
    expect(envelope.from).toBe("giam-sat@mtqg.example.vn");
    expect(envelope.to).toEqual(["an.nv@taygiang.example.vn", "vanthu@taygiang.example.vn"]);
    expect(parsed.subject).toBe(mail.subject);
    expect(parsed.subject).toContain("Cảnh báo (hạn đến hết ngày 30/09/2022)");
    expect(parsed.messageId).toBe(mail.messageId);
    expect(parsed.from?.value[0]).toMatchObject({
      address: "giam-sat@mtqg.example.vn",
      name: "Hệ thống theo dõi giải ngân",
    });
    const to = Array.isArray(parsed.to) ? parsed.to[0] : parsed.to;
    const cc = Array.isArray(parsed.cc) ? parsed.cc[0] : parsed.cc;
    expect(to?.value.map((a) => a.address)).toEqual(["an.nv@taygiang.example.vn"]);
    expect(cc?.value.map((a) => a.address)).toEqual(["vanthu@taygiang.example.vn"]);
    expect(parsed.text).toContain("Kính gửi ông/bà Nguyễn Văn An,");
    expect(parsed.text).toContain("Kế hoạch vốn: 1.234.567.890 đ");
    expect(parsed.text?.trimEnd()).toBe(mail.text.trimEnd());
    expect(parsed.html).toContain("Đơn vị: UBND huyện Tây Giang");
    expect(parsed.html).toContain("Trân trọng.");
    expect(parsed.headers.get("auto-submitted")).toBe("auto-generated");
  });

  it("reuses the pool for several messages and leaves out an empty cc", async () => {
    const s = await server();
    const mailer = smtpMailer(s.port);
    await Promise.all([mailer.send(outgoing({ cc: [] })), mailer.send(outgoing({ cc: [] }))]);
    expect(s.received).toHaveLength(2);
    for (const { parsed } of s.received) expect(parsed.cc).toBeUndefined();
  });

  it("reports 451 on RCPT as temporary until the server accepts", async () => {
    const s = await server();
    s.failNext(2, "RCPT", { code: 451, message: "4.3.0 Thử lại sau / try again later" });
    const mailer = smtpMailer(s.port);
    const mail = outgoing({ cc: [] });

    for (let i = 0; i < 2; i++) {
      const err = await sendError(mailer, mail);
      expect(err.temporary).toBe(true);
      expect(err.responseCode).toBe(451);
    }
    await mailer.send(mail);
    expect(s.received).toHaveLength(1);
    expect(s.received[0]!.parsed.messageId).toBe(mail.messageId);
  });

  it("reports 451 on DATA as temporary, then delivers the same Message-ID", async () => {
    const s = await server();
    s.failNext(1, "DATA", { code: 451, message: "4.3.0 Local error in processing" });
    const mailer = smtpMailer(s.port);
    const mail = outgoing();

    const err = await sendError(mailer, mail);
    expect([err.temporary, err.responseCode]).toEqual([true, 451]);
    await mailer.send(mail);
    expect(s.received.map((r) => r.parsed.messageId)).toEqual([mail.messageId]);
  });

  it("reports 550 as permanent, with the response code", async () => {
    const s = await server();
    s.rejectRecipient("an.nv@taygiang.example.vn", { code: 550, message: "5.1.1 User unknown" });
    const mailer = smtpMailer(s.port);
    const err = await sendError(mailer, outgoing({ cc: [] }));
    expect(err.temporary).toBe(false);
    expect(err.responseCode).toBe(550);
    expect(err.message).toContain("5.1.1 User unknown");
    expect(s.received).toHaveLength(0);
  });

  it("fails the send when the primary recipient is rejected, logs a rejected cc only", async () => {
    const s = await server();
    s.rejectRecipient("nobody@taygiang.example.vn", { code: 550, message: "5.1.1 User unknown" });
    const logs: Array<[string, object]> = [];
    const mailer = smtpMailer(s.port, { log: (m, meta) => logs.push([m, meta]) });

    const err = await sendError(mailer, outgoing({ to: "nobody@taygiang.example.vn" }));
    expect([err.temporary, err.responseCode]).toEqual([false, 550]);

    await mailer.send(outgoing({ cc: ["nobody@taygiang.example.vn"] }));
    expect(logs).toHaveLength(1);
    expect(logs[0]![1]).toMatchObject({ rejected: ["nobody@taygiang.example.vn"] });
    // the first one still reached its cc: at-least-once, recognisable by its Message-ID
    expect(s.received).toHaveLength(2);
  });

  it("reports a refused connection as temporary", async () => {
    const s = await startSmtpTestServer();
    const port = s.port;
    await s.close();
    const mailer = smtpMailer(port);
    const err = await sendError(mailer, outgoing());
    expect(err.temporary).toBe(true);
    expect(err.responseCode).toBeUndefined();
    expect(err.message).toMatch(/ECONNREFUSED/);
  });

  it("reports a server that never greets as temporary, after timeoutMs", async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => {
      sockets.add(socket);
      socket.on("error", () => {});
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    cleanups.push(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    });
    const mailer = smtpMailer((silent.address() as net.AddressInfo).port, { timeoutMs: 150 });
    const started = Date.now();
    const err = await sendError(mailer, outgoing());
    expect(err.temporary).toBe(true);
    expect(err.message).toMatch(/ETIMEDOUT/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("reports a message nodemailer refuses (no recipients) as permanent", async () => {
    const s = await server();
    const mailer = smtpMailer(s.port);
    const err = await sendError(mailer, outgoing({ to: "", cc: [] }));
    expect(err.temporary).toBe(false);
    expect(err.responseCode).toBeUndefined();
    expect(err.message).toContain("[EENVELOPE]");
    expect(s.received).toHaveLength(0);
  });
});

describe("EML mailer", () => {
  async function tempDir(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), "mailer-test-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    return dir;
  }

  it("writes a parseable .eml per Message-ID; a resend overwrites it", async () => {
    const root = await tempDir();
    const dir = join(root, "nested", "outbox-eml");
    const logs: Array<[string, object]> = [];
    const mailer = createEmlMailer({ dir, from: FROM, log: (m, meta) => logs.push([m, meta]) });
    cleanups.push(() => mailer.close());
    const mail = outgoing();

    await mailer.send(mail);
    await mailer.send({ ...mail, subject: `${mail.subject} (gửi lại)` });

    const files = await readdir(dir);
    expect(files).toEqual([`outbox-${seq}.alert@disbursement-monitor.local.eml`]);
    const raw = await readFile(join(dir, files[0]!));
    expect(raw.includes("\r\n")).toBe(false);
    const parsed = await simpleParser(raw);
    expect(parsed.subject).toBe(`${mail.subject} (gửi lại)`);
    expect(parsed.messageId).toBe(mail.messageId);
    const cc = Array.isArray(parsed.cc) ? parsed.cc[0] : parsed.cc;
    expect(cc?.value.map((a) => a.address)).toEqual(mail.cc);
    expect(parsed.from?.value[0]?.name).toBe("Hệ thống theo dõi giải ngân");
    expect(parsed.text).toContain("Kính gửi ông/bà Nguyễn Văn An,");
    expect(parsed.text).toContain("Còn thiếu so với mốc: 1.150.000.001 đ");
    expect(parsed.html).toContain("Đơn vị: UBND huyện Nam Giang");

    expect(logs).toHaveLength(2);
    expect(logs[0]![1]).toEqual({ to: mail.to, subject: mail.subject, file: join(dir, files[0]!) });
  });
});

describe("createMailer", () => {
  it("writes .eml files under <dataDir>/outbox-eml without an SMTP URL", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "mailer-data-"));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const mailer = createMailer({ from: FROM, dataDir });
    cleanups.push(() => mailer.close());
    await mailer.send(outgoing());
    expect(await readdir(join(dataDir, "outbox-eml"))).toHaveLength(1);
  });

  it("sends over SMTP when an URL is set", async () => {
    const s = await server();
    const mailer = createMailer({
      smtpUrl: `smtp://127.0.0.1:${s.port}`,
      from: FROM,
      dataDir: "/nonexistent",
    });
    cleanups.push(() => mailer.close());
    await mailer.send(outgoing());
    expect(s.received).toHaveLength(1);
  });
});
