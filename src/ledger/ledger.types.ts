import type { LocalDate } from "../domain/local-date.js";

export type CapitalSource = "central" | "provincial" | "district" | "other";
export type CapitalType = "investment" | "recurrent";
export type EntryKind = "allocation" | "disbursement";

/** The finest grain the ledger keeps apart; every rule check adds up within one scope. */
export type LedgerScope = {
  unitCode: string;
  program: string;
  planYear: number;
  carriedOverFrom: number | null;
  source: CapitalSource;
  capitalType: CapitalType;
};

export type AllocationInput = LedgerScope & {
  amount: bigint;
  decisionRef: string;
  decidedOn: LocalDate;
  corrects?: bigint | undefined;
  note?: string | undefined;
  /** The approved reallocation request an adjustment carries out. */
  reallocationId?: bigint | undefined;
};

export type DisbursementInput = LedgerScope & {
  amount: bigint;
  disbursedOn: LocalDate;
  reference: string;
  corrects?: bigint | undefined;
  note?: string | undefined;
};

type Posted = { id: bigint; corrects: bigint | null; note: string | null; postedBy: string; postedAt: Date };
export type AllocationEntry = LedgerScope &
  Posted & { amount: bigint; decisionRef: string; decidedOn: LocalDate };
export type DisbursementEntry = LedgerScope &
  Posted & { amount: bigint; disbursedOn: LocalDate; reference: string };

export type ScopeTotals = { allocated: bigint; disbursed: bigint };

export type LedgerLine = Omit<LedgerScope, "unitCode"> & ScopeTotals & { remaining: bigint };

export type EntryFilter = {
  unitCodes?: string[] | undefined;
  program?: string | undefined;
  planYear?: number | undefined;
  from?: LocalDate | undefined;
  to?: LocalDate | undefined;
  afterId?: bigint | undefined;
  limit: number;
};

export function scopeKey(s: LedgerScope): string {
  return [s.unitCode, s.program, s.planYear, s.carriedOverFrom ?? "", s.source, s.capitalType].join("|");
}
