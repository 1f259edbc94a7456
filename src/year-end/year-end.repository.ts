// Carry-forward approvals and refunds: what happens to a plan year's capital after its year.

import type { Restatement } from "../domain/closing.js";
import type { LedgerScope } from "../domain/ledger-rules.js";
import { type LocalDate, localDateToUtcDate, utcDateToLocalDate } from "../domain/local-date.js";
import type { Prisma, PrismaClient } from "../generated/prisma/client.js";

type Db = PrismaClient | Prisma.TransactionClient;

/** The ledger's scope: carry-forwards and refunds are movements of it like any entry. */
export type YearEndScope = LedgerScope;
export type CarryForwardInput = YearEndScope & {
  amount: bigint;
  legalBasis: string;
  approvedOn: LocalDate;
  restatement?: Restatement | undefined;
};
export type RefundInput = YearEndScope & {
  amount: bigint;
  refundedOn: LocalDate;
  reference: string;
  restatement?: Restatement | undefined;
};

const scopeColumns = (s: YearEndScope) => ({
  unitCode: s.unitCode,
  programCode: s.program,
  planYear: s.planYear,
  carriedOverFrom: s.carriedOverFrom,
  source: s.source,
  capitalType: s.capitalType,
});

export function createYearEndRepository(prisma: PrismaClient) {
  return {
    async insertCarryForward(tx: Db, c: CarryForwardInput, createdBy: string) {
      const row = await tx.carryForward.create({
        data: {
          ...scopeColumns(c),
          amount: c.amount,
          legalBasis: c.legalBasis,
          approvedOn: localDateToUtcDate(c.approvedOn),
          createdBy,
        },
      });
      const { restatement: _r, ...entry } = c;
      return { ...entry, id: row.id, createdBy, createdAt: row.createdAt };
    },

    async insertRefund(tx: Db, r: RefundInput, createdBy: string) {
      const row = await tx.refund.create({
        data: {
          ...scopeColumns(r),
          amount: r.amount,
          reference: r.reference,
          refundedOn: localDateToUtcDate(r.refundedOn),
          createdBy,
        },
      });
      const { restatement: _r, ...entry } = r;
      return { ...entry, id: row.id, createdBy, createdAt: row.createdAt };
    },

    async listCarryForwards(f: { unitCodes?: string[] | undefined; planYear?: number | undefined }) {
      const rows = await prisma.carryForward.findMany({
        where: {
          ...(f.unitCodes ? { unitCode: { in: f.unitCodes } } : {}),
          ...(f.planYear ? { planYear: f.planYear } : {}),
        },
        orderBy: { id: "asc" },
        take: 5000,
      });
      return rows.map(({ programCode, approvedOn, ...r }) => ({
        ...r,
        program: programCode,
        approvedOn: utcDateToLocalDate(approvedOn),
      }));
    },

    async listRefunds(f: { unitCodes?: string[] | undefined; planYear?: number | undefined }) {
      const rows = await prisma.refund.findMany({
        where: {
          ...(f.unitCodes ? { unitCode: { in: f.unitCodes } } : {}),
          ...(f.planYear ? { planYear: f.planYear } : {}),
        },
        orderBy: { id: "asc" },
        take: 5000,
      });
      return rows.map(({ programCode, refundedOn, ...r }) => ({
        ...r,
        program: programCode,
        refundedOn: utcDateToLocalDate(refundedOn),
      }));
    },
  };
}

export type YearEndRepository = ReturnType<typeof createYearEndRepository>;
