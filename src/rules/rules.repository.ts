// The figures the rules need, summed in SQL in one grouped pass over the plan year's entries;
// the ledger rows themselves never leave the database.
import type { LocalDate } from "../domain/local-date.js";
import { figuresWindow, type ScopeFigures } from "../domain/milestone-status.js";
import type { Plan, RateMilestone } from "../domain/plan.js";
import type { UnitProgram } from "../domain/plan-evaluation.js";
import type { PairTotals } from "../domain/summary.js";
import { Prisma, type PrismaClient } from "../generated/prisma/client.js";

export type PlanFigures = UnitProgram & { byMilestone: Map<string, ScopeFigures> };

const unitFilter = (units?: string[]) => (units ? Prisma.sql`AND unit_code = ANY(${units})` : Prisma.empty);

function scopeFilter(m: RateMilestone): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  parts.push(
    m.scope.kind === "own"
      ? Prisma.sql`carried_over_from IS NULL`
      : Prisma.sql`carried_over_from = ${m.scope.fromYear}`,
  );
  if (m.program) parts.push(Prisma.sql`program_code = ${m.program}`);
  if (m.source) parts.push(Prisma.sql`source = ${m.source}::"CapitalSource"`);
  if (m.capitalType) parts.push(Prisma.sql`capital_type = ${m.capitalType}::"CapitalType"`);
  return Prisma.sql`(${Prisma.join(parts, " AND ")})`;
}

export function createRulesRepository(prisma: PrismaClient) {
  return {
    /**
     * One grouped pass over the plan year's entries dated up to asOf: every pair that has one,
     * with, per milestone, allocated and disbursed up to the milestone's cutoff and disbursed in
     * its projection window (conditional sums, so more milestones cost no extra scan).
     */
    async planFigures(plan: Plan, asOf: LocalDate, units?: string[]): Promise<PlanFigures[]> {
      const columns = plan.milestones.flatMap((m, i) => {
        const { cutoff, windowStart } = figuresWindow(m, asOf, plan.projectionWindowDays);
        const inScope = scopeFilter(m);
        const upTo = Prisma.sql`${inScope} AND d <= ${cutoff}::date`;
        return [
          Prisma.sql`SUM(CASE WHEN k = 'a' AND ${upTo} THEN amount ELSE 0 END)::bigint AS ${Prisma.raw(`a${i}`)}`,
          Prisma.sql`SUM(CASE WHEN k = 'd' AND ${upTo} THEN amount ELSE 0 END)::bigint AS ${Prisma.raw(`d${i}`)}`,
          Prisma.sql`SUM(CASE WHEN k = 'd' AND ${upTo} AND d >= ${windowStart}::date THEN amount ELSE 0 END)::bigint AS ${Prisma.raw(`r${i}`)}`,
        ];
      });
      const rows = await prisma.$queryRaw<Record<string, bigint | string>[]>`
        SELECT unit_code AS "unitCode", program_code AS "program", ${Prisma.join(columns)}
        FROM (
          SELECT 'a' AS k, unit_code, program_code, carried_over_from, source, capital_type, amount, decided_on AS d
            FROM allocation WHERE plan_year = ${plan.year} AND decided_on <= ${asOf}::date ${unitFilter(units)}
          UNION ALL
          SELECT 'd', unit_code, program_code, carried_over_from, source, capital_type, amount, disbursed_on
            FROM disbursement WHERE plan_year = ${plan.year} AND disbursed_on <= ${asOf}::date ${unitFilter(units)}
        ) e
        GROUP BY 1, 2`;
      return rows.map((r) => ({
        unitCode: r.unitCode as string,
        program: r.program as string,
        byMilestone: new Map(
          plan.milestones.map((m, i) => [
            m.id,
            {
              allocated: r[`a${i}`] as bigint,
              disbursed: r[`d${i}`] as bigint,
              recentDisbursed: r[`r${i}`] as bigint,
            },
          ]),
        ),
      }));
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
