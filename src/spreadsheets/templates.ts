// The import templates, made on request from the column definitions so they never drift from
// what the import reads. Row 1: Vietnamese headers; row 2: the English keys (grey, italic; the
// import skips a line that only repeats column names); row 3: one example row. Both rows of
// headers are frozen. A second sheet lists the columns and the accepted words.

import {
  CAPITAL_TYPE_LABELS,
  COLUMNS,
  type ColumnDef,
  type ColumnFormat,
  type ImportKind,
  MAX_IMPORT_ROWS,
  SOURCE_LABELS,
} from "./columns.js";
import { writeCsv } from "./csv.js";
import {
  asciiSlug,
  CSV_TYPE,
  DATE_FORMAT,
  type Download,
  INTEGER_FORMAT,
  newWorkbook,
  sheetName,
  styleHeader,
  TEXT_FORMAT,
  workbookBuffer,
  XLSX_TYPE,
} from "./workbook.js";

/** exceljs writes data validations but its typings omit them. */
type DataValidations = {
  dataValidations: {
    add(
      range: string,
      v: { type: "list"; allowBlank: boolean; formulae: string[]; showErrorMessage: boolean },
    ): void;
  };
};

const FORMAT: Record<ColumnFormat, string> = {
  code: TEXT_FORMAT,
  text: TEXT_FORMAT,
  year: "0",
  amount: INTEGER_FORMAT,
  date: DATE_FORMAT,
};

const TITLES: Record<ImportKind, string> = {
  allocations: "Mẫu nhập kế hoạch vốn",
  disbursements: "Mẫu báo cáo lũy kế giải ngân",
  "duty-submissions": "Mẫu ghi nhận văn bản đã gửi",
};

const SHEETS: Record<ImportKind, string> = {
  allocations: "Kế hoạch vốn",
  disbursements: "Lũy kế giải ngân",
  "duty-submissions": "Văn bản đã gửi",
};

const NOTES: Record<ImportKind, string> = {
  allocations:
    "Mỗi dòng là số vốn một quyết định giao cho một đơn vị, chương trình, nguồn vốn, loại vốn; quyết định đã ghi nhận với cùng số tiền sẽ được bỏ qua khi nhập lại.",
  disbursements:
    "Mỗi dòng ghi lũy kế giải ngân của một đơn vị, chương trình, nguồn vốn, loại vốn đến ngày báo cáo; hệ thống chỉ ghi phần chênh lệch so với số đã ghi nhận, nên nhập lại cùng một báo cáo không ghi thêm gì.",
  "duty-submissions":
    "Mỗi dòng ghi nhận một văn bản đơn vị đã gửi theo một nghĩa vụ báo cáo của kế hoạch; văn bản đã ghi nhận (cùng năm, nghĩa vụ, đơn vị, số văn bản, ngày gửi) sẽ được bỏ qua khi nhập lại. Tệp đính kèm gửi riêng qua API.",
};

const DESCRIPTIONS: Record<string, string> = {
  unitCode: "Mã đơn vị trong hệ thống (ví dụ TAM_KY)",
  program: "Mã chương trình: NTM, GNBV, DTTS",
  planYear: "Năm kế hoạch vốn (ví dụ 2022)",
  carriedOverFrom: "Để trống với vốn năm kế hoạch; ghi năm (ví dụ 2021) với vốn năm trước được kéo dài",
  source: Object.values(SOURCE_LABELS).join("; "),
  capitalType: Object.values(CAPITAL_TYPE_LABELS).join("; "),
  amount: "Số tiền (đồng, số nguyên); số âm là điều chỉnh giảm",
  decisionRef: "Số quyết định giao vốn",
  decidedOn: "Ngày quyết định (dd/mm/yyyy)",
  cumulativeDisbursed: "Lũy kế giải ngân từ đầu năm đến ngày báo cáo (đồng, số nguyên)",
  asOf: "Ngày báo cáo (dd/mm/yyyy), không sau ngày hôm nay",
  reference: "Số báo cáo hoặc chứng từ Kho bạc xác nhận",
  note: "Ghi chú (không bắt buộc)",
  duty: "Mã nghĩa vụ báo cáo trong kế hoạch (ví dụ BC_6_THANG, BC_NAM)",
  unit: "Mã đơn vị gửi văn bản (ví dụ TAM_KY)",
  documentNumber: "Số văn bản đã gửi (ví dụ 45/BC-UBND)",
  submittedOn: "Ngày gửi văn bản (dd/mm/yyyy), không sau ngày hôm nay",
};

