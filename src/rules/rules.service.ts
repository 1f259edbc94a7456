// Status, at-risk and summary: SQL figures in, the pure domain decides.

import type { Principal } from "../access/principal.js";
import { type AtRiskFilter, selectAtRisk, type UnitInfo } from "../domain/at-risk.js";
import type { LocalDate } from "../domain/local-date.js";
import type { Plan, RateMilestone } from "../domain/plan.js";
import { evaluatePlan, type PairEvaluation, planNarrowedTo } from "../domain/plan-evaluation.js";
import { NO_REFUNDS, refundScopeFigures } from "../domain/refund.js";
import { summarize } from "../domain/summary.js";
import { assertCanReadUnit } from "../ledger/ledger.service.js";
import type { RulesRepository } from "./rules.repository.js";

type Deps = {
  repo: RulesRepository;
  plans: { planFor(asOf: LocalDate, year?: number): Promise<Plan> };
  units: { listUnits(): Promise<UnitInfo[]>; getUnit(code: string): Promise<UnitInfo> };
};

export function createRulesService({ repo, plans, units }: Deps) {
  async function evaluate(plan: Plan, asOf: LocalDate, unitCodes?: string[]): Promise<PairEvaluation[]> {
    const refundMilestones = plan.milestones.filter((m): m is RateMilestone => m.kind === "refund");
    const [rows, requests, ...refunds] = await Promise.all([
      repo.planFigures(plan, asOf, unitCodes),
      plan.milestones.some((m) => m.kind === "request")
        ? repo.requestsSentOn(plan.year, asOf, unitCodes)
        : new Map<string, LocalDate>(),
      ...refundMilestones.map((m) => repo.refundFigures(plan, m, asOf, unitCodes)),
    ]);
    const refundsOf = new Map(refundMilestones.map((m, i) => [m.id, refunds[i]!]));
    return evaluatePlan(
      plan,
      asOf,
      rows,
      (m, pair) => {
        const ledger = pair.byMilestone.get(m.id);
        if (m.kind !== "refund" || !ledger) return ledger;
        return refundScopeFigures(
          ledger,
          refundsOf.get(m.id)?.get(`${pair.unitCode}|${pair.program}`) ?? NO_REFUNDS,
        );
      },
      (pair) => requests.get(`${pair.unitCode}|${pair.program}`) ?? null,
    );
  }

  const unitMap = async () => new Map((await units.listUnits()).map((u) => [u.code, u]));

  return {
    evaluate,

    async unitStatus(unitCode: string, asOf: LocalDate, planYear: number | undefined, by: Principal) {
      assertCanReadUnit(by, unitCode);
      await units.getUnit(unitCode);
      const plan = await plans.planFor(asOf, planYear);
      return { unitCode, asOf, planYear: plan.year, milestones: await evaluate(plan, asOf, [unitCode]) };
    },

    async atRisk(asOf: LocalDate, planYear: number | undefined, filter: AtRiskFilter) {
      const plan = await plans.planFor(asOf, planYear);
      const judged = filter.milestone ? planNarrowedTo(plan, filter.milestone) : plan;
      const [evals, map] = await Promise.all([evaluate(judged, asOf), unitMap()]);
      return { asOf, planYear: plan.year, items: selectAtRisk(evals, map, filter) };
    },

    async summary(asOf: LocalDate, planYear: number | undefined) {
      const plan = await plans.planFor(asOf, planYear);
      const [evals, totals, map] = await Promise.all([
        evaluate(plan, asOf),
        repo.ownCapitalTotals(plan.year, asOf),
        unitMap(),
      ]);
      return { asOf, ...summarize(plan, totals, evals, map) };
    },
  };
}

export type RulesService = ReturnType<typeof createRulesService>;
