// POST /api/v1/imports?kind=duty-submissions: documents units sent, recorded from a CSV or an
// .xlsx through the app. Each row is checked as POST /duties/…/submissions checks a request; a
// real run writes every row or none, in one transaction that bumps the ledger version once; a
// re-import writes nothing.
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUnit } from "./factories.js";
import { ADMIN_KEY, createTestApp, fixedClock, type TestApp } from "./helpers/test-app.js";

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
// BC_6_THANG of the built-in 2022 plan is due on Monday 20/6/2022; today is that day, at noon in Hà Nội.
const TODAY = "2022-06-20";

type RowError = { row: number; column: string | null; field: string | null; rule: string; message: string };
type Report = {
  kind: string;
  format: string | null;
  dryRun: boolean;
  valid: boolean;
  written: number;
  totals: { rows: number; write: number; unchanged: number; error: number };
  rows: {
    row: number;
    status: string;
    planYear?: number;
    dutyId?: string;
    unitCode?: string;
    date?: string;
    reference?: string;
    entryId?: number | null;
  }[];
  errors: RowError[];
  issues?: { path: string; rule: string }[];
  error?: string;
};

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ clock: fixedClock(`${TODAY}T05:00:00Z`) });
});
afterAll(() => t?.close());

async function xlsx(rows: unknown[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("Văn bản đã gửi");
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

async function upload(body: Buffer | string, o: { dryRun?: boolean; key?: string } = {}) {
  const payload = typeof body === "string" ? Buffer.from(body, "utf8") : body;
  const res = await t.app.inject({
    method: "POST",
    url: `/api/v1/imports?kind=duty-submissions&dryRun=${o.dryRun ? "true" : "false"}`,
    headers: {
      authorization: `Bearer ${o.key ?? ADMIN_KEY}`,
      "content-type": payload.subarray(0, 2).toString() === "PK" ? XLSX : "text/csv",
    },
    payload,
  });
  return { status: res.statusCode, body: JSON.parse(res.body) as Report };
}

const KEYS = "planYear,duty,unit,documentNumber,submittedOn,note";
const csv = (...lines: string[]) => `${[KEYS, ...lines].join("\r\n")}\r\n`;
const line = (unit: string, o: { duty?: string; on?: string; doc?: string; year?: number } = {}) =>
  `${o.year ?? 2022},${o.duty ?? "BC_6_THANG"},${unit},${o.doc ?? `12/BC-${unit}`},${o.on ?? "17/06/2022"},`;

const submissionCount = () => t.db.prisma.dutySubmission.count();
const ledgerVersion = async () => (await t.db.prisma.ledgerVersion.findFirstOrThrow()).version;

type DutyRow = {
  id: string;
  status: string;
  metBy: string | null;
  submissions: { documentNumber: string }[];
};
async function dutyOf(unit: string, id = "BC_6_THANG"): Promise<DutyRow> {
  const res = await t.request("GET", `/api/v1/units/${unit}/duties?planYear=2022&asOf=${TODAY}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body as { duties: DutyRow[] }).duties.find((d) => d.id === id)!;
}

describe("a CSV of duty submissions", () => {
  let a: string;
  let b: string;
  let file: string;

  beforeAll(async () => {
    a = (await createUnit(t)).code;
    b = (await createUnit(t)).code;
    file = csv(line(a), `2022,bc_6_thang,${b},"45/BC-UBND, bổ sung",2022-06-18,Gửi qua bưu điện`);
  });

  it("dryRun answers what each row would write, and writes nothing", async () => {
    const before = await submissionCount();
    const dry = await upload(file, { dryRun: true });
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
    expect(dry.body).toMatchObject({ kind: "duty-submissions", dryRun: true, valid: true, written: 0 });
    expect(dry.body.rows).toEqual([
      expect.objectContaining({ row: 2, status: "write", dutyId: "BC_6_THANG", unitCode: a, entryId: null }),
      expect.objectContaining({
        row: 3,
        status: "write",
        reference: "45/BC-UBND, bổ sung",
        date: "2022-06-18",
      }),
    ]);
    expect(await submissionCount()).toBe(before);
  });

  it("records two submissions in one transaction, and the duty turns met", async () => {
    expect((await dutyOf(a)).status).toBe("at_risk");
    const version = await ledgerVersion();
    const audits = await t.db.prisma.auditEvent.count();
    const res = await upload(file);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ format: "csv", valid: true, written: 2, totals: { rows: 2, write: 2 } });
    expect(res.body.rows.every((r) => typeof r.entryId === "number")).toBe(true);
    // One statement in one transaction: the cached answers' version moves once.
    expect(await ledgerVersion()).toBe(version + 1n);
    // As POST /duties/…/submissions: the row itself is the record, no audit event.
    expect(await t.db.prisma.auditEvent.count()).toBe(audits);

    const duty = (await t.request("GET", `/api/v1/duties/2022?asOf=${TODAY}`)).body as {
      duties: { id: string; units: { unitCode: string; status: string; metBy: string | null }[] }[];
    };
    const units = duty.duties.find((d) => d.id === "BC_6_THANG")!.units;
    expect(units.find((u) => u.unitCode === a)).toMatchObject({
      status: "met",
      metBy: String(res.body.rows[0]!.entryId),
    });
    expect(units.find((u) => u.unitCode === b)).toMatchObject({ status: "met" });
    const recorded = await t.db.prisma.dutySubmission.findFirstOrThrow({ where: { unitCode: b } });
    expect(recorded).toMatchObject({
      documentNumber: "45/BC-UBND, bổ sung",
      note: "Gửi qua bưu điện",
      createdBy: expect.stringMatching(/^admin:/),
    });
  });

  it("writes nothing when imported again (200, written 0)", async () => {
    const before = await submissionCount();
    const version = await ledgerVersion();
    const again = await upload(file);
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body).toMatchObject({
      valid: true,
      written: 0,
      totals: { rows: 2, write: 0, unchanged: 2 },
    });
    expect(await submissionCount()).toBe(before);
    expect(await ledgerVersion()).toBe(version);
  });

  it("writes a submission again once the one on record is withdrawn", async () => {
    const s = await t.db.prisma.dutySubmission.findFirstOrThrow({ where: { unitCode: a } });
    const withdraw = await t.request("POST", `/api/v1/duties/2022/BC_6_THANG/submissions/${s.id}/withdraw`, {
      body: { reason: "Gửi nhầm báo cáo" },
    });
    expect(withdraw.status, JSON.stringify(withdraw.body)).toBe(201);
    const again = await upload(file);
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    expect(again.body.rows.map((r) => r.status)).toEqual(["write", "unchanged"]);
    expect((await dutyOf(a)).status).toBe("met");
  });
});

describe("an .xlsx of duty submissions", () => {
  it("reads the Vietnamese headers, Excel dates and dd/mm/yyyy, and records two submissions", async () => {
    const c = (await createUnit(t)).code;
    const d = (await createUnit(t)).code;
    const file = await xlsx([
      ["Danh sách văn bản đã gửi"],
      ["Năm kế hoạch", "Mã nghĩa vụ", "Mã đơn vị", "Số văn bản", "Ngày gửi", "Ghi chú"],
      ["planYear", "duty", "unit", "documentNumber", "submittedOn", "note"],
      [2022, "BC_6_THANG", c, "30/BC-UBND", new Date("2022-06-15T00:00:00Z"), null],
      [2022, "BC_6_THANG", d, "31/BC-UBND", "20/06/2022", "Gửi đúng hạn"],
    ]);
    const res = await upload(file);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ format: "xlsx", written: 2 });
    expect(res.body.rows).toEqual([
      expect.objectContaining({ row: 4, status: "write", unitCode: c, date: "2022-06-15" }),
      expect.objectContaining({ row: 5, status: "write", unitCode: d, date: "2022-06-20" }),
    ]);
    expect(await dutyOf(c)).toMatchObject({ status: "met", submissions: [{ documentNumber: "30/BC-UBND" }] });
    expect((await dutyOf(d)).status).toBe("met");
    const again = await upload(file);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ written: 0, totals: { unchanged: 2 } });
  });
});

describe("a file with one bad row", () => {
  let unit: string;
  let other: string;
  let officer: string;

  beforeAll(async () => {
    unit = (await createUnit(t)).code;
    other = (await createUnit(t)).code;
    officer = await t.keyFor("officer", [unit]);
  });

  const cases = [
    {
      name: "an unknown duty",
      bad: () => line(unit, { duty: "NOPE" }),
      field: "duty",
      column: "B",
      rule: "unknown_duty",
    },
    {
      name: "a year without a plan",
      bad: () => line(unit, { year: 2031 }),
      field: "planYear",
      column: "A",
      rule: "unknown_plan",
    },
    {
      name: "a date after today",
      bad: () => line(unit, { on: "21/06/2022" }),
      field: "submittedOn",
      column: "E",
      rule: "not_in_future",
    },
    // The guidance is asked of the programmes' lead departments, not of a district.
    {
      name: "a unit the duty does not ask",
      bad: () => line(unit, { duty: "VB_HUONG_DAN" }),
      field: "unit",
      column: "C",
      rule: "not_asked",
    },
    {
      name: "an unknown unit",
      bad: () => line("KHONG_CO"),
      field: "unit",
      column: "C",
      rule: "unknown_unit",
    },
    {
      name: "another unit, for an officer",
      bad: () => line(other),
      field: "unit",
      column: "C",
      rule: "not_your_unit",
      officer: true,
    },
    {
      name: "a copy of the row above",
      bad: () => line(unit),
      field: "documentNumber",
      column: "D",
      rule: "duplicate_row",
    },
    {
      name: "a document number past 100 characters",
      bad: () => line(unit, { doc: "x".repeat(101) }),
      field: "documentNumber",
      column: "D",
      rule: "too_long",
    },
  ];

  it.each(cases)("is refused (422) for $name, naming row and field; nothing is written", async (c) => {
    const before = await submissionCount();
    const version = await ledgerVersion();
    for (const dryRun of [false, true]) {
      const res = await upload(csv(line(unit), c.bad()), { dryRun, ...(c.officer ? { key: officer } : {}) });
      expect(res.status, JSON.stringify(res.body)).toBe(422);
      expect(res.body).toMatchObject({ error: "import_rejected", valid: false, written: 0 });
      expect(res.body.errors).toEqual([
        expect.objectContaining({ row: 3, column: c.column, field: c.field, rule: c.rule }),
      ]);
      expect(res.body.issues).toEqual([expect.objectContaining({ path: `row.3.${c.field}`, rule: c.rule })]);
      expect(res.body.rows.map((r) => r.status)).toEqual(["write", "error"]);
    }
    expect(await submissionCount()).toBe(before);
    expect(await ledgerVersion()).toBe(version);
  });

  it("an officer's rows of their own unit are recorded, by the officer", async () => {
    const res = await upload(csv(line(unit, { doc: "99/BC-UBND" })), { key: officer });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const s = await t.db.prisma.dutySubmission.findFirstOrThrow({ where: { documentNumber: "99/BC-UBND" } });
    expect(s.createdBy).toMatch(/^officer:/);
  });

  it("is refused to a viewer (403)", async () => {
    const viewer = await t.keyFor("viewer");
    const res = await upload(csv(line(unit)), { key: viewer });
    expect(res.status).toBe(403);
  });
});

describe("the duty-submissions template", () => {
  it("comes as .xlsx and .csv with one example row that imports as it is", async () => {
    await createUnit(t, { code: "TAM_KY" });
    const get = (path: string) =>
      t.app.inject({ method: "GET", url: path, headers: { authorization: `Bearer ${ADMIN_KEY}` } });

    const book = await get("/api/v1/imports/templates/duty-submissions.xlsx");
    expect(book.statusCode).toBe(200);
    expect(book.headers["content-type"]).toBe(XLSX);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(book.rawPayload as unknown as ExcelJS.Buffer);
    const ws = wb.worksheets[0]!;
    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual([
      "Năm kế hoạch",
      "Mã nghĩa vụ",
      "Mã đơn vị",
      "Số văn bản",
      "Ngày gửi",
      "Ghi chú (không bắt buộc)",
    ]);
    expect((ws.getRow(2).values as unknown[]).slice(1)).toEqual(KEYS.split(","));
    expect(ws.getCell("B3").value).toBe("BC_6_THANG");
    expect(ws.getCell("E3").value).toBeInstanceOf(Date);

    const dry = await upload(book.rawPayload, { dryRun: true });
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
    expect(dry.body.rows).toEqual([
      expect.objectContaining({
        row: 3,
        status: "write",
        planYear: 2022,
        dutyId: "BC_6_THANG",
        unitCode: "TAM_KY",
      }),
    ]);

    const text = await get("/api/v1/imports/templates/duty-submissions.csv");
    expect(text.statusCode).toBe(200);
    expect(text.headers["content-type"]).toBe("text/csv; charset=utf-8");
    const real = await upload(text.rawPayload);
    expect(real.status, JSON.stringify(real.body)).toBe(201);
    // The same example in the workbook: recorded now, so skipped.
    const again = await upload(book.rawPayload);
    expect(again.status).toBe(200);
    expect(again.body.totals).toMatchObject({ rows: 1, unchanged: 1 });
  });
});
