// What an import needs to know of the ledger, summed in SQL: disbursements per scope and date
// (to turn cumulative figures into differences) and allocations per scope and decision (so a
// re-imported decision is recognised). Runs on the caller's transaction when given one.
import type { LocalDate } from "../domain/local-date.js";
import type { Db } from "../ledger/ledger.repository.js";
import type { LedgerScope } from "../ledger/ledger.types.js";
import { scopeKey } from "../ledger/ledger.types.js";
import type { DatedAmount } from "./import-rows.js";

type ScopeRow = Omit<LedgerScope, "program"> & { program: string };

const unitsOf = (scopes: LedgerScope[]) => [...new Set(scopes.map((s) => s.unitCode))];
const yearsOf = (scopes: LedgerScope[]) => [...new Set(scopes.map((s) => s.planYear))];

export function createImportsRepository() {
  return {
    /** Disbursements of the given scopes, summed per scope and date (all dates). */
    async disbursementHistory(db: Db, scopes: LedgerScope[]): Promise<Map<string, DatedAmount[]>> {
      const out = new Map<string, DatedAmount[]>();
      if (scopes.length === 0) return out;
      const wanted = new Set(scopes.map(scopeKey));
      const rows = await db.$queryRaw<(ScopeRow & { date: LocalDate; amount: bigint })[]>`
        SELECT unit_code AS "unitCode", program_code AS "program", plan_year AS "planYear",
               carried_over_from AS "carriedOverFrom", source::text AS "source",
               capital_type::text AS "capitalType", to_char(disbursed_on, 'YYYY-MM-DD') AS "date",
               SUM(amount)::bigint AS "amount"
          FROM disbursement
         WHERE unit_code = ANY(${unitsOf(scopes)}) AND plan_year = ANY(${yearsOf(scopes)})
         GROUP BY 1, 2, 3, 4, 5, 6, 7`;
      for (const r of rows) {
        const key = scopeKey(r);
        if (!wanted.has(key)) continue;
        const list = out.get(key) ?? [];
        list.push({ date: r.date, amount: r.amount });
        out.set(key, list);
      }
      return out;
    },

    /** Net allocated per scope and decision number, keyed `scopeKey|decisionRef`. */
    async allocationDecisions(db: Db, scopes: LedgerScope[]): Promise<Map<string, bigint>> {
      const out = new Map<string, bigint>();
      if (scopes.length === 0) return out;
      const wanted = new Set(scopes.map(scopeKey));
      const rows = await db.$queryRaw<(ScopeRow & { decisionRef: string; amount: bigint })[]>`
        SELECT unit_code AS "unitCode", program_code AS "program", plan_year AS "planYear",
               carried_over_from AS "carriedOverFrom", source::text AS "source",
               capital_type::text AS "capitalType", decision_ref AS "decisionRef",
               SUM(amount)::bigint AS "amount"
          FROM allocation
         WHERE unit_code = ANY(${unitsOf(scopes)}) AND plan_year = ANY(${yearsOf(scopes)})
         GROUP BY 1, 2, 3, 4, 5, 6, 7`;
      for (const r of rows) {
        const key = scopeKey(r);
        if (wanted.has(key)) out.set(`${key}|${r.decisionRef}`, r.amount);
      }
      return out;
    },
  };
}

export type ImportsRepository = ReturnType<typeof createImportsRepository>;
