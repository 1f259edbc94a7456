// Formatted sheets for exports and templates: a bold header row frozen in place, column formats
// for đồng, percentages and dates, amounts as exact numbers. And the download headers.
import ExcelJS from "exceljs";
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

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A number when exact in a double, else the digits as text (never a rounded amount). */
export function exactNumber(v: bigint): number | string {
  return v <= MAX_SAFE && v >= -MAX_SAFE ? Number(v) : v.toString();
}

/** What one value becomes in an .xlsx cell of its column. */
function xlsxValue(kind: ColumnKind, v: SheetValue): ExcelJS.CellValue {
  if (v === null || v === undefined) return null;
  if (typeof v === "bigint") return exactNumber(v);
  if (kind === "percent" && typeof v === "number") return v / 100;
  if (kind === "date" && typeof v === "string") return localDateToUtcDate(v);
  return v;
}

/** What one value becomes in a CSV field: plain digits, percent with a '.' decimal, ISO dates. */
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
  for (const r of records) {
    const values: Record<string, ExcelJS.CellValue> = {};
    for (const c of columns) values[c.key] = xlsxValue(c.kind, r[c.key]);
    ws.addRow(values);
  }
  styleHeader(ws.getRow(1));
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

export function newWorkbook(title: string): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook();
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
