// The outbox against a misbehaving mail server: 4xx for a while, refused connections, a 5xx for
// one recipient, a sender that crashed holding its claim, and one that crashed after the server
// had accepted. A real SMTP server on 127.0.0.1; only the clock is fake.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEMO_NOW, generateDemoProvince, loadDemoProvince } from "../scripts/demo-data.js";
import type { Mailer } from "../src/alerts/alert.types.js";
import { createSmtpMailer } from "../src/alerts/mailer/index.js";
import { createOutboxSender } from "../src/alerts/outbox-sender.js";
import { countByMessageId, type SmtpTestServer, startSmtpTestServer } from "./helpers/smtp-server.js";
import { ADMIN_KEY, createTestApp, fixedClock, type TestApp } from "./helpers/test-app.js";

const AS_OF = "2022-09-23";
const ADMINS = ["thuongtruc@bcd-mtqg.example.org", "kehoach@bcd-mtqg.example.org"];
const OUTBOX = { retryBaseMs: 20, retryMaxMs: 200, maxAttempts: 10, leaseMs: 1_000 };

let smtp: SmtpTestServer;
let mailer: Mailer;
let t: TestApp;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Row = {
  id: bigint;
  recipient: string;
  headerMessageId: string;
  status: string;
  attempts: number;
  temporaryFailures: number;
  permanentFailures: number;
  lastError: string | null;
};
const rows = (): Promise<Row[]> =>
  t.db.prisma.outboxMessage.findMany({ orderBy: { id: "asc" } }) as Promise<Row[]>;
const unfinished = () =>
  t.db.prisma.outboxMessage.count({ where: { status: { in: ["pending", "sending", "retry"] } } });

/** Drains until nothing is pending, sending or in retry; fails after `ms`. Returns the drains run. */
async function drainUntilSettled(ms = 20_000, between?: (round: number) => Promise<void>): Promise<number> {
  const deadline = Date.now() + ms;
  let round = 0;
  for (;;) {
    await t.container.sender.drain();
    round += 1;
    if ((await unfinished()) === 0) return round;
    if (Date.now() > deadline)
      throw new Error(`outbox still unfinished after ${ms} ms: ${await unfinished()}`);
    await between?.(round);
    await sleep(15);
  }
}

/** Runs the evaluation of AS_OF on an empty alert ledger; returns the messages it queued. */
async function evaluate(): Promise<Row[]> {
  const r = await t.container.alerts.runEvaluation({ asOf: AS_OF, dryRun: false, trigger: "api" });
  expect(r.ran).toBe(true);
  const queued = await rows();
  expect(queued.length).toBe(r.messages.length);
  expect(queued.length).toBeGreaterThan(5);
  return queued;
}

