// The alert ledger: one row per alert decided (queued or skipped), under a unique key that keeps
// each alert once however often and wherever a run repeats. Messages are the outbox's.

import type { RawSql } from "../db/database.js";
import { releasePrismaDebugHistory } from "../db/prisma-debug-history.js";
import { type LocalDate, localDateToUtcDate, utcDateToLocalDate } from "../domain/local-date.js";
import { Prisma, type PrismaClient } from "../generated/prisma/client.js";
import type { Acknowledgement } from "./alert.types.js";
import {
  type AlertIntent,
  type AlertKey,
  DIGEST_MILESTONE,
  keyString,
  type MissedNotice,
  type PairWatch,
  type PairWatchUpdate,
  pairKey,
  warningNumber,
} from "./policy.js";

type Db = PrismaClient | Prisma.TransactionClient;

/** Rows a statement writes: a few megabytes of snapshots at most. */
const WRITE_SLICE = 2000;

/** Snapshots hold BigInt amounts; jsonb holds them as decimal strings. */
const jsonText = (v: unknown): string =>
  JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x));

/** The INSERT of some alerts' rows, skipping those the ledger holds: their keys, snapshots and reasons. */
function insertRows(
  part: readonly AlertIntent[],
  asOf: LocalDate,
  outcome: "queued" | "skipped",
): Prisma.Sql {
  const keys = part.map((i) => i.key);
  return Prisma.sql`
    INSERT INTO alert_record (plan_year, milestone_id, unit_code, program, stage, recipient,
                              outcome, skip_reason, snapshot, as_of)
    SELECT k.plan_year, k.milestone_id, k.unit_code, k.program, k.stage, k.recipient,
           ${outcome}::"AlertOutcome", k.skip_reason, k.snapshot, ${asOf}::date
    FROM unnest(${keys.map((k) => k.planYear)}::int[], ${keys.map((k) => k.milestoneId)}::text[],
                ${keys.map((k) => k.unitCode)}::text[], ${keys.map((k) => k.program)}::text[],
                ${keys.map((k) => k.stage)}::text[], ${keys.map((k) => k.recipient)}::text[],
                ${part.map((i) => i.skipReason ?? null)}::text[],
                ${part.map((i) => jsonText(i.snapshots))}::jsonb[])
         AS k(plan_year, milestone_id, unit_code, program, stage, recipient, skip_reason, snapshot)
    ON CONFLICT DO NOTHING`;
}

/** An alert row a run inserted: its id and its key. */
export type QueuedAlert = AlertKey & { id: bigint };

/** A snapshot as Prisma's Json columns take it (amounts as decimal strings). */
export function toJsonValue(v: unknown): Prisma.InputJsonValue {
  return JSON.parse(jsonText(v));
}

export type AlertFilter = {
  unitCode?: string | undefined;
  milestoneId?: string | undefined;
  stage?: string | undefined;
  status?: string | undefined;
  planYear?: number | undefined;
  afterId?: bigint | undefined;
  limit: number;
};

/**
 * `direct`: the pool without Prisma (Database.direct), for the run's bulk lookups and writes.
 * Prisma's debug log keeps the arguments of its last 100 calls, logging on or off: a national
 * run's keys and snapshots, 4.5 MB a lookup of 28,000 keys, stayed in the heap through it.
 */
