// What an import needs to know of the ledger besides its scopes' movements (the ledger
// repository's scopeHistories): allocations per scope and decision, so a re-imported decision is
// recognised. Runs on the caller's transaction when given one.

import { scopeKey } from "../domain/ledger-rules.js";
import type { Db } from "../ledger/ledger.repository.js";
import type { LedgerScope } from "../ledger/ledger.types.js";

type ScopeRow = Omit<LedgerScope, "program"> & { program: string };

const unitsOf = (scopes: LedgerScope[]) => [...new Set(scopes.map((s) => s.unitCode))];
const yearsOf = (scopes: LedgerScope[]) => [...new Set(scopes.map((s) => s.planYear))];

export function createImportsRepository() {
  return {
    /** Net allocated per scope and decision number, keyed `scopeKey|decisionRef`. */
    async allocationDecisions(db: Db, scopes: LedgerScope[]): Promise<Map<string, bigint>> {
      const out = new Map<string, bigint>();
      if (scopes.length === 0) return out;
      const wanted = new Set(scopes.map(scopeKey));
      // As text: a decision's entries may add up past int8 in an adversarial ledger; BigInt cannot overflow.
      const rows = await db.$queryRaw<(ScopeRow & { decisionRef: string; amount: string })[]>`
        SELECT unit_code AS "unitCode", program_code AS "program", plan_year AS "planYear",
               carried_over_from AS "carriedOverFrom", source::text AS "source",
               capital_type::text AS "capitalType", decision_ref AS "decisionRef",
               SUM(amount)::text AS "amount"
          FROM allocation
         WHERE unit_code = ANY(${unitsOf(scopes)}) AND plan_year = ANY(${yearsOf(scopes)})
         GROUP BY 1, 2, 3, 4, 5, 6, 7`;
      for (const r of rows) {
        const key = scopeKey(r);
        if (wanted.has(key)) out.set(`${key}|${r.decisionRef}`, BigInt(r.amount));
      }
      return out;
    },
  };
}

export type ImportsRepository = ReturnType<typeof createImportsRepository>;
