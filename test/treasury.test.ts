// Treasury reconciliation end to end over HTTP: statements imported as CSV and .xlsx, compared
// with the ledger at their date, kept (a re-import writes nothing), compared with each other, and
// a unit's figures confirmed only where they agree.
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUnit, postAllocation, postDisbursement } from "./factories.js";
import { ADMIN_KEY, createTestApp, fixedClock, type TestApp } from "./helpers/test-app.js";

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const clock = fixedClock("2022-12-31T05:00:00Z"); // 2022-12-31 in Vietnam

type Difference = {
  unitCode: string;
  program: string;
  planYear: number;
  carriedOverFrom: number | null;
  source: string;
  capitalType: string;
  asOf: string;
  treasury: number;
  inStatement: boolean;
  reported: number;
  difference: number;
};
type Statement = { id: number; asOf: string; documentRef: string; importedBy: string; lineCount: number };
type Comparison = { asOf: string; scopes: number; agreed: number; differences: Difference[] };
type Imported = {
  created: boolean;
  statement: Statement;
  comparison?: Comparison;
  error?: string;
  errors?: { row: number; column: string | null; field: string | null; rule: string; message: string }[];
};

let t: TestApp;
let officer: string;
let viewer: string;

const HEADER = "Mã đơn vị,Mã chương trình,Năm kế hoạch,Nguồn vốn,Loại vốn,Lũy kế giải ngân";
// The ledger as of 2022-09-30: TKY central investment 100,000,000; TKY provincial recurrent
// 20,000,000; HAN central investment 300,000,000 − 5,000,000 corrected.
const AGREES = [
  HEADER,
  "TKY,NTM,2022,Ngân sách trung ương,Vốn đầu tư phát triển,100000000",
  "TKY,NTM,2022,Ngân sách tỉnh,Vốn sự nghiệp,20.000.000",
  "HAN,NTM,2022,NSTW,đầu tư,295000000",
].join("\r\n");
const ONE_DONG_MORE = AGREES.replace("20.000.000", "20.000.001");

async function upload(
  body: Buffer | string,
  query: string,
  o: { key?: string; type?: string } = {},
): Promise<{ status: number; body: Imported }> {
  const payload = typeof body === "string" ? Buffer.from(body, "utf8") : body;
  const res = await t.app.inject({
    method: "POST",
    url: `/api/v1/treasury/statements?${query}`,
    headers: {
      authorization: `Bearer ${o.key ?? ADMIN_KEY}`,
      "content-type": o.type ?? (payload.subarray(0, 2).toString() === "PK" ? XLSX : "text/csv"),
    },
    payload,
  });
  return { status: res.statusCode, body: JSON.parse(res.body) as Imported };
}

const q = (asOf: string, documentRef: string) =>
  `asOf=${asOf}&documentRef=${encodeURIComponent(documentRef)}`;

async function rowCounts() {
  const [statements, lines, confirmations] = await Promise.all([
    t.db.prisma.treasuryStatement.count(),
    t.db.prisma.treasuryStatementLine.count(),
    t.db.prisma.treasuryConfirmation.count(),
  ]);
  return { statements, lines, confirmations };
}

beforeAll(async () => {
  t = await createTestApp({ clock });
  await createUnit(t, { code: "TKY" });
  await createUnit(t, { code: "HAN" });
  await postAllocation(t, { unitCode: "TKY" });
  await postAllocation(t, {
    unitCode: "TKY",
    source: "provincial",
    capitalType: "recurrent",
    amount: 500_000_000,
  });
  await postAllocation(t, { unitCode: "HAN" });
  await postDisbursement(t, { unitCode: "TKY", amount: 100_000_000, disbursedOn: "2022-06-30" });
  await postDisbursement(t, { unitCode: "TKY", amount: 50_000_000, disbursedOn: "2022-10-15" });
  await postDisbursement(t, {
    unitCode: "TKY",
    source: "provincial",
    capitalType: "recurrent",
    amount: 20_000_000,
    disbursedOn: "2022-07-01",
  });
  const han = await postDisbursement(t, { unitCode: "HAN", amount: 300_000_000, disbursedOn: "2022-08-01" });
  await postDisbursement(t, {
    unitCode: "HAN",
    amount: -5_000_000,
    disbursedOn: "2022-08-10",
    corrects: Number(han.id),
  });
  officer = await t.keyFor("officer", ["TKY"]);
  viewer = await t.keyFor("viewer");
});
afterAll(() => t.close());

let agreeing: Statement;
let differing: Statement;
let october: Statement;

