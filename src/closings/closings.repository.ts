// Closed milestones and the verdicts they recorded. A closing and its verdicts are written once,
// together; nothing here updates or deletes them.
import type { ClosedMilestone, RecordedVerdict } from "../domain/closing.js";
import { localDateToUtcDate, utcDateToLocalDate } from "../domain/local-date.js";
import type { MilestoneStatus } from "../domain/milestone-status.js";
import type { Milestone } from "../domain/plan.js";
import type { Prisma, PrismaClient } from "../generated/prisma/client.js";

type Db = PrismaClient | Prisma.TransactionClient;

export type ClosingRecord = ClosedMilestone & { id: bigint; planVersion: number; automatic: boolean };

export type NewClosing = Omit<ClosingRecord, "id" | "closedAt">;

const knownBy = (knownAt?: Date) => (knownAt ? { closedAt: { lte: knownAt } } : {});

export function createClosingsRepository(prisma: PrismaClient) {
  const toRecord = (r: {
    id: bigint;
    planYear: number;
    milestoneId: string;
    milestone: unknown;
    planVersion: number;
    dueOn: Date;
    closedAt: Date;
    closedBy: string;
    document: string;
    reason: string;
    automatic: boolean;
  }): ClosingRecord => ({
    id: r.id,
    planYear: r.planYear,
    milestoneId: r.milestoneId,
    milestone: r.milestone as Milestone,
    planVersion: r.planVersion,
    dueOn: utcDateToLocalDate(r.dueOn),
    closedAt: r.closedAt,
    closedBy: r.closedBy,
    document: r.document,
    reason: r.reason,
    automatic: r.automatic,
  });

  return {
    transaction: <T>(fn: (tx: Prisma.TransactionClient) => Promise<T>) =>
      prisma.$transaction(fn, { timeout: 60_000, maxWait: 10_000 }),

    /** The plan year's closed milestones, due date first; with knownAt, those closed by then. */
    async closedMilestones(planYear: number, knownAt?: Date): Promise<ClosingRecord[]> {
      const rows = await prisma.milestoneClosing.findMany({
        where: { planYear, ...knownBy(knownAt) },
        orderBy: [{ dueOn: "asc" }, { milestoneId: "asc" }],
      });
      return rows.map(toRecord);
    },

    /** Every verdict recorded by the plan year's closings (made by knownAt), for the given units. */
    async recordedVerdicts(
      planYear: number,
      opts: { knownAt?: Date | undefined; unitCodes?: string[] | undefined } = {},
    ): Promise<RecordedVerdict[]> {
      const rows = await prisma.milestoneVerdict.findMany({
        where: {
          closing: { planYear, ...knownBy(opts.knownAt) },
          ...(opts.unitCodes ? { unitCode: { in: opts.unitCodes } } : {}),
        },
        include: { closing: { select: { milestoneId: true } } },
      });
      return rows.map((r) => ({
        milestoneId: r.closing.milestoneId,
        unitCode: r.unitCode,
        program: r.program,
        status: r.status as MilestoneStatus,
        allocated: r.allocated,
        disbursed: r.disbursed,
        rate: r.rate,
        shortfall: r.shortfall,
      }));
    },

    /**
     * Claims the (plan year, milestone) with its unique key: null when it is already closed,
     * by an earlier call or by a concurrent one (which this insert waits for), never an error.
     */
    async insertClosing(tx: Db, c: NewClosing): Promise<ClosingRecord | null> {
      const [row] = await tx.milestoneClosing.createManyAndReturn({
        data: [
          {
            planYear: c.planYear,
            milestoneId: c.milestoneId,
            milestone: c.milestone as object,
            planVersion: c.planVersion,
            dueOn: localDateToUtcDate(c.dueOn),
            closedBy: c.closedBy,
            document: c.document,
            reason: c.reason,
            automatic: c.automatic,
          },
        ],
        skipDuplicates: true,
      });
      return row ? toRecord(row) : null;
    },

    async insertVerdicts(
      tx: Db,
      closingId: bigint,
      verdicts: readonly Omit<RecordedVerdict, "milestoneId">[],
    ): Promise<void> {
      // One statement per 5,000 rows keeps each under PostgreSQL's 65,535 bind parameters.
      for (let i = 0; i < verdicts.length; i += 5_000) {
        await tx.milestoneVerdict.createMany({
          data: verdicts.slice(i, i + 5_000).map((v) => ({ closingId, ...v })),
        });
      }
    },
  };
}

export type ClosingsRepository = ReturnType<typeof createClosingsRepository>;
