// The figures the ledger keeps as it moves (migration ..._ledger_figures) checked against the
// entries: `npm run db:verify`, the tests and the fault suite ask for the differences.
import type { PrismaClient } from "../generated/prisma/client.js";

export type FiguresDifference = {
  scopeKey: string;
  /** missing: the entries make figures the table lacks; extra: the table has a scope no entry makes. */
  problem: "missing" | "extra" | "different";
  kept: string | null;
  expected: string | null;
};

export function createLedgerFiguresRepository(prisma: PrismaClient) {
  return {
    /** Every scope whose kept figures differ from the entries' (at most `limit` of them), and how many. */
    async differences(limit = 20): Promise<{ count: number; first: FiguresDifference[] }> {
      const rows = await prisma.$queryRaw<(FiguresDifference & { count: bigint })[]>`
        WITH k AS (
          SELECT scope_key, ROW(unit_code, program_code, plan_year, carried_over_from, source, capital_type,
                     allocation_days, allocation_totals, disbursement_days, disbursement_totals,
                     refund_days, refund_totals, carry_forward_days, carry_forward_totals)::text AS v
          FROM ledger_figures
        ), e AS (
          SELECT scope_key, ROW(unit_code, program_code, plan_year, carried_over_from, source, capital_type,
                     allocation_days, allocation_totals, disbursement_days, disbursement_totals,
                     refund_days, refund_totals, carry_forward_days, carry_forward_totals)::text AS v
          FROM ledger_figures_from_entries()
        ), d AS (
          SELECT COALESCE(k.scope_key, e.scope_key) AS "scopeKey",
                 CASE WHEN k.scope_key IS NULL THEN 'missing' WHEN e.scope_key IS NULL THEN 'extra' ELSE 'different' END AS problem,
                 k.v AS kept, e.v AS expected
          FROM k FULL JOIN e ON e.scope_key = k.scope_key
          WHERE k.v IS DISTINCT FROM e.v
        )
        SELECT *, COUNT(*) OVER () AS count FROM d ORDER BY "scopeKey" LIMIT ${limit}`;
      return {
        count: Number(rows[0]?.count ?? 0),
        first: rows.map(({ count: _, ...d }) => d),
      };
    },

    /** Writes the figures again from the entries, in one transaction (a repair, and after a restore). */
    async rebuild(): Promise<void> {
      await prisma.$executeRaw`SELECT ledger_figures_rebuild()`;
    },
  };
}

export type LedgerFiguresRepository = ReturnType<typeof createLedgerFiguresRepository>;
