// The streaming .xlsx reader against ExcelJS, which read uploads before it: the same workbooks,
// written by ExcelJS, must give the same rows (ExcelJS's loader is the independent oracle). Then
// what ExcelJS never writes but other programs do, and what no workbook may hold.
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import {
  buildZip,
  SHEET_CLOSE,
  SHEET_OPEN,
  xlsxOf,
  xlsxStringBomb,
  xmlRow,
} from "../../test/faults/helpers/import-bombs.js";
import {
  createTextBudget,
  DEFAULT_IMPORT_LIMITS,
  type ImportLimits,
  UnreadableFileError,
} from "./import-limits.js";
import type { Cell, SheetRow } from "./sheet-row.js";
import { isDateFormatCode } from "./xlsx-parts.js";
import { columnIndexOf, readXlsxRows } from "./xlsx-reader.js";

async function read(body: Buffer, limits: Partial<ImportLimits> = {}): Promise<SheetRow[]> {
  const l = { ...DEFAULT_IMPORT_LIMITS, ...limits };
  const rows: SheetRow[] = [];
  for await (const r of readXlsxRows(body, l, createTextBudget(l))) rows.push(r);
  return rows;
}

async function refusal(body: Buffer, limits: Partial<ImportLimits> = {}): Promise<UnreadableFileError> {
  try {
    await read(body, limits);
  } catch (e) {
    if (e instanceof UnreadableFileError) return e;
    throw e;
  }
  throw new Error("the file was read");
}

/** How the service read an upload before: ExcelJS's loader and its cell values made plain. */
async function oracle(body: Buffer): Promise<SheetRow[]> {
  const plain = (v: ExcelJS.CellValue): Cell => {
    if (v === null || v === undefined) return null;
    if (typeof v === "string" || typeof v === "number") return v;
    if (typeof v === "boolean") return v ? "TRUE" : "FALSE";
    if (v instanceof Date) return v;
    if ("richText" in v) return v.richText.map((t) => t.text).join("");
    if ("formula" in v || "sharedFormula" in v) {
      const r = (v as ExcelJS.CellFormulaValue).result;
      if (r === undefined || r === null) return null;
      if (typeof r === "object" && "error" in r) return String(r.error);
      return plain(r as ExcelJS.CellValue);
    }
    if ("hyperlink" in v) return plain((v as ExcelJS.CellHyperlinkValue).text as ExcelJS.CellValue);
    if ("error" in v) return String(v.error);
    return String(v);
  };
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(body as unknown as ExcelJS.Buffer);
  const rows: SheetRow[] = [];
  wb.worksheets[0]!.eachRow({ includeEmpty: false }, (r, row) => {
    const cells: Cell[] = [];
    r.eachCell({ includeEmpty: false }, (c, col) => {
      cells[col - 1] = plain(c.value);
    });
    rows.push({ row, cells: Array.from(cells, (c) => c ?? null) });
  });
  return rows;
}

