// Planning an allocation import: each row's decision against what the ledger already holds.
import { scopeKey, scopeOf } from "../domain/ledger-rules.js";
import type { AllocationInput } from "../ledger/ledger.types.js";
import type { RowError } from "./import-header.js";
import type { AllocationRow } from "./import-row-schemas.js";
import { ledgerRuleErrors, type PlanChecks, type RowPlan, rowError } from "./row-plan.js";

/**
 * Allocations: a decision is written once per scope. A row whose decision the ledger already
 * holds in that scope with the same net amount is unchanged (so a re-import writes nothing); a
 * different amount is an error (post an adjustment or a correction instead).
 */
export function planAllocations(
  rows: AllocationRow[],
  c: PlanChecks & { decisions: Map<string, bigint> },
): { plans: RowPlan[]; errors: RowError[] } {
  const errors: RowError[] = [];
  const seen = new Map<string, number>();
  const plans = rows.map((r): RowPlan => {
    const key = scopeKey(r);
    const decisionKey = `${key}|${r.decisionRef}`;
    const plan: RowPlan = {
      ...scopeOf(r),
      row: r.row,
      status: "write",
      amount: r.amount,
      date: r.decidedOn,
      reference: r.decisionRef,
      cumulative: null,
      recorded: null,
      note: r.note,
    };
    const fail = (field: string | null, rule: string, message: string) => {
      errors.push(rowError(c.header, r.row, field, rule, message));
      plan.status = "error";
      return plan;
    };
    const dup = seen.get(decisionKey);
    if (dup !== undefined)
      return fail(
        "decisionRef",
        "duplicate_row",
        `decision ${r.decisionRef} for this scope is already in row ${dup}`,
      );
    seen.set(decisionKey, r.row);
    const recorded = c.decisions.get(decisionKey) ?? 0n;
    if (recorded === r.amount) {
      plan.status = "unchanged";
      return plan;
    }
    if (recorded !== 0n)
      return fail(
        "amount",
        "decision_recorded",
        `decision ${r.decisionRef} is already recorded in this scope as ${recorded} đồng: post an adjustment under a new decision, or correct the entry`,
      );
    return plan;
  });
  for (const e of ledgerRuleErrors(c, plans, "allocation", "amount")) errors.push(e);
  return { plans, errors };
}

export const toAllocationInput = (p: RowPlan): AllocationInput => ({
  ...scopeOf(p),
  amount: p.amount,
  decisionRef: p.reference,
  decidedOn: p.date,
  note: p.note ?? undefined,
});
