// The at-risk view: which (unit, program, milestone) will miss or has missed, worst first.
import { cmp, pairRow } from "./plan-evaluation.js";
import type { JudgedRow } from "./recorded-verdicts.js";

export type UnitInfo = { code: string; name: string; kind: "department" | "district" };
export type AtRiskFilter = {
  milestone?: string | undefined;
  program?: string | undefined;
  kind?: UnitInfo["kind"] | undefined;
};
export type AtRiskItem = JudgedRow & { unitName: string; unitKind: UnitInfo["kind"] };

export function selectAtRisk(
  evals: readonly JudgedRow[],
  units: ReadonlyMap<string, UnitInfo>,
  f: AtRiskFilter,
): AtRiskItem[] {
  const items: AtRiskItem[] = [];
  for (const e of evals) {
    // A closed milestone recorded as missed stays listed after a restatement changed today's
    // reading: the view shows both.
    if (!flagged(e.status) && !(e.recordedStatus && flagged(e.recordedStatus))) continue;
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

const flagged = (s: JudgedRow["status"]) => s === "at_risk" || s === "missed";

/** The row, then the unit's fields and a closed milestone's marks: no spread (see pairRow). */
function atRiskItem(e: JudgedRow, unit: UnitInfo): AtRiskItem {
  const item = pairRow(e, e.unitCode, e.program, e.planYear, e.kind) as AtRiskItem;
  item.unitName = unit.name;
  item.unitKind = unit.kind;
  if (e.closed) {
    item.closed = e.closed;
    item.recordedStatus = e.recordedStatus;
    if (e.restated) {
      item.restated = e.restated;
      item.recorded = e.recorded;
    }
  }
  return item;
}
