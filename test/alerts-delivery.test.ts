// Alerts end to end over the demo province: evaluation, alert ledger, outbox, a real SMTP server
// on 127.0.0.1, and the API around them. Only the clock is fake.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_NOW, type DemoProvince, generateDemoProvince, loadDemoProvince } from "../scripts/demo-data.js";
import type { Mailer } from "../src/alerts/alert.types.js";
import { createSmtpMailer } from "../src/alerts/mailer/index.js";
import { DEFAULT_PLAN_2022 } from "../src/domain/plan.js";
import type { LedgerEntry } from "../src/domain/reference-ledger.js";
import { judgeUnit } from "./helpers/reference-judge.js";
import { countByMessageId, type SmtpTestServer, startSmtpTestServer } from "./helpers/smtp-server.js";
import { ADMIN_KEY, createTestApp, fixedClock, type TestApp } from "./helpers/test-app.js";

const AS_OF = "2022-09-23"; // a Friday, 7 days before the 30/9 milestone
const ADMINS = ["thuongtruc@bcd-mtqg.example.org", "kehoach@bcd-mtqg.example.org"];
const FROM = "Giám sát giải ngân MTQG <no-reply@disbursement-monitor.invalid>";
/** A unit added beside the demo, headed by the head of a laggard demo unit. */
const EXTRA = {
  code: "BQL_DU_AN",
  name: "Ban Quản lý dự án đầu tư xây dựng huyện",
  kind: "district",
  ccEmails: ["ketoan@bql-du-an.example.org"],
};

let smtp: SmtpTestServer;
let mailer: Mailer;
let t: TestApp;
let province: DemoProvince;
let shared: { code: string; headEmail: string; headName: string; ccEmails: string[] };

type OutboxRow = {
  id: bigint;
  kind: string;
  recipient: string;
  cc: string[];
  subject: string;
  headerMessageId: string;
  status: string;
  attempts: number;
};
const outboxRows = (): Promise<OutboxRow[]> =>
  t.db.prisma.outboxMessage.findMany({ orderBy: { id: "asc" } }) as Promise<OutboxRow[]>;
const counts = async () => ({
  alerts: await t.db.prisma.alertRecord.count(),
  messages: await t.db.prisma.outboxMessage.count(),
  runs: await t.db.prisma.evaluationRun.count(),
});

/** 1234567890n → "1.234.567.890 đ", written without the service's formatter. */
function dong(n: bigint): string {
  const digits = n.toString();
  const groups: string[] = [];
  for (let end = digits.length; end > 0; end -= 3) groups.unshift(digits.slice(Math.max(0, end - 3), end));
  return `${groups.join(".")} đ`;
}

function ledgerEntries(p: DemoProvince): LedgerEntry[] {
  return [
    ...p.allocations.map((a) => ({ ...a, date: a.decidedOn, kind: "allocation" as const })),
    ...p.disbursements.map((d) => ({ ...d, date: d.disbursedOn, kind: "disbursement" as const })),
  ];
}

beforeAll(async () => {
  smtp = await startSmtpTestServer();
  mailer = createSmtpMailer({ url: smtp.url, from: FROM, timeoutMs: 5_000 });
  const clock = fixedClock(DEMO_NOW);
  t = await createTestApp({
    clock,
    mailer,
    adminEmails: ADMINS,
    // The tests drain the outbox themselves, so every assertion sees a settled state.
    kickSender: () => {},
  });
  province = generateDemoProvince();
  expect((await loadDemoProvince(t.container, province, { maxBatchSize: 1000 })).status).toBe("loaded");

  // A poor district that misses both milestones; its head also heads the extra unit.
  const laggard = province.units.find((u) => u.code === province.intended.below90AtDec31[0])!;
  shared = laggard;
  const unit = await t.request("POST", "/api/v1/units", {
    body: { ...EXTRA, headName: laggard.headName, headEmail: laggard.headEmail },
  });
  expect(unit.status, JSON.stringify(unit.body)).toBe(201);
  const scope = { unitCode: EXTRA.code, program: "NTM", planYear: 2022, source: "central" };
  const alloc = await t.request("POST", "/api/v1/allocations", {
    body: {
      ...scope,
      capitalType: "investment",
      amount: 1_234_567_890,
      decisionRef: "15/QĐ-UBND",
      decidedOn: "2022-01-20",
    },
  });
  expect(alloc.status, JSON.stringify(alloc.body)).toBe(201);
  const paid = await t.request("POST", "/api/v1/disbursements", {
    body: {
      ...scope,
      capitalType: "investment",
      amount: 200_000_000,
      disbursedOn: "2022-09-09",
      reference: "KBNN-BQL-0001",
    },
  });
  expect(paid.status, JSON.stringify(paid.body)).toBe(201);

  clock.set(`${AS_OF}T00:00:00Z`); // 07:00 in Vietnam
}, 120_000);

