// POST /api/v1/imports: real .xlsx files built with exceljs and real CSV text, through the app.
// Row errors name the spreadsheet row and column; a real run writes every row or none; a
// disbursement report's cumulative figures become differences, so a re-import writes nothing.
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countEntries, createUnit, ledgerTotal, postAllocation, postDisbursement } from "./factories.js";
import { ADMIN_KEY, createTestApp, type TestApp } from "./helpers/test-app.js";

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

type RowError = { row: number; column: string | null; field: string | null; rule: string; message: string };
type Report = {
  kind: string;
  dryRun: boolean;
  valid: boolean;
  written: number;
  totals: { rows: number; write: number; unchanged: number; error: number; amount: number };
  rows: {
    row: number;
    status: string;
    amount?: number;
    date?: string;
    unitCode?: string;
    source?: string;
    capitalType?: string;
    cumulative?: number | null;
    recorded?: number | null;
    entryId?: number | null;
  }[];
  errors: RowError[];
  issues?: { path: string; rule: string }[];
  error?: string;
};

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp(); // today is 2022-12-31 in Vietnam
});
afterAll(() => t.close());

async function xlsx(rows: unknown[][], sheet = "Báo cáo"): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(sheet);
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function upload(
  kind: "allocations" | "disbursements",
  body: Buffer | string,
  o: { dryRun?: boolean; key?: string; type?: string } = {},
) {
  const payload = typeof body === "string" ? Buffer.from(body, "utf8") : body;
  const res = await t.app.inject({
    method: "POST",
    url: `/api/v1/imports?kind=${kind}&dryRun=${o.dryRun ? "true" : "false"}`,
    headers: {
      authorization: `Bearer ${o.key ?? ADMIN_KEY}`,
      "content-type": o.type ?? (payload.subarray(0, 2).toString() === "PK" ? XLSX : "text/csv"),
    },
    payload,
  });
  return { status: res.statusCode, body: JSON.parse(res.body) as Report };
}

const ALLOC_KEYS = [
  "unitCode",
  "program",
  "planYear",
  "carriedOverFrom",
  "source",
  "capitalType",
  "amount",
  "decisionRef",
  "decidedOn",
];
const REPORT_KEYS = [
  "unitCode",
  "program",
  "planYear",
  "carriedOverFrom",
  "source",
  "capitalType",
  "cumulativeDisbursed",
  "asOf",
  "reference",
];
const csv = (...lines: string[]) => `${lines.join("\r\n")}\r\n`;

/** A unit with 1 tỷ of 2022 central investment capital for NTM. */
async function unitWithAllocation(amount = 1_000_000_000) {
  const unit = await createUnit(t);
  await postAllocation(t, { unitCode: unit.code, amount });
  return unit.code;
}

async function disbursementsOf(unit: string) {
  const res = await t.request("GET", `/api/v1/disbursements?unit=${unit}`);
  return (res.body as { items: { amount: number; disbursedOn: string; reference: string }[] }).items;
}