async function metric(name: string, labels: string): Promise<number> {
  const res = await t.app.inject({
    method: "GET",
    url: "/metrics",
    headers: { authorization: `Bearer ${ADMIN_KEY}` },
  });
  expect(res.statusCode).toBe(200);
  const escaped = `${name}{${labels}}`.replace(/[{}"]/g, (c) => `\\${c}`);
  const m = new RegExp(`^${escaped} (\\S+)$`, "m").exec(res.body);
  return m ? Number(m[1]) : 0;
}

/** Each queued message accepted exactly once, under its own Message-ID. */
function expectDeliveredOnce(queued: Row[]) {
  const byId = countByMessageId(smtp.received);
  expect([...byId.keys()].sort()).toEqual(queued.map((r) => r.headerMessageId).sort());
  expect([...byId.entries()].filter(([, n]) => n !== 1)).toEqual([]);
}

beforeAll(async () => {
  smtp = await startSmtpTestServer();
  mailer = createSmtpMailer({
    url: smtp.url,
    from: "Giám sát giải ngân MTQG <no-reply@disbursement-monitor.invalid>",
    timeoutMs: 2_000,
  });
  const clock = fixedClock(DEMO_NOW);
  t = await createTestApp({ clock, mailer, adminEmails: ADMINS, outbox: OUTBOX, kickSender: () => {} });
  expect((await loadDemoProvince(t.container, generateDemoProvince(), { maxBatchSize: 1000 })).status).toBe(
    "loaded",
  );
  clock.set(`${AS_OF}T00:00:00Z`);
}, 120_000);

afterAll(async () => {
  await t?.close();
  await mailer?.close();
  await smtp?.close();
});

beforeEach(async () => {
  // A fresh alert ledger and outbox for each case, over the same province.
  await t.db.prisma.$executeRawUnsafe(
    "TRUNCATE alert_acknowledgement, alert_pair_watch, alert_record, outbox_message, evaluation_run",
  );
  await smtp.acceptConnections();
  smtp.reset();
});

describe("outbox against SMTP faults", () => {
  it("retries 451 on DATA with backoff until the server recovers: each message delivered once", async () => {
    const queued = await evaluate();
    const failures = queued.length + 3; // every message fails at least once, some twice
    smtp.failNext(failures, "DATA", { code: 451, message: "4.3.0 Hệ thống bận, thử lại sau" });
    const temporaryBefore = await metric("dm_mail_failures_total", 'kind="temporary"');

    await drainUntilSettled();

    const after = await rows();
    expect(after.every((r) => r.status === "sent" && r.lastError === null)).toBe(true);
    expect(after.reduce((n, r) => n + r.temporaryFailures, 0)).toBe(failures);
    expect(after.every((r) => r.temporaryFailures >= 1 && r.attempts === r.temporaryFailures + 1)).toBe(true);
    expect(after.every((r) => r.permanentFailures === 0)).toBe(true);
    expect(smtp.stats.data).toBe(queued.length + failures);
    expectDeliveredOnce(queued);
    expect(await metric("dm_mail_failures_total", 'kind="temporary"')).toBe(temporaryBefore + failures);
  });

  it("retries 451 on RCPT the same way", async () => {
    const queued = await evaluate();
    smtp.failNext(4, "RCPT");
    await drainUntilSettled();
    const after = await rows();
    expect(after.every((r) => r.status === "sent")).toBe(true);
    expect(after.reduce((n, r) => n + r.temporaryFailures, 0)).toBe(4);
    // No DATA for a transaction whose recipients were all refused: nobody got a copy early.
    expect(smtp.stats.data).toBe(queued.length);
    expectDeliveredOnce(queued);
  });

  it("retries refused connections until the server listens again on the same port", async () => {
    const queued = await evaluate();
    await smtp.refuseConnections();
    // While it is down: every attempt fails as temporary, nothing is lost or given up.
    const down = Date.now();
    while (Date.now() - down < 400) {
      await t.container.sender.drain();
      await sleep(20);
    }
    const during = await rows();
    expect(during.every((r) => r.status === "retry" && r.temporaryFailures >= 1)).toBe(true);
    expect(during.every((r) => /ECONNREFUSED/.test(r.lastError ?? ""))).toBe(true);
    expect(smtp.received).toHaveLength(0);

    await smtp.acceptConnections();
    await drainUntilSettled();
    const after = await rows();
    expect(after.every((r) => r.status === "sent" && r.lastError === null)).toBe(true);
    expect(after.some((r) => r.attempts > 2)).toBe(true);
    expectDeliveredOnce(queued);
  });

  it("loses nothing when the server goes away in the middle of a drain", async () => {
    const queued = await evaluate();
    smtp.delay(40); // slow answers, so that the outage lands while messages are in flight
    const drain = t.container.sender.drain();
    await smtp.waitFor(3);
    await smtp.refuseConnections();
    await drain; // in-flight sends fail (421, dropped connection, refused) and go to retry
    await sleep(100);
    await smtp.acceptConnections();
    smtp.delay(0);
    await drainUntilSettled();

    const after = await rows();
    expect(after.every((r) => r.status === "sent")).toBe(true);
    expect(after.reduce((n, r) => n + r.temporaryFailures, 0)).toBeGreaterThan(0);
    // At least once, and a copy the server kept while the client never heard its 250 comes
    // again under the same Message-ID: nothing is lost, any duplicate is recognisable.
    const byId = countByMessageId(smtp.received);
    expect([...byId.keys()].sort()).toEqual(queued.map((r) => r.headerMessageId).sort());
  });

  it("marks a message dead on 550 for its recipient, sends the others, and shows the failure to admins", async () => {
    const queued = await evaluate();
    const victim = queued.find((r) => r.recipient.startsWith("chutich@"))!;
    smtp.rejectRecipient(victim.recipient, {
      code: 550,
      message: "5.1.1 Hộp thư không tồn tại / user unknown",
    });
    const permanentBefore = await metric("dm_mail_failures_total", 'kind="permanent"');
    const deadBefore = await metric("dm_outbox_dead_total", 'reason="permanent"');
    expect(await metric("dm_outbox_messages", 'status="dead"')).toBe(0);

    await drainUntilSettled();
    const after = await rows();
    const dead = after.filter((r) => r.status === "dead");
    expect(dead.map((r) => r.id)).toEqual([victim.id]);
    expect(dead[0]).toMatchObject({ attempts: 1, permanentFailures: 1, temporaryFailures: 0 });
    expect(dead[0]!.lastError).toMatch(/550/);
    expect(dead[0]!.lastError).toContain("user unknown");
    expect(after.filter((r) => r.status === "sent")).toHaveLength(queued.length - 1);
    // Only the others reached their heads (the cc of the dead one may still have its copy).
    const toHeads = smtp.received.filter((m) => m.envelope.to.includes(victim.recipient));
    expect(toHeads).toEqual([]);
    expectDeliveredOnce(queued); // the victim's cc accepted it once; the head never did

    // Admin-visible: the dead message's alerts, and the metrics.
    const res = await t.request("GET", "/api/v1/alerts?status=dead&limit=100");
    expect(res.status).toBe(200);
    const items = (
      res.body as { items: { recipient: string; message: { status: string; lastError: string } }[] }
    ).items;
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((i) => i.recipient === victim.recipient && i.message.status === "dead")).toBe(true);
    expect(items[0]!.message.lastError).toMatch(/550/);
    expect(await metric("dm_mail_failures_total", 'kind="permanent"')).toBe(permanentBefore + 1);
    expect(await metric("dm_outbox_messages", 'status="dead"')).toBe(1);
    expect(await metric("dm_outbox_dead_total", 'reason="permanent"')).toBe(deadBefore + 1);

    // Once the address is fixed on the server side, an admin resends it: same Message-ID.
    smtp.acceptRecipient(victim.recipient);
    const alertId = (items[0] as unknown as { id: string }).id;
    expect((await t.request("POST", `/api/v1/alerts/${alertId}/resend`)).status).toBe(202);
    await drainUntilSettled();
    const toHead = smtp.received.filter((m) => m.envelope.to.includes(victim.recipient));
    expect(toHead.map((m) => m.messageId)).toEqual([victim.headerMessageId]);
    expect(await metric("dm_outbox_messages", 'status="dead"')).toBe(0);
  });

  it("re-drives messages a crashed sender claimed and never sent, once their lease expires", async () => {
    const queued = await evaluate();
    // A sender claims everything and dies before talking to the server.
    const claimed = await t.container.outbox.claim(100, OUTBOX.leaseMs);
    expect(claimed.map((c) => c.id).sort()).toEqual(queued.map((r) => r.id).sort());
    expect((await rows()).every((r) => r.status === "sending")).toBe(true);

    // Within the lease nobody else touches them.
    expect(await t.container.sender.drain()).toBe(0);
    expect(smtp.received).toHaveLength(0);

    await sleep(OUTBOX.leaseMs + 100);
    expect(await t.container.sender.drain()).toBe(queued.length);
    const after = await rows();
    expect(after.every((r) => r.status === "sent" && r.attempts === 2)).toBe(true);
    expectDeliveredOnce(queued);
  });

  it("re-drives a lease set in the past at once", async () => {
    const queued = await evaluate();
    await t.container.outbox.claim(100, 60_000);
    expect(await t.container.sender.drain()).toBe(0);
    await t.db.prisma.$executeRawUnsafe(
      "UPDATE outbox_message SET lease_until = now() - interval '1 second' WHERE status = 'sending'",
    );
    expect(await t.container.sender.drain()).toBe(queued.length);
    expectDeliveredOnce(queued);
  });

  it("a resend after a crash carries the same Message-ID, so the duplicate is recognisable", async () => {
    const queued = await evaluate();
    // A sender claims, the server accepts, and the sender dies before recording it as sent.
    const claimed = await t.container.outbox.claim(100, OUTBOX.leaseMs);
    for (const m of claimed) await t.container.mailer.send(m);
    expect(smtp.received).toHaveLength(queued.length);

    await sleep(OUTBOX.leaseMs + 100);
    await drainUntilSettled();
    const after = await rows();
    expect(after.every((r) => r.status === "sent")).toBe(true);
    // At-least-once: every message twice, each copy under the Message-ID of its outbox row,
    // with identical content, so a reader (or a mail filter) sees it is the same message.
    const byId = countByMessageId(smtp.received);
    expect([...byId.keys()].sort()).toEqual(queued.map((r) => r.headerMessageId).sort());
    expect([...byId.values()].every((n) => n === 2)).toBe(true);
    for (const id of byId.keys()) {
      const [a, b] = smtp.received.filter((m) => m.messageId === id);
      expect([b!.subject, b!.text, b!.to, b!.cc]).toEqual([a!.subject, a!.text, a!.to, a!.cc]);
    }
    // The ledger still holds one row per alert.
    const dup = await t.db.prisma.$queryRawUnsafe<{ n: bigint }[]>(
      `SELECT count(*) AS n FROM (SELECT 1 FROM alert_record
        GROUP BY plan_year, milestone_id, unit_code, program, stage, recipient HAVING count(*) > 1) d`,
    );
    expect(Number(dup[0]!.n)).toBe(0);
  });

  it("gives up after maxAttempts temporary failures and says so: logged with the reason, counted", async () => {
    const queued = await evaluate();
    await smtp.refuseConnections();
    // The sender as the service wires it: the service's logger, the /metrics observer.
    const lines: { level: "info" | "warn"; msg: string; meta: Record<string, unknown> }[] = [];
    const sender = createOutboxSender({
      outbox: t.container.outbox,
      mailer,
      config: OUTBOX,
      observer: t.container.metrics.observer,
      log: {
        info: (meta, msg) => lines.push({ level: "info", msg, meta: meta as Record<string, unknown> }),
        warn: (meta, msg) => lines.push({ level: "warn", msg, meta: meta as Record<string, unknown> }),
      },
    });
    const exhaustedBefore = await metric("dm_outbox_dead_total", 'reason="retries_exhausted"');
    const deadline = Date.now() + 20_000;
    while ((await unfinished()) > 0) {
      if (Date.now() > deadline) throw new Error("messages never gave up");
      await sender.drain();
      await sleep(20);
    }
    // Every attempt logged by its outcome: a retry at info until the last, dead as a warning.
    const logged = lines.filter((l) => l.msg === "outbox message dead");
    expect(logged.map((l) => l.level)).toEqual(queued.map(() => "warn"));
    const retries = lines.filter((l) => l.msg === "outbox message to retry");
    expect(retries.length).toBe(queued.length * (OUTBOX.maxAttempts - 1));
    expect(retries.every((l) => l.level === "info")).toBe(true);
    expect(lines.length).toBe(logged.length + retries.length);
    // Which message, never what it says or to whom exactly.
    for (const l of lines) {
      expect(Object.keys(l.meta)).not.toContain("to");
      expect(JSON.stringify(l.meta)).not.toMatch(/"(subject|html|text|cc)"/);
    }
    expect(logged.map((l) => l.meta.id).sort()).toEqual(queued.map((r) => String(r.id)).sort());
    for (const l of logged) {
      expect(l.meta).toMatchObject({ attempts: OUTBOX.maxAttempts, permanent: false });
      expect(l.meta.reason).toMatch(/^gave up after 10 attempts: .*ECONNREFUSED/);
    }
    expect(await metric("dm_outbox_dead_total", 'reason="retries_exhausted"')).toBe(
      exhaustedBefore + queued.length,
    );
    const after = await rows();
    expect(after.every((r) => r.status === "dead")).toBe(true);
    expect(after.every((r) => r.attempts === OUTBOX.maxAttempts)).toBe(true);
    expect(after.every((r) => r.temporaryFailures === OUTBOX.maxAttempts && r.permanentFailures === 0)).toBe(
      true,
    );
    expect(after.every((r) => /^gave up after 10 attempts: .*ECONNREFUSED/.test(r.lastError ?? ""))).toBe(
      true,
    );
  });
});
