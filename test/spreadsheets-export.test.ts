// GET /api/v1/exports/*: the files open with exceljs, have a frozen Vietnamese header row, đồng
// and percent formats, one sheet per program, and the same figures as the JSON views.
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { amountCell } from "../src/spreadsheets/cells.js";
import { parseCsv, writeCsv } from "../src/spreadsheets/csv.js";
import { AMOUNT_AS_TEXT_NOTE } from "../src/spreadsheets/workbook.js";
import { parseJson } from "../web/src/json.js";
import { BIG_ASOF, BIG_DISBURSED, type BigProvince, postProgramAbove2To53 } from "./helpers/big-province.js";
import { ADMIN_KEY, createTestApp, type TestApp } from "./helpers/test-app.js";

let t: TestApp;
let viewer: string;
const admin = { keyId: "t", name: "t", role: "admin" as const, unitCodes: [] };
const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const VND = '#,##0 "đ"';
const ASOF = "2022-10-15";

beforeAll(async () => {
  t = await createTestApp();
  viewer = await t.keyFor("viewer");
  const units = [
    { code: "D1", kind: "district" as const, name: "UBND huyện Đông Giang" },
    { code: "D2", kind: "district" as const, name: "UBND huyện Tây Giang" },
    { code: "S1", kind: "department" as const, name: "Sở Nông nghiệp" },
  ];
  for (const u of units)
    await t.container.catalog.createUnit(
      { ...u, headName: "A", headEmail: "a@example.org", ccEmails: [] },
      admin,
    );
  const scope = {
    planYear: 2022,
    carriedOverFrom: null,
    source: "central" as const,
    capitalType: "investment" as const,
  };
  const alloc = (unitCode: string, program: string, amount: bigint) => ({
    ...scope,
    unitCode,
    program,
    amount,
    decisionRef: "1/QĐ",
    decidedOn: "2022-01-10",
  });
  const disb = (unitCode: string, program: string, amount: bigint, disbursedOn: string) => ({
    ...scope,
    unitCode,
    program,
    amount,
    disbursedOn,
    reference: "KB",
  });
  await t.container.ledger.postAllocations(
    [
      alloc("D1", "NTM", 1_000_000_000n),
      alloc("D1", "GNBV", 2_000_000_000n),
      alloc("D2", "NTM", 3_000_000_000n),
      alloc("S1", "DTTS", 500_000_000n),
    ],
    admin,
  );
  await t.container.ledger.postDisbursements(
    [
      disb("D1", "NTM", 700_000_000n, "2022-09-01"),
      disb("D1", "GNBV", 100_000_000n, "2022-03-01"),
      disb("D2", "NTM", 1_800_000_000n, "2022-09-30"),
      disb("S1", "DTTS", 301_000_000n, "2022-09-30"),
    ],
    admin,
  );
});
afterAll(() => t.close());

async function download(path: string, key = viewer) {
  const res = await t.app.inject({ method: "GET", url: path, headers: { authorization: `Bearer ${key}` } });
  return res;
}

async function workbook(buf: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ExcelJS.Buffer);
  return wb;
}

function headerOf(ws: ExcelJS.Worksheet): string[] {
  const out: string[] = [];
  ws.getRow(1).eachCell((c) => {
    out.push(String(c.value));
  });
  return out;
}

/** The sheet's data rows as header → value. */
function recordsOf(ws: ExcelJS.Worksheet): Record<string, unknown>[] {
  const headers = headerOf(ws);
  const out: Record<string, unknown>[] = [];
  ws.eachRow((row, n) => {
    if (n === 1) return;
    const r: Record<string, unknown> = {};
    headers.forEach((h, i) => {
      r[h] = row.getCell(i + 1).value;
    });
    out.push(r);
  });
  return out;
}

function columnFormat(ws: ExcelJS.Worksheet, header: string): string | undefined {
  const i = headerOf(ws).indexOf(header);
  return ws.getRow(2).getCell(i + 1).numFmt ?? ws.getColumn(i + 1).numFmt;
}

type AtRiskItem = {
  unitCode: string;
  program: string;
  id: string;
  allocated: number;
  disbursed: number;
  shortfall: number;
  rate: number;
};