describe("allocations", () => {
  it("imports a CSV with English keys, and a second import of the same file writes nothing", async () => {
    const a = (await createUnit(t)).code;
    const b = (await createUnit(t)).code;
    const file = csv(
      ALLOC_KEYS.join(","),
      `${a},NTM,2022,,central,investment,1000000000,12/QĐ-UBND,2022-01-15`,
      `${a},GNBV,2022,,provincial,recurrent,"250.000.000",12/QĐ-UBND,15/01/2022`,
      `${b},NTM,2022,2021,central,investment,300000000,"45/QĐ-UBND, bổ sung",2022-03-01`,
    );
    const first = await upload("allocations", file);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({
      valid: true,
      written: 3,
      totals: { rows: 3, write: 3, amount: 1_550_000_000 },
    });
    expect(first.body.rows.map((r) => r.row)).toEqual([2, 3, 4]);
    expect(first.body.rows.every((r) => typeof r.entryId === "number")).toBe(true);
    expect((await ledgerTotal(t, a)).allocated).toBe(1_250_000_000);
    const listed = await t.request("GET", `/api/v1/allocations?unit=${b}`);
    expect((listed.body as { items: unknown[] }).items).toEqual([
      expect.objectContaining({
        carriedOverFrom: 2021,
        decisionRef: "45/QĐ-UBND, bổ sung",
        decidedOn: "2022-03-01",
      }),
    ]);

    const again = await upload("allocations", file);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ valid: true, written: 0, totals: { unchanged: 3, write: 0 } });
    expect((await ledgerTotal(t, a)).allocated).toBe(1_250_000_000);
  });

  it("reads Vietnamese headers and words, Excel dates and numbers, '.' thousands, and a key line", async () => {
    const unit = (await createUnit(t)).code;
    const before = await countEntries(t);
    const file = await xlsx([
      [
        "STT",
        "Mã đơn vị",
        "Chương trình",
        "Năm kế hoạch",
        "Nguồn vốn",
        "Loại vốn",
        "Số tiền (đồng)",
        "Số quyết định",
        "Ngày quyết định",
      ],
      [
        null,
        "unitCode",
        "program",
        "planYear",
        "source",
        "capitalType",
        "amount",
        "decisionRef",
        "decidedOn",
      ],
      [
        1,
        unit,
        "ntm",
        2022,
        "Ngân sách trung ương",
        "Vốn đầu tư phát triển",
        1_200_000_000,
        "1/QĐ",
        new Date(Date.UTC(2022, 0, 10)),
      ],
      [2, unit, "DTTS", "2022", "ngan sach tinh", "Vốn sự nghiệp", "1.234.567", "2/QĐ", "05/02/2022"],
      [3, unit, "GNBV", 2022, "Ngân sách huyện/xã đối ứng", "Sự nghiệp", "2,500,000 đ", "3/QĐ", "2022-02-28"],
      [4, unit, "GNBV", 2022, "Nguồn vốn huy động khác", "ĐTPT", 44_000_000, "4/QĐ", 44_620],
    ]);
    const res = await upload("allocations", file, { dryRun: true });
    expect(res.status, JSON.stringify(res.body.errors)).toBe(200);
    expect(res.body).toMatchObject({ dryRun: true, valid: true, written: 0 });
    expect(res.body.rows).toEqual([
      expect.objectContaining({
        row: 3,
        status: "write",
        program: "NTM",
        source: "central",
        capitalType: "investment",
        amount: 1_200_000_000,
        date: "2022-01-10",
      }),
      expect.objectContaining({
        row: 4,
        program: "DTTS",
        source: "provincial",
        capitalType: "recurrent",
        amount: 1_234_567,
        date: "2022-02-05",
      }),
      expect.objectContaining({
        row: 5,
        source: "district",
        capitalType: "recurrent",
        amount: 2_500_000,
        date: "2022-02-28",
      }),
      expect.objectContaining({
        row: 6,
        source: "other",
        capitalType: "investment",
        amount: 44_000_000,
        date: "2022-02-28",
      }),
    ]);
    expect(await countEntries(t)).toEqual(before);
  });

  it("names the row and column of every bad cell, and writes nothing", async () => {
    const unit = (await createUnit(t)).code;
    const before = await countEntries(t);
    const file = await xlsx([
      ALLOC_KEYS,
      [unit, "NTM", 2022, null, "central", "investment", 1_000_000, "1/QĐ", "31/02/2022"], // bad date
      ["NO_SUCH_UNIT", "NTM", 2022, null, "central", "investment", 1_000_000, "1/QĐ", "2022-01-01"],
      [unit, "NTM", 2022, null, "central", "investment", 1_000_000.5, "1/QĐ", "2022-01-01"], // fractional
      [unit, "NTM", 2022, null, "ngân sách mặt trăng", "investment", 1_000_000, "1/QĐ", "2022-01-01"],
      [unit, "NTM", 2022, null, "central", "investment", "1,5", "1/QĐ", "tomorrow"], // two errors
      [unit, "NTM", 2022, 2023, "central", "investment", 1_000, "9/QĐ", "2022-01-01"], // carried from later
      [unit, "XYZ", 2022, null, "central", "investment", 1_000, "9/QĐ", "2022-01-01"],
      [unit, "NTM", 2022, null, "central", "investment", 5_000, "", "2022-01-01"], // missing decision
      [unit, "NTM", 2022, null, "central", "investment", 7_000, "8/QĐ", "2022-01-01"], // the one good row
    ]);
    const res = await upload("allocations", file);
    expect(res.status).toBe(422);
    expect(res.body.error).toBe("import_rejected");
    const errs = res.body.errors.map((e) => [e.row, e.column, e.field, e.rule]);
    expect(errs).toEqual([
      [2, "I", "decidedOn", "real_date"],
      [3, "A", "unitCode", "unknown_unit"],
      [4, "G", "amount", "whole_dong"],
      [5, "E", "source", "unknown_source"],
      [6, "G", "amount", "whole_dong"],
      [6, "I", "decidedOn", "bad_date"],
      [7, "D", "carriedOverFrom", "before_plan_year"],
      [8, "B", "program", "unknown_program"],
      [9, "H", "decisionRef", "required"],
    ]);
    expect(res.body.issues?.[0]).toEqual(
      expect.objectContaining({ path: "row.2.decidedOn", rule: "real_date" }),
    );
    expect(res.body.rows.find((r) => r.row === 10)?.status).toBe("write");
    expect(res.body.totals).toMatchObject({ rows: 9, error: 8, write: 1 });
    expect(await countEntries(t)).toEqual(before);
    expect((await ledgerTotal(t, unit)).allocated).toBe(0);
  });

  it("lists every missing column against the header row", async () => {
    const file = csv("Mã đơn vị;Chương trình;Năm kế hoạch;Số tiền", "X;NTM;2022;1000");
    const res = await upload("allocations", file, { dryRun: true });
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e) => [e.row, e.field, e.rule])).toEqual([
      [1, "source", "missing_column"],
      [1, "capitalType", "missing_column"],
      [1, "decisionRef", "missing_column"],
      [1, "decidedOn", "missing_column"],
    ]);
  });

  it("refuses an allocation cut below what is disbursed, as a row error", async () => {
    const unit = await unitWithAllocation(1_000_000);
    await postDisbursement(t, { unitCode: unit, amount: 800_000 });
    const file = csv(ALLOC_KEYS.join(","), `${unit},NTM,2022,,central,investment,-300000,77/QĐ,2022-07-01`);
    const res = await upload("allocations", file);
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([
      expect.objectContaining({ row: 2, column: "G", field: "amount", rule: "allocation_below_disbursed" }),
    ]);
  });

  it("refuses a decision already recorded with another amount", async () => {
    const unit = (await createUnit(t)).code;
    await postAllocation(t, { unitCode: unit, decisionRef: "5/QĐ", amount: 100 });
    const res = await upload(
      "allocations",
      csv(ALLOC_KEYS.join(","), `${unit},NTM,2022,,central,investment,200,5/QĐ,2022-01-15`),
    );
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject({ row: 2, field: "amount", rule: "decision_recorded" });
  });
});

