// Finding the header of an uploaded sheet: the row naming the most known columns, each column's
// index by field, and where a field sits in the file (its letter and header) for row errors.
import type { RowIssue } from "../domain/errors.js";
import { type ColumnSet, columnsOf, fallbackLookup, headerLookup, normalizeLabel } from "./columns.js";
import { type Cell, columnLetter, type SheetRow } from "./sheet-row.js";

/** A row error as the import's report names it: the domain's RowIssue and the column's header. */
export type RowError = RowIssue & {
  /** The column's header as written in the file. */
  header: string | null;
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
