// Case 4: two and three real service processes on one PostgreSQL database, running the same
// schedule against the same SMTP server: their start-up evaluations race, and API runs are fired
// at all of them at once on top. Each message goes out once; the alert ledger holds each key
// once; nothing the policy wants today is left unqueued. A third scenario makes the mail server
// slow and the outbox lease short, so that claims expire while another instance is still sending.
// PostgreSQL only (PGlite belongs to one process).
import { afterEach, describe, expect, inject, it } from "vitest";
import { type ServiceProcess, startService, stopAllServices } from "../helpers/service-process.js";
import { countByMessageId, type SmtpTestServer, startSmtpTestServer } from "../helpers/smtp-server.js";
import { ADMIN_KEY, createFaultApp, type FaultApp, sleep } from "./helpers/app.js";
import { ADMINS, addUnits, headsWithAlerts, putCurrentYearPlan, unitSpecs } from "./helpers/current-year.js";
import { recordFigures } from "./helpers/figures.js";
import { type FreshDatabase, freshDatabase, warnSkipped } from "./helpers/postgres.js";
import { verifyFiguresAt } from "./helpers/verify-figures.js";

const pgUrl = inject("faultsPostgresUrl");
if (!pgUrl) warnSkipped("4-instances", "two and three instances", "no-server");
const UNITS = 40;

/** A daily run time twelve hours from now (Asia/Ho_Chi_Minh): the cron run is never what makes it pass. */
function farRunTime(): string {
  const vnHour = (new Date().getUTCHours() + 7) % 24;
  return `${String((vnHour + 12) % 24).padStart(2, "0")}:17`;
}

let fresh: FreshDatabase | undefined;
let t: FaultApp | undefined;
let smtp: SmtpTestServer | undefined;

afterEach(async () => {
  await stopAllServices();
  if (fresh) await verifyFiguresAt(fresh.url);
  await t?.close();
  await fresh?.drop();
  await smtp?.close();
  t = undefined;
  fresh = undefined;
  smtp = undefined;
});

type Scenario = { instances: number; smtpDelayMs: number; leaseMs?: number; label: string };
const SCENARIOS: Scenario[] = [
  { instances: 2, smtpDelayMs: 20, label: "2 instances" },
  { instances: 3, smtpDelayMs: 20, label: "3 instances" },
  { instances: 3, smtpDelayMs: 400, leaseMs: 2_000, label: "3 instances, slow SMTP, 2 s lease" },
];