describe("importing a statement", () => {
  it("keeps a statement that agrees with the ledger, and lists no difference", async () => {
    const res = await upload(AGREES, q("2022-09-30", "KBNN-QNa 30/9/2022"));
    expect(res.status).toBe(201);
    expect(res.body.created).toBe(true);
    expect(res.body.statement).toMatchObject({
      asOf: "2022-09-30",
      documentRef: "KBNN-QNa 30/9/2022",
      importedBy: "admin:bootstrap-admin",
      lineCount: 3,
    });
    expect(res.body.comparison).toEqual({ asOf: "2022-09-30", scopes: 3, agreed: 3, differences: [] });
    agreeing = res.body.statement;
  });

  it("lists exactly the one scope that differs by 1 đồng", async () => {
    const res = await upload(ONE_DONG_MORE, q("2022-09-30", "KBNN-QNa 30/9/2022 (bản 2)"));
    expect(res.status).toBe(201);
    expect(res.body.comparison!.differences).toEqual([
      {
        unitCode: "TKY",
        program: "NTM",
        planYear: 2022,
        carriedOverFrom: null,
        source: "provincial",
        capitalType: "recurrent",
        asOf: "2022-09-30",
        treasury: 20_000_001,
        inStatement: true,
        reported: 20_000_000,
        difference: 1,
      },
    ]);
    expect(res.body.comparison!.agreed).toBe(2);
    differing = res.body.statement;
  });

  it("writes nothing when the same statement is imported again", async () => {
    const before = await rowCounts();
    const res = await upload(AGREES, q("2022-09-30", "KBNN-QNa 30/9/2022"));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ created: false, statement: { id: agreeing.id } });
    expect(await rowCounts()).toEqual(before);

    const otherDate = await upload(AGREES, q("2022-09-29", "KBNN-QNa"));
    expect(otherDate.status).toBe(409);
    expect(await rowCounts()).toEqual(before);
  });

  it("reads an .xlsx as a KBNN export writes it, titles and unit names included", async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet("Sao kê");
    ws.addRow(["KHO BẠC NHÀ NƯỚC QUẢNG NAM"]);
    ws.addRow(["BẢNG SAO KÊ LŨY KẾ THANH TOÁN VỐN CTMTQG ĐẾN NGÀY 31/10/2022"]);
    ws.addRow([]);
    ws.addRow([
      "Đơn vị",
      "Mã đơn vị",
      "Chương trình",
      "Năm KH",
      "Vốn năm trước chuyển sang",
      "Nguồn vốn",
      "Loại vốn",
      "Lũy kế thanh toán (đồng)",
    ]);
    ws.addRow(["UBND TP Tam Kỳ", "TKY", "NTM", 2022, null, "Ngân sách trung ương", "đầu tư", 150_000_000]);
    ws.addRow(["UBND TP Tam Kỳ", "TKY", "NTM", 2022, null, "Ngân sách tỉnh", "sự nghiệp", 20_000_000]);
    ws.addRow(["UBND TP Hội An", "HAN", "NTM", 2022, "", "NSTW", "Vốn đầu tư phát triển", 295_000_000]);
    const res = await upload(
      Buffer.from(await wb.xlsx.writeBuffer()),
      q("2022-10-31", "KBNN-QNa 31/10/2022"),
    );
    expect(res.status).toBe(201);
    expect(res.body.comparison).toMatchObject({ scopes: 3, agreed: 3, differences: [] });
    october = res.body.statement;
  });

  it("refuses a bad file whole, naming the row, column and rule, and writes nothing", async () => {
    const before = await rowCounts();
    const cases: [string, Buffer | string, number, string, number | null, string | null][] = [
      [
        "unknown unit",
        `${HEADER}\nTKY,NTM,2022,tỉnh,sự nghiệp,1\nNOWHERE,NTM,2022,tỉnh,sự nghiệp,1`,
        422,
        "unknown_unit",
        3,
        "A",
      ],
      ["unknown program", `${HEADER}\nTKY,XYZ,2022,tỉnh,sự nghiệp,1`, 422, "unknown_program", 2, "B"],
      [
        "duplicate scope",
        `${HEADER}\nTKY,NTM,2022,tỉnh,sự nghiệp,1\nTKY,NTM,2022,Ngân sách tỉnh,SN,2`,
        422,
        "duplicate_scope",
        3,
        "A",
      ],
      ["negative amount", `${HEADER}\nTKY,NTM,2022,tỉnh,sự nghiệp,-1`, 422, "not_negative", 2, "F"],
      [
        "missing column",
        "Mã đơn vị,Mã chương trình,Năm kế hoạch,Nguồn vốn,Loại vốn\nTKY,NTM,2022,tỉnh,sự nghiệp",
        422,
        "missing_column",
        1,
        null,
      ],
      ["empty file", "", 422, "empty_file", 1, null],
      [
        "old Excel workbook",
        Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0, 0, 0, 0]),
        422,
        "unsupported_format",
        1,
        null,
      ],
    ];
    for (const [name, body, status, rule, row, column] of cases) {
      const res = await upload(body, q("2022-09-30", `bad ${name}`));
      expect(res.status, name).toBe(status);
      expect(res.body.error, name).toBe("statement_rejected");
      expect(res.body.errors, name).toContainEqual(expect.objectContaining({ rule, row, column }));
    }
    const png = await upload(Buffer.from("\x89PNG\r\n"), q("2022-09-30", "png"), { type: "image/png" });
    expect(png.status).toBe(415);
    const future = await upload(`${HEADER}\nTKY,NTM,2022,tỉnh,sự nghiệp,1`, q("2023-01-01", "future"));
    expect(future.status).toBe(400);
    const noRef = await upload(`${HEADER}\nTKY,NTM,2022,tỉnh,sự nghiệp,1`, "asOf=2022-09-30");
    expect(noRef.status).toBe(400);
    expect(await rowCounts()).toEqual(before);
  });
});

