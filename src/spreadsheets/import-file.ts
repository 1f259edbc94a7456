// The rows one import reads from a file: the header, found among the first rows, then the non-blank
// data rows below it, counted as they come, so a file is refused at the first data row past
// IMPORT_MAX_ROWS, not after it has all been read. Data rows keep only the import's columns.

import type { ColumnSet } from "./columns.js";
import { HEADER_SEARCH_ROWS, type HeaderMap, mapHeader, type RowError } from "./import-header.js";
import {
  createTextBudget,
  type ImportLimits,
  limitErrors,
  type TextBudget,
  UnreadableFileError,
} from "./import-limits.js";
import type { Cell, FileFormat, SheetRow } from "./sheet-row.js";
import { readSheetRows, sniffFormat } from "./spreadsheet-reader.js";

export type ImportFile =
  | { format: FileFormat; header: HeaderMap; data: SheetRow[] }
  | { format: FileFormat; errors: RowError[] };

const isBlank = (c: Cell | undefined) => c === null || c === undefined || String(c).trim() === "";

function spendText(budget: TextBudget, cells: Cell[]) {
  for (const c of cells) if (typeof c === "string") budget.spend(c.length, "the cells of the file");
}

/** Reads the file under the limits; a file past one throws UnreadableFileError naming it. */
export async function readImportFile(
  kind: ColumnSet,
  body: Buffer,
  limits: ImportLimits,
): Promise<ImportFile> {
  if (body.length === 0) throw new UnreadableFileError("the file is empty", "empty_file");
  const format = sniffFormat(body);
  const budget = createTextBudget(limits);
  const first: SheetRow[] = [];
  const data: SheetRow[] = [];
  let header: HeaderMap | null = null;
  let columns: number[] = [];

  const take = (r: SheetRow) => {
    if (r.cells.every(isBlank)) return;
    if (data.length >= limits.maxRows) throw limitErrors.tooManyRows(limits, r.row);
    // Only the columns the import reads are kept: the rest is never looked at again.
    const cells = Array.from({ length: (columns.at(-1) ?? -1) + 1 }, (): Cell => null);
    for (const i of columns) cells[i] = r.cells[i] ?? null;
    spendText(budget, cells);
    data.push({ row: r.row, cells });
  };
  /** The header of the rows so far, or the errors that end the import. */
  const findHeader = (): RowError[] | null => {
    const mapped = mapHeader(kind, first);
    if ("errors" in mapped) return mapped.errors;
    header = mapped.header;
    columns = [...mapped.header.columns.values()].sort((a, b) => a - b);
    for (const r of mapped.data) take(r);
    return null;
  };

  for await (const r of readSheetRows(format, body, limits, budget)) {
    if (header) {
      take(r);
      continue;
    }
    spendText(budget, r.cells);
    first.push(r);
    // One row more than the search: the line of English keys may follow a header in the last one.
    if (first.length <= HEADER_SEARCH_ROWS) continue;
    const errors = findHeader();
    if (errors) return { format, errors };
  }
  if (!header) {
    const errors = findHeader();
    if (errors) return { format, errors };
  }
  return { format, header: header!, data };
}
