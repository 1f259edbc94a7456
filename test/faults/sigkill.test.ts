// Case 2: the real service (`node --import tsx src/main.ts`) killed with SIGKILL 20 times at
// random points (seeded) during an evaluation (its start-up catch-up, or one asked for through
// POST /api/v1/alerts/run) and during sending, restarted each time, against one PostgreSQL
// database and a slow SMTP server. Each cycle adds units with alerts due today, so every
// evaluation has work to be cut off in. The outbox lease is 2 s, so messages a killed process
// held are re-driven by the next one.
//
// After the last restart, once the outbox has settled: every message was delivered at least
// once; the alert ledger holds each key once, and exactly the keys one undisturbed evaluation of
// the same data writes; nothing is left for a new evaluation to queue. A message delivered twice
// is allowed only as a resend under the same Message-ID with the same content (a kill between
// the SMTP server's answer and `markSent`: at-least-once is the honest guarantee), and there are
// at most as many of those as there were sends in flight at the kills.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type ServiceProcess, startService, stopAllServices } from "../helpers/service-process.js";
import { ADMIN_KEY, createFaultApp, type FaultApp, sleep } from "./helpers/app.js";
import { type ChaosSmtpServer, startChaosSmtpServer } from "./helpers/chaos-smtp.js";
import { ADMINS, addUnits, putCurrentYearPlan, type UnitSpec, unitSpecs } from "./helpers/current-year.js";
import { recordFigures } from "./helpers/figures.js";
import { type FreshDatabase, freshDatabase, warnSkipped } from "./helpers/postgres.js";
import { createRng, seedOf } from "./helpers/prng.js";
import { verifyFiguresAt } from "./helpers/verify-figures.js";

const pgUrl = inject("faultsPostgresUrl");
if (!pgUrl) warnSkipped("2-sigkill", "service SIGKILLed 20 times", "no-server");
const SEED = seedOf(7102);
const KILLS = 20;
const UNITS_PER_CYCLE = 16;
/** The sender's concurrency: at most this many sends are in flight in a process when it dies. */
const IN_FLIGHT = 5;
const LEASE_MS = 2_000;

type Mode = "startup-evaluation" | "api-evaluation" | "sending";
type Kill = {
  cycle: number;
  mode: Mode;
  waitedMs: number;
  duringEvaluation: boolean;
  claimedUnsent: number;
  acceptedBefore: number;
};

let fresh: FreshDatabase | undefined;
let reference: FreshDatabase | undefined;
let t: FaultApp | undefined;
let smtp: ChaosSmtpServer | undefined;

beforeAll(async () => {
  if (!pgUrl) return;
  fresh = await freshDatabase(pgUrl);
  t = await createFaultApp(fresh.db, { adminEmails: ADMINS });
  await putCurrentYearPlan(t);
  // Slow answers (0–150 ms each), no refusals: sending lasts long enough to be cut off.
  smtp = await startChaosSmtpServer(SEED, { maxDelayMs: 150 });
}, 120_000);

afterAll(async () => {
  await stopAllServices();
  if (fresh) await verifyFiguresAt(fresh.url);
  await t?.close();
  await fresh?.drop();
  await reference?.drop();
  await smtp?.close();
});

/** Waits until `check` holds, polling every `everyMs`; false after `timeoutMs`. */
async function until(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  everyMs = 10,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(everyMs);
  }
}

/** A seeded order of kill points: as many of each kind, shuffled. */
function killPlan(rng: ReturnType<typeof createRng>): Mode[] {
  const modes: Mode[] = Array.from({ length: KILLS }, (_, i) =>
    i % 3 === 0 ? "startup-evaluation" : i % 3 === 1 ? "sending" : "api-evaluation",
  );
  for (let i = modes.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [modes[i], modes[j]] = [modes[j]!, modes[i]!];
  }
  return modes;
}

