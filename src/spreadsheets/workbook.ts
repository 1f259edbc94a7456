// Formatted sheets for exports and templates: a bold header row frozen in place, column formats
// for đồng, percentages and dates, amounts exact (as numbers while a spreadsheet keeps every
// digit, as text of their digits beyond). And the download headers.
import type ExcelJS from "exceljs";
import { localDateToUtcDate } from "../domain/local-date.js";
import type { CsvValue } from "./csv.js";

export const VND_FORMAT = '#,##0 "đ"';
export const PERCENT_FORMAT = "0.00%";
export const DATE_FORMAT = "dd/mm/yyyy";
export const INTEGER_FORMAT = "#,##0";
export const TEXT_FORMAT = "@";

export const XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
export const CSV_TYPE = "text/csv; charset=utf-8";

export type ColumnKind = "text" | "vnd" | "percent" | "date" | "integer";
export type SheetColumn = { key: string; header: string; kind: ColumnKind; width?: number };
export type SheetValue = string | number | bigint | null | undefined;
export type SheetRecord = Record<string, SheetValue>;

const FORMATS: Record<ColumnKind, string | undefined> = {
  text: TEXT_FORMAT,
  vnd: VND_FORMAT,
  percent: PERCENT_FORMAT,
  date: DATE_FORMAT,
  integer: INTEGER_FORMAT,
};

/**
 * Excel keeps 15 significant digits of a number and silently turns the 16th and later into
 * zeros (1,000,000,000,000,001 becomes 1,000,000,000,000,000), though a double would hold it.
 * So an amount of 10^15 or more in magnitude is written as the text of its digits.
 */
const SPREADSHEET_EXACT_BELOW = 10n ** 15n;

/** A number when a spreadsheet keeps every digit of it, else its digits as text (never rounded). */
export function exactNumber(v: bigint): number | string {
  return v < SPREADSHEET_EXACT_BELOW && v > -SPREADSHEET_EXACT_BELOW ? Number(v) : v.toString();
}

/** The header note of a column where some amounts are written as text. */
export const AMOUNT_AS_TEXT_NOTE =
  "Số tiền từ 1.000.000.000.000.000 đồng trở lên được ghi dưới dạng văn bản, đủ từng chữ số, vì Excel chỉ giữ 15 chữ số có nghĩa của một số và sẽ làm tròn phần còn lại. Lưu ý: hàm SUM không cộng các ô dạng văn bản.";

/** What one value becomes in an .xlsx cell of its column. */
function xlsxValue(kind: ColumnKind, v: SheetValue): ExcelJS.CellValue {
  if (v === null || v === undefined) return null;
  if (typeof v === "bigint") return exactNumber(v);
  if (kind === "percent" && typeof v === "number") return v / 100;
  if (kind === "date" && typeof v === "string") return localDateToUtcDate(v);
  return v;
}

/**
 * What one value becomes in a CSV field: amounts stay bigint, which csv.ts writes as their plain
 * digits at any size; percent with a '.' decimal, ISO dates.
 */
export function csvValue(v: SheetValue): CsvValue {
  return v === undefined ? null : v;
}

const INVALID_SHEET_CHARS = /[[\]:*?/\\]/g;

/** Excel's sheet names: at most 31 characters, none of []:*?/\, unique within the workbook. */
export function sheetName(wb: ExcelJS.Workbook, wanted: string): string {
  const base = wanted.replace(INVALID_SHEET_CHARS, "-").slice(0, 31) || "Sheet";
  const taken = new Set(wb.worksheets.map((w) => w.name.toLowerCase()));
  let name = base;
  for (let i = 2; taken.has(name.toLowerCase()); i += 1) name = `${base.slice(0, 27)} (${i})`;
  return name;
}

const HEADER_FILL: ExcelJS.Fill = { type: "pattern", pattern: "solid", fgColor: { argb: "FFDCE6F1" } };

/** A sheet of records under one bold header row, frozen, with an auto-filter. */
export function addTableSheet(
  wb: ExcelJS.Workbook,
  name: string,
  columns: SheetColumn[],
  records: SheetRecord[],
): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(sheetName(wb, name), { views: [{ state: "frozen", ySplit: 1, xSplit: 0 }] });
  ws.columns = columns.map((c) => ({
    key: c.key,
    header: c.header,
    width: c.width ?? Math.max(12, Math.min(40, c.header.length + 4)),
    style: FORMATS[c.kind] ? { numFmt: FORMATS[c.kind] } : {},
  }));
  const asText = new Set<number>();
  for (const r of records) {
    const values: Record<string, ExcelJS.CellValue> = {};
    for (const c of columns) values[c.key] = xlsxValue(c.kind, r[c.key]);
    const row = ws.addRow(values);
    columns.forEach((c, i) => {
      if (typeof r[c.key] !== "bigint" || typeof values[c.key] !== "string") return;
      // Right-aligned like the numbers around it; the column's header says why it is text.
      const cell = row.getCell(i + 1);
      cell.numFmt = TEXT_FORMAT;
      cell.alignment = { horizontal: "right" };
      asText.add(i + 1);
    });
  }
  styleHeader(ws.getRow(1));
  for (const col of asText) ws.getRow(1).getCell(col).note = AMOUNT_AS_TEXT_NOTE;
  if (columns.length > 0)
    ws.autoFilter = {
      from: { row: 1, column: 1 },
      to: { row: Math.max(1, records.length + 1), column: columns.length },
    };
  return ws;
}

export function styleHeader(row: ExcelJS.Row): void {
  row.font = { bold: true };
  row.alignment = { vertical: "middle", wrapText: true };
  row.eachCell((cell) => {
    cell.fill = HEADER_FILL;
    cell.numFmt = TEXT_FORMAT;
    cell.border = { bottom: { style: "thin" } };
  });
}

export async function workbookBuffer(wb: ExcelJS.Workbook): Promise<Buffer> {
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/**
 * A new workbook. ExcelJS is loaded on the first one: only downloads write workbooks, and loading
 * it at start cost every idle service 2-5 MB of heap.
 */
export async function newWorkbook(title: string): Promise<ExcelJS.Workbook> {
  const { default: Excel } = await import("exceljs");
  const wb = new Excel.Workbook();
  wb.creator = "disbursement-monitor";
  wb.title = title;
  wb.created = new Date(0);
  wb.modified = new Date(0);
  return wb;
}

/** A file to send: bytes, type and the names it is saved under. */
export type Download = { body: Buffer; contentType: string; filename: string; asciiFilename: string };

/** ASCII fallback plus the UTF-8 name (RFC 6266 / RFC 5987) so browsers keep the accents. */
export function contentDisposition(d: Pick<Download, "filename" | "asciiFilename">): string {
  const encoded = encodeURIComponent(d.filename).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  const ascii = d.asciiFilename.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** "Có nguy cơ" → "co-nguy-co": the ASCII fallback of a Vietnamese file name. */
export function asciiSlug(s: string): string {
  return s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[đĐ]/g, (c) => (c === "đ" ? "d" : "D"))
    .replace(/[^A-Za-z0-9.]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .toLowerCase();
}