describe("disbursement reports: cumulative figures become differences", () => {
  it("writes the difference, nothing on a re-import, and only the increase of a later report", async () => {
    const unit = await unitWithAllocation();
    await postDisbursement(t, { unitCode: unit, amount: 100_000_000, disbursedOn: "2022-03-31" });
    const june = csv(
      "Mã đơn vị;Chương trình;Năm kế hoạch;Vốn kéo dài từ năm;Nguồn vốn;Loại vốn;Lũy kế giải ngân;Đến ngày;Số chứng từ",
      `${unit};NTM;2022;;Ngân sách trung ương;Vốn đầu tư phát triển;300.000.000;30/06/2022;BC-06`,
    );
    const first = await upload("disbursements", june);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body.rows[0]).toMatchObject({
      row: 2,
      status: "write",
      cumulative: 300_000_000,
      recorded: 100_000_000,
      amount: 200_000_000,
      date: "2022-06-30",
    });

    const again = await upload("disbursements", june);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ written: 0, totals: { unchanged: 1, write: 0, amount: 0 } });

    const september = await xlsx([
      REPORT_KEYS,
      [
        unit,
        "NTM",
        2022,
        null,
        "central",
        "investment",
        700_000_000,
        new Date(Date.UTC(2022, 8, 30)),
        "BC-09",
      ],
    ]);
    const later = await upload("disbursements", september);
    expect(later.status).toBe(201);
    expect(later.body.rows[0]).toMatchObject({ amount: 400_000_000, recorded: 300_000_000 });

    expect((await disbursementsOf(unit)).map((d) => [d.amount, d.disbursedOn, d.reference])).toEqual([
      [100_000_000, "2022-03-31", "KBNN-2022-0001"],
      [200_000_000, "2022-06-30", "BC-06"],
      [400_000_000, "2022-09-30", "BC-09"],
    ]);
    expect((await ledgerTotal(t, unit)).disbursed).toBe(700_000_000);
  });

  it("takes several dates of one scope in date order within a file", async () => {
    const unit = await unitWithAllocation();
    const file = csv(
      REPORT_KEYS.join(","),
      `${unit},NTM,2022,,central,investment,500000000,2022-09-30,Q3`,
      `${unit},NTM,2022,,central,investment,200000000,2022-03-31,Q1`,
    );
    const res = await upload("disbursements", file);
    expect(res.status).toBe(201);
    expect(res.body.rows.map((r) => [r.row, r.amount])).toEqual([
      [2, 300_000_000],
      [3, 200_000_000],
    ]);
  });

  it("refuses a cumulative figure below the recorded one, and an older report after later figures", async () => {
    const unit = await unitWithAllocation();
    await postDisbursement(t, { unitCode: unit, amount: 500_000_000, disbursedOn: "2022-09-30" });
    const lower = await upload(
      "disbursements",
      csv(REPORT_KEYS.join(","), `${unit},NTM,2022,,central,investment,400000000,2022-10-31,BC-10`),
    );
    expect(lower.status).toBe(422);
    expect(lower.body.errors).toEqual([
      expect.objectContaining({
        row: 2,
        column: "G",
        field: "cumulativeDisbursed",
        rule: "cumulative_below_recorded",
      }),
    ]);
    expect(lower.body.errors[0]?.message).toContain("post a correction");

    const older = await upload(
      "disbursements",
      csv(REPORT_KEYS.join(","), `${unit},NTM,2022,,central,investment,100000000,2022-06-30,BC-06`),
    );
    expect(older.status).toBe(422);
    expect(older.body.errors[0]).toMatchObject({
      row: 2,
      column: "H",
      field: "asOf",
      rule: "later_figures_recorded",
    });
    // A report that agrees with what is recorded up to its date is simply unchanged.
    const agreeing = await upload(
      "disbursements",
      csv(REPORT_KEYS.join(","), `${unit},NTM,2022,,central,investment,0,2022-06-30,BC-06`),
    );
    expect(agreeing.status).toBe(200);
    expect(agreeing.body.totals.unchanged).toBe(1);
  });

  it("catches over-disbursement as a row error and writes none of the file's rows", async () => {
    const a = await unitWithAllocation(1_000_000_000);
    const b = await unitWithAllocation(100_000_000);
    const file = await xlsx([
      REPORT_KEYS,
      [a, "NTM", 2022, null, "central", "investment", 600_000_000, "30/09/2022", "A-09"],
      [b, "NTM", 2022, null, "central", "investment", 100_000_001, "30/09/2022", "B-09"],
    ]);
    const res = await upload("disbursements", file);
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([
      expect.objectContaining({ row: 3, column: "G", rule: "disbursed_above_allocation" }),
    ]);
    expect(res.body.rows[0]).toMatchObject({ row: 2, status: "write", amount: 600_000_000 });
    expect((await ledgerTotal(t, a)).disbursed).toBe(0);
    expect((await ledgerTotal(t, b)).disbursed).toBe(0);
  });

  it("a dry run answers what would be written and writes nothing", async () => {
    const unit = await unitWithAllocation();
    const before = await countEntries(t);
    const res = await upload(
      "disbursements",
      csv(REPORT_KEYS.join(","), `${unit},NTM,2022,,central,investment,250000000,2022-08-31,BC-08`),
      { dryRun: true },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      dryRun: true,
      valid: true,
      written: 0,
      totals: { write: 1, amount: 250_000_000 },
    });
    expect(await countEntries(t)).toEqual(before);
    expect(await disbursementsOf(unit)).toEqual([]);
  });

  it("two concurrent imports of one report write its difference once", async () => {
    const unit = await unitWithAllocation();
    const file = csv(
      REPORT_KEYS.join(","),
      `${unit},NTM,2022,,central,investment,420000000,2022-07-31,BC-07`,
    );
    const results = await Promise.all([upload("disbursements", file), upload("disbursements", file)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 201]);
    expect((await disbursementsOf(unit)).map((d) => d.amount)).toEqual([420_000_000]);
  });

  it("refuses a report dated after today", async () => {
    const unit = await unitWithAllocation();
    const res = await upload(
      "disbursements",
      csv(REPORT_KEYS.join(","), `${unit},NTM,2022,,central,investment,1,2023-01-01,X`),
    );
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject({ row: 2, field: "asOf", rule: "not_in_future" });
  });
});

