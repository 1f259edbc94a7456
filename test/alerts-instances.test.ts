// Two real service processes on one PostgreSQL database, running the same schedule against the
// same SMTP server: each message goes out once. PostgreSQL only (PGlite is one process's own).
//
// The processes run on the real clock, so the data is for the current year: a plan whose
// milestones fall due in 5 days and tomorrow (a T-7 and a T-1 reminder are due today), and units
// of which most are at risk. Both processes catch up at start-up at the same moment, and the
// test fires API runs at both at once on top.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAlertsService } from "../src/alerts/alerts.service.js";
import { createEvaluationRunsRepository } from "../src/alerts/evaluation-runs.repository.js";
import { createSmtpMailer } from "../src/alerts/mailer/index.js";
import { createOutboxRepository } from "../src/alerts/outbox.repository.js";
import { createOutboxService } from "../src/alerts/outbox.service.js";
import { DEFAULT_ALERT_POLICY } from "../src/alerts/policy.js";
import { renderMessage } from "../src/alerts/templates/render.js";
import { publicHolidays } from "../src/calendar/public-holidays.js";
import { type Container, createContainer } from "../src/container.js";
import { openDatabase } from "../src/db/database.js";
import { addDays, maxDate } from "../src/domain/local-date.js";
import { isoWeekday, workingCalendar } from "../src/domain/working-days.js";
import { currentYearPlan } from "./helpers/current-year-plan.js";
import { type ServiceProcess, startService, stopAllServices } from "./helpers/service-process.js";
import { countByMessageId, type SmtpTestServer, startSmtpTestServer } from "./helpers/smtp-server.js";
import { ADMIN_KEY, createTestApp, type TestApp } from "./helpers/test-app.js";

const onPostgres = process.env.TEST_DATABASE === "postgres";
/** False only on a weekday public holiday, which no calendar data can make a working day. */
let workingToday = true;
const ADMINS = ["thuongtruc@bcd-mtqg.example.org", "kehoach@bcd-mtqg.example.org"];
const MILLION = 1_000_000;

let smtp: SmtpTestServer;
let t: TestApp;
let services: ServiceProcess[] = [];
let expectedUnitHeads: string[] = [];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function ok(res: { status: number; body: unknown }, status: number, what: string) {
  expect(res.status, `${what}: ${JSON.stringify(res.body)}`).toBe(status);
  return res.body;
}

/**
 * Data of the current year through the API: a plan whose milestones fall due in 5 days (Q60) and
 * tomorrow (Q30), and eight units. Returns the unit heads who have something due today.
 */
async function seedCurrentYear(t: TestApp): Promise<string[]> {
  const today = t.container.today();
  const year = Number(today.slice(0, 4));

  const plan = currentYearPlan(today, "kiểm thử");
  await ok(await t.request("PUT", `/api/v1/plans/${plan.year}`, { body: plan.body }), 200, "plan");

  // Eight units; the head of I1 also heads I2. Disbursed share and when:
  // I1 10%, I2 20%, I3 25%, I4 40% long ago (no recent pace: at risk of both or of Q60 only);
  // I5 65% (met both); I6 nothing disbursed; I7 50% recently; I8 35% long ago.
  const shares: Record<string, [number, number]> = {
    I1: [10, 60],
    I2: [20, 60],
    I3: [25, 60],
    I4: [40, 60],
    I5: [65, 60],
    I6: [0, 0],
    I7: [50, 3],
    I8: [35, 45],
  };
  for (const code of Object.keys(shares)) {
    const head = code === "I2" ? "I1" : code;
    await ok(
      await t.request("POST", "/api/v1/units", {
        body: {
          code,
          name: `UBND huyện Thử nghiệm ${code}`,
          kind: "district",
          headName: `Chủ tịch ${head}`,
          headEmail: `chutich.${head.toLowerCase()}@thu-nghiem.example.org`,
          ccEmails: [`tckh.${code.toLowerCase()}@thu-nghiem.example.org`],
        },
      }),
      201,
      `unit ${code}`,
    );
  }
  const scope = (unitCode: string) => ({
    unitCode,
    program: "NTM",
    planYear: year,
    source: "central",
    capitalType: "investment",
  });
  await ok(
    await t.request("POST", "/api/v1/allocations", {
      body: Object.keys(shares).map((code) => ({
        ...scope(code),
        amount: 1_000 * MILLION,
        decisionRef: "01/QĐ-UBND",
        // Within the plan year and never after today, whatever day of the year it is.
        decidedOn: `${year}-01-01`,
      })),
    }),
    201,
    "allocations",
  );
  const disbursements = Object.entries(shares)
    .filter(([, [pct]]) => pct > 0)
    .map(([code, [pct, daysAgo]]) => ({
      ...scope(code),
      amount: pct * 10 * MILLION,
      disbursedOn: maxDate(addDays(today, -daysAgo), `${year}-01-01`),
      reference: `KBNN-${code}-1`,
    }));
  await ok(await t.request("POST", "/api/v1/disbursements", { body: disbursements }), 201, "disbursements");
  // Every unit but I5 has something due today (reminders at least); I1 and I2 share one head.
  return ["i1", "i3", "i4", "i6", "i7", "i8"].map((h) => `chutich.${h}@thu-nghiem.example.org`);
}