async function workbook(fill: (wb: ExcelJS.Workbook) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  fill(wb);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe("the same rows as ExcelJS gave", () => {
  it("text, numbers, dates, rich text, formulas, booleans, errors, links, gaps", async () => {
    const body = await workbook((wb) => {
      const ws = wb.addWorksheet("Báo cáo");
      ws.addRow(["Mã đơn vị", "Chương trình", "Số tiền", "Ngày", "Ghi chú"]);
      ws.addRow([
        "TAM_KY",
        "NTM",
        1_000_000_000,
        new Date(Date.UTC(2022, 0, 15)),
        "Giải ngân đợt 1 & 2 <tạm>",
      ]);
      ws.addRow(["HOI_AN", " GNBV ", -2.5, new Date(Date.UTC(2022, 11, 31)), null]);
      ws.getCell("A5").value = { richText: [{ text: "Núi " }, { font: { bold: true }, text: "Thành" }] };
      ws.getCell("C5").value = { formula: "C2*2", result: 2_000_000_000 };
      ws.getCell("D5").value = { formula: "D2+1", result: new Date(Date.UTC(2022, 0, 16)) };
      ws.getCell("E5").value = { formula: 'A2&"x"', result: "TAM_KYx" };
      ws.getCell("A6").value = true;
      ws.getCell("B6").value = false;
      ws.getCell("C6").value = { error: "#N/A" };
      ws.getCell("D6").value = { formula: "1/0", result: { error: "#DIV/0!" } };
      ws.getCell("E6").value = { formula: "TRUE()", result: true };
      ws.getCell("A7").value = { text: "trang chủ", hyperlink: "https://example.org" };
      ws.getCell("F7").value = 9_007_199_254_740_991;
      ws.getCell("Z7").value = "xa";
      ws.getCell("B9").value = { formula: "C2" };
      ws.getCell("C9").numFmt = "0.00"; // a style, no value: no cell
      ws.getCell("A10").value = "";
      for (const c of ["D2", "D3"]) ws.getCell(c).numFmt = "dd/mm/yyyy";
      ws.getCell("D5").numFmt = "yyyy-mm-dd";
      ws.getCell("A11").value = 44_941.5;
      ws.getCell("A11").numFmt = "[$-42A]d mmmm yyyy h:mm";
      ws.getCell("B11").value = 44_941;
      ws.getCell("B11").numFmt = '#,##0 "đ"';
      ws.getCell("C11").value = 12;
      ws.getCell("C11").numFmt = "m/d/yy";
      wb.addWorksheet("Sheet 2").addRow(["not read"]);
    });
    const rows = await read(body);
    expect(rows).toEqual(await oracle(body));
    expect(rows.map((r) => r.row)).toEqual([1, 2, 3, 5, 6, 7, 9, 10, 11]);
    expect(rows[1]!.cells[3]).toEqual(new Date(Date.UTC(2022, 0, 15)));
    expect(rows[3]!.cells.slice(0, 5)).toEqual([
      "Núi Thành",
      null,
      2_000_000_000,
      new Date(Date.UTC(2022, 0, 16)),
      "TAM_KYx",
    ]);
  });

  it("dates of a workbook in the 1904 date system", async () => {
    const body = await workbook((wb) => {
      wb.properties.date1904 = true;
      const ws = wb.addWorksheet("x");
      ws.addRow(["a", new Date(Date.UTC(2022, 5, 30))]);
      ws.getCell("B1").numFmt = "dd/mm/yyyy";
    });
    const rows = await read(body);
    expect(rows).toEqual(await oracle(body));
    expect(rows[0]!.cells[1]).toEqual(new Date(Date.UTC(2022, 5, 30)));
  });

  it("a workbook of shared strings over many rows, as Excel users send", async () => {
    const body = await workbook((wb) => {
      const ws = wb.addWorksheet("x");
      for (let i = 0; i < 500; i++) ws.addRow([`U${i % 7}`, i * 1000, `ref ${i}`, i % 2 ? "central" : null]);
    });
    expect(await read(body)).toEqual(await oracle(body));
  });
});

describe("what other programs write", () => {
  it("prefixed elements, inline rich text without phonetic runs, escapes, cells without r", async () => {
    const ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    const sheet = `<?xml version="1.0"?><x:worksheet xmlns:x="${ns}"><x:sheetData>
      <x:row r="2"><x:c r="B2" t="inlineStr"><x:is><x:r><x:t>Hội </x:t></x:r><x:r><x:t>An</x:t></x:r><x:rPh sb="0" eb="1"><x:t>ホイ</x:t></x:rPh></x:is></x:c>
      <x:c t="s"><x:v>0</x:v></x:c><x:c t="d"><x:v>2022-03-04T00:00:00Z</x:v></x:c><x:c t="e"><x:v>#REF!</x:v></x:c></x:row>
      <x:row><x:c t="b"><x:v>1</x:v></x:c><!-- a comment, <with> markup --><x:c t="str"><x:v><![CDATA[a<b]]></x:v></x:c></x:row>
    </x:sheetData></x:worksheet>`;
    const sst = `<sst xmlns="${ns}"><si><t>dòng 1_x000D_dòng 2</t><rPh><t>no</t></rPh></si></sst>`;
    const rows = await read(xlsxOf(sheet, { sharedStrings: sst }));
    expect(rows).toEqual([
      { row: 2, cells: [null, "Hội An", "dòng 1\rdòng 2", new Date("2022-03-04T00:00:00Z"), "#REF!"] },
      { row: 3, cells: ["TRUE", "a<b"] },
    ]);
  });

  it("a custom date format from styles.xml, and numbers in the 1904 system", async () => {
    const styles = `<styleSheet><numFmts count="2"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/><numFmt numFmtId="165" formatCode="#,##0\\ &quot;đ&quot;"/></numFmts>
      <cellStyleXfs><xf numFmtId="14"/></cellStyleXfs><cellXfs><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="165"/><xf numFmtId="14"/></cellXfs></styleSheet>`;
    const sheet = `${SHEET_OPEN}<row r="1"><c r="A1"><v>0</v></c><c r="B1" s="1"><v>44576</v></c><c r="C1" s="2"><v>44576</v></c><c r="D1" s="3"><v>44576</v></c></row>${SHEET_CLOSE}`;
    expect((await read(xlsxOf(sheet, { styles })))[0]!.cells).toEqual([
      0,
      new Date(Date.UTC(2022, 0, 15)),
      44576,
      new Date(Date.UTC(2022, 0, 15)),
    ]);
    expect((await read(xlsxOf(sheet, { styles, date1904: true })))[0]!.cells[1]).toEqual(
      new Date(Date.UTC(2026, 0, 16)),
    );
  });

  it("tells date formats from others as Excel does", () => {
    for (const code of [
      "dd/mm/yyyy",
      "m/d/yy",
      "[$-42A]d mmmm yyyy",
      "h:mm AM/PM",
      "[h]:mm:ss",
      "YYYY-MM-DD",
    ])
      expect(isDateFormatCode(code), code).toBe(true);
    for (const code of [
      "General",
      "0.00",
      '#,##0 "đ"',
      "#,##0\\ \\d",
      "[Red]#,##0",
      "0.00E+00",
      "_(* #,##0_)",
      "@",
    ])
      expect(isDateFormatCode(code), code).toBe(false);
  });

  it("column letters as far as XFD", () => {
    expect(["A1", "Z9", "AA3", "BL2", "BM2", "XFD1048576", "$B$2"].map(columnIndexOf)).toEqual([
      0, 25, 26, 63, 64, 16_383, -1,
    ]);
  });
});

describe("refused while reading", () => {
  it("a value past the column limit; a blank cell there is left out", async () => {
    const wide = `${SHEET_OPEN}${xmlRow(1, ["a", ...Array(70).fill(null), " "])}${xmlRow(2, ["b", ...Array(64).fill(null), "x"])}${SHEET_CLOSE}`;
    const e = await refusal(xlsxOf(wide));
    expect(e).toMatchObject({ rule: "too_many_columns", row: 2 });
    expect(e.message).toMatch(/column BN; at most 64 columns per row \(IMPORT_MAX_COLUMNS\)/);
  });

  it("a cell longer than the limit, from the sheet or from the shared strings", async () => {
    const inline = await refusal(xlsxOf(`${SHEET_OPEN}${xmlRow(3, [null, "x".repeat(11)])}${SHEET_CLOSE}`), {
      maxCellChars: 10,
    });
    expect(inline).toMatchObject({ rule: "cell_too_long", row: 3 });
    expect(inline.message).toMatch(/cell B3 holds more than 10 characters/);
    const sst = `<sst><si><t>${"y".repeat(11)}</t></si><si><t>ok</t></si></sst>`;
    const shared = xlsxOf(
      `${SHEET_OPEN}<row r="1"><c r="A1" t="s"><v>1</v></c></row><row r="2"><c r="A2" t="s"><v>0</v></c></row>${SHEET_CLOSE}`,
      {
        sharedStrings: sst,
      },
    );
    expect(await refusal(shared, { maxCellChars: 10 })).toMatchObject({ rule: "cell_too_long", row: 2 });
  });

  it("a 300 MB string, long before saxes would hold it", async () => {
    const e = await refusal(xlsxStringBomb(300));
    expect(e.rule).toBe("cell_too_long");
    expect(e.message).toMatch(/more than 65536 characters; at most 2000 per cell/);
  });

  it("shared strings past the text limit, counting 16 for each string", async () => {
    const sst = `<sst>${"<si><t>a</t></si>".repeat(200)}</sst>`;
    const body = xlsxOf(`${SHEET_OPEN}${SHEET_CLOSE}`, { sharedStrings: sst });
    expect(await read(body, { maxTextChars: 200 * 17 })).toEqual([]);
    const e = await refusal(body, { maxTextChars: 200 * 17 - 1 });
    expect(e.rule).toBe("too_much_text");
    expect(e.message).toMatch(/shared strings of the workbook hold more than 3399 characters/);
  });

  it.each([
    ["rows out of order", `<row r="3"><c r="A3"><v>1</v></c></row><row r="2"><c r="A2"><v>1</v></c></row>`],
    ["a repeated row", `<row r="1"/><row r="1"/>`],
    ["cells out of order", `<row r="1"><c r="B1"><v>1</v></c><c r="A1"><v>1</v></c></row>`],
    ["a row past Excel's last", `<row r="1048577"/>`],
    ["a cell past XFD", `<row r="1"><c r="XFE1"><v>1</v></c></row>`],
    ["a shared string the workbook lacks", `<row r="1"><c r="A1" t="s"><v>7</v></c></row>`],
    [
      "a DTD",
      `</sheetData></worksheet>`,
      `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><worksheet><sheetData>`,
    ],
    ["markup longer than the guard", `<row r="1" x="${"z".repeat(70_000)}"/>`],
    ["broken XML", `<row r="1"><c r="A1"><v>1</c></row>`],
  ])("%s", async (_what, rows, open = SHEET_OPEN) => {
    expect(await refusal(xlsxOf(`${open}${rows}${SHEET_CLOSE}`))).toMatchObject({ rule: "unreadable_file" });
  });

  it("a part that is not UTF-8", async () => {
    const sheet = Buffer.concat([
      Buffer.from(SHEET_OPEN),
      Buffer.from([0xff, 0xfe]),
      Buffer.from(SHEET_CLOSE),
    ]);
    expect(await refusal(xlsxOf(sheet))).toMatchObject({ rule: "unreadable_file" });
  });

  it("a workbook without a sheet, or without a workbook", async () => {
    const ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    const noSheet = buildZip([
      { name: "xl/workbook.xml", data: `<workbook xmlns="${ns}"><sheets/></workbook>` },
    ]);
    expect(await refusal(noSheet)).toMatchObject({ rule: "empty_file" });
    expect(await refusal(buildZip([{ name: "a.txt", data: "x" }]))).toMatchObject({
      rule: "unreadable_file",
      message: expect.stringMatching(/no workbook part/),
    });
  });

  it("stops reading when the consumer stops asking", async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => xmlRow(i + 1, [i])).join("");
    const l = DEFAULT_IMPORT_LIMITS;
    const seen: number[] = [];
    for await (const r of readXlsxRows(
      xlsxOf(`${SHEET_OPEN}${rows}${SHEET_CLOSE}`),
      l,
      createTextBudget(l),
    )) {
      seen.push(r.row);
      if (seen.length === 3) break;
    }
    expect(seen).toEqual([1, 2, 3]);
  });
});