describe("who may import", () => {
  it("an officer's rows of another unit are row errors; rows of its own unit import", async () => {
    const own = await unitWithAllocation();
    const other = await unitWithAllocation();
    const officer = await t.keyFor("officer", [own]);
    const mixed = csv(
      REPORT_KEYS.join(","),
      `${own},NTM,2022,,central,investment,100,2022-06-30,R1`,
      `${other},NTM,2022,,central,investment,100,2022-06-30,R2`,
    );
    const res = await upload("disbursements", mixed, { key: officer });
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual([
      expect.objectContaining({ row: 3, column: "A", field: "unitCode", rule: "not_your_unit" }),
    ]);
    // Nothing about the other unit's figures is in the answer.
    expect(res.body.rows[1]).toEqual({ row: 3, status: "error" });
    expect((await ledgerTotal(t, own)).disbursed).toBe(0);

    const ownOnly = csv(REPORT_KEYS.join(","), `${own},NTM,2022,,central,investment,100,2022-06-30,R1`);
    expect((await upload("disbursements", ownOnly, { key: officer })).status).toBe(201);
    expect((await ledgerTotal(t, own)).disbursed).toBe(100);
  });

  it("viewers may not import", async () => {
    const viewer = await t.keyFor("viewer");
    const res = await upload("allocations", csv(ALLOC_KEYS.join(",")), { key: viewer });
    expect(res.status).toBe(403);
  });
});