beforeAll(async () => {
  if (!onPostgres) return;
  smtp = await startSmtpTestServer();
  // The real clock: the services and this app must agree on "today".
  t = await createTestApp({ clock: { now: () => new Date() }, kickSender: () => {} });
  expectedUnitHeads = await seedCurrentYear(t);
  // On the real clock, and nothing goes out on a day off (issue 14): a weekend run of this test
  // enters today as a swapped working day, as the government's calendar data would (never on a
  // public holiday: the calendar refuses one as a working day, and the test skips that day).
  const today = t.container.today();
  const holiday = publicHolidays(Number(today.slice(0, 4))).some((h) => h.date === today);
  if (isoWeekday(today) >= 6 && !holiday) {
    const body = {
      daysOff: [],
      workingDays: [{ date: today, name: "Ngày làm việc bù (kiểm thử)" }],
      sourceDocument: "Kiểm thử: hai phiên bản dịch vụ",
    };
    await ok(await t.request("PUT", `/api/v1/calendar/${today.slice(0, 4)}`, { body }), 200, "calendar");
  }
  workingToday = (await t.container.calendar.workingCalendar()).isWorkingDay(today);

  const env = {
    DATABASE_URL: t.db.url!,
    SMTP_URL: smtp.url,
    ALERT_ADMIN_EMAILS: ADMINS.join(","),
    ADMIN_API_KEY: ADMIN_KEY,
    SENDER_INTERVAL_SECONDS: "1",
    LOG_LEVEL: "warn",
    // Not at start-up nor in this test's minute: the cron run must not be what makes it pass.
    ALERT_RUN_TIME: "03:17",
  };
  // Both start at once: their start-up catch-up evaluations race.
  services = await Promise.all([
    startService({ name: "instance-a", env }),
    startService({ name: "instance-b", env }),
  ]);
}, 120_000);

afterAll(async () => {
  await stopAllServices();
  await t?.close();
  await smtp?.close();
});

