// The alert ledger and the outbox rows it writes with it, in one transaction per recipient.
import { createHash } from "node:crypto";
import { type LocalDate, localDateToUtcDate, utcDateToLocalDate } from "../domain/local-date.js";
import type { Prisma, PrismaClient } from "../generated/prisma/client.js";
import type { Acknowledgement, RenderedMessage } from "./alert.types.js";
import {
  type AlertIntent,
  type AlertKey,
  DIGEST_MILESTONE,
  type MissedNotice,
  type PairWatch,
  type PairWatchUpdate,
  pairKey,
  warningNumber,
} from "./policy.js";

export const keyString = (k: AlertKey) =>
  [k.planYear, k.milestoneId, k.unitCode, k.program, k.stage, k.recipient].join("|");

/** The RFC 5322 Message-ID of the message carrying these alerts: the same on every resend and instance. */
export function headerMessageIdOf(keys: readonly AlertKey[]): string {
  const digest = createHash("sha256")
    .update(keys.map(keyString).sort().join("\n"))
    .digest("hex")
    .slice(0, 32);
  return `<alert.${digest}@disbursement-monitor.invalid>`;
}

/** Snapshots hold BigInt amounts; jsonb holds them as decimal strings. */
export function toJsonValue(v: unknown): Prisma.InputJsonValue {
  return JSON.parse(JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x)));
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

export function createAlertLedgerRepository(prisma: PrismaClient) {
  return {
    /** Keys among `keys` that the ledger already holds. */
    async existing(keys: AlertKey[]): Promise<Set<string>> {
      if (keys.length === 0) return new Set();
      const rows = await prisma.$queryRaw<AlertKey[]>`
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
     */
    /**
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

    async recordSkipped(intents: AlertIntent[], asOf: LocalDate): Promise<number> {
      if (intents.length === 0) return 0;
      const res = await prisma.alertRecord.createMany({
        data: intents.map((i) => ({
          ...i.key,
          outcome: "skipped" as const,
          skipReason: i.skipReason ?? null,
          snapshot: toJsonValue(i.snapshots),
          asOf: localDateToUtcDate(asOf),
        })),
        skipDuplicates: true,
      });
      return res.count;
    },

    /**
     * Writes the alert rows of one recipient and, for those not already there, one outbox
     * message listing them, atomically. Another instance doing the same waits on the unique
     * key and then inserts nothing, so the message exists once.
     */
    async enqueue(
      intents: AlertIntent[],
      asOf: LocalDate,
      render: (fresh: AlertIntent[], headerMessageId: string) => RenderedMessage,
    ): Promise<{ messageId: bigint; alerts: number } | null> {
      const first = intents[0];
      if (!first) return null;
      return prisma.$transaction(async (tx) => {
        const inserted = await tx.alertRecord.createManyAndReturn({
          data: intents.map((i) => ({
            ...i.key,
            outcome: "queued" as const,
            snapshot: toJsonValue(i.snapshots),
            asOf: localDateToUtcDate(asOf),
          })),
          skipDuplicates: true,
          select: {
            id: true,
            planYear: true,
            milestoneId: true,
            unitCode: true,
            program: true,
            stage: true,
            recipient: true,
          },
        });
        if (inserted.length === 0) return null;
        const fresh = new Set(inserted.map(keyString));
        const mine = intents.filter((i) => fresh.has(keyString(i.key)));
        const headerMessageId = headerMessageIdOf(mine.map((i) => i.key));
        const rendered = render(mine, headerMessageId);
        const message = await tx.outboxMessage.create({
          data: {
            kind: first.route.kind === "unit" ? "unit" : "admin",
            recipient: first.route.to,
            cc: [...new Set(mine.flatMap((i) => i.route.cc))],
            ...rendered,
            headerMessageId,
          },
          select: { id: true },
        });
        await tx.alertRecord.updateMany({
          where: { id: { in: inserted.map((r) => r.id) } },
          data: { messageId: message.id },
        });
        return { messageId: message.id, alerts: inserted.length };
      });
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

    async findMessageOf(alertId: bigint) {
      const r = await prisma.alertRecord.findUnique({ where: { id: alertId }, select: { messageId: true } });
      return r;
    },

    async messagePreview(messageId: bigint) {
      return prisma.outboxMessage.findUnique({ where: { id: messageId } });
    },
  };
}

export type AlertLedgerRepository = ReturnType<typeof createAlertLedgerRepository>;