describe("at-risk export", () => {
  it("has one sheet per program with a frozen Vietnamese header, đồng and percent formats, and the JSON's rows", async () => {
    const json = await t.request("GET", `/api/v1/at-risk?asOf=${ASOF}`, { key: viewer });
    const items = (json.body as { items: AtRiskItem[] }).items;
    expect(items.length).toBeGreaterThan(0);

    const res = await download(`/api/v1/exports/at-risk.xlsx?asOf=${ASOF}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe(XLSX);
    const disposition = String(res.headers["content-disposition"]);
    expect(disposition).toBe(
      `attachment; filename="danh-sach-co-nguy-co-kh-2022-den-15-10-2022.xlsx"; filename*=UTF-8''${encodeURIComponent("Danh sách có nguy cơ - KH 2022 - đến 15-10-2022.xlsx")}`,
    );
    const wb = await workbook(res.rawPayload);
    expect(wb.worksheets.map((w) => w.name)).toEqual(["DTTS", "GNBV", "NTM"]);
    for (const ws of wb.worksheets) {
      expect(ws.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
      expect(headerOf(ws).slice(0, 8)).toEqual([
        "Mã đơn vị",
        "Tên đơn vị",
        "Loại đơn vị",
        "Chương trình",
        "Mốc",
        "Hạn",
        "Tình trạng",
        "Kế hoạch vốn",
      ]);
      const rows = recordsOf(ws);
      const expected = items.filter((i) => i.program === ws.name);
      expect(
        rows.map((r) => [
          r["Mã đơn vị"],
          r.Mốc,
          r["Kế hoạch vốn"],
          r["Đã giải ngân"],
          r["Còn thiếu để đạt mốc"],
        ]),
      ).toEqual(expected.map((i) => [i.unitCode, i.id, i.allocated, i.disbursed, i.shortfall]));
      if (rows.length === 0) continue;
      expect(columnFormat(ws, "Kế hoạch vốn")).toBe(VND);
      expect(columnFormat(ws, "Còn thiếu để đạt mốc")).toBe(VND);
      expect(columnFormat(ws, "Tỷ lệ giải ngân")).toBe("0.00%");
      expect(columnFormat(ws, "Hạn")).toBe("dd/mm/yyyy");
      const first = expected[0]!;
      expect(rows[0]!["Tỷ lệ giải ngân"]).toBeCloseTo(first.rate / 100, 10);
      expect(rows[0]!.Hạn).toBeInstanceOf(Date);
    }
    expect(recordsOf(wb.getWorksheet("GNBV")!)[0]).toMatchObject({
      "Tên đơn vị": "UBND huyện Đông Giang",
      "Loại đơn vị": "Huyện, thị xã, thành phố",
    });
  });

  it("filters like the JSON view, and gives the same rows as one CSV with a program column", async () => {
    const json = await t.request("GET", `/api/v1/at-risk?asOf=${ASOF}&program=NTM`, { key: viewer });
    const items = (json.body as { items: AtRiskItem[] }).items;
    const one = await workbook(
      (await download(`/api/v1/exports/at-risk.xlsx?asOf=${ASOF}&program=NTM`)).rawPayload,
    );
    expect(one.worksheets.map((w) => w.name)).toEqual(["NTM"]);
    expect(recordsOf(one.worksheets[0]!)).toHaveLength(items.length);

    const all = (await t.request("GET", `/api/v1/at-risk?asOf=${ASOF}`, { key: viewer })).body as {
      items: AtRiskItem[];
    };
    const res = await download(`/api/v1/exports/at-risk.csv?asOf=${ASOF}`);
    expect(res.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(res.headers["content-disposition"]).toContain(
      'filename="danh-sach-co-nguy-co-kh-2022-den-15-10-2022.csv"',
    );
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const [header, ...rows] = parseCsv(res.rawPayload.toString("utf8")).map((r) => r.fields);
    expect(header).toContain("Chương trình");
    expect(header).toContain("Tỷ lệ giải ngân (%)");
    const col = (name: string) => header!.indexOf(name);
    expect(
      rows.map((r) => [r[col("Mã đơn vị")], r[col("Chương trình")], Number(r[col("Kế hoạch vốn")])]),
    ).toEqual(all.items.map((i) => [i.unitCode, i.program, i.allocated]));
    expect(rows.map((r) => Number(r[col("Tỷ lệ giải ngân (%)")]))).toEqual(all.items.map((i) => i.rate));
  });

  it("is for admins and viewers, not officers", async () => {
    const officer = await t.keyFor("officer", ["D1"]);
    expect((await download("/api/v1/exports/at-risk.xlsx", officer)).statusCode).toBe(403);
    expect((await download("/api/v1/exports/summary.csv", officer)).statusCode).toBe(403);
    expect((await download("/api/v1/exports/summary.csv", ADMIN_KEY)).statusCode).toBe(200);
    expect((await download("/api/v1/exports/at-risk.csv?asOf=2022-13-01")).statusCode).toBe(400);
  });
});

type Totals = { allocated: number; disbursed: number; rate: number | null };
type Summary = {
  total: Totals;
  byProgram: (Totals & { program: string })[];
  byUnitKind: (Totals & { kind: string })[];
  byMilestone: {
    id: string;
    total: Totals;
    counts: Record<string, number>;
    unitCounts: Record<string, number>;
  }[];
};

describe("summary export", () => {
  it("has sheets by program, unit kind and milestone whose totals match /reports/summary", async () => {
    const s = (await t.request("GET", `/api/v1/reports/summary?asOf=${ASOF}`, { key: viewer }))
      .body as Summary;
    const res = await download(`/api/v1/exports/summary.xlsx?asOf=${ASOF}`);
    expect(res.statusCode).toBe(200);
    const wb = await workbook(res.rawPayload);
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      "Theo chương trình",
      "Theo loại đơn vị",
      "Theo mốc",
      "Mốc theo chương trình",
    ]);
    for (const ws of wb.worksheets) expect(ws.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });

    const programs = wb.getWorksheet("Theo chương trình")!;
    expect(headerOf(programs)).toEqual([
      "Chương trình",
      "Tên chương trình",
      "Kế hoạch vốn",
      "Đã giải ngân",
      "Tỷ lệ giải ngân",
    ]);
    expect(columnFormat(programs, "Kế hoạch vốn")).toBe(VND);
    expect(columnFormat(programs, "Tỷ lệ giải ngân")).toBe("0.00%");
    const rows = recordsOf(programs);
    expect(rows.map((r) => [r["Chương trình"], r["Kế hoạch vốn"], r["Đã giải ngân"]])).toEqual([
      ...s.byProgram.map((p) => [p.program, p.allocated, p.disbursed]),
      ["Tổng cộng", s.total.allocated, s.total.disbursed],
    ]);
    expect(rows.at(-1)!["Tỷ lệ giải ngân"]).toBeCloseTo(s.total.rate! / 100, 10);
    expect(rows.find((r) => r["Chương trình"] === "NTM")!["Tên chương trình"]).toContain("nông thôn mới");

    const kinds = recordsOf(wb.getWorksheet("Theo loại đơn vị")!);
    expect(kinds.map((r) => [r["Loại đơn vị"], r["Kế hoạch vốn"], r["Đã giải ngân"]])).toEqual([
      [
        "Sở, ban, ngành",
        s.byUnitKind.find((k) => k.kind === "department")!.allocated,
        s.byUnitKind.find((k) => k.kind === "department")!.disbursed,
      ],
      [
        "Huyện, thị xã, thành phố",
        s.byUnitKind.find((k) => k.kind === "district")!.allocated,
        s.byUnitKind.find((k) => k.kind === "district")!.disbursed,
      ],
      ["Tổng cộng", s.total.allocated, s.total.disbursed],
    ]);

    const milestones = recordsOf(wb.getWorksheet("Theo mốc")!);
    expect(milestones.map((r) => r.Mốc)).toEqual(s.byMilestone.map((m) => m.id));
    for (const m of s.byMilestone) {
      const r = milestones.find((x) => x.Mốc === m.id)!;
      expect([r["Kế hoạch vốn"], r["Đã giải ngân"]]).toEqual([m.total.allocated, m.total.disbursed]);
      expect(r["Đơn vị-chương trình: Không đạt"]).toBe(m.counts.missed);
      expect(r["Đơn vị-chương trình: Đã đạt"]).toBe(m.counts.met);
      expect(r["Đơn vị: Có nguy cơ không đạt"]).toBe(m.unitCounts.at_risk);
    }
  });

  it("gives the same rows as one CSV with a 'Bảng' column", async () => {
    const s = (await t.request("GET", `/api/v1/reports/summary?asOf=${ASOF}`, { key: viewer }))
      .body as Summary;
    const res = await download(`/api/v1/exports/summary.csv?asOf=${ASOF}`);
    expect(res.statusCode).toBe(200);
    const [header, ...rows] = parseCsv(res.rawPayload.toString("utf8")).map((r) => r.fields);
    expect(header![0]).toBe("Bảng");
    const col = (name: string) => header!.indexOf(name);
    const total = rows.find((r) => r[0] === "Theo chương trình" && r[col("Chương trình")] === "Tổng cộng")!;
    expect(Number(total[col("Kế hoạch vốn")])).toBe(s.total.allocated);
    expect(Number(total[col("Đã giải ngân")])).toBe(s.total.disbursed);
    expect(rows.filter((r) => r[0] === "Theo mốc")).toHaveLength(s.byMilestone.length);
  });
});

describe("amounts a spreadsheet number cannot hold", () => {
  let big: BigProvince;
  /** S1's DTTS payment posted above, counted with the big programme's in the DTTS totals. */
  const S1_DTTS = 301_000_000n;
  const amounts = { bigintKeys: new Set(["allocated", "disbursed", "shortfall", "requiredDailyPace"]) };
  beforeAll(async () => {
    big = await postProgramAbove2To53(t, "DTTS", "BIG");
  });

  it("writes an amount of 10^15 or more as the text of its exact digits, right-aligned, with a header note", async () => {
    const raw = await download(`/api/v1/reports/summary?asOf=${BIG_ASOF}`);
    const s = parseJson(raw.body, amounts) as {
      byProgram: { program: string; allocated: bigint; disbursed: bigint }[];
      total: { disbursed: bigint };
    };
    const dtts = s.byProgram.find((p) => p.program === "DTTS")!;
    expect(dtts.disbursed).toBe(BIG_DISBURSED + S1_DTTS);
    expect(s.total.disbursed > 2n ** 53n).toBe(true);

    const wb = await workbook((await download(`/api/v1/exports/summary.xlsx?asOf=${BIG_ASOF}`)).rawPayload);
    const ws = wb.getWorksheet("Theo chương trình")!;
    const header = headerOf(ws);
    const row = (program: string) => {
      let found: ExcelJS.Row | undefined;
      ws.eachRow((r) => {
        if (r.getCell(1).value === program) found = r;
      });
      return found!;
    };
    const disbursedCol = header.indexOf("Đã giải ngân") + 1;
    const cell = row("DTTS").getCell(disbursedCol);
    expect(cell.value).toBe("10808639406689189");
    expect(cell.value).toBe(String(BIG_DISBURSED + S1_DTTS));
    expect(cell.alignment).toMatchObject({ horizontal: "right" });
    expect(row("Tổng cộng").getCell(disbursedCol).value).toBe(String(s.total.disbursed));
    expect(ws.getRow(1).getCell(disbursedCol).note).toBe(AMOUNT_AS_TEXT_NOTE);
    // Below 10^15 an amount stays a number with the đồng format.
    const ntm = row("NTM").getCell(disbursedCol);
    expect(typeof ntm.value).toBe("number");
    expect(ntm.numFmt).toBe(VND);

    // The at-risk sheet: the unit at 70% of 4·10^15 for M90, every figure exact.
    const atRisk = await workbook(
      (await download(`/api/v1/exports/at-risk.xlsx?asOf=${BIG_ASOF}`)).rawPayload,
    );
    const rows = recordsOf(atRisk.getWorksheet("DTTS")!);
    expect(rows.find((r) => r["Mã đơn vị"] === big.atRisk.unitCode && r.Mốc === "M90")).toMatchObject({
      "Kế hoạch vốn": "4000000000000000",
      "Đã giải ngân": String(big.atRisk.disbursed),
      "Còn thiếu để đạt mốc": 791_360_894_310_812,
      "Tình trạng": "Có nguy cơ không đạt",
    });
  });

  it("writes amounts as plain digits in CSV, which the import side reads back", async () => {
    const res = await download(`/api/v1/exports/summary.csv?asOf=${BIG_ASOF}`);
    const [header, ...rows] = parseCsv(res.rawPayload.toString("utf8")).map((r) => r.fields);
    const col = (name: string) => header!.indexOf(name);
    const dtts = rows.find((r) => r[0] === "Theo chương trình" && r[col("Chương trình")] === "DTTS")!;
    expect(dtts[col("Đã giải ngân")]).toBe("10808639406689189");
    expect(dtts[col("Kế hoạch vốn")]).toBe("12000000500000000");

    // What the export writes, the CSV reader returns field for field: digits of any size and sign,
    // and text with the delimiter, quotes and line breaks. Amounts of one entry read as whole đồng.
    const written: (string | bigint | number | null)[][] = [
      ["Bảng", "Số tiền", "Tỷ lệ (%)", "Ghi chú"],
      ["a", BIG_DISBURSED, 60.01, 'nói "đúng", rồi\nxuống dòng; hết'],
      ["b", -700_000_000n, null, "-1 đồng"],
    ];
    const read = parseCsv(writeCsv(written).toString("utf8")).map((r) => r.fields);
    expect(read).toEqual([
      ["Bảng", "Số tiền", "Tỷ lệ (%)", "Ghi chú"],
      ["a", "10808639105689189", "60.01", 'nói "đúng", rồi\nxuống dòng; hết'],
      // Text that a spreadsheet would run as a formula keeps its guard apostrophe.
      ["b", "-700000000", "", "'-1 đồng"],
    ]);
    expect(amountCell.parse(read[2]![1])).toBe(-700_000_000n);
    expect(amountCell.parse("1000000000000000")).toBe(10n ** 15n);
  });
});
