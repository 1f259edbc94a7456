// Prometheus metrics of the watcher: evaluations, messages by state, send latency, failures
// (temporary and permanent apart), dead messages and the time of the last successful evaluation.
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { SendObserver } from "./outbox-sender.js";

type Sources = {
  countsByStatus(): Promise<Record<string, number>>;
  lastSuccess(): Promise<Date | null>;
};

export function createAlertMetrics(sources: Sources) {
  const registry = new Registry();
  const evaluations = new Counter({
    name: "dm_evaluations_total",
    help: "Alert evaluation runs by outcome",
    labelNames: ["outcome"] as const,
    registers: [registry],
  });
  const sendSeconds = new Histogram({
    name: "dm_mail_send_seconds",
    help: "Time to hand one message to the mail server",
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const failures = new Counter({
    name: "dm_mail_failures_total",
    help: "Failed send attempts, temporary (retried) and permanent (dead)",
    labelNames: ["kind"] as const,
    registers: [registry],
  });
  const dead = new Counter({
    name: "dm_outbox_dead_total",
    help: "Messages this process gave up on (dead), by why: a permanent failure or retries exhausted",
    labelNames: ["reason"] as const,
    registers: [registry],
  });
  for (const reason of ["permanent", "retries_exhausted"]) dead.inc({ reason }, 0);
  new Gauge({
    name: "dm_outbox_messages",
    help: "Outbox messages by state",
    labelNames: ["status"] as const,
    registers: [registry],
    async collect() {
      const counts = await sources.countsByStatus().catch(() => ({}) as Record<string, number>);
      for (const s of ["pending", "sending", "sent", "retry", "dead"])
        this.set({ status: s }, counts[s] ?? 0);
    },
  });
  new Gauge({
    name: "dm_last_successful_evaluation_timestamp_seconds",
    help: "When the last evaluation run finished without error (0 if never): alert when it gets old",
    registers: [registry],
    async collect() {
      const at = await sources.lastSuccess().catch(() => null);
      this.set(at ? at.getTime() / 1000 : 0);
    },
  });

  const observer: SendObserver = {
    sent: (ms) => sendSeconds.observe(ms / 1000),
    failed: (temporary) => failures.inc({ kind: temporary ? "temporary" : "permanent" }),
    dead: (permanent) => dead.inc({ reason: permanent ? "permanent" : "retries_exhausted" }),
  };
  return {
    registry,
    observer,
    evaluationFinished: (ok: boolean) => evaluations.inc({ outcome: ok ? "success" : "failure" }),
  };
}

export type AlertMetrics = ReturnType<typeof createAlertMetrics>;
