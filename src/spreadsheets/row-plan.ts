// What the import plans for each row (write it, leave it unchanged, or refuse it), and the row
// errors of a plan: the ledger's rules over the rows to write, and the ledger's own issues
// (named by entry and field) turned back into spreadsheet rows and columns.
import type { FieldIssue } from "../domain/errors.js";
import {
  admissionIssues,
  type LedgerScope,
  type Movement,
  type MovementKind,
  scopeOf,
} from "../domain/ledger-rules.js";
import type { LocalDate } from "../domain/local-date.js";
import type { ImportKind } from "./columns.js";
import { type HeaderMap, locate, type RowError } from "./import-header.js";

export type RowStatus = "write" | "unchanged" | "error";

export type RowPlan = LedgerScope & {
  row: number;
  status: RowStatus;
  /** What would be written: the allocation, or the disbursement (the difference). */
  amount: bigint;
  date: LocalDate;
  reference: string;
  /** Disbursement reports: the reported cumulative figure and what the ledger held up to asOf. */
  cumulative: bigint | null;
  recorded: bigint | null;
  note: string | null;
};

export type PlanChecks = {
  header: HeaderMap;
  /** Every movement of the rows' scopes, by scopeKey: what the ledger's rules judge against. */
  history: ReadonlyMap<string, readonly Movement[]>;
};

export const rowError = (
  h: HeaderMap,
  row: number,
  field: string | null,
  rule: string,
  message: string,
): RowError => ({
  row,
  ...locate(h, field),
  rule,
  message,
});

/**
 * The ledger's own rules (src/domain/ledger-rules.ts) over the rows that would be written: the
 * ledger they leave must hold at every date. A breaking row is marked and named.
 */
export function ledgerRuleErrors(
  c: PlanChecks,
  plans: RowPlan[],
  kind: MovementKind,
  field: string,
): RowError[] {
  const writing = plans.filter((p) => p.status === "write");
  const issues = admissionIssues(
    c.history,
    writing.map((p, entry) => ({ ...scopeOf(p), kind, date: p.date, amount: p.amount, entry })),
  );
  return issues.map((i) => {
    const p = writing[i.entry!]!;
    p.status = "error";
    return rowError(c.header, p.row, field, i.rule, i.message);
  });
}

/**
 * The ledger names an entry (its index among the written rows) and a field; turn that into the
 * spreadsheet row and the column of the field (cumulativeDisbursed for a report).
 */
export function issueToRowError(
  h: HeaderMap,
  written: RowPlan[],
  issue: FieldIssue,
  kind: ImportKind,
): RowError {
  const plan = issue.entry === undefined ? undefined : written[issue.entry];
  let field: string | null = issue.field || null;
  if (kind === "disbursements" && field === "amount") field = "cumulativeDisbursed";
  if (kind === "disbursements" && field === "disbursedOn") field = "asOf";
  return {
    row: plan?.row ?? h.headerRow,
    ...locate(h, plan ? field : null),
    rule: issue.rule,
    message: issue.message,
  };
}
