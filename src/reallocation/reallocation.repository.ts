import { type LocalDate, localDateToUtcDate, utcDateToLocalDate } from "../domain/local-date.js";
import type { ApprovedLine, Decision, RequestedLine } from "../domain/reallocation.js";
import type { Prisma, PrismaClient } from "../generated/prisma/client.js";

type Db = PrismaClient | Prisma.TransactionClient;

export type RequestState = "submitted" | "approved" | "rejected";
export type NewRequest = {
  unitCode: string;
  planYear: number;
  reason: string;
  documentRef: string;
  sentOn: LocalDate;
  lines: RequestedLine[];
};

const include = { lines: { include: { transfers: true } } } as const;

type Row = Prisma.ReallocationRequestGetPayload<{ include: typeof include }>;

function toRequest(r: Row) {
  return {
    id: r.id,
    unitCode: r.unitCode,
    planYear: r.planYear,
    reason: r.reason,
    documentRef: r.documentRef,
    sentOn: utcDateToLocalDate(r.sentOn),
    state: r.state as RequestState,
    createdBy: r.createdBy,
    createdAt: r.createdAt,
    decision: r.decisionRef
      ? {
          decisionRef: r.decisionRef,
          decidedOn: r.decidedOn ? utcDateToLocalDate(r.decidedOn) : null,
          decidedBy: r.decidedBy,
          note: r.decisionNote,
        }
      : null,
    lines: r.lines.map((l) => ({
      program: l.programCode,
      source: l.source,
      capitalType: l.capitalType,
      amount: l.amount,
      approvedAmount: l.approvedAmount,
      recipients: l.transfers.map((t) => ({ unitCode: t.toUnitCode, amount: t.amount })),
    })),
  };
}

export type ReallocationRequestView = ReturnType<typeof toRequest>;

export function createReallocationRepository(prisma: PrismaClient) {
  return {
    async create(tx: Db, r: NewRequest, createdBy: string): Promise<ReallocationRequestView> {
      const row = await tx.reallocationRequest.create({
        data: {
          unitCode: r.unitCode,
          planYear: r.planYear,
          reason: r.reason,
          documentRef: r.documentRef,
          sentOn: localDateToUtcDate(r.sentOn),
          createdBy,
          lines: {
            create: r.lines.map((l) => ({
              programCode: l.program,
              source: l.source,
              capitalType: l.capitalType,
              amount: l.amount,
            })),
          },
        },
        include,
      });
      return toRequest(row);
    },

    async find(id: bigint, tx: Db = prisma): Promise<ReallocationRequestView | null> {
      const row = await tx.reallocationRequest.findUnique({ where: { id }, include });
      return row ? toRequest(row) : null;
    },

    async list(f: {
      unitCodes?: string[] | undefined;
      planYear?: number | undefined;
      state?: RequestState | undefined;
      limit: number;
      afterId?: bigint | undefined;
    }) {
      const rows = await prisma.reallocationRequest.findMany({
        where: {
          ...(f.unitCodes ? { unitCode: { in: f.unitCodes } } : {}),
          ...(f.planYear ? { planYear: f.planYear } : {}),
          ...(f.state ? { state: f.state } : {}),
          ...(f.afterId ? { id: { gt: f.afterId } } : {}),
        },
        include,
        orderBy: { id: "asc" },
        take: f.limit,
      });
      return rows.map(toRequest);
    },

    /** Moves a submitted request on; false when someone decided it first. */
    async decide(
      tx: Db,
      id: bigint,
      state: "approved" | "rejected",
      d: Decision & { note?: string | undefined },
      by: string,
    ): Promise<boolean> {
      const res = await tx.reallocationRequest.updateMany({
        where: { id, state: "submitted" },
        data: {
          state,
          decisionRef: d.decisionRef,
          decidedOn: localDateToUtcDate(d.decidedOn),
          decidedBy: by,
          decisionNote: d.note ?? null,
        },
      });
      return res.count === 1;
    },

    async recordApproval(tx: Db, id: bigint, lines: ApprovedLine[]): Promise<void> {
      for (const l of lines) {
        const line = await tx.reallocationLine.update({
          where: {
            requestId_programCode_source_capitalType: {
              requestId: id,
              programCode: l.program,
              source: l.source,
              capitalType: l.capitalType,
            },
          },
          data: { approvedAmount: l.approvedAmount },
          select: { id: true },
        });
        await tx.reallocationTransfer.createMany({
          data: l.recipients.map((r) => ({
            requestId: id,
            lineId: line.id,
            toUnitCode: r.unitCode,
            amount: r.amount,
          })),
        });
      }
    },
  };
}

export type ReallocationRepository = ReturnType<typeof createReallocationRepository>;
