// Pure steps of an import: find the header, validate each row with zod, then decide what each
// row writes given what the ledger already holds. No database, no clock: the service passes
// the figures and today in.
import { z } from "zod";
import type { FieldIssue } from "../domain/errors.js";
import {
  admissionIssues,
  type Movement,
  type MovementKind,
  scopeKey,
  scopeOf,
} from "../domain/ledger-rules.js";
import type { LocalDate } from "../domain/local-date.js";
import type { AllocationInput, DisbursementInput, LedgerScope } from "../ledger/ledger.types.js";
import {
  amountCell,
  capitalTypeCell,
  codeCell,
  dateCell,
  nonNegativeAmountCell,
  optionalTextCell,
  optionalYearCell,
  sourceCell,
  textCell,
  yearCell,
} from "./cells.js";
import {
  COLUMNS,
  type ColumnDef,
  type ColumnSet,
  columnsOf,
  fallbackLookup,
  headerLookup,
  type ImportKind,
  normalizeLabel,
} from "./columns.js";
import { type Cell, columnLetter, type SheetRow } from "./sheet-row.js";

export type RowError = {
  /** The row number the spreadsheet shows; the header row for a missing column. */
  row: number;
  /** The column letter, when the error is about one cell. */
  column: string | null;
  /** The column's header as written in the file. */
  header: string | null;
  field: string | null;
  rule: string;
  message: string;
};

export type HeaderMap = {
  headerRow: number;
  /** field key → 0-based column index */
  columns: Map<string, number>;
  headers: Cell[];
};

/** Where a field sits in the file: its letter and header, for error messages. */
export function locate(h: HeaderMap, field: string | null): Pick<RowError, "column" | "header" | "field"> {
  const i = field === null ? undefined : h.columns.get(field);
  if (i === undefined) return { column: null, header: null, field };
  const header = h.headers[i];
  return { column: columnLetter(i), header: header == null ? null : String(header), field };
}

/** The header is looked for among this many first rows. */
export const HEADER_SEARCH_ROWS = 10;

const labelOf = (c: Cell) => (typeof c === "string" ? normalizeLabel(c) : "");

/**
 * The header is the row among the first ten that names the most known columns. A line right
 * below it that only repeats column names (the templates' English keys) is skipped.
 */
export function mapHeader(
  kind: ColumnSet,
  rows: SheetRow[],
): { header: HeaderMap; data: SheetRow[] } | { errors: RowError[] } {
  const lookup = headerLookup(kind);
  const fallback = fallbackLookup(kind);
  const known = (c: Cell) => lookup.has(labelOf(c)) || fallback.has(labelOf(c));
  let best: { index: number; hits: number } | null = null;
  rows.slice(0, HEADER_SEARCH_ROWS).forEach((r, index) => {
    const hits = r.cells.filter(known).length;
    if (hits >= 2 && (!best || hits > best.hits)) best = { index, hits };
  });
  const found = best as { index: number; hits: number } | null;
  if (!found) {
    const expected = columnsOf(kind)
      .filter((c) => c.required)
      .map((c) => c.header)
      .join(", ");
    return {
      errors: [
        {
          row: rows[0]?.row ?? 1,
          column: null,
          header: null,
          field: null,
          rule: "no_header",
          message: `no header row naming the columns (${expected}): start from the template`,
        },
      ],
    };
  }
  const headerRow = rows[found.index]!;
  const columns = new Map<string, number>();
  const errors: RowError[] = [];
  headerRow.cells.forEach((c, i) => {
    const def = lookup.get(labelOf(c));
    if (!def) return;
    const first = columns.get(def.key);
    if (first !== undefined)
      errors.push({
        row: headerRow.row,
        column: columnLetter(i),
        header: String(c),
        field: def.key,
        rule: "duplicate_column",
        message: `column ${columnLetter(i)} repeats ${def.header} (${def.key}), already in column ${columnLetter(first)}`,
      });
    else columns.set(def.key, i);
  });
  // A fallback header names its column only when no header of the file names it otherwise.
  headerRow.cells.forEach((c, i) => {
    const def = fallback.get(labelOf(c));
    if (def && !columns.has(def.key)) columns.set(def.key, i);
  });
  for (const def of columnsOf(kind))
    if (def.required && !columns.has(def.key))
      errors.push({
        row: headerRow.row,
        column: null,
        header: def.header,
        field: def.key,
        rule: "missing_column",
        message: `no column "${def.header}" (${def.key})`,
      });
  if (errors.length) return { errors };
  let data = rows.slice(found.index + 1);
  const next = data[0];
  const nonBlank = next?.cells.filter((c) => c !== null && String(c).trim() !== "") ?? [];
  if (nonBlank.length > 0 && nonBlank.every(known)) data = data.slice(1);
  return { header: { headerRow: headerRow.row, columns, headers: headerRow.cells }, data };
}

const scopeShape = {
  unitCode: codeCell,
  program: codeCell,
  planYear: yearCell,
  carriedOverFrom: optionalYearCell,
  source: sourceCell,
  capitalType: capitalTypeCell,
  note: optionalTextCell(1000),
};