afterAll(async () => {
  await t?.close();
  await mailer?.close();
  await smtp?.close();
});

describe("alert delivery over SMTP", () => {
  let dry: Awaited<ReturnType<TestApp["container"]["alerts"]["runEvaluation"]>>;

  it("a dry run decides what would go out and writes nothing", async () => {
    dry = await t.container.alerts.runEvaluation({ asOf: AS_OF, dryRun: true, trigger: "api" });
    expect(dry).toMatchObject({ asOf: AS_OF, dryRun: true, ran: true, planYears: [2022] });
    expect(dry.queued).toBeGreaterThan(20);
    expect(dry.skipped).toBeGreaterThan(0); // T-30 and T-14 reminders are stale on T-7
    const recipients = dry.messages.map((m) => m.to.toLowerCase());
    expect(new Set(recipients).size).toBe(recipients.length);
    expect(recipients).toEqual(expect.arrayContaining([shared.headEmail, ...ADMINS]));
    // The kinds a real run reports: to unit heads, and to admins (escalations and digest together).
    expect(new Set(dry.messages.map((m) => m.kind))).toEqual(new Set(["unit", "admin"]));

    const viaApi = await t.request("POST", `/api/v1/alerts/run?asOf=${AS_OF}&dryRun=true`);
    expect(viaApi.status, JSON.stringify(viaApi.body)).toBe(200);
    expect(viaApi.body).toMatchObject({
      dryRun: true,
      ran: true,
      queued: dry.queued,
      skipped: dry.skipped,
      messages: dry.messages,
    });
    expect(await counts()).toEqual({ alerts: 0, messages: 0, runs: 0 });
    expect(smtp.received).toHaveLength(0);
  });

  it("previews a unit head's message without writing or sending", async () => {
    const res = await t.request("GET", `/api/v1/alerts/preview?unit=${shared.code}&asOf=${AS_OF}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const { messages } = res.body as {
      messages: { to: string; cc: string[]; subject: string; text: string }[];
    };
    expect(messages).toHaveLength(1);
    expect(messages[0]!.to).toBe(shared.headEmail);
    expect(messages[0]!.cc).toEqual(shared.ccEmails);
    expect(messages[0]!.subject).toMatch(/^\[Giải ngân MTQG\] /);
    expect(messages[0]!.text).toContain("Kính gửi ông/bà");
    expect(await counts()).toEqual({ alerts: 0, messages: 0, runs: 0 });
    expect(smtp.received).toHaveLength(0);
    const asViewer = await t.request("GET", `/api/v1/alerts/preview?unit=${shared.code}&asOf=${AS_OF}`, {
      key: await t.keyFor("viewer"),
    });
    expect(asViewer.status).toBe(403);
    // A code that names no unit is not a unit to which nothing would be sent.
    const unknown = await t.request("GET", `/api/v1/alerts/preview?unit=NO_SUCH_UNIT&asOf=${AS_OF}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: "not_found", message: "no unit with code NO_SUCH_UNIT" });
  });

  it("previews every recipient's message without a unit: exactly what the run would send", async () => {
    const res = await t.request("GET", `/api/v1/alerts/preview?asOf=${AS_OF}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const { messages } = res.body as {
      messages: { kind: string; to: string; subject: string; inLedger: boolean; items: unknown[] }[];
    };
    expect(messages.every((m) => !m.inLedger)).toBe(true);
    expect(
      messages.map((m) => ({ kind: m.kind, to: m.to, items: m.items.length, subject: m.subject })),
    ).toEqual(dry.messages);
    expect(await counts()).toEqual({ alerts: 0, messages: 0, runs: 0 });
  });

  it("queues exactly what the dry run announced, one message per recipient, and delivers each once", async () => {
    const run = await t.container.alerts.runEvaluation({ asOf: AS_OF, dryRun: false, trigger: "api" });
    expect(run).toMatchObject({ ran: true, queued: dry.queued, skipped: dry.skipped });
    // Dry and real runs report the same messages: kinds, recipients, items and subjects.
    expect(run.messages).toEqual(dry.messages);

    const handled = await t.container.sender.drain();
    const rows = await outboxRows();
    expect(handled).toBe(rows.length);
    expect(rows.length).toBe(dry.messages.length);
    expect(rows.every((r) => r.status === "sent" && r.attempts === 1)).toBe(true);
    // One message per recipient in this run, whatever the number of units, programs or milestones.
    expect(new Set(rows.map((r) => r.recipient.toLowerCase())).size).toBe(rows.length);

    // Every message arrived once, under the Message-ID its outbox row holds.
    expect(smtp.received).toHaveLength(rows.length);
    const byId = countByMessageId(smtp.received);
    expect([...byId.values()].every((n) => n === 1)).toBe(true);
    expect([...byId.keys()].sort()).toEqual(rows.map((r) => r.headerMessageId).sort());
    for (const r of rows) {
      const mail = smtp.received.find((m) => m.messageId === r.headerMessageId)!;
      expect(mail.to).toEqual([r.recipient.toLowerCase()]);
      expect(mail.cc).toEqual(r.cc.map((c) => c.toLowerCase()));
      expect(mail.envelope.to.sort()).toEqual([r.recipient, ...r.cc].map((a) => a.toLowerCase()).sort());
      expect(mail.subject).toBe(r.subject);
    }

    // The ledger: every queued alert points at a sent message; stale stages are rows too.
    const alerts = await t.db.prisma.alertRecord.findMany();
    expect(alerts.filter((a) => a.outcome === "queued")).toHaveLength(dry.queued);
    expect(alerts.filter((a) => a.outcome === "skipped")).toHaveLength(dry.skipped);
    expect(alerts.filter((a) => a.outcome === "queued").every((a) => a.messageId !== null)).toBe(true);
    expect(alerts.filter((a) => a.outcome === "skipped").every((a) => a.messageId === null)).toBe(true);
    // The milestones' stale reminders; the 2022 duties due in June are long stale by 23/09 (all their stages).
    const duties = new Set((DEFAULT_PLAN_2022.duties ?? []).map((d) => d.id));
    const skipped = alerts.filter((a) => a.outcome === "skipped");
    expect(new Set(skipped.filter((a) => !duties.has(a.milestoneId)).map((a) => a.stage))).toEqual(
      new Set(["reminder_30", "reminder_14"]),
    );
  });

  it("sends a unit's alerts to its head with its ccEmails in copy", async () => {
    const rows = await outboxRows();
    const heads = new Map<string, string[]>();
    for (const u of province.units) {
      const list = heads.get(u.headEmail) ?? [];
      heads.set(u.headEmail, [...list, ...u.ccEmails]);
    }
    heads.set(shared.headEmail, [...shared.ccEmails, ...EXTRA.ccEmails]);
    const unitRows = rows.filter((r) => r.kind === "unit");
    expect(unitRows.length).toBeGreaterThan(5);
    for (const r of unitRows) expect(r.cc.sort(), r.recipient).toEqual([...heads.get(r.recipient)!].sort());
    // Admins get the digest of the week (Monday 19/9, caught up on Friday), without copies.
    const adminRows = rows.filter((r) => r.kind !== "unit");
    expect(adminRows.map((r) => [r.kind, r.recipient]).sort()).toEqual(
      ADMINS.map((a) => ["admin", a]).sort(),
    );
    for (const r of adminRows) expect(r.cc).toEqual([]);
  });

  it("writes one Vietnamese message per head listing every unit, program and milestone, with the figures", async () => {
    const rows = await outboxRows();
    const row = rows.find((r) => r.recipient === shared.headEmail)!;
    const mail = smtp.received.find((m) => m.messageId === row.headerMessageId)!;
    expect(mail.parsed.messageId).toBe(row.headerMessageId);
    expect(mail.parsed.headers.get("auto-submitted")).toBe("auto-generated");
    expect(mail.parsed.from?.value[0]).toMatchObject({
      name: "Giám sát giải ngân MTQG",
      address: "no-reply@disbursement-monitor.invalid",
    });
    expect(mail.subject).toMatch(
      /^\[Giải ngân MTQG\] Cảnh báo \(hạn đến hết ngày 30\/09\/2022\): \d+ chương trình có nguy cơ/,
    );
    const text = mail.text;
    expect(text).toContain(`Kính gửi ông/bà ${shared.headName},`);
    expect(text).toContain("2 đơn vị do ông/bà phụ trách");
    expect(text).toContain("theo số liệu đến hết ngày 23/09/2022");
    const laggard = province.units.find((u) => u.code === shared.code)!;
    expect(text).toContain(`Đơn vị: ${laggard.name}`);
    expect(text).toContain(`Đơn vị: ${EXTRA.name}`);
    expect(mail.html).toContain(`Đơn vị: ${laggard.name}`);
    expect(mail.html).toContain("Trân trọng.");

    // Every (program, milestone) item of the message, with the figures the reference judge gives.
    const alerts = await t.db.prisma.alertRecord.findMany({ where: { messageId: row.id } });
    const entries = ledgerEntries(province);
    const reference = judgeUnit(entries, shared.code, AS_OF);
    const m60 = reference.filter((e) => e.id === "M60");
    expect(m60.length).toBe(3); // NTM, GNBV, DTTS
    for (const e of m60) {
      expect(e.status).toBe("at_risk");
      const stages = alerts
        .filter((a) => a.unitCode === shared.code && a.program === e.program && a.milestoneId === "M60")
        .map((a) => a.stage)
        .sort();
      expect(stages).toEqual(["at_risk", "reminder_7"]);
      // shortfall and daily pace as a Vietnamese reader writes money: 1.234.567.890 đ
      expect(text).toContain(`Còn thiếu so với mốc: ${dong(e.shortfall)}`);
      expect(text).toContain(`Cần giải ngân bình quân: ${dong(e.requiredDailyPace!)}/ngày`);
      expect(e.shortfall > 1_000_000_000n).toBe(true);
      expect(dong(e.shortfall)).toMatch(/^\d{1,3}(\.\d{3}){3,} đ$/);
    }
    expect(text).toContain("còn 7 ngày");
    // 23/9 to 30/9: 7 days, 5 of them working days (the snapshot's workingDaysLeft).
    expect(text).toMatch(/Nhắc hạn: còn 7 ngày.*hạn đến hết ngày 30\/09\/2022/);
    expect(text).toContain("5 ngày làm việc");
    expect(text).toContain("có nguy cơ không đạt mốc (hạn đến hết ngày 30/09/2022)");
    expect(text).toContain("trước ngày 10/11/2022"); // the reallocation request guidance of M60
    for (const name of ["nông thôn mới", "giảm nghèo", "dân tộc thiểu số"])
      expect(text.toLowerCase()).toContain(name);
    // The extra unit: 200.000.000 đ of 1.234.567.890 đ by 23/9; above 60% needs 540.740.735 đ more.
    expect(text).toContain("Kế hoạch vốn: 1.234.567.890 đ");
    expect(text).toContain("Đã giải ngân: 200.000.000 đ");
    expect(text).toContain(
      `Còn thiếu so với mốc: ${dong((1_234_567_890n * 60n) / 100n + 1n - 200_000_000n)}`,
    );
    // Every alert of the message is one item: as many numbered items as alert rows.
    const numbered = text.split("\n").filter((l) => /^\d+\. /.test(l));
    expect(numbered).toHaveLength(alerts.length);
  });

  it("running the same date again queues and sends nothing new", async () => {
    const before = await counts();
    const again = await t.container.alerts.runEvaluation({ asOf: AS_OF, dryRun: false, trigger: "api" });
    expect(again).toMatchObject({ ran: true, queued: 0, skipped: 0, messages: [] });
    expect(await t.container.sender.drain()).toBe(0);
    const viaApi = await t.request("POST", `/api/v1/alerts/run?asOf=${AS_OF}&dryRun=false`);
    expect(viaApi.status).toBe(200);
    expect(viaApi.body).toMatchObject({ ran: true, queued: 0, skipped: 0, messages: [] });
    const dryAgain = await t.request("POST", `/api/v1/alerts/run?asOf=${AS_OF}&dryRun=true`);
    expect(dryAgain.body).toMatchObject({ queued: 0, skipped: 0, messages: [] });
    expect(await counts()).toEqual({ ...before, runs: before.runs + 2 });
    expect(smtp.received).toHaveLength(before.messages);
  });

  it("previews what the ledger already holds as such, and nothing as still to send", async () => {
    const before = await counts();
    const res = await t.request("GET", `/api/v1/alerts/preview?asOf=${AS_OF}`);
    expect(res.status).toBe(200);
    const { messages } = res.body as { messages: { to: string; inLedger: boolean; items: unknown[] }[] };
    expect(messages.length, JSON.stringify(before)).toBe(before.messages);
    expect(messages.every((m) => m.inLedger)).toBe(true);
    const queued = await t.db.prisma.alertRecord.count({ where: { outcome: "queued" } });
    expect(messages.reduce((n, m) => n + m.items.length, 0)).toBe(queued);
    expect(await counts()).toEqual(before);
  });

  it("evaluates nothing on a date without a plan of its year or the year before", async () => {
    // The 2022 plan's milestones closed long ago: no stale rows, no digest of 2022 in 2026.
    for (const asOf of ["2024-01-02", "2026-11-23"]) {
      const r = await t.container.alerts.runEvaluation({ asOf, dryRun: true, trigger: "api" });
      expect(r, asOf).toMatchObject({ planYears: [], queued: 0, skipped: 0, messages: [] });
    }
    // The year after still counts: missed notices of 2022 are stale by then, the digest is not.
    const next = await t.container.alerts.runEvaluation({ asOf: "2023-03-06", dryRun: true, trigger: "api" });
    expect(next.planYears).toEqual([2022]);
  });

  it("runs only for admins", async () => {
    expect((await t.request("POST", `/api/v1/alerts/run?asOf=${AS_OF}`, { key: null })).status).toBe(401);
    const viewer = await t.keyFor("viewer");
    expect((await t.request("POST", `/api/v1/alerts/run?asOf=${AS_OF}`, { key: viewer })).status).toBe(403);
    expect((await t.request("POST", "/api/v1/alerts/run?asOf=2022-02-30")).status).toBe(400);
  });

  it("lists the ledger with its delivery state, filtered", async () => {
    type Item = {
      id: string;
      unitCode: string;
      stage: string;
      outcome: string;
      message: { status: string; headerMessageId: string } | null;
    };
    const viewer = await t.keyFor("viewer");
    const mine = await t.request("GET", `/api/v1/alerts?unit=${shared.code}&planYear=2022&limit=100`, {
      key: viewer,
    });
    expect(mine.status, JSON.stringify(mine.body)).toBe(200);
    const items = (mine.body as { items: Item[] }).items;
    expect(items.length).toBeGreaterThan(0);
    expect(items.every((i) => i.unitCode === shared.code)).toBe(true);
    const header = (await outboxRows()).find((r) => r.recipient === shared.headEmail)!.headerMessageId;
    for (const i of items.filter((x) => x.outcome === "queued"))
      expect(i.message).toMatchObject({ status: "sent", headerMessageId: header });

    const skipped = await t.request("GET", "/api/v1/alerts?status=skipped&limit=500");
    const skippedItems = (skipped.body as { items: Item[] }).items;
    expect(skippedItems.length).toBe(dry.skipped);
    expect(skippedItems.every((i) => i.outcome === "skipped" && i.message === null)).toBe(true);

    const reminders = await t.request("GET", "/api/v1/alerts?stage=reminder_7&status=sent&limit=500");
    const reminderItems = (reminders.body as { items: Item[] }).items;
    expect(reminderItems.length).toBeGreaterThan(0);
    expect(reminderItems.every((i) => i.stage === "reminder_7" && i.message?.status === "sent")).toBe(true);

    // Paging: a cursor walks the whole ledger without repeating a row.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: unknown } = await t.request(
        "GET",
        `/api/v1/alerts?limit=7${cursor ? `&cursor=${cursor}` : ""}`,
      );
      const body = page.body as { items: Item[]; nextCursor: string | null };
      seen.push(...body.items.map((i) => String(i.id)));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen.length).toBe(await t.db.prisma.alertRecord.count());
    expect(new Set(seen).size).toBe(seen.length);
    expect((await t.request("GET", "/api/v1/alerts", { key: null })).status).toBe(401);
  });

  it("resends an alert's message under the same Message-ID", async () => {
    const row = (await outboxRows()).find((r) => r.recipient === shared.headEmail)!;
    const alert = await t.db.prisma.alertRecord.findFirstOrThrow({ where: { messageId: row.id } });
    const before = smtp.received.length;
    const res = await t.request("POST", `/api/v1/alerts/${alert.id}/resend`);
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body).toEqual({ messageId: String(row.id), status: "pending" });
    // Queued once: a second resend before it went out is refused, naming the rule.
    const again = await t.request("POST", `/api/v1/alerts/${alert.id}/resend`);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      error: "conflict",
      message: expect.stringContaining("already queued"),
      issues: [{ path: "params.id", rule: "already_queued" }],
      requestId: expect.any(String),
    });
    expect(await t.db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({
      status: "pending",
      headerMessageId: row.headerMessageId,
    });

    expect(await t.container.sender.drain()).toBe(1);
    expect(smtp.received).toHaveLength(before + 1);
    const resent = smtp.received.at(-1)!;
    expect(resent.messageId).toBe(row.headerMessageId);
    expect(resent.subject).toBe(row.subject);
    expect(countByMessageId(smtp.received).get(row.headerMessageId)).toBe(2);
    const after = await t.db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: row.id } });
    expect(after.status).toBe("sent");

    const skipped = await t.db.prisma.alertRecord.findFirstOrThrow({ where: { outcome: "skipped" } });
    expect((await t.request("POST", `/api/v1/alerts/${skipped.id}/resend`)).status).toBe(404);
    expect((await t.request("POST", "/api/v1/alerts/999999999/resend")).status).toBe(404);
    const viewer = await t.keyFor("viewer");
    expect((await t.request("POST", `/api/v1/alerts/${alert.id}/resend`, { key: viewer })).status).toBe(403);
  });

  it("exposes the outbox and the watcher's heartbeat on /metrics", async () => {
    const res = await t.app.inject({
      method: "GET",
      url: "/metrics",
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/plain/);
    const sent = await t.db.prisma.outboxMessage.count({ where: { status: "sent" } });
    expect(res.body).toContain(`dm_outbox_messages{status="sent"} ${sent}`);
    expect(res.body).toContain('dm_outbox_messages{status="dead"} 0');
    const heartbeat = /^dm_last_successful_evaluation_timestamp_seconds (\S+)$/m.exec(res.body);
    expect(heartbeat).not.toBeNull();
    // The heartbeat is the time the last run finished (a real time, not the replayed date).
    expect(Math.abs(Number(heartbeat![1]) - Date.now() / 1000)).toBeLessThan(300);
    expect(res.body).toMatch(/^dm_mail_send_seconds_count \d+$/m);
    expect((await t.app.inject({ method: "GET", url: "/metrics" })).statusCode).toBe(401);
  });
});
