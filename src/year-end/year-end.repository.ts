// Carry-forward approvals and refunds: what happens to a plan year's capital after its year.
import { type LocalDate, localDateToUtcDate, utcDateToLocalDate } from "../domain/local-date.js";
import type { CapitalType, FundingSource } from "../domain/plan.js";
import type { Prisma, PrismaClient } from "../generated/prisma/client.js";

type Db = PrismaClient | Prisma.TransactionClient;

export type YearEndScope = {
  unitCode: string;
  program: string;
  planYear: number;
  source: FundingSource;
  capitalType: CapitalType;
};
export type CarryForwardInput = YearEndScope & { amount: bigint; legalBasis: string; approvedOn: LocalDate };
export type RefundInput = YearEndScope & { amount: bigint; refundedOn: LocalDate; reference: string };

const scopeColumns = (s: YearEndScope) => ({
  unitCode: s.unitCode,
  programCode: s.program,
  planYear: s.planYear,
  source: s.source,
  capitalType: s.capitalType,
});

export function createYearEndRepository(prisma: PrismaClient) {
  return {
    /** What is left of a scope's own capital: allocated − disbursed − carried forward − refunded, all time. */
    async remaining(
      tx: Db,
      s: YearEndScope,
    ): Promise<{ undisbursed: bigint; carriedForward: bigint; refunded: bigint }> {
      const [row] = await tx.$queryRaw<
        { allocated: bigint; disbursed: bigint; cf: bigint; refunded: bigint }[]
      >`
        SELECT
          (SELECT COALESCE(SUM(amount), 0)::bigint FROM allocation a WHERE a.unit_code = ${s.unitCode} AND a.program_code = ${s.program}
             AND a.plan_year = ${s.planYear} AND a.carried_over_from IS NULL AND a.source = ${s.source}::"CapitalSource"
             AND a.capital_type = ${s.capitalType}::"CapitalType") AS allocated,
          (SELECT COALESCE(SUM(amount), 0)::bigint FROM disbursement d WHERE d.unit_code = ${s.unitCode} AND d.program_code = ${s.program}
             AND d.plan_year = ${s.planYear} AND d.carried_over_from IS NULL AND d.source = ${s.source}::"CapitalSource"
             AND d.capital_type = ${s.capitalType}::"CapitalType") AS disbursed,
          (SELECT COALESCE(SUM(amount), 0)::bigint FROM carry_forward c WHERE c.unit_code = ${s.unitCode} AND c.program_code = ${s.program}
             AND c.plan_year = ${s.planYear} AND c.source = ${s.source}::"CapitalSource" AND c.capital_type = ${s.capitalType}::"CapitalType") AS cf,
          (SELECT COALESCE(SUM(amount), 0)::bigint FROM refund r WHERE r.unit_code = ${s.unitCode} AND r.program_code = ${s.program}
             AND r.plan_year = ${s.planYear} AND r.source = ${s.source}::"CapitalSource" AND r.capital_type = ${s.capitalType}::"CapitalType") AS refunded`;
      return {
        undisbursed: row!.allocated - row!.disbursed,
        carriedForward: row!.cf,
        refunded: row!.refunded,
      };
    },

    /** Serialises writers of one scope, like the ledger does. */
    async lock(tx: Db, s: YearEndScope): Promise<void> {
      const key = `year-end|${s.unitCode}|${s.program}|${s.planYear}|${s.source}|${s.capitalType}`;
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`;
    },

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
      return { ...c, id: row.id, createdBy, createdAt: row.createdAt };
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
      return { ...r, id: row.id, createdBy, createdAt: row.createdAt };
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
