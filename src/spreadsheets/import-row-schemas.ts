// The rows of an allocation or disbursement-report import as zod schemas over their cells, and
// the reading of every data row through a schema (duty submissions and Treasury statements too).
import { z } from "zod";
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
import { COLUMNS, type ColumnDef, type ImportKind } from "./columns.js";
import { type HeaderMap, locate, type RowError } from "./import-header.js";
import type { Cell, SheetRow } from "./sheet-row.js";

/** The cells naming a ledger scope, as every import reads them (the Treasury's statements too). */
export const scopeCells = {
  unitCode: codeCell,
  program: codeCell,
  planYear: yearCell,
  carriedOverFrom: optionalYearCell,
  source: sourceCell,
  capitalType: capitalTypeCell,
};

const scopeShape = { ...scopeCells, note: optionalTextCell(1000) };

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