describe("limits and documentation", () => {
  it("answers 413 to a statement over IMPORT_MAX_BYTES, and writes nothing", async () => {
    const before = await rowCounts();
    const res = await upload(
      Buffer.alloc(t.container.treasury.limits.maxBytes + 1, 0x41),
      q("2022-09-30", "big"),
    );
    expect(res.status).toBe(413);
    expect(await rowCounts()).toEqual(before);
  });

  it("documents the routes in the OpenAPI document", async () => {
    const res = await t.app.inject({ method: "GET", url: "/docs/json" });
    const paths = Object.keys((JSON.parse(res.body) as { paths: object }).paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        "/api/v1/treasury/statements",
        "/api/v1/treasury/statements/{id}/compare/{otherId}",
        "/api/v1/treasury/confirmations",
      ]),
    );
  });
});

describe("reading statements", () => {
  it("lists them, latest date first, and shows one with its lines", async () => {
    const list = await t.request("GET", "/api/v1/treasury/statements", { key: viewer });
    expect(list.status).toBe(200);
    expect((list.body as { items: Statement[] }).items.map((s) => s.id)).toEqual([
      october.id,
      differing.id,
      agreeing.id,
    ]);
    const one = await t.request("GET", `/api/v1/treasury/statements/${agreeing.id}`, { key: viewer });
    expect(one.status).toBe(200);
    expect((one.body as { lines: unknown[] }).lines).toEqual([
      expect.objectContaining({ lineNo: 2, unitCode: "TKY", source: "central", disbursed: 100_000_000 }),
      expect.objectContaining({ lineNo: 3, unitCode: "TKY", source: "provincial", disbursed: 20_000_000 }),
      expect.objectContaining({ lineNo: 4, unitCode: "HAN", disbursed: 295_000_000 }),
    ]);
    expect((await t.request("GET", "/api/v1/treasury/statements/999999")).status).toBe(404);
  });

  it("compares a statement with a later one scope by scope", async () => {
    const res = await t.request("GET", `/api/v1/treasury/statements/${october.id}/compare/${agreeing.id}`);
    expect(res.status).toBe(200);
    const body = res.body as { earlier: Statement; later: Statement; scopes: Record<string, unknown>[] };
    expect(body.earlier.id).toBe(agreeing.id);
    expect(body.later.id).toBe(october.id);
    expect(body.scopes).toEqual([
      expect.objectContaining({ unitCode: "HAN", earlier: 295_000_000, later: 295_000_000, change: 0 }),
      expect.objectContaining({
        unitCode: "TKY",
        source: "central",
        earlier: 100_000_000,
        later: 150_000_000,
        change: 50_000_000,
      }),
      expect.objectContaining({
        unitCode: "TKY",
        source: "provincial",
        earlier: 20_000_000,
        later: 20_000_000,
        change: 0,
      }),
    ]);
  });

  it("lists a scope the ledger has and the statement lacks", async () => {
    const res = await upload(
      [HEADER, "TKY,NTM,2022,Ngân sách trung ương,Vốn đầu tư phát triển,100000000"].join("\n"),
      q("2022-09-30", "KBNN thiếu dòng"),
    );
    expect(res.status).toBe(201);
    // HAN is not in this statement at all: its figures are not the statement's to judge.
    expect(res.body.comparison!.differences).toEqual([
      expect.objectContaining({
        unitCode: "TKY",
        source: "provincial",
        treasury: 0,
        inStatement: false,
        reported: 20_000_000,
        difference: -20_000_000,
      }),
    ]);
  });
});