describe.skipIf(!pgUrl)("case 2: the service killed with SIGKILL 20 times, then restarted", () => {
  it("loses no alert and no message; duplicates only as recognisable resends", async () => {
    const started = Date.now();
    const app = t!;
    const mail = smtp!;
    const prisma = fresh!.db.prisma;
    const rng = createRng(SEED);
    const today = app.container.today();
    const env = {
      DATABASE_URL: fresh!.url,
      SMTP_URL: mail.url,
      ALERT_ADMIN_EMAILS: ADMINS.join(","),
      ADMIN_API_KEY: ADMIN_KEY,
      SENDER_INTERVAL_SECONDS: "1",
      OUTBOX_LEASE_MS: String(LEASE_MS),
      OUTBOX_RETRY_BASE_MS: "200",
      OUTBOX_RETRY_MAX_MS: "1000",
      RATE_LIMIT_WRITES_PER_MINUTE: "100000",
      LOG_LEVEL: "warn",
      // Twelve hours from now in Vietnam: the daily cron never fires during the case.
      ALERT_RUN_TIME: `${String((((new Date().getUTCHours() + 7) % 24) + 12) % 24).padStart(2, "0")}:17`,
    };
    const runOf = (pid: number, trigger?: string) =>
      prisma.evaluationRun.findFirst({
        where: { instance: { endsWith: `:${pid}` }, ...(trigger ? { trigger } : {}) },
        orderBy: { id: "desc" },
      });

    const kills: Kill[] = [];
    const specs: UnitSpec[] = [];
    const plan = killPlan(rng);
    for (let cycle = 0; cycle < KILLS; cycle++) {
      const mode = plan[cycle]!;
      const batch = unitSpecs("K", cycle * UNITS_PER_CYCLE, UNITS_PER_CYCLE);
      specs.push(...batch);
      const acceptedBefore = mail.accepted.length;
      if (mode !== "api-evaluation") await addUnits(app, batch);
      const svc: ServiceProcess = await startService({ name: `kill-${cycle}`, env });
      let waitedMs = 0;
      if (mode === "startup-evaluation") {
        // The start-up catch-up began as the server started listening.
        await until(async () => (await runOf(svc.pid)) !== null, 5_000);
        waitedMs = rng.int(0, 300);
      } else if (mode === "api-evaluation") {
        await until(async () => (await runOf(svc.pid, "startup"))?.finishedAt != null, 15_000, 25);
        await addUnits(app, batch);
        void fetch(`${svc.url}/api/v1/alerts/run`, {
          method: "POST",
          headers: { authorization: `Bearer ${ADMIN_KEY}` },
        }).catch(() => {});
        await until(async () => (await runOf(svc.pid, "api")) !== null, 5_000);
        waitedMs = rng.int(0, 300);
      } else {
        await until(() => mail.accepted.length > acceptedBefore, 15_000);
        waitedMs = rng.int(0, 800);
      }
      await sleep(waitedMs);
      process.kill(svc.pid, "SIGKILL");
      const exit = await svc.exited;
      await svc.stop(); // forgets it (it is gone already)
      expect(exit.signal).toBe("SIGKILL");
      const run = await runOf(svc.pid);
      kills.push({
        cycle,
        mode,
        waitedMs,
        duringEvaluation: run !== null && run.finishedAt === null,
        claimedUnsent: await prisma.outboxMessage.count({ where: { status: "sending" } }),
        acceptedBefore,
      });
    }

    // The last restart: its start-up evaluation catches up, its sender re-drives what the dead held.
    const last = await startService({ name: "kill-final", env });
    expect(await until(async () => (await runOf(last.pid, "startup"))?.finishedAt != null, 60_000, 50)).toBe(
      true,
    );
    const settled = await until(
      async () => {
        const open = await prisma.outboxMessage.count({
          where: { status: { in: ["pending", "sending", "retry"] } },
        });
        if (open > 0) return false;
        const ids = (await prisma.outboxMessage.findMany({ select: { headerMessageId: true } })).map(
          (m) => m.headerMessageId,
        );
        const accepted = new Set(mail.accepted.map((m) => m.messageId));
        return ids.every((id) => accepted.has(id));
      },
      90_000,
      200,
    );
    expect(settled, `${last.stderr()}${last.stdout()}`).toBe(true);
    // Longer than a lease: a late resend would show now.
    await sleep(LEASE_MS + 1_000);
    const lastExit = await last.stop();

    // One undisturbed evaluation of the same data, for the keys the ledger must hold.
    reference = await freshDatabase(pgUrl!);
    const ref = await createFaultApp(reference.db, { adminEmails: ADMINS });
    await putCurrentYearPlan(ref);
    await addUnits(ref, specs);
    const refRun = await ref.container.alerts.runEvaluation({ asOf: today, dryRun: false, trigger: "api" });
    expect(refRun.ran).toBe(true);
    await ref.close();
    const keysOf = async (db: FreshDatabase, outcome: "queued" | "skipped") =>
      (await db.db.prisma.alertRecord.findMany({ where: { outcome } }))
        .map((a) => [a.planYear, a.milestoneId, a.unitCode, a.program, a.stage, a.recipient].join("|"))
        .sort();
    const queuedKeys = await keysOf(fresh!, "queued");
    const refQueued = await keysOf(reference, "queued");
    const skippedKeys = await keysOf(fresh!, "skipped");
    const refSkipped = await keysOf(reference, "skipped");

    const outbox = await prisma.outboxMessage.findMany({ orderBy: { id: "asc" } });
    const copies = mail.copiesById();
    const duplicates = [...copies.values()].filter((c) => c.length > 1);
    const duplicated = mail.accepted.length - copies.size;
    const runs = await prisma.evaluationRun.findMany();
    const dry = await app.container.alerts.runEvaluation({ asOf: today, dryRun: true, trigger: "api" });

    recordFigures({
      id: "2-sigkill",
      title: "service SIGKILLed 20 times during evaluation and sending",
      database: "postgres",
      seed: SEED,
      casesRun: KILLS,
      faultsInjected: KILLS,
      messages: {
        expected: outbox.length,
        delivered: copies.size,
        duplicated,
        dead: outbox.filter((m) => m.status === "dead").length,
      },
      durationMs: Date.now() - started,
      details: {
        kills: kills.length,
        killsDuringEvaluation: kills.filter((k) => k.duringEvaluation).length,
        killsWithClaimedUnsentMessages: kills.filter((k) => k.claimedUnsent > 0).length,
        killsByMode: Object.fromEntries(
          (["startup-evaluation", "api-evaluation", "sending"] as const).map((m) => [
            m,
            kills.filter((k) => k.mode === m).length,
          ]),
        ),
        restarts: KILLS + 1,
        units: specs.length,
        alertsQueued: queuedKeys.length,
        alertsSkipped: skippedKeys.length,
        evaluationRuns: runs.length,
        evaluationRunsCutOff: runs.filter((r) => r.finishedAt === null).length,
        messagesReDriven: outbox.filter((m) => m.attempts > 1).length,
        recognisableDuplicateIds: duplicates.length,
        smtpAccepted: mail.accepted.length,
        smtpDelayed: mail.counts.delayed,
        smtpConnectionsReset: mail.counts.connectionErrors,
        leaseMs: LEASE_MS,
        killLog: kills,
      },
    });

    // Settled, and every message delivered at least once.
    expect(outbox.every((m) => m.status === "sent")).toBe(true);
    expect(outbox.filter((m) => !copies.has(m.headerMessageId))).toEqual([]);
    // Nothing accepted that is not an outbox message; every extra copy is a resend of one, identical.
    const known = new Set(outbox.map((m) => m.headerMessageId));
    expect([...copies.keys()].filter((id) => !known.has(id))).toEqual([]);
    for (const c of duplicates) {
      const [first, ...rest] = c;
      for (const again of rest)
        expect([again.subject, again.text, again.to, again.cc, again.envelopeTo]).toEqual([
          first!.subject,
          first!.text,
          first!.to,
          first!.cc,
          first!.envelopeTo,
        ]);
    }
    expect(duplicated).toBeLessThanOrEqual(IN_FLIGHT * KILLS);
    // The alert ledger: each key once (unique), each queued alert in one message, and exactly the
    // keys an undisturbed evaluation writes: nothing lost to a kill, nothing extra.
    expect(new Set(queuedKeys).size).toBe(queuedKeys.length);
    // Unless the day changed in Vietnam meanwhile (the services would have judged the next day).
    const sameDay = app.container.today() === today;
    if (!sameDay)
      console.warn("case 2: the day changed in Vietnam during the run; reference comparison skipped");
    if (sameDay) {
      expect(queuedKeys).toEqual(refQueued);
      expect(skippedKeys).toEqual(refSkipped);
    }
    expect(await prisma.alertRecord.count({ where: { outcome: "queued", messageId: null } })).toBe(0);
    expect(dry.queued).toBe(0);
    // The kills did land where they were aimed.
    expect(kills.filter((k) => k.duringEvaluation).length).toBeGreaterThan(0);
    expect(runs.some((r) => r.finishedAt === null)).toBe(true);
    expect(lastExit).toEqual({ code: 0, signal: null });
  });
});
