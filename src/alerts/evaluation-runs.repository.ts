// The watcher's heartbeat: every evaluation run, so someone can alert when it stops.
import { systemClock } from "../clock.js";
import { type LocalDate, localDateToUtcDate } from "../domain/local-date.js";
import type { PrismaClient } from "../generated/prisma/client.js";

/** `now` stamps a run's finish: the composition root decides which clock (src/container.ts). */
export function createEvaluationRunsRepository(prisma: PrismaClient, now: () => Date = systemClock.now) {
  return {
    async start(asOf: LocalDate, trigger: string, instance: string): Promise<bigint> {
      const r = await prisma.evaluationRun.create({
        data: { asOf: localDateToUtcDate(asOf), trigger, instance },
        select: { id: true },
      });
      return r.id;
    },
    async finish(id: bigint, counts: { queued: number; skipped: number; messages: number }): Promise<void> {
      await prisma.evaluationRun.update({ where: { id }, data: { ...counts, finishedAt: now() } });
    },
    async fail(id: bigint, error: string): Promise<void> {
      await prisma.evaluationRun.update({ where: { id }, data: { error, finishedAt: now() } });
    },
    async lastSuccess(): Promise<Date | null> {
      const r = await prisma.evaluationRun.findFirst({
        where: { error: null, finishedAt: { not: null } },
        orderBy: { finishedAt: "desc" },
        select: { finishedAt: true },
      });
      return r?.finishedAt ?? null;
    },
  };
}

export type EvaluationRunsRepository = ReturnType<typeof createEvaluationRunsRepository>;
