// The pure pieces of the spreadsheet import and export: CSV, cells, headers, ledger issue paths.
import { describe, expect, it } from "vitest";
import { amountCell, dateCell, sourceCell } from "../src/spreadsheets/cells.js";
import { normalizeLabel } from "../src/spreadsheets/columns.js";
import { detectDelimiter, parseCsv, writeCsv } from "../src/spreadsheets/csv.js";
import { issueToRowError, mapHeader, type RowPlan } from "../src/spreadsheets/import-rows.js";
import { columnLetter } from "../src/spreadsheets/spreadsheet-reader.js";
import { contentDisposition, exactNumber } from "../src/spreadsheets/workbook.js";

describe("CSV", () => {
  it("reads RFC 4180 quoting, CRLF or LF, a BOM, and ';' when the header uses it", () => {
    const text = '\uFEFFa;b;c\r\n"x;1";"say ""hi""";"two\nlines"\n;;\n';
    expect(detectDelimiter(text.slice(1))).toBe(";");
    expect(parseCsv(text).map((r) => [r.line, r.fields])).toEqual([
      [1, ["a", "b", "c"]],
      [2, ["x;1", 'say "hi"', "two\nlines"]],
      [4, ["", "", ""]],
    ]);
    expect(() => parseCsv('a,b\n"open,1\n')).toThrow(/never closed/);
  });

  it("writes a BOM, quotes what needs it, and defuses formulas in text", () => {
    const out = writeCsv([
      ["Tên", "Số"],
      ['Sở "A", B', 1_000n],
      ["=SUM(A1)", -5],
    ]).toString("utf8");
    expect(out).toBe('\uFEFFTên,Số\r\n"Sở ""A"", B",1000\r\n\'=SUM(A1),-5\r\n');
    expect(parseCsv(out)[1]?.fields).toEqual(['Sở "A", B', "1000"]);
  });
});

describe("cells", () => {
  const amount = (v: unknown) => {
    const r = amountCell.safeParse(v);
    return r.success ? r.data : (r.error.issues[0] as { params?: { rule?: string } }).params?.rule;
  };
  it("reads whole đồng from numbers and from text with thousands separators", () => {
    expect(amount(1_234_567)).toBe(1_234_567n);
    expect(amount("1.234.567")).toBe(1_234_567n);
    expect(amount("1,234,567")).toBe(1_234_567n);
    expect(amount(" 1 234 567 đ ")).toBe(1_234_567n);
    expect(amount("(5.000)")).toBe(-5_000n);
    expect(amount("-5000")).toBe(-5_000n);
    expect(amount(12.5)).toBe("whole_dong");
    expect(amount("12,5")).toBe("whole_dong");
    expect(amount("1.2345")).toBe("whole_dong");
    expect(amount("abc")).toBe("not_a_number");
    expect(amount(2 ** 60)).toBe("safe_integer");
    expect(amount("")).toBe("required");
    expect(amount(null)).toBe("required");
  });

  it("reads dates as Excel dates, serials, dd/mm/yyyy and YYYY-MM-DD", () => {
    const date = (v: unknown) => {
      const r = dateCell.safeParse(v);
      return r.success ? r.data : (r.error.issues[0] as { params?: { rule?: string } }).params?.rule;
    };
    expect(date(new Date(Date.UTC(2022, 8, 30)))).toBe("2022-09-30");
    expect(date(new Date(Date.UTC(2022, 8, 29, 23, 59, 59, 990)))).toBe("2022-09-30");
    expect(date(44_834)).toBe("2022-09-30");
    expect(date("30/09/2022")).toBe("2022-09-30");
    expect(date("1/2/2022")).toBe("2022-02-01");
    expect(date("2022-09-30")).toBe("2022-09-30");
    expect(date("29/02/2022")).toBe("real_date");
    expect(date("09-30-2022x")).toBe("bad_date");
    expect(date(3.5)).toBe("bad_date");
  });

  it("reads sources in English or Vietnamese, with or without accents", () => {
    expect(sourceCell.parse("Ngân sách trung ương")).toBe("central");
    expect(sourceCell.parse("NGAN SACH TINH")).toBe("provincial");
    expect(sourceCell.parse("Ngân sách huyện/xã đối ứng")).toBe("district");
    expect(sourceCell.parse("other")).toBe("other");
    expect(sourceCell.safeParse("ODA").success).toBe(false);
  });

  it("matches headers without case, accents, tone placement or notes in brackets", () => {
    expect(normalizeLabel("Lũy kế giải ngân (đồng)*")).toBe("luy ke giai ngan");
    expect(normalizeLabel("Luỹ kế giải ngân")).toBe("luy ke giai ngan");
    expect(normalizeLabel("Mã đơn vị")).toBe("ma don vi");
  });
});

describe("header rows and ledger issue paths", () => {
  const rows = [
    { row: 1, cells: ["BÁO CÁO GIẢI NGÂN", null] },
    {
      row: 3,
      cells: [
        "Mã đơn vị",
        "Chương trình",
        "Năm kế hoạch",
        "Nguồn vốn",
        "Loại vốn",
        "Lũy kế giải ngân",
        "Đến ngày",
        "Số chứng từ",
      ],
    },
    { row: 4, cells: ["unitCode", "program", "planYear", "source", "capitalType", "cumulativeDisbursed"] },
    { row: 5, cells: ["A", "NTM", 2022, "central", "investment", 1, "2022-01-01", "x"] },
  ];

  it("finds the header below a title, and skips the line of English keys", () => {
    const m = mapHeader("disbursements", rows);
    if ("errors" in m) throw new Error(JSON.stringify(m.errors));
    expect(m.header.headerRow).toBe(3);
    expect(m.header.columns.get("asOf")).toBe(6);
    expect(m.data.map((r) => r.row)).toEqual([5]);
  });

  it("maps the ledger's entry and field back to the row and column", () => {
    const m = mapHeader("disbursements", rows);
    if ("errors" in m) throw new Error("no header");
    const written = [{ row: 5 }, { row: 9 }] as RowPlan[];
    const e = issueToRowError(
      m.header,
      written,
      { entry: 1, field: "amount", rule: "disbursed_above_allocation", message: "too much" },
      "disbursements",
    );
    expect(e).toEqual({
      row: 9,
      column: "F",
      header: "Lũy kế giải ngân",
      field: "cumulativeDisbursed",
      rule: "disbursed_above_allocation",
      message: "too much",
    });
  });

  it("names columns as Excel does", () => {
    expect([0, 25, 26, 27, 701, 702].map(columnLetter)).toEqual(["A", "Z", "AA", "AB", "ZZ", "AAA"]);
  });
});

describe("downloads", () => {
  it("writes amounts as numbers only while a spreadsheet keeps every digit (below 10^15)", () => {
    expect(exactNumber(999_999_999_999_999n)).toBe(999_999_999_999_999);
    expect(exactNumber(-999_999_999_999_999n)).toBe(-999_999_999_999_999);
    expect(exactNumber(1_000_000_000_000_000n)).toBe("1000000000000000");
    expect(exactNumber(-1_000_000_000_000_001n)).toBe("-1000000000000001");
    expect(exactNumber(9_007_199_254_740_993n)).toBe("9007199254740993");
  });

  it("names files in ASCII and in UTF-8", () => {
    expect(
      contentDisposition({ filename: "Tổng hợp (2022).xlsx", asciiFilename: "tong-hop-2022.xlsx" }),
    ).toBe(
      "attachment; filename=\"tong-hop-2022.xlsx\"; filename*=UTF-8''T%E1%BB%95ng%20h%E1%BB%A3p%20%282022%29.xlsx",
    );
  });
});
