import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { DEFAULT_IMPORT_LIMITS } from "../spreadsheets/import-limits.js";
import { readStatementFile, referenceErrors, sha256Of } from "./treasury-statement.js";

const read = (text: string, limits = DEFAULT_IMPORT_LIMITS) =>
  readStatementFile(Buffer.from(text, "utf8"), limits);

const HEADER = "Mã đơn vị,Mã chương trình,Năm kế hoạch,Nguồn vốn,Loại vốn,Lũy kế giải ngân";

describe("readStatementFile", () => {
  it("reads the scopes and cumulative figures of a CSV with a KBNN export's headers", async () => {
    const f = await read(
      [
        HEADER,
        "TAMKY,NTM,2022,Ngân sách trung ương,Vốn đầu tư phát triển,100.000.000",
        "tamky,NTM,2022,NSTW,sự nghiệp,0",
      ].join("\n"),
    );
    expect(f.errors).toEqual([]);
    expect(f.format).toBe("csv");
    expect(f.rows).toEqual([
      {
        row: 2,
        unitCode: "TAMKY",
        program: "NTM",
        planYear: 2022,
        carriedOverFrom: null,
        source: "central",
        capitalType: "investment",
        disbursed: 100_000_000n,
      },
      expect.objectContaining({ row: 3, source: "central", capitalType: "recurrent", disbursed: 0n }),
    ]);
  });

  it("takes 'Đơn vị' and 'Chương trình' for the codes only when no code column is there", async () => {
    const alone = await read(
      [
        "Đơn vị,Chương trình,Năm KH,Nguồn vốn,Loại vốn,Lũy kế thanh toán (đồng)",
        "TAMKY,NTM,2022,tỉnh,đầu tư,5",
      ].join("\n"),
    );
    expect(alone.errors).toEqual([]);
    expect(alone.rows[0]).toMatchObject({
      unitCode: "TAMKY",
      program: "NTM",
      source: "provincial",
      disbursed: 5n,
    });

    const both = await read(
      [
        "Đơn vị,Mã đơn vị,Chương trình,Mã chương trình,Năm KH,Nguồn vốn,Loại vốn,Lũy kế thanh toán",
        "UBND TP Tam Kỳ,TAMKY,Nông thôn mới,NTM,2022,tỉnh,đầu tư,5",
      ].join("\n"),
    );
    expect(both.errors).toEqual([]);
    expect(both.rows[0]).toMatchObject({ unitCode: "TAMKY", program: "NTM" });
  });

  it("reads carried-over capital and refuses a year that is not earlier", async () => {
    const f = await read(
      [
        `${HEADER},Vốn năm trước chuyển sang`,
        "TAMKY,NTM,2022,tỉnh,đầu tư,5,2021",
        "TAMKY,NTM,2022,tỉnh,đầu tư,5,2022",
      ].join("\n"),
    );
    expect(f.rows[0]).toMatchObject({ carriedOverFrom: 2021 });
    expect(f.errors).toEqual([
      expect.objectContaining({ row: 3, column: "G", field: "carriedOverFrom", rule: "before_plan_year" }),
    ]);
  });

  it("names row and column of every bad cell, a repeated scope, and a missing column", async () => {
    const f = await read(
      [
        HEADER,
        "TAMKY,NTM,2022,tỉnh,đầu tư,-5",
        "TAMKY,NTM,2022,tỉnh,đầu tư,1.5",
        "TAMKY,NTM,2022,trung ương,đầu tư,7",
        "TAMKY,NTM,2022,NSTW,Vốn đầu tư phát triển,8",
        "TAMKY,NTM,2022,ngân hàng,đầu tư,8",
      ].join("\n"),
    );
    expect(f.errors.map((e) => [e.row, e.column, e.rule])).toEqual([
      [2, "F", "not_negative"],
      [3, "F", "whole_dong"],
      [5, "A", "duplicate_scope"],
      [6, "D", "unknown_source"],
    ]);
    expect(f.errors[2]!.message).toContain("row 4");

    const missing = await read(
      ["Mã đơn vị,Mã chương trình,Năm kế hoạch,Nguồn vốn,Loại vốn", "TAMKY,NTM,2022,tỉnh,đầu tư"].join("\n"),
    );
    expect(missing.errors).toEqual([
      expect.objectContaining({ row: 1, rule: "missing_column", field: "disbursed" }),
    ]);
  });

  it("refuses an empty file, a file of headers only, and a file past a limit", async () => {
    expect((await read("")).errors).toEqual([expect.objectContaining({ rule: "empty_file" })]);
    expect((await read(HEADER)).errors).toEqual([expect.objectContaining({ rule: "no_rows" })]);
    const rows = Array.from({ length: 4 }, (_, i) => `U${i},NTM,2022,tỉnh,đầu tư,1`);
    const f = await read([HEADER, ...rows].join("\n"), { ...DEFAULT_IMPORT_LIMITS, maxRows: 3 });
    expect(f.errors).toEqual([expect.objectContaining({ row: 5, rule: "too_many_rows" })]);
  });

  it("reads an .xlsx below title rows", async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("Sao kê");
    ws.addRow(["KHO BẠC NHÀ NƯỚC QUẢNG NAM"]);
    ws.addRow(["BẢNG SAO KÊ GIẢI NGÂN VỐN CTMTQG"]);
    ws.addRow([]);
    ws.addRow(["Mã đơn vị", "Mã chương trình", "Năm KH", "Nguồn vốn", "Loại vốn", "Lũy kế thanh toán"]);
    ws.addRow(["TAMKY", "NTM", 2022, "Ngân sách tỉnh", "Vốn sự nghiệp", 1_234_567]);
    const f = await readStatementFile(Buffer.from(await wb.xlsx.writeBuffer()), DEFAULT_IMPORT_LIMITS);
    expect(f.errors).toEqual([]);
    expect(f.format).toBe("xlsx");
    expect(f.rows).toEqual([
      expect.objectContaining({ row: 5, capitalType: "recurrent", disbursed: 1_234_567n }),
    ]);
  });
});

describe("referenceErrors", () => {
  it("names each unknown unit and program by row and column", async () => {
    const f = await read(
      [HEADER, "TAMKY,NTM,2022,tỉnh,đầu tư,5", "NOWHERE,XYZ,2022,tỉnh,đầu tư,5"].join("\n"),
    );
    const errors = referenceErrors(f.header!, f.rows, {
      units: new Set(["TAMKY"]),
      programs: new Set(["NTM"]),
    });
    expect(errors.map((e) => [e.row, e.column, e.rule])).toEqual([
      [3, "A", "unknown_unit"],
      [3, "B", "unknown_program"],
    ]);
  });
});

describe("sha256Of", () => {
  it("is the hex digest of the bytes", () => {
    expect(sha256Of(Buffer.from("abc"))).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
  });
});
