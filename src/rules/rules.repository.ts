// The figures the rules need, summed in SQL: one grouped pass per milestone over the plan
// year's entries, never the ledger rows themselves.
import type { LocalDate } from "../domain/local-date.js";
import { figuresWindow, type ScopeFigures } from "../domain/milestone-status.js";
import type { Plan, RateMilestone } from "../domain/plan.js";
import type { UnitProgram } from "../domain/plan-evaluation.js";
import type { PairTotals } from "../domain/summary.js";
import { Prisma, type PrismaClient } from "../generated/prisma/client.js";

export type PairFigures = UnitProgram & ScopeFigures;

const unitFilter = (units?: string[]) => (units ? Prisma.sql`AND unit_code = ANY(${units})` : Prisma.empty);

function scopeFilter(plan: Plan, m: RateMilestone): Prisma.Sql {
  const parts = [Prisma.sql`plan_year = ${plan.year}`];
  parts.push(
    m.scope.kind === "own"
      ? Prisma.sql`carried_over_from IS NULL`
      : Prisma.sql`carried_over_from = ${m.scope.fromYear}`,
  );
  if (m.program) parts.push(Prisma.sql`program_code = ${m.program}`);
  if (m.source) parts.push(Prisma.sql`source = ${m.source}::"CapitalSource"`);
  if (m.capitalType) parts.push(Prisma.sql`capital_type = ${m.capitalType}::"CapitalType"`);
  return Prisma.join(parts, " AND ");
}

export function createRulesRepository(prisma: PrismaClient) {
  return {
    /** Pairs with any entry of the plan year dated on or before asOf. */
    async pairs(year: number, asOf: LocalDate, units?: string[]): Promise<UnitProgram[]> {
      return prisma.$queryRaw<UnitProgram[]>`
        SELECT unit_code AS "unitCode", program_code AS "program" FROM allocation
          WHERE plan_year = ${year} AND decided_on <= ${asOf}::date ${unitFilter(units)}
        UNION
        SELECT unit_code, program_code FROM disbursement
          WHERE plan_year = ${year} AND disbursed_on <= ${asOf}::date ${unitFilter(units)}`;
    },

    /** Allocated and disbursed up to the milestone's cutoff, and disbursed in the projection window. */
    async milestoneFigures(
      plan: Plan,
      m: RateMilestone,
      asOf: LocalDate,
      units?: string[],
    ): Promise<PairFigures[]> {
      const { cutoff, windowStart } = figuresWindow(m, asOf, plan.projectionWindowDays);
      const scope = scopeFilter(plan, m);
      return prisma.$queryRaw<PairFigures[]>`
        SELECT unit_code AS "unitCode", program_code AS "program",
               SUM(allocated)::bigint AS "allocated", SUM(disbursed)::bigint AS "disbursed",
               SUM(recent)::bigint AS "recentDisbursed"
        FROM (
          SELECT unit_code, program_code, amount AS allocated, 0::bigint AS disbursed, 0::bigint AS recent
            FROM allocation WHERE ${scope} AND decided_on <= ${cutoff}::date ${unitFilter(units)}
          UNION ALL
          SELECT unit_code, program_code, 0::bigint, amount,
                 CASE WHEN disbursed_on >= ${windowStart}::date THEN amount ELSE 0::bigint END
            FROM disbursement WHERE ${scope} AND disbursed_on <= ${cutoff}::date ${unitFilter(units)}
        ) e
        GROUP BY 1, 2`;
    },

    /** The plan year's own capital per pair as of asOf, for the roll-ups. */
    async ownCapitalTotals(year: number, asOf: LocalDate): Promise<PairTotals[]> {
      return prisma.$queryRaw<PairTotals[]>`
        SELECT unit_code AS "unitCode", program_code AS "program",
               SUM(allocated)::bigint AS "allocated", SUM(disbursed)::bigint AS "disbursed"
        FROM (
          SELECT unit_code, program_code, amount AS allocated, 0::bigint AS disbursed FROM allocation
            WHERE plan_year = ${year} AND carried_over_from IS NULL AND decided_on <= ${asOf}::date
          UNION ALL
          SELECT unit_code, program_code, 0::bigint, amount FROM disbursement
            WHERE plan_year = ${year} AND carried_over_from IS NULL AND disbursed_on <= ${asOf}::date
        ) e
        GROUP BY 1, 2`;
    },
  };
}

export type RulesRepository = ReturnType<typeof createRulesRepository>;
