import type { Restatement } from "../domain/closing.js";
import type { CapitalSource, CapitalType, LedgerScope } from "../domain/ledger-rules.js";
import type { LocalDate } from "../domain/local-date.js";

export type { CapitalSource, CapitalType, LedgerScope };

export type EntryKind = "allocation" | "disbursement";

export type AllocationInput = LedgerScope & {
  amount: bigint;
  decisionRef: string;
  decidedOn: LocalDate;
  corrects?: bigint | undefined;
  note?: string | undefined;
  /** The approved reallocation request an adjustment carries out. */
  reallocationId?: bigint | undefined;
  /** An admin's explicit rewrite of a closed period. */
  restatement?: Restatement | undefined;
};

export type DisbursementInput = LedgerScope & {
  amount: bigint;
  disbursedOn: LocalDate;
  reference: string;
  corrects?: bigint | undefined;
  note?: string | undefined;
  restatement?: Restatement | undefined;
};

type Posted = { id: bigint; corrects: bigint | null; note: string | null; postedBy: string; postedAt: Date };
export type AllocationEntry = LedgerScope &
  Posted & { amount: bigint; decisionRef: string; decidedOn: LocalDate };
export type DisbursementEntry = LedgerScope &
  Posted & { amount: bigint; disbursedOn: LocalDate; reference: string };

/** A scope's figures on a date; remaining = allocated − disbursed − refunded − carried forward. */
export type LedgerLine = Omit<LedgerScope, "unitCode"> & {
  allocated: bigint;
  disbursed: bigint;
  refunded: bigint;
  carriedForward: bigint;
  remaining: bigint;
};

export type EntryFilter = {
  unitCodes?: string[] | undefined;
  program?: string | undefined;
  planYear?: number | undefined;
  from?: LocalDate | undefined;
  to?: LocalDate | undefined;
  afterId?: bigint | undefined;
  limit: number;
};

/** The unit's total over its lines. */
export function ledgerTotal(lines: readonly LedgerLine[]) {
  const t = { allocated: 0n, disbursed: 0n, refunded: 0n, carriedForward: 0n, remaining: 0n };
  for (const l of lines) {
    t.allocated += l.allocated;
    t.disbursed += l.disbursed;
    t.refunded += l.refunded;
    t.carriedForward += l.carriedForward;
    t.remaining += l.remaining;
  }
  return t;
}