describe("files that cannot be imported", () => {
  it("answers 422 for an unreadable workbook, an old .xls, a non-UTF-8 CSV and an empty file", async () => {
    const broken = await upload("allocations", Buffer.from("PK\u0003\u0004garbage"), { type: XLSX });
    expect(broken.status).toBe(422);
    expect(broken.body.errors[0]?.rule).toBe("unreadable_file");
    const xls = await upload("allocations", Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0, 0, 0, 0]), {
      type: "application/vnd.ms-excel",
    });
    expect(xls.body.errors[0]?.rule).toBe("unsupported_format");
    const latin = await upload("allocations", Buffer.from([0x4d, 0xe3, 0x20, 0x64, 0x76]));
    expect(latin.body.errors[0]?.rule).toBe("not_utf8");
    const empty = await upload("allocations", csv(ALLOC_KEYS.join(",")));
    expect(empty.body.errors[0]?.rule).toBe("no_rows");
    const noHeader = await upload("allocations", "a,b,c\r\n1,2,3\r\n");
    expect(noHeader.body.errors[0]?.rule).toBe("no_header");
  });

  it("refuses more rows than the limit before reading them", async () => {
    const line = "X,NTM,2022,,central,investment,1,1/QĐ,2022-01-01";
    const file = [ALLOC_KEYS.join(","), ...Array.from({ length: 20_001 }, () => line)].join("\n");
    const res = await upload("allocations", file, { dryRun: true });
    expect(res.status).toBe(422);
    expect(res.body.errors[0]).toMatchObject({ rule: "too_many_rows" });
  });

  it("answers 413 to a file above the import's byte limit (IMPORT_MAX_BYTES, 10 MiB by default)", async () => {
    const res = await upload("allocations", Buffer.alloc(10 * 1024 * 1024 + 1, 0x41));
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ error: "file_too_large" });
    expect((res.body as unknown as { message: string }).message).toMatch(/10485760 bytes.*IMPORT_MAX_BYTES/);
  });

  it("answers 400 to a JSON body and 415 to an unknown content type", async () => {
    const json = await t.app.inject({
      method: "POST",
      url: "/api/v1/imports?kind=allocations",
      headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
      payload: { unitCode: "X" },
    });
    expect(json.statusCode).toBe(400);
    const png = await upload("allocations", Buffer.from("x"), { type: "image/png" });
    expect(png.status).toBe(415);
  });
});