describe("confirmations", () => {
  it("confirms a unit whose figures agree, once", async () => {
    const body = { unit: "TKY", planYear: 2022, confirmedUntil: "2022-09-30", statementId: agreeing.id };
    const first = await t.request("POST", "/api/v1/treasury/confirmations", { body });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      created: true,
      confirmation: {
        unitCode: "TKY",
        confirmedUntil: "2022-09-30",
        statementId: agreeing.id,
        createdBy: "admin:bootstrap-admin",
      },
    });
    const again = await t.request("POST", "/api/v1/treasury/confirmations", { body });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ created: false });
    const list = await t.request("GET", "/api/v1/treasury/confirmations?unit=TKY", { key: viewer });
    expect((list.body as { items: unknown[] }).items).toHaveLength(1);
  });

  it("refuses where the statement differs from the ledger, listing the difference", async () => {
    const before = await rowCounts();
    const res = await t.request("POST", "/api/v1/treasury/confirmations", {
      body: { unit: "TKY", planYear: 2022, confirmedUntil: "2022-09-30", statementId: differing.id },
    });
    expect(res.status).toBe(409);
    expect((res.body as { issues: unknown[] }).issues).toEqual([
      expect.objectContaining({
        rule: "treasury_difference",
        date: "2022-09-30",
        figures: { treasury: 20_000_001, reported: 20_000_000, difference: 1 },
      }),
    ]);
    // HAN agrees in the same statement.
    const han = await t.request("POST", "/api/v1/treasury/confirmations", {
      body: { unit: "HAN", planYear: 2022, confirmedUntil: "2022-09-30", statementId: differing.id },
    });
    expect(han.status).toBe(201);
    const later = await t.request("POST", "/api/v1/treasury/confirmations", {
      body: { unit: "TKY", planYear: 2022, confirmedUntil: "2022-10-01", statementId: agreeing.id },
    });
    expect(later.status).toBe(422);
    expect((later.body as { issues: { path: string; rule: string }[] }).issues[0]).toMatchObject({
      path: "body.confirmedUntil",
      rule: "after_statement",
    });
    const unknown = await t.request("POST", "/api/v1/treasury/confirmations", {
      body: { unit: "TKY", planYear: 2022, confirmedUntil: "2022-09-30", statementId: 999_999 },
    });
    expect(unknown.status).toBe(404);
    expect(await rowCounts()).toEqual({ ...before, confirmations: before.confirmations + 1 });
  });
});

describe("the ledger corrected since", () => {
  it("compares each statement with the ledger as it stands now", async () => {
    // The missing đồng is found and posted, dated before the statements' date.
    await postDisbursement(t, {
      unitCode: "TKY",
      source: "provincial",
      capitalType: "recurrent",
      amount: 1,
      disbursedOn: "2022-09-15",
      reference: "KBNN-2022-0915",
    });
    const differs = await t.request("GET", `/api/v1/treasury/statements/${differing.id}/differences`);
    expect((differs.body as { comparison: Comparison }).comparison.differences).toEqual([]);
    const agreed = await t.request("GET", `/api/v1/treasury/statements/${agreeing.id}/differences`);
    expect((agreed.body as { comparison: Comparison }).comparison.differences).toEqual([
      expect.objectContaining({ treasury: 20_000_000, reported: 20_000_001, difference: -1 }),
    ]);
  });

  it("lists differences older than a number of days from each unit's latest statement", async () => {
    const today = "2023-01-10";
    // October's statement is the latest for both units; it lacks the đồng posted since.
    const unresolved = await t.container.treasury.unresolvedDifferences(7, today);
    expect(unresolved).toEqual([
      expect.objectContaining({
        unitCode: "TKY",
        source: "provincial",
        statementId: BigInt(october.id),
        asOf: "2022-10-31",
        treasury: 20_000_000n,
        reported: 20_000_001n,
        difference: -1n,
        ageDays: 10,
      }),
    ]);
    expect(await t.container.treasury.unresolvedDifferences(11, today)).toEqual([]);
  });
});

describe("access", () => {
  it("gives officers nothing, and viewers reads only", async () => {
    const before = await rowCounts();
    const reads = [
      "/api/v1/treasury/statements",
      `/api/v1/treasury/statements/${agreeing.id}`,
      `/api/v1/treasury/statements/${agreeing.id}/differences`,
      `/api/v1/treasury/statements/${agreeing.id}/compare/${october.id}`,
      "/api/v1/treasury/confirmations?unit=TKY",
    ];
    for (const url of reads) expect((await t.request("GET", url, { key: officer })).status, url).toBe(403);
    for (const key of [officer, viewer]) {
      expect(
        (await upload(ONE_DONG_MORE.replace("100000000", "100000002"), q("2022-09-30", "x"), { key })).status,
      ).toBe(403);
      const confirm = await t.request("POST", "/api/v1/treasury/confirmations", {
        key,
        body: { unit: "HAN", planYear: 2022, confirmedUntil: "2022-09-01", statementId: agreeing.id },
      });
      expect(confirm.status).toBe(403);
    }
    expect(await rowCounts()).toEqual(before);
  });
});