const carriedBefore = (r: { planYear: number; carriedOverFrom: number | null }, ctx: z.RefinementCtx) => {
  if (r.carriedOverFrom !== null && r.carriedOverFrom >= r.planYear)
    ctx.addIssue({
      code: "custom",
      path: ["carriedOverFrom"],
      message: `capital carried over into ${r.planYear} must come from an earlier year`,
      params: { rule: "before_plan_year" },
    });
};

export const allocationRow = z
  .object({ ...scopeShape, amount: amountCell, decisionRef: textCell(200), decidedOn: dateCell })
  .superRefine(carriedBefore);

export const disbursementRow = z
  .object({
    ...scopeShape,
    cumulativeDisbursed: nonNegativeAmountCell,
    asOf: dateCell,
    reference: textCell(200),
  })
  .superRefine(carriedBefore);

export type AllocationRow = z.infer<typeof allocationRow> & { row: number };
export type DisbursementRow = z.infer<typeof disbursementRow> & { row: number };
export type ParsedRow = AllocationRow | DisbursementRow;

const isBlankCell = (c: Cell | undefined) => c === null || c === undefined || String(c).trim() === "";

/** Validates every data row; blank rows are skipped. All errors are returned, not the first. */
export function validateRows<K extends ImportKind>(
  kind: K,
  header: HeaderMap,
  data: SheetRow[],
): {
  rows: (K extends "allocations" ? AllocationRow : DisbursementRow)[];
  errors: RowError[];
  /** The rows that held anything in a known column, valid or not. */
  rowNumbers: number[];
} {
  return (
    kind === "allocations"
      ? parseSheetRows(COLUMNS[kind], allocationRow, header, data)
      : parseSheetRows(COLUMNS[kind], disbursementRow, header, data)
  ) as never;
}

/**
 * Each data row's cells of `defs` through `schema`; blank rows are skipped, and every issue of
 * every row is returned, named by row, column and rule.
 */
export function parseSheetRows<T extends object>(
  defs: readonly ColumnDef[],
  schema: z.ZodType<T>,
  header: HeaderMap,
  data: SheetRow[],
): { rows: (T & { row: number })[]; errors: RowError[]; rowNumbers: number[] } {
  const rows: (T & { row: number })[] = [];
  const rowNumbers: number[] = [];
  const errors: RowError[] = [];
  for (const r of data) {
    const record: Record<string, Cell | undefined> = {};
    for (const def of defs) {
      const i = header.columns.get(def.key);
      record[def.key] = i === undefined ? undefined : r.cells[i];
    }
    if (Object.values(record).every(isBlankCell)) continue;
    rowNumbers.push(r.row);
    const parsed = schema.safeParse(record);
    if (parsed.success) {
      rows.push({ ...parsed.data, row: r.row });
      continue;
    }
    for (const issue of parsed.error.issues) {
      const field = typeof issue.path[0] === "string" ? issue.path[0] : null;
      const rule = (issue as { params?: { rule?: string } }).params?.rule ?? issue.code;
      const loc = locate(header, field);
      const def = defs.find((d) => d.key === field);
      errors.push({
        row: r.row,
        ...loc,
        rule,
        message: `${def ? `${def.header} (${def.key})` : "row"}: ${issue.message}`,
      });
    }
  }
  return { rows, errors, rowNumbers };
}

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

/** Disbursements already recorded in one scope, summed per date. */
export type DatedAmount = { date: LocalDate; amount: bigint };

type Checks = {
  header: HeaderMap;
  /** Every movement of the rows' scopes, by scopeKey: what the ledger's rules judge against. */
  history: ReadonlyMap<string, readonly Movement[]>;
};

const rowError = (h: HeaderMap, row: number, field: string | null, rule: string, message: string) => ({
  row,
  ...locate(h, field),
  rule,
  message,
});

/**
 * Allocations: a decision is written once per scope. A row whose decision the ledger already
 * holds in that scope with the same net amount is unchanged (so a re-import writes nothing); a
 * different amount is an error (post an adjustment or a correction instead).
 */
export function planAllocations(
  rows: AllocationRow[],
  c: Checks & { decisions: Map<string, bigint> },
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
  errors.push(...ledgerRuleErrors(c, plans, "allocation", "amount"));
  return { plans, errors };
}

/**
 * The ledger's own rules (src/domain/ledger-rules.ts) over the rows that would be written: the
 * ledger they leave must hold at every date. A breaking row is marked and named.
 */
function ledgerRuleErrors(c: Checks, plans: RowPlan[], kind: MovementKind, field: string): RowError[] {
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
  c: Checks & { today: LocalDate },
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
  errors.push(...ledgerRuleErrors(c, ordered, "disbursement", "cumulativeDisbursed"));
  return { plans: ordered, errors };
}

export const toAllocationInput = (p: RowPlan): AllocationInput => ({
  ...scopeOf(p),
  amount: p.amount,
  decisionRef: p.reference,
  decidedOn: p.date,
  note: p.note ?? undefined,
});

export const toDisbursementInput = (p: RowPlan): DisbursementInput => ({
  ...scopeOf(p),
  amount: p.amount,
  disbursedOn: p.date,
  reference: p.reference,
  note: p.note ?? undefined,
});

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
