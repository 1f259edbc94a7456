// An uploaded file as rows of plain cells: the first sheet of an .xlsx, or a CSV in UTF-8. Cells
// are strings, numbers, Dates (Excel date cells) or null; what they mean is decided elsewhere.
import ExcelJS from "exceljs";
import { CsvSyntaxError, parseCsv } from "./csv.js";

export type Cell = string | number | Date | null;
/** `row` is the number the spreadsheet shows (1 = first row); cells[0] is column A. */
export type SheetRow = { row: number; cells: Cell[] };
export type FileFormat = "xlsx" | "csv";

/** The file cannot be read at all (not a workbook, not UTF-8, broken quoting, too many rows). */
export class UnreadableFileError extends Error {
  constructor(
    message: string,
    readonly rule: string,
    readonly row: number | null = null,
  ) {
    super(message);
  }
}

const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OLE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0]);

/** What the bytes are, whatever the Content-Type said: an .xlsx is a zip archive. */
export function sniffFormat(body: Buffer): FileFormat {
  if (body.subarray(0, 4).equals(ZIP)) return "xlsx";
  if (body.subarray(0, 4).equals(OLE))
    throw new UnreadableFileError(
      "this is an old Excel 97-2003 (.xls) workbook: save it as .xlsx or CSV UTF-8",
      "unsupported_format",
    );
  return "csv";
}

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

function plainValue(v: ExcelJS.CellValue): Cell {
  if (v === null || v === undefined) return null;
  if (typeof v === "string" || typeof v === "number") return v;
  if (typeof v === "boolean") return v ? "TRUE" : "FALSE";
  if (v instanceof Date) return v;
  if (typeof v === "object") {
    if ("richText" in v) return v.richText.map((t) => t.text).join("");
    if ("formula" in v || "sharedFormula" in v) {
      const r = (v as ExcelJS.CellFormulaValue).result;
      if (r === undefined || r === null) return null;
      if (typeof r === "object" && "error" in r) return String(r.error);
      return plainValue(r as ExcelJS.CellValue);
    }
    if ("hyperlink" in v) return plainValue((v as ExcelJS.CellHyperlinkValue).text as ExcelJS.CellValue);
    if ("error" in v) return String(v.error);
  }
  return String(v);
}

async function readXlsx(body: Buffer, maxRows: number): Promise<SheetRow[]> {
  const wb = new ExcelJS.Workbook();
  try {
    // exceljs's own Buffer type predates Node 20's generic Buffer.
    await wb.xlsx.load(body as unknown as ExcelJS.Buffer);
  } catch {
    throw new UnreadableFileError("the file is not a readable .xlsx workbook", "unreadable_file");
  }
  const sheet = wb.worksheets[0];
  if (!sheet) throw new UnreadableFileError("the workbook has no sheet", "empty_file");
  if (sheet.actualRowCount > maxRows + 10)
    throw new UnreadableFileError(`the sheet holds more than ${maxRows} rows`, "too_many_rows");
  const rows: SheetRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (r, rowNumber) => {
    const cells: Cell[] = [];
    r.eachCell({ includeEmpty: false }, (c, col) => {
      cells[col - 1] = plainValue(c.value);
    });
    rows.push({ row: rowNumber, cells: Array.from(cells, (c) => c ?? null) });
  });
  return rows;
}

function readCsv(body: Buffer): SheetRow[] {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    throw new UnreadableFileError(
      "the CSV is not UTF-8 text: in Excel, save as 'CSV UTF-8 (Comma delimited)'",
      "not_utf8",
    );
  }
  try {
    return parseCsv(text).map((r, i) => ({ row: i + 1, cells: r.fields.map((f) => f) }));
  } catch (e) {
    if (e instanceof CsvSyntaxError)
      throw new UnreadableFileError(`CSV line ${e.line}: ${e.message}`, "csv_syntax", e.line);
    throw e;
  }
}

export async function readSpreadsheet(
  body: Buffer,
  maxRows: number,
): Promise<{ format: FileFormat; rows: SheetRow[] }> {
  if (body.length === 0) throw new UnreadableFileError("the file is empty", "empty_file");
  const format = sniffFormat(body);
  const rows = format === "xlsx" ? await readXlsx(body, maxRows) : readCsv(body);
  return { format, rows };
}
