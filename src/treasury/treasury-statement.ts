// Reading a Treasury statement: the file under the import limits (the same reader as the
// spreadsheet imports), each row through the statement's cell schemas, then the checks that need
// no database (one line per scope). No clock, no database: the service checks units and programs.
import { createHash } from "node:crypto";
import { type LedgerScope, scopeKey } from "../domain/ledger-rules.js";
import { readImportFile } from "../spreadsheets/import-file.js";
import { type HeaderMap, locate, type RowError } from "../spreadsheets/import-header.js";
import { type ImportLimits, UnreadableFileError } from "../spreadsheets/import-limits.js";
import { parseSheetRows } from "../spreadsheets/import-row-schemas.js";
import type { FileFormat } from "../spreadsheets/sheet-row.js";
import { TREASURY_COLUMNS, type TreasuryRow, treasuryRow } from "./treasury-columns.js";

export type StatementFile = {
  format: FileFormat | null;
  header: HeaderMap | null;
  rows: TreasuryRow[];
  /** Every error found, by row and column; any one refuses the whole statement. */
  errors: RowError[];
};

export const sha256Of = (body: Buffer) => createHash("sha256").update(body).digest("hex");

const fileError = (e: UnreadableFileError): RowError => ({
  row: e.row ?? 1,
  column: null,
  header: null,
  field: null,
  rule: e.rule,
  message: e.message,
});

/** A scope in words, for messages: "TAMKY, NTM, 2022, central, investment". */
export const describeScope = (r: LedgerScope) =>
  `${r.unitCode}, ${r.program}, ${r.planYear}${r.carriedOverFrom === null ? "" : ` (carried over from ${r.carriedOverFrom})`}, ${r.source}, ${r.capitalType}`;

/** A scope listed twice: the Treasury's figure for it would be ambiguous. */
export function duplicateScopeErrors(header: HeaderMap, rows: readonly TreasuryRow[]): RowError[] {
  const first = new Map<string, number>();
  const errors: RowError[] = [];
  for (const r of rows) {
    const key = scopeKey(r);
    const seen = first.get(key);
    if (seen === undefined) first.set(key, r.row);
    else
      errors.push({
        row: r.row,
        ...locate(header, "unitCode"),
        rule: "duplicate_scope",
        message: `row ${r.row} repeats the scope of row ${seen} (${describeScope(r)}): one line per scope`,
      });
  }
  return errors;
}

/** Units and programs the catalog does not know, one error per row and column. */
export function referenceErrors(
  header: HeaderMap,
  rows: readonly TreasuryRow[],
  known: { units: ReadonlySet<string>; programs: ReadonlySet<string> },
): RowError[] {
  const errors: RowError[] = [];
  for (const r of rows) {
    if (!known.units.has(r.unitCode))
      errors.push({
        row: r.row,
        ...locate(header, "unitCode"),
        rule: "unknown_unit",
        message: `no unit with code ${r.unitCode}`,
      });
    if (!known.programs.has(r.program))
      errors.push({
        row: r.row,
        ...locate(header, "program"),
        rule: "unknown_program",
        message: `no program ${r.program}`,
      });
  }
  return errors;
}

/** The statement's rows, or the errors that refuse it; limits are enforced while reading. */
export async function readStatementFile(body: Buffer, limits: ImportLimits): Promise<StatementFile> {
  let read: Awaited<ReturnType<typeof readImportFile>>;
  try {
    read = await readImportFile(TREASURY_COLUMNS, body, limits);
  } catch (e) {
    if (e instanceof UnreadableFileError)
      return { format: null, header: null, rows: [], errors: [fileError(e)] };
    throw e;
  }
  if ("errors" in read) return { format: read.format, header: null, rows: [], errors: read.errors };
  const { header, data } = read;
  const parsed = parseSheetRows(TREASURY_COLUMNS, treasuryRow, header, data);
  if (parsed.rowNumbers.length === 0)
    return {
      format: read.format,
      header,
      rows: [],
      errors: [
        fileError(
          new UnreadableFileError("the file has no data rows below the header", "no_rows", header.headerRow),
        ),
      ],
    };
  const errors = [...parsed.errors, ...duplicateScopeErrors(header, parsed.rows)];
  return { format: read.format, header, rows: parsed.rows, errors: errors.sort((a, b) => a.row - b.row) };
}
