// A sheet as the import sees it, whatever the file was: numbered rows of plain cells.

export type Cell = string | number | Date | null;
/** `row` is the number the spreadsheet shows (1 = first row); cells[0] is column A. */
export type SheetRow = { row: number; cells: Cell[] };
export type FileFormat = "xlsx" | "csv";

/** 'A', …, 'Z', 'AA', … for a 0-based column index. */
export function columnLetter(index: number): string {
  let n = index + 1;
  let s = "";
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}