describe("templates", () => {
  it("are open to every signed-in role and parse back into valid imports", async () => {
    const viewer = await t.keyFor("viewer");
    await createUnit(t, { code: "TAM_KY" });
    const get = (path: string) =>
      t.app.inject({ method: "GET", url: path, headers: { authorization: `Bearer ${viewer}` } });

    const allocXlsx = await get("/api/v1/imports/templates/allocations.xlsx");
    expect(allocXlsx.statusCode).toBe(200);
    expect(allocXlsx.headers["content-type"]).toBe(XLSX);
    expect(allocXlsx.headers["content-disposition"]).toMatch(
      /^attachment; filename="mau-nhap-ke-hoach-von\.xlsx"; filename\*=UTF-8''/,
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(allocXlsx.rawPayload as unknown as ExcelJS.Buffer);
    const ws = wb.worksheets[0]!;
    expect(ws.views[0]).toMatchObject({ state: "frozen", ySplit: 2 });
    expect(ws.getRow(1).getCell(1).value).toBe("Mã đơn vị");
    expect(ws.getRow(2).getCell(1).value).toBe("unitCode");
    expect(ws.getCell("A3").numFmt).toBe("@");
    expect(ws.getCell("G3").numFmt).toBe("#,##0");
    expect(ws.getCell("I3").numFmt).toBe("dd/mm/yyyy");
    expect(ws.getCell("I3").value).toBeInstanceOf(Date);

    const imported = await upload("allocations", allocXlsx.rawPayload);
    expect(imported.status, JSON.stringify(imported.body.errors)).toBe(201);
    expect(imported.body.rows).toEqual([
      expect.objectContaining({ row: 3, unitCode: "TAM_KY", amount: 1_000_000_000, date: "2022-01-15" }),
    ]);

    const allocCsv = await get("/api/v1/imports/templates/allocations.csv");
    expect(allocCsv.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(allocCsv.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const again = await upload("allocations", allocCsv.rawPayload, { dryRun: true });
    expect(again.status).toBe(200);
    expect(again.body.totals).toMatchObject({ rows: 1, unchanged: 1 });

    for (const format of ["xlsx", "csv"]) {
      const report = await get(`/api/v1/imports/templates/disbursements.${format}`);
      expect(report.statusCode).toBe(200);
      const dry = await upload("disbursements", report.rawPayload, { dryRun: true });
      expect(dry.status, JSON.stringify(dry.body.errors)).toBe(200);
      expect(dry.body.rows[0]).toMatchObject({ status: "write", amount: 600_000_000, date: "2022-09-30" });
    }
  });
});
