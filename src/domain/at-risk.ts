// The at-risk view: which (unit, program, milestone) will miss or has missed, worst first.
import type { PairEvaluation } from "./plan-evaluation.js";
import { cmp, pairRow } from "./plan-evaluation.js";

export type UnitInfo = { code: string; name: string; kind: "department" | "district" };
export type AtRiskFilter = {
  milestone?: string | undefined;
  program?: string | undefined;
  kind?: UnitInfo["kind"] | undefined;
};
export type AtRiskItem = PairEvaluation & { unitName: string; unitKind: UnitInfo["kind"] };

export function selectAtRisk(
  evals: readonly PairEvaluation[],
  units: ReadonlyMap<string, UnitInfo>,
  f: AtRiskFilter,
): AtRiskItem[] {
  const items: AtRiskItem[] = [];
  for (const e of evals) {
    if (e.status !== "at_risk" && e.status !== "missed") continue;
    if (f.milestone && e.id !== f.milestone) continue;
    if (f.program && e.program !== f.program) continue;
    const unit = units.get(e.unitCode);
    if (!unit || (f.kind && unit.kind !== f.kind)) continue;
    items.push(atRiskItem(e, unit));
  }
  // Largest shortfall first; ties in a fixed order so pages and exports are stable.
  return items.sort(
    (a, b) =>
      (a.shortfall < b.shortfall ? 1 : a.shortfall > b.shortfall ? -1 : 0) ||
      cmp(a.unitCode, b.unitCode) ||
      cmp(a.program, b.program) ||
      cmp(a.dueOn, b.dueOn) ||
      cmp(a.id, b.id),
  );
}

/** The row, then the unit's fields: no spread (see pairRow). */
function atRiskItem(e: PairEvaluation, unit: UnitInfo): AtRiskItem {
  const item = pairRow(e, e.unitCode, e.program, e.planYear, e.kind) as AtRiskItem;
  item.unitName = unit.name;
  item.unitKind = unit.kind;
  return item;
}
