// Every schedule of the service, in one place. Each job is a thin call into a service that is
// idempotent by construction (unique keys, conditional updates), so a run that overlaps another
// instance, or repeats after a restart, is harmless.
import cron, { type ScheduledTask } from "node-cron";
import type { AlertsService } from "../alerts/alerts.service.js";
import type { OutboxSender } from "../alerts/outbox-sender.js";
import { inBulkLane } from "../db/lanes.js";
import { DEFAULT_TIME_ZONE, type LocalDate } from "../domain/local-date.js";

type Log = { info(o: object, m: string): void; error(o: object, m: string): void };

type Deps = {
  alerts: AlertsService;
  /** Closes the milestones whose plan says to, some days after their due date (idempotent). */
  closings: { autoClose(today: LocalDate): Promise<{ planYear: number; milestoneId: string }[]> };
  sender: OutboxSender;
  today: () => LocalDate;
  /** "HH:MM" local time of the daily evaluation. */
  runTime: string;
  senderIntervalSeconds: number;
  log: Log;
};

export function createSchedule(d: Deps) {
  const tasks: ScheduledTask[] = [];
  /** Evaluations in flight: stop() waits for them, so closing never cuts one off mid-run. */
  const evaluating = new Set<Promise<void>>();
  let stopped = false;

  function evaluate(trigger: "schedule" | "startup"): Promise<void> {
    if (stopped) return Promise.resolve();
    // The daily run reads the whole ledger: its queries give way to posts and pages (src/db/lanes.ts).
    const run = inBulkLane(() => evaluateOnce(trigger)).finally(() => evaluating.delete(run));
    evaluating.add(run);
    return run;
  }

  async function evaluateOnce(trigger: "schedule" | "startup") {
    await autoClose(trigger);
    const t0 = performance.now();
    try {
      const r = await d.alerts.runEvaluation({ asOf: d.today(), dryRun: false, trigger });
      d.log.info(
        {
          trigger,
          ran: r.ran,
          queued: r.queued,
          skipped: r.skipped,
          messages: r.messages.length,
          ms: Math.round(performance.now() - t0),
        },
        "alert evaluation",
      );
      if (r.messages.length > 0) await send();
    } catch (err) {
      d.log.error({ err, trigger }, "alert evaluation failed");
    }
  }

  /** Before the alerts, so the day's run already reads the milestones closed today. */
  async function autoClose(trigger: "schedule" | "startup") {
    try {
      const closed = await d.closings.autoClose(d.today());
      if (closed.length > 0) d.log.info({ trigger, closed }, "milestones closed automatically");
    } catch (err) {
      // The alerts still run: a failed close is retried by the next run (its unique key makes that safe).
      d.log.error({ err, trigger }, "automatic milestone closing failed");
    }
  }

  let sending: Promise<void> | null = null;
  /** One drain at a time in this process; other instances claim disjoint rows. */
  function send(): Promise<void> {
    if (stopped) return Promise.resolve();
    sending ??= d.sender
      .drain()
      .then((n) => {
        if (n > 0) d.log.info({ handled: n }, "outbox drained");
      })
      .catch((err) => d.log.error({ err }, "outbox drain failed"))
      .finally(() => {
        sending = null;
      });
    return sending;
  }

  return {
    /** Catches up at start (a service down at the scheduled minute sends what it missed), then schedules. */
    start() {
      const [hh, mm] = d.runTime.split(":");
      tasks.push(
        cron.schedule(`${Number(mm)} ${Number(hh)} * * *`, () => evaluate("schedule"), {
          name: "alerts:evaluate",
          timezone: DEFAULT_TIME_ZONE,
          noOverlap: true,
        }),
        cron.schedule(everySeconds(d.senderIntervalSeconds), () => send(), {
          name: "alerts:send",
          timezone: DEFAULT_TIME_ZONE,
          noOverlap: true,
        }),
      );
      void evaluate("startup");
    },
    kickSender: () => void send(),
    async stop() {
      stopped = true;
      for (const t of tasks) await t.destroy();
      await Promise.all(evaluating);
      await sending;
    },
  };
}

export type Schedule = ReturnType<typeof createSchedule>;

/** A six-field cron pattern firing every `s` seconds (whole minutes from 60 s up). */
export function everySeconds(s: number): string {
  return s < 60 ? `*/${s} * * * * *` : `0 */${Math.max(1, Math.round(s / 60))} * * * *`;
}