describe("two service processes on one database", () => {
  it.skipIf(!onPostgres)(
    "send every message once, and the alert ledger holds every key once",
    async (ctx) => {
      if (!workingToday) ctx.skip("today is a public holiday: nothing is sent on it");
      const [a, b] = services as [ServiceProcess, ServiceProcess];
      // API runs at both at once, a few times, while their start-up runs and senders are busy.
      const run = (s: ServiceProcess, dryRun: boolean) =>
        fetch(`${s.url}/api/v1/alerts/run?dryRun=${dryRun}`, {
          method: "POST",
          headers: { authorization: `Bearer ${ADMIN_KEY}` },
        }).then(async (r) => ({
          status: r.status,
          body: (await r.json()) as { ran: boolean; queued: number },
        }));
      for (let round = 0; round < 4; round++) {
        const results = await Promise.all([run(a, false), run(b, false), run(a, false), run(b, true)]);
        for (const r of results) expect(r.status, JSON.stringify(r.body)).toBe(200);
      }

      // Bounded wait: messages exist, and none is pending, sending or waiting for a retry.
      const prisma = t.db.prisma;
      const deadline = Date.now() + 30_000;
      for (;;) {
        const total = await prisma.outboxMessage.count();
        const open = await prisma.outboxMessage.count({
          where: { status: { in: ["pending", "sending", "retry"] } },
        });
        if (total > 0 && open === 0 && smtp.received.length >= total) break;
        if (Date.now() > deadline)
          throw new Error(
            `outbox not settled: ${total} messages, ${open} open, ${smtp.received.length} received\n` +
              `${a.name}: ${a.stderr()}${a.stdout()}\n${b.name}: ${b.stderr()}${b.stdout()}`,
          );
        await sleep(200);
      }
      // A little longer: a duplicate send would show up now.
      await sleep(2_500);

      const outbox = await prisma.outboxMessage.findMany({ orderBy: { id: "asc" } });
      expect(outbox.every((m) => m.status === "sent")).toBe(true);
      // Each message received exactly once, under its own Message-ID.
      const byId = countByMessageId(smtp.received);
      expect([...byId.entries()].filter(([, n]) => n !== 1)).toEqual([]);
      expect([...byId.keys()].sort()).toEqual(outbox.map((m) => m.headerMessageId).sort());
      // One message per recipient: the heads with something due, and the admins' digest.
      expect(
        outbox
          .filter((m) => m.kind === "unit")
          .map((m) => m.recipient)
          .sort(),
      ).toEqual(expectedUnitHeads);
      expect(
        outbox
          .filter((m) => m.kind === "admin")
          .map((m) => m.recipient)
          .sort(),
      ).toEqual([...ADMINS].sort());
      expect(outbox).toHaveLength(expectedUnitHeads.length + ADMINS.length);

      // The alert ledger: no key twice, every queued alert in exactly one message.
      const duplicates = await prisma.$queryRawUnsafe<{ n: bigint }[]>(
        `SELECT count(*) AS n FROM (SELECT 1 FROM alert_record
          GROUP BY plan_year, milestone_id, unit_code, program, stage, recipient HAVING count(*) > 1) d`,
      );
      expect(Number(duplicates[0]!.n)).toBe(0);
      const alerts = await prisma.alertRecord.findMany();
      expect(alerts.length).toBeGreaterThan(outbox.length);
      expect(alerts.filter((r) => r.outcome === "queued").every((r) => r.messageId !== null)).toBe(true);
      // I1 and I2 share a head: one message lists both units.
      const shared = outbox.find((m) => m.recipient === "chutich.i1@thu-nghiem.example.org")!;
      expect(new Set(alerts.filter((r) => r.messageId === shared.id).map((r) => r.unitCode))).toEqual(
        new Set(["I1", "I2"]),
      );
      expect([...shared.cc].sort()).toEqual([
        "tckh.i1@thu-nghiem.example.org",
        "tckh.i2@thu-nghiem.example.org",
      ]);

      // Both instances evaluated (start-up or API), none failed; neither logged an error.
      const runs = await prisma.evaluationRun.findMany();
      expect(runs.length).toBeGreaterThan(0);
      expect(runs.every((r) => r.error === null && r.finishedAt !== null)).toBe(true);
      expect(a.errorLogs()).toEqual([]);
      expect(b.errorLogs()).toEqual([]);

      // Each process shows the shared outbox and the shared heartbeat on /metrics; the runs each
      // one counts are those it did itself (a run that found the other one's lock does nothing),
      // and together they are every recorded run.
      let counted = 0;
      for (const s of [a, b]) {
        const res = await fetch(`${s.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
        expect(res.status).toBe(200);
        const text = await res.text();
        expect(text).toContain(`dm_outbox_messages{status="sent"} ${outbox.length}`);
        counted += Number(/^dm_evaluations_total\{outcome="success"\} (\d+)$/m.exec(text)?.[1] ?? 0);
        expect(
          Number(/^dm_last_successful_evaluation_timestamp_seconds (\S+)$/m.exec(text)?.[1]),
        ).toBeGreaterThan(Date.now() / 1000 - 120);
      }
      expect(counted).toBe(runs.length);

      // Both stop gracefully on SIGTERM.
      const [ea, eb] = await Promise.all([a.stop(), b.stop()]);
      expect(ea, a.stderr()).toEqual({ code: 0, signal: null });
      expect(eb, b.stderr()).toEqual({ code: 0, signal: null });
      expect(smtp.received).toHaveLength(outbox.length);
    },
    90_000,
  );

  it.skipIf(!onPostgres)(
    "rely on the unique keys, not on the lock: two evaluators without it still queue each alert once",
    async () => {
      // Two instances in this process, each with its own connection pool, the run lock replaced
      // by none: the alert ledger's unique key and the outbox claim are all that stand.
      const own = await createTestApp({ clock: { now: () => new Date() }, kickSender: () => {} });
      const server = await startSmtpTestServer();
      const second = await openDatabase({ databaseUrl: own.db.url! });
      const mailers = [0, 1].map(() => createSmtpMailer({ url: server.url, from: "dm <dm@example.org>" }));
      try {
        const heads = await seedCurrentYear(own);
        const asOfToday = own.container.today();
        const instances = [own.db, second].map((db, i) => {
          const c: Container = createContainer(db, {
            maxBatchSize: 1000,
            mailer: mailers[i]!,
            adminEmails: ADMINS,
          });
          const alerts = createAlertsService({
            ledger: c.alertLedger,
            runs: createEvaluationRunsRepository(db.prisma),
            admins: c.admins,
            plans: c.plans,
            rules: c.rules,
            catalog: c.catalog,
            policy: () => DEFAULT_ALERT_POLICY,
            // Whatever day it is: this test is about the unique keys, not the calendar.
            calendar: async () =>
              workingCalendar({
                holidays: [],
                daysOff: [],
                workingDays: [{ date: asOfToday, name: "test" }],
              }),
            closings: c.closings,
            // Without acknowledgement links, as before: the messages are not what this test reads.
            outbox: createOutboxService({
              repo: createOutboxRepository(db.prisma),
              ledger: c.alertLedger,
              render: renderMessage,
            }),
            lock: (fn) => fn(),
            instance: `no-lock-${i}`,
          });
          return { c, alerts };
        });
        const asOf = own.container.today();
        const results = await Promise.all(
          [0, 1, 0, 1, 0, 1].map((i) =>
            instances[i]!.alerts.runEvaluation({ asOf, dryRun: false, trigger: "api" }),
          ),
        );
        expect(results.every((r) => r.ran)).toBe(true);
        await Promise.all(instances.map((x) => x.c.sender.drain()));

        const prisma = own.db.prisma;
        const outbox = await prisma.outboxMessage.findMany();
        const alerts = await prisma.alertRecord.findMany();
        // Every run queued only what no other had: together, each alert once.
        expect(results.reduce((n, r) => n + r.queued, 0)).toBe(
          alerts.filter((a) => a.outcome === "queued").length,
        );
        const keys = alerts.map((a) =>
          [a.planYear, a.milestoneId, a.unitCode, a.program, a.stage, a.recipient].join("|"),
        );
        expect(new Set(keys).size).toBe(keys.length);
        expect(alerts.filter((a) => a.outcome === "queued").every((a) => a.messageId !== null)).toBe(true);
        // The recipients may get their alerts split over two messages when two runs interleave,
        // but never an alert twice; here each run wrote whole recipients.
        expect(outbox.map((m) => m.recipient).sort()).toEqual([...heads, ...ADMINS].sort());
        expect(outbox.every((m) => m.status === "sent")).toBe(true);
        const byId = countByMessageId(server.received);
        expect([...byId.entries()].filter(([, n]) => n !== 1)).toEqual([]);
        expect([...byId.keys()].sort()).toEqual(outbox.map((m) => m.headerMessageId).sort());
      } finally {
        for (const m of mailers) await m.close();
        await second.close();
        await own.close();
        await server.close();
      }
    },
    60_000,
  );

  it.skipIf(!onPostgres)(
    "stop gracefully on SIGTERM while the start-up evaluation is running",
    async () => {
      const own = await createTestApp({ clock: { now: () => new Date() }, kickSender: () => {} });
      const server = await startSmtpTestServer();
      try {
        await seedCurrentYear(own);
        const s = await startService({
          name: "instance-sigterm",
          env: {
            DATABASE_URL: own.db.url!,
            SMTP_URL: server.url,
            ALERT_ADMIN_EMAILS: ADMINS.join(","),
            ADMIN_API_KEY: ADMIN_KEY,
            SENDER_INTERVAL_SECONDS: "1",
            LOG_LEVEL: "warn",
          },
        });
        // At once: the start-up evaluation began when the server started listening.
        const exit = await s.stop();
        expect(exit, s.stderr()).toEqual({ code: 0, signal: null });
        expect(s.errorLogs()).toEqual([]);
        // The run it started was finished, not cut off with the database connection.
        const runs = await own.db.prisma.evaluationRun.findMany();
        expect(runs.every((r) => r.finishedAt !== null && r.error === null)).toBe(true);
        // Whatever it queued went out or waits in the outbox: nothing is stuck in "sending".
        expect(await own.db.prisma.outboxMessage.count({ where: { status: "sending" } })).toBe(0);
      } finally {
        await own.close();
        await server.close();
      }
    },
    60_000,
  );
});
