// Planning a disbursement-report import: each row's cumulative figure against what the ledger
// holds up to its date.
import { scopeKey, scopeOf } from "../domain/ledger-rules.js";
import type { LocalDate } from "../domain/local-date.js";
import type { DisbursementInput } from "../ledger/ledger.types.js";
import type { RowError } from "./import-header.js";
import type { DisbursementRow } from "./import-row-schemas.js";
import { ledgerRuleErrors, type PlanChecks, type RowPlan, rowError } from "./row-plan.js";

/** Disbursements in one scope, summed per date. */
export type DatedAmount = { date: LocalDate; amount: bigint };

/**
 * Disbursement reports: each row states the cumulative disbursed in its scope as of a date, and
 * becomes an entry of the difference from what the ledger holds up to that date. Rows of one
 * scope are taken in date order, each counting the differences of the earlier ones.
 *   difference 0  → nothing to write (a re-imported report writes nothing);
 *   difference <0 → refused: a lower cumulative figure is a correction, posted by hand with
 *                   `corrects` naming the wrong entry;
 *   entries dated after asOf already recorded and a difference ≠ 0 → refused: an older report
 *                   cannot be reconciled with later figures;
 *   otherwise      → a disbursement of the difference dated asOf, within the allocation.
 */
export function planDisbursements(
  rows: DisbursementRow[],
  c: PlanChecks & { today: LocalDate },
): { plans: RowPlan[]; errors: RowError[] } {
  const errors: RowError[] = [];
  const plans = new Map<number, RowPlan>();
  const byScope = new Map<string, DisbursementRow[]>();
  for (const r of rows) {
    const list = byScope.get(scopeKey(r)) ?? [];
    list.push(r);
    byScope.set(scopeKey(r), list);
  }
  for (const [key, list] of byScope) {
    const history = (c.history.get(key) ?? []).filter((m) => m.kind === "disbursement");
    const latest = history.reduce<LocalDate | null>((m, h) => (m === null || h.date > m ? h.date : m), null);
    const sorted = [...list].sort((a, b) => (a.asOf < b.asOf ? -1 : a.asOf > b.asOf ? 1 : a.row - b.row));
    const written: DatedAmount[] = [];
    let previous: DisbursementRow | null = null;
    for (const r of sorted) {
      const recorded = [...history, ...written]
        .filter((h) => h.date <= r.asOf)
        .reduce((s, h) => s + h.amount, 0n);
      const plan: RowPlan = {
        ...scopeOf(r),
        row: r.row,
        status: "write",
        amount: r.cumulativeDisbursed - recorded,
        date: r.asOf,
        reference: r.reference,
        cumulative: r.cumulativeDisbursed,
        recorded,
        note: r.note,
      };
      plans.set(r.row, plan);
      const fail = (field: string | null, rule: string, message: string) => {
        errors.push(rowError(c.header, r.row, field, rule, message));
        plan.status = "error";
      };
      if (previous && previous.asOf === r.asOf) {
        fail("asOf", "duplicate_row", `row ${previous.row} already reports this scope as of ${r.asOf}`);
        continue;
      }
      previous = r;
      if (r.asOf > c.today) {
        fail("asOf", "not_in_future", `${r.asOf} is after today (${c.today} in Asia/Ho_Chi_Minh)`);
        continue;
      }
      if (plan.amount === 0n) {
        plan.status = "unchanged";
        continue;
      }
      if (latest !== null && latest > r.asOf) {
        fail(
          "asOf",
          "later_figures_recorded",
          `disbursements up to ${latest} are already recorded in this scope, and the ${recorded} recorded up to ${r.asOf} differs from this report: a report cannot change figures before later ones`,
        );
        continue;
      }
      if (plan.amount < 0n) {
        fail(
          "cumulativeDisbursed",
          "cumulative_below_recorded",
          `cumulative figure ${r.cumulativeDisbursed} is lower than the ${recorded} recorded up to ${r.asOf}: post a correction naming the wrong entry (POST /api/v1/disbursements with corrects)`,
        );
        continue;
      }
      written.push({ date: r.asOf, amount: plan.amount });
    }
  }
  const ordered = rows.map((r) => plans.get(r.row)!);
  for (const e of ledgerRuleErrors(c, ordered, "disbursement", "cumulativeDisbursed")) errors.push(e);
  return { plans: ordered, errors };
}

export const toDisbursementInput = (p: RowPlan): DisbursementInput => ({
  ...scopeOf(p),
  amount: p.amount,
  disbursedOn: p.date,
  reference: p.reference,
  note: p.note ?? undefined,
});