export function createAlertLedgerRepository(prisma: PrismaClient, direct: RawSql = prisma) {
  return {
    /** Keys among `keys` that the ledger already holds. */
    async existing(keys: readonly AlertKey[]): Promise<Set<string>> {
      if (keys.length === 0) return new Set();
      const rows = await direct.$queryRaw<AlertKey[]>`
        SELECT a.plan_year AS "planYear", a.milestone_id AS "milestoneId", a.unit_code AS "unitCode",
               a.program, a.stage, a.recipient
        FROM alert_record a
        JOIN unnest(${keys.map((k) => k.planYear)}::int[], ${keys.map((k) => k.milestoneId)}::text[],
                    ${keys.map((k) => k.unitCode)}::text[], ${keys.map((k) => k.program)}::text[],
                    ${keys.map((k) => k.stage)}::text[], ${keys.map((k) => k.recipient)}::text[])
             AS k(plan_year, milestone_id, unit_code, program, stage, recipient)
          ON a.plan_year = k.plan_year AND a.milestone_id = k.milestone_id AND a.unit_code = k.unit_code
         AND a.program = k.program AND a.stage = k.stage AND a.recipient = k.recipient`;
      return new Set(rows.map(keyString));
    },

    /** pairKey → the number of the latest at-risk warning queued in this plan year (at_risk = 1, at_risk_n = n). */
    async warningsOf(planYear: number): Promise<Map<string, number>> {
      const rows = await prisma.alertRecord.findMany({
        where: { planYear, stage: { startsWith: "at_risk" }, outcome: "queued" },
        select: { milestoneId: true, unitCode: true, program: true, stage: true },
      });
      const out = new Map<string, number>();
      for (const r of rows) {
        const n = warningNumber(r.stage);
        if (n === null) continue;
        const k = pairKey(r.milestoneId, r.unitCode, r.program);
        out.set(k, Math.max(n, out.get(k) ?? 0));
      }
      return out;
    },

    /** pairKey → the watch of each warned pair of the plan year (alert_pair_watch). */
    async pairWatch(planYear: number): Promise<Map<string, PairWatch>> {
      const rows = await prisma.alertPairWatch.findMany({ where: { planYear } });
      return new Map(
        rows.map((r) => [
          pairKey(r.milestoneId, r.unitCode, r.program),
          {
            recoveredOn: r.recoveredOn ? utcDateToLocalDate(r.recoveredOn) : null,
            updatedOn: utcDateToLocalDate(r.updatedOn),
          },
        ]),
      );
    },

    /**
     * Writes what a real run learnt about warned pairs. Never older over newer: a run for an
     * earlier day (a rerun, a slow instance) leaves a watch changed on a later day alone.
     */
    async savePairWatch(updates: readonly PairWatchUpdate[]): Promise<void> {
      if (updates.length === 0) return;
      await prisma.$executeRaw`
        INSERT INTO alert_pair_watch (plan_year, milestone_id, unit_code, program, recovered_on, updated_on)
        SELECT * FROM unnest(${updates.map((u) => u.planYear)}::int[], ${updates.map((u) => u.milestoneId)}::text[],
                             ${updates.map((u) => u.unitCode)}::text[], ${updates.map((u) => u.program)}::text[],
                             ${updates.map((u) => u.recoveredOn)}::date[], ${updates.map((u) => u.updatedOn)}::date[])
        ON CONFLICT (plan_year, milestone_id, unit_code, program) DO UPDATE
          SET recovered_on = excluded.recovered_on, updated_on = excluded.updated_on
          WHERE alert_pair_watch.updated_on <= excluded.updated_on`;
    },

    /**
     * pairKey → the missed notice queued to the pair's unit head in this plan year: the day it was
     * queued (the alert row's asOf) and whether its recipient acknowledged the message carrying it.
     * As known on asOf: notices sent by then, acknowledged by then. A run or preview for an
     * earlier day must not count an acknowledgement that came later (it would spare an escalation
     * that was due on that day).
     */
    async missedNotices(planYear: number, asOf: LocalDate): Promise<Map<string, MissedNotice>> {
      const rows = await prisma.$queryRaw<
        { milestoneId: string; unitCode: string; program: string; sentOn: Date; acknowledged: boolean }[]
      >`
        SELECT a.milestone_id AS "milestoneId", a.unit_code AS "unitCode", a.program, a.as_of AS "sentOn",
               EXISTS (SELECT 1 FROM alert_acknowledgement k
                       WHERE k.message_id = a.message_id AND lower(k.recipient) = a.recipient
                         AND k.acknowledged_on <= ${localDateToUtcDate(asOf)}) AS acknowledged
        FROM alert_record a
        WHERE a.plan_year = ${planYear} AND a.stage = 'missed' AND a.outcome = 'queued'
          AND a.message_id IS NOT NULL AND a.as_of <= ${localDateToUtcDate(asOf)}`;
      return new Map(
        rows.map((r) => [
          pairKey(r.milestoneId, r.unitCode, r.program),
          { sentOn: utcDateToLocalDate(r.sentOn), acknowledged: r.acknowledged },
        ]),
      );
    },

    /** pairKey → the latest acknowledgement, made by asOf, of a message that carried one of the pair's unit alerts. */
    async acknowledgementsOf(planYear: number, asOf: LocalDate): Promise<Map<string, Acknowledgement>> {
      const rows = await prisma.$queryRaw<
        {
          milestoneId: string;
          unitCode: string;
          program: string;
          on: Date;
          plannedAction: string | null;
          plannedOn: Date | null;
        }[]
      >`
        SELECT DISTINCT ON (a.milestone_id, a.unit_code, a.program)
               a.milestone_id AS "milestoneId", a.unit_code AS "unitCode", a.program,
               k.acknowledged_on AS "on", k.planned_action AS "plannedAction", k.planned_on AS "plannedOn"
        FROM alert_record a
        JOIN alert_acknowledgement k ON k.message_id = a.message_id AND lower(k.recipient) = a.recipient
         AND k.acknowledged_on <= ${localDateToUtcDate(asOf)}
        WHERE a.plan_year = ${planYear} AND a.outcome = 'queued' AND a.milestone_id <> ${DIGEST_MILESTONE}
        ORDER BY a.milestone_id, a.unit_code, a.program, k.acknowledged_at DESC, k.id DESC`;
      return new Map(
        rows.map((r) => [
          pairKey(r.milestoneId, r.unitCode, r.program),
          {
            on: utcDateToLocalDate(r.on),
            plannedAction: r.plannedAction,
            plannedOn: r.plannedOn ? utcDateToLocalDate(r.plannedOn) : null,
          },
        ]),
      );
    },

    /**
     * Records stages that went stale unsent; returns how many were new. A statement per
     * WRITE_SLICE rows: a crash between two leaves the rest to the next run, which records them.
     */
    async recordSkipped(intents: readonly AlertIntent[], asOf: LocalDate): Promise<number> {
      let n = 0;
      for (let k = 0; k < intents.length; k += WRITE_SLICE) {
        const part = intents.slice(k, k + WRITE_SLICE);
        const [row] = await direct.$queryRaw<{ n: number }[]>(
          Prisma.sql`WITH ins AS (${insertRows(part, asOf, "skipped")} RETURNING 1) SELECT count(*)::int AS n FROM ins`,
        );
        n += row?.n ?? 0;
      }
      return n;
    },

    /**
     * One message's rows and message. Prisma's default of 5 s is too short for an admin's message
     * the day after a national deadline: 30,000 rows took longer in a run over 10,000 units.
     */
    transaction: <T>(fn: (tx: Prisma.TransactionClient) => Promise<T>) =>
      prisma.$transaction(fn, { timeout: 120_000, maxWait: 10_000 }),

    /**
     * Writes the queued alert rows of one message; returns those this call inserted. Another
     * instance doing the same waits on the unique key and then inserts nothing. A statement per
     * WRITE_SLICE rows: an admin's message the day after a national deadline carries 30,000.
     */
    async recordQueued(
      intents: readonly AlertIntent[],
      asOf: LocalDate,
      tx: Db = prisma,
    ): Promise<QueuedAlert[]> {
      const out: QueuedAlert[] = [];
      for (let k = 0; k < intents.length; k += WRITE_SLICE) {
        const part = intents.slice(k, k + WRITE_SLICE);
        const rows = await tx.$queryRaw<QueuedAlert[]>`
          ${insertRows(part, asOf, "queued")}
          RETURNING id, plan_year AS "planYear", milestone_id AS "milestoneId", unit_code AS "unitCode",
                    program, stage, recipient`;
        for (const r of rows) out.push(r);
        // Each slice's rows, kept by Prisma's debug log, would add up to the whole message.
        if (intents.length > WRITE_SLICE) releasePrismaDebugHistory();
      }
      return out;
    },

    /** Links alert rows to the outbox message that carries them. */
    async attachMessage(alertIds: readonly bigint[], messageId: bigint, tx: Db = prisma): Promise<void> {
      for (let k = 0; k < alertIds.length; k += WRITE_SLICE) {
        await tx.$executeRaw`
          UPDATE alert_record SET message_id = ${messageId}
          WHERE id = ANY(${alertIds.slice(k, k + WRITE_SLICE).map(String)}::bigint[])`;
        if (alertIds.length > WRITE_SLICE) releasePrismaDebugHistory();
      }
    },

    async list(f: AlertFilter) {
      return prisma.alertRecord.findMany({
        where: {
          ...(f.unitCode ? { unitCode: f.unitCode } : {}),
          ...(f.milestoneId ? { milestoneId: f.milestoneId } : {}),
          ...(f.stage ? { stage: { startsWith: f.stage } } : {}),
          ...(f.planYear ? { planYear: f.planYear } : {}),
          ...(f.status === "skipped"
            ? { outcome: "skipped" as const }
            : f.status
              ? { message: { status: f.status as "pending" } }
              : {}),
          ...(f.afterId ? { id: { gt: f.afterId } } : {}),
        },
        include: {
          message: {
            select: {
              id: true,
              status: true,
              attempts: true,
              lastError: true,
              sentAt: true,
              headerMessageId: true,
              subject: true,
            },
          },
        },
        orderBy: { id: "asc" },
        take: f.limit,
      });
    },

    /** The outbox message carrying an alert; null for no such alert, or one recorded as skipped. */
    async messageOf(alertId: bigint): Promise<bigint | null> {
      const r = await prisma.alertRecord.findUnique({ where: { id: alertId }, select: { messageId: true } });
      return r?.messageId ?? null;
    },
  };
}

export type AlertLedgerRepository = ReturnType<typeof createAlertLedgerRepository>;