describe.skipIf(!pgUrl)("case 4: several instances on one database", () => {
  it.each(SCENARIOS)("$label: each message sent once", async (s) => {
    const started = Date.now();
    fresh = await freshDatabase(pgUrl!);
    t = await createFaultApp(fresh.db);
    const { today } = await putCurrentYearPlan(t);
    const specs = unitSpecs(`N${s.instances}`, 0, UNITS);
    await addUnits(t, specs);
    const heads = headsWithAlerts(specs);
    smtp = await startSmtpTestServer();
    smtp.delay(s.smtpDelayMs);

    const env = {
      DATABASE_URL: fresh.url,
      SMTP_URL: smtp.url,
      ALERT_ADMIN_EMAILS: ADMINS.join(","),
      ADMIN_API_KEY: ADMIN_KEY,
      SENDER_INTERVAL_SECONDS: "1",
      LOG_LEVEL: "warn",
      ALERT_RUN_TIME: farRunTime(),
      ...(s.leaseMs ? { OUTBOX_LEASE_MS: String(s.leaseMs) } : {}),
    };
    // All at once: their start-up catch-up evaluations race.
    const services: ServiceProcess[] = await Promise.all(
      Array.from({ length: s.instances }, (_, i) => startService({ name: `inst-${s.instances}-${i}`, env })),
    );
    const run = (svc: ServiceProcess, dryRun: boolean) =>
      fetch(`${svc.url}/api/v1/alerts/run?dryRun=${dryRun}`, {
        method: "POST",
        headers: { authorization: `Bearer ${ADMIN_KEY}` },
      }).then(async (r) => ({
        status: r.status,
        body: (await r.json()) as { ran: boolean; queued: number },
      }));
    let fired = 0;
    let ran = 0;
    for (let round = 0; round < 4; round++) {
      const results = await Promise.all(
        services.flatMap((svc, i) => [run(svc, false), run(svc, false), run(svc, i === 0)]),
      );
      fired += results.length;
      for (const r of results) expect(r.status, JSON.stringify(r.body)).toBe(200);
      ran += results.filter((r) => r.body.ran).length;
    }

    const prisma = fresh.db.prisma;
    const deadline = Date.now() + 60_000;
    for (;;) {
      const total = await prisma.outboxMessage.count();
      const open = await prisma.outboxMessage.count({
        where: { status: { in: ["pending", "sending", "retry"] } },
      });
      if (total > 0 && open === 0 && smtp.received.length >= total) break;
      if (Date.now() > deadline)
        throw new Error(
          `outbox not settled: ${total} messages, ${open} open, ${smtp.received.length} received\n` +
            services.map((x) => `${x.name}: ${x.stderr()}${x.stdout()}`).join("\n"),
        );
      await sleep(200);
    }
    // A little longer: a late duplicate would show up now.
    await sleep(2_500);

    const outbox = await prisma.outboxMessage.findMany({ orderBy: { id: "asc" } });
    const byId = countByMessageId(smtp.received);
    const duplicated = smtp.received.length - byId.size;
    const alerts = await prisma.alertRecord.findMany();
    const runs = await prisma.evaluationRun.findMany();
    // Nothing the policy wants today is missing from the ledger.
    const dry = await t.container.alerts.runEvaluation({
      asOf: today,
      dryRun: true,
      trigger: "api",
    });

    recordFigures({
      id: `4-instances-${s.instances}${s.leaseMs ? "-slow-smtp" : ""}`,
      title: s.label,
      database: "postgres",
      casesRun: fired,
      faultsInjected: s.instances - 1 + (s.leaseMs ? 1 : 0),
      messages: {
        expected: outbox.length,
        delivered: byId.size,
        duplicated,
        dead: outbox.filter((m) => m.status === "dead").length,
      },
      durationMs: Date.now() - started,
      details: {
        instances: s.instances,
        apiRunsFired: fired,
        apiRunsThatRan: ran,
        evaluationRunsRecorded: runs.length,
        evaluationRunsByInstance: Object.fromEntries(
          [...new Set(runs.map((r) => r.instance))].map((i) => [
            i,
            runs.filter((r) => r.instance === i).length,
          ]),
        ),
        alerts: alerts.length,
        smtpDelayMs: s.smtpDelayMs,
        leaseMs: s.leaseMs ?? 120_000,
        attemptsAbove1: outbox.filter((m) => m.attempts > 1).length,
        duplicateIds: [...byId.entries()].filter(([, n]) => n > 1).length,
      },
    });

    expect(outbox.every((m) => m.status === "sent")).toBe(true);
    expect([...byId.keys()].sort()).toEqual(outbox.map((m) => m.headerMessageId).sort());
    expect([...byId.entries()].filter(([, n]) => n !== 1)).toEqual([]);
    expect(
      outbox
        .filter((m) => m.kind === "unit")
        .map((m) => m.recipient)
        .sort(),
    ).toEqual(heads);
    expect(
      outbox
        .filter((m) => m.kind === "admin")
        .map((m) => m.recipient)
        .sort(),
    ).toEqual([...ADMINS].sort());
    const keys = alerts.map((a) =>
      [a.planYear, a.milestoneId, a.unitCode, a.program, a.stage, a.recipient].join("|"),
    );
    expect(new Set(keys).size).toBe(keys.length);
    expect(alerts.filter((a) => a.outcome === "queued").every((a) => a.messageId !== null)).toBe(true);
    expect(dry.queued).toBe(0);
    expect(runs.every((r) => r.error === null && r.finishedAt !== null)).toBe(true);
    for (const svc of services) expect(svc.errorLogs(), svc.name).toEqual([]);
    const exits = await Promise.all(services.map((x) => x.stop()));
    expect(exits.every((e) => e.code === 0 && e.signal === null)).toBe(true);
  });
});