/** Where a kind reads a key otherwise than the others. */
const KIND_DESCRIPTIONS: Partial<Record<ImportKind, Record<string, string>>> = {
  "duty-submissions": { planYear: "Năm kế hoạch có nghĩa vụ báo cáo (ví dụ 2022)" },
};

const exampleDate = (iso: string) => new Date(`${iso}T00:00:00Z`);
const csvExample = (c: ColumnDef) =>
  c.example === null
    ? null
    : c.format === "date"
      ? String(c.example).split("-").reverse().join("/")
      : c.example;

export async function importTemplate(kind: ImportKind, format: "xlsx" | "csv"): Promise<Download> {
  const columns = COLUMNS[kind];
  const name = TITLES[kind];
  const descriptions = { ...DESCRIPTIONS, ...KIND_DESCRIPTIONS[kind] };
  const file = { filename: `${name}.${format}`, asciiFilename: `${asciiSlug(name)}.${format}` };
  if (format === "csv")
    return {
      body: writeCsv([columns.map((c) => c.header), columns.map((c) => c.key), columns.map(csvExample)]),
      contentType: CSV_TYPE,
      ...file,
    };

  const wb = await newWorkbook(name);
  const ws = wb.addWorksheet(sheetName(wb, SHEETS[kind]), {
    views: [{ state: "frozen", ySplit: 2, xSplit: 0 }],
  });
  ws.columns = columns.map((c) => ({ key: c.key, width: c.width, style: { numFmt: FORMAT[c.format] } }));
  ws.addRow(columns.map((c) => `${c.header}${c.required ? "" : " (không bắt buộc)"}`));
  ws.addRow(columns.map((c) => c.key));
  ws.addRow(
    columns.map((c) =>
      c.example === null ? null : c.format === "date" ? exampleDate(String(c.example)) : c.example,
    ),
  );
  styleHeader(ws.getRow(1));
  const keys = ws.getRow(2);
  keys.font = { italic: true, color: { argb: "FF808080" } };
  keys.eachCell((cell) => {
    cell.numFmt = TEXT_FORMAT;
  });
  columns.forEach((c, i) => {
    ws.getCell(1, i + 1).note = `${c.key}: ${descriptions[c.key] ?? ""}`;
  });
  // Drop-down lists of the Vietnamese words for source and capital type.
  const lastRow = MAX_IMPORT_ROWS + 2;
  const listOf = (labels: Record<string, string>) => `"${Object.values(labels).join(",")}"`;
  columns.forEach((c, i) => {
    const labels = c.key === "source" ? SOURCE_LABELS : c.key === "capitalType" ? CAPITAL_TYPE_LABELS : null;
    if (!labels) return;
    const letter = ws.getColumn(i + 1).letter;
    (ws as unknown as DataValidations).dataValidations.add(`${letter}3:${letter}${lastRow}`, {
      type: "list",
      allowBlank: true,
      formulae: [listOf(labels)],
      showErrorMessage: false,
    });
  });

  const help = wb.addWorksheet("Hướng dẫn");
  help.columns = [
    { header: "Cột", key: "header", width: 26 },
    { header: "Khóa (key)", key: "key", width: 22 },
    { header: "Bắt buộc", key: "required", width: 10 },
    { header: "Nội dung", key: "description", width: 90 },
  ];
  for (const c of columns)
    help.addRow({
      header: c.header,
      key: c.key,
      required: c.required ? "Có" : "Không",
      description: descriptions[c.key] ?? "",
    });
  styleHeader(help.getRow(1));
  help.addRow([]);
  help.addRow(["Lưu ý", "", "", NOTES[kind]]);
  return { body: await workbookBuffer(wb), contentType: XLSX_TYPE, ...file };
}
