import { describe, expect, it } from "vitest";
import { mapHeader } from "./import-header.js";
import { issueToRowError, type RowPlan } from "./row-plan.js";
import { columnLetter } from "./spreadsheet-reader.js";

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
