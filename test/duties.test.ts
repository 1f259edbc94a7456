// Duties over HTTP: a report is met by a submission dated on its due day, missed by one a day
// late, at_risk within its working days; officers record for their own units only; a file is
// kept as sent, its type read from its bytes; a withdrawal makes the duty missed again.

import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_SUBMISSION_FILE_BYTES } from "../src/duties/submission-file.js";
import { parseCsv } from "../src/spreadsheets/csv.js";
import { createUnit, postAllocation } from "./factories.js";
import { ADMIN_KEY, createTestApp, fixedClock, type TestApp } from "./helpers/test-app.js";

// BC_6_THANG of the built-in 2022 plan is due on Monday 20/6/2022.
const DUE = "2022-06-20";
const noonOf = (d: string) => `${d}T05:00:00Z`; // 12:00 in Hà Nội
const clock = fixedClock(noonOf(DUE));
let t: TestApp;
let onTime: string; // submits on the due day
let late: string; // submits the day after
let silent: string; // submits nothing
let officer: string; // a key bound to onTime only

type DutyRow = {
  id: string;
  status: string;
  workingDaysLeft: number;
  metBy: string | null;
  submissions: Sub[];
};
type Sub = {
  id: string;
  documentNumber: string;
  file: { sha256: string; size: number } | null;
  withdrawal: unknown;
};

const submissions = "/api/v1/duties/2022/BC_6_THANG/submissions";
const report = (unit: string, submittedOn: string, o: Record<string, unknown> = {}) => ({
  unit,
  documentNumber: `12/BC-${unit}`,
  submittedOn,
  note: "Báo cáo kết quả thực hiện 6 tháng đầu năm",
  ...o,
});
const post = (body: unknown, key?: string) =>
  t.request("POST", submissions, { body, ...(key ? { key } : {}) });
async function dutyOf(unit: string, asOf: string, id = "BC_6_THANG", key?: string): Promise<DutyRow> {
  const res = await t.request(
    "GET",
    `/api/v1/units/${unit}/duties?planYear=2022&asOf=${asOf}`,
    key ? { key } : {},
  );
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body as { duties: DutyRow[] }).duties.find((d) => d.id === id)!;
}
const rows = () => t.db.prisma.dutySubmission.count();

/** The file as a raw body, its fields in the query string. */
async function upload(unit: string, bytes: Buffer, fileName: string, contentType: string) {
  const q = new URLSearchParams({ unit, documentNumber: `15/BC-${unit}`, submittedOn: DUE, fileName });
  const res = await t.app.inject({
    method: "POST",
    url: `${submissions}/with-file?${q}`,
    headers: { authorization: `Bearer ${officer}`, "content-type": contentType },
    payload: bytes,
  });
  return { status: res.statusCode, body: res.json() as Record<string, unknown> };
}

beforeAll(async () => {
  t = await createTestApp({ clock });
  onTime = (await createUnit(t)).code;
  late = (await createUnit(t)).code;
  silent = (await createUnit(t)).code;
  officer = await t.keyFor("officer", [onTime]);
});
afterAll(() => t?.close());

describe("a report duty", () => {
  it("is on_track, then at_risk within five working days of its due date", async () => {
    // (10/6, 20/6] holds 6 working days; (13/6, 20/6] holds 5.
    expect(await dutyOf(silent, "2022-06-10")).toMatchObject({ status: "on_track", workingDaysLeft: 6 });
    expect(await dutyOf(silent, "2022-06-13")).toMatchObject({ status: "at_risk", workingDaysLeft: 5 });
    expect(await dutyOf(silent, DUE)).toMatchObject({ status: "at_risk", workingDaysLeft: 0 });
  });

  it("is met by a submission on its due day, recorded by the unit's officer", async () => {
    const res = await post(report(onTime, DUE), officer);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      planYear: 2022,
      dutyId: "BC_6_THANG",
      unitCode: onTime,
      submittedOn: DUE,
      createdBy: expect.stringMatching(/^officer:/),
      file: null,
      withdrawal: null,
    });
    const id = (res.body as { id: string }).id;
    expect(await dutyOf(onTime, DUE)).toMatchObject({ status: "met", metBy: id });
    expect(await dutyOf(onTime, "2022-07-15")).toMatchObject({ status: "met", metBy: id });
  });

  it("is missed by a submission dated the day after", async () => {
    clock.set(noonOf("2022-06-21"));
    expect((await post(report(late, "2022-06-21"))).status).toBe(201);
    const row = await dutyOf(late, "2022-06-21");
    expect(row).toMatchObject({ status: "missed", metBy: null });
    expect(row.submissions).toHaveLength(1);
    expect((await dutyOf(silent, "2022-06-21")).status).toBe("missed");
  });

  it("refuses an officer's submission for another unit (403), and writes nothing", async () => {
    const before = await rows();
    const res = await post(report(late, "2022-06-20"), officer);
    expect(res.status).toBe(403);
    const viewer = await t.keyFor("viewer");
    expect((await post(report(onTime, "2022-06-20"), viewer)).status).toBe(403);
    expect(await rows()).toBe(before);
  });

  it("refuses a future date, an unknown duty or unit, and a unit the duty does not ask, naming the field", async () => {
    const before = await rows();
    const future = await post(report(late, "2022-06-22"));
    expect(future.status).toBe(422);
    expect(future.body).toMatchObject({ issues: [{ path: "body.submittedOn", rule: "not_in_future" }] });
    expect(
      (await t.request("POST", "/api/v1/duties/2022/NOPE/submissions", { body: report(late, DUE) })).status,
    ).toBe(404);
    expect(
      (await t.request("POST", "/api/v1/duties/2031/BC_NAM/submissions", { body: report(late, DUE) })).status,
    ).toBe(404);
    const unknown = await post(report("KHONG_CO", DUE));
    expect(unknown.body).toMatchObject({ issues: [{ path: "body.unit", rule: "unknown_unit" }] });
    // The guidance is asked of the programmes' lead departments, not of a district.
    const notAsked = await t.request("POST", "/api/v1/duties/2022/VB_HUONG_DAN/submissions", {
      body: report(late, DUE),
    });
    expect(notAsked.status).toBe(422);
    expect(notAsked.body).toMatchObject({ issues: [{ path: "body.unit", rule: "not_asked" }] });
    const missing = await post({ unit: late, submittedOn: DUE });
    expect(missing.status).toBe(400);
    expect(JSON.stringify(missing.body)).toContain("body.documentNumber");
    expect(await rows()).toBe(before);
  });

  it("lists every duty with the units it asks; an officer sees their own units only", async () => {
    const all = await t.request("GET", "/api/v1/duties/2022?asOf=2022-06-21");
    expect(all.status).toBe(200);
    const body = all.body as {
      duties: {
        id: string;
        dateChosen?: string;
        counts: Record<string, number>;
        units: { unitCode: string }[];
      }[];
    };
    expect(body.duties.map((d) => d.id)).toEqual(["BC_6_THANG", "BC_NAM", "VB_HUONG_DAN"]);
    const half = body.duties[0]!;
    expect(half.dateChosen).toContain("14/6");
    expect(half.counts).toMatchObject({ met: 1, missed: 2 });
    const mine = await t.request("GET", "/api/v1/duties/2022?asOf=2022-06-21", { key: officer });
    expect((mine.body as typeof body).duties[0]!.units.map((u) => u.unitCode)).toEqual([onTime]);
    expect(
      (await t.request("GET", `/api/v1/units/${late}/duties?planYear=2022`, { key: officer })).status,
    ).toBe(403);
  });
});

describe("a submission's file", () => {
  const pdf = Buffer.concat([
    Buffer.from("%PDF-1.4\n"),
    Buffer.from([0, 1, 2, 0xff, 0xfe, 0x80]),
    Buffer.from("\n%%EOF\n"),
  ]);

  it("is kept as sent and downloaded back identical, as an attachment", async () => {
    const res = await upload(onTime, pdf, "Báo cáo 6 tháng.pdf", "application/pdf");
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({
      file: { name: "Báo cáo 6 tháng.pdf", type: "application/pdf", size: pdf.length },
    });
    const id = res.body.id as string;
    const got = await t.app.inject({
      method: "GET",
      url: `${submissions}/${id}/file`,
      headers: { authorization: `Bearer ${officer}` },
    });
    expect(got.statusCode).toBe(200);
    expect(got.rawPayload.equals(pdf)).toBe(true);
    expect(got.headers["content-type"]).toBe("application/pdf");
    expect(got.headers["content-disposition"]).toMatch(/^attachment; filename="bao-cao-6-thang.pdf"/);
    expect(got.headers["x-content-type-options"]).toBe("nosniff");
    const { createHash } = await import("node:crypto");
    expect((res.body.file as { sha256: string }).sha256).toBe(createHash("sha256").update(pdf).digest("hex"));
  });

  it("is refused (415) when its bytes are not what its name and type claim, and nothing is written", async () => {
    const before = await rows();
    const html = Buffer.from("<!doctype html><script>alert(1)</script>");
    const lying = await upload(onTime, html, "bao-cao.pdf", "application/pdf");
    expect(lying.status).toBe(415);
    expect(lying.body).toMatchObject({
      error: "unsupported_media_type",
      issues: [{ rule: "unsupported_type" }],
    });
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);
    const renamed = await upload(onTime, png, "bao-cao.pdf", "application/octet-stream");
    expect(renamed).toMatchObject({ status: 415, body: { issues: [{ rule: "type_mismatch" }] } });
    expect((await upload(onTime, html, "bao-cao.html", "text/html")).status).toBe(415);
    expect(await rows()).toBe(before);
  });

  it("is refused (413) past the size limit while it is read, and nothing is written", async () => {
    const before = await rows();
    const big = Buffer.alloc(MAX_SUBMISSION_FILE_BYTES + 1, 0x20);
    pdf.copy(big);
    const res = await upload(onTime, big, "lon.pdf", "application/pdf");
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ error: "file_too_large" });
    expect(await rows()).toBe(before);
  });

  it("is refused to an officer of another unit, and to everyone on a submission without one", async () => {
    const other = await t.keyFor("officer", [late]);
    const [first] = (await dutyOf(onTime, "2022-06-21")).submissions.filter((s) => s.file);
    const url = `${submissions}/${first!.id}/file`;
    expect((await t.request("GET", url, { key: other })).status).toBe(403);
    expect((await t.request("GET", url)).status).toBe(200);
    const [plain] = (await dutyOf(late, "2022-06-21")).submissions;
    expect((await t.request("GET", `${submissions}/${plain!.id}/file`)).status).toBe(404);
  });
});

describe("withdrawing a submission", () => {
  it("makes the duty missed again from the day it is recorded, and keeps the record", async () => {
    clock.set(noonOf("2022-06-25"));
    const standing = (await dutyOf(onTime, "2022-06-25")).submissions;
    expect((await dutyOf(onTime, "2022-06-25")).status).toBe("met");
    const other = await t.keyFor("officer", [late]);
    const url = (id: string) => `${submissions}/${id}/withdraw`;
    const refused = await t.request("POST", url(standing[0]!.id), { body: { reason: "nhầm" }, key: other });
    expect(refused.status).toBe(403);
    for (const s of standing) {
      const res = await t.request("POST", url(s.id), { body: { reason: "Gửi nhầm báo cáo" }, key: officer });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body).toMatchObject({ id: s.id, withdrawal: { reason: "Gửi nhầm báo cáo" } });
    }
    expect((await t.request("POST", url(standing[0]!.id), { body: { reason: "lần nữa" } })).status).toBe(409);
    const after = await dutyOf(onTime, "2022-06-25");
    expect(after.status).toBe("missed");
    expect(after.submissions.every((s) => s.withdrawal !== null)).toBe(true);
    // As known before the withdrawal, it was met.
    expect((await dutyOf(onTime, "2022-06-21")).status).toBe("met");
  });
});

describe("duties in the status, at-risk, summary and exports", () => {
  // 25/6/2022 (Saturday): BC_6_THANG (20/6) is missed by every unit (the on-time one withdrew
  // its report); VB_HUONG_DAN (30/6) is at_risk for a lead department, 4 working days before.
  const ASOF = "2022-06-25";
  let lead: string;
  type DutyItem = {
    kind: string;
    id: string;
    unitCode: string;
    status: string;
    submission: { documentNumber: string; submittedOn: string } | null;
  };
  type Page = {
    items: { kind: string; unitCode: string; program: string; id: string }[];
    totals: { count: number };
    nextCursor: string | null;
    duties: { items: DutyItem[]; totals: { at_risk: number; missed: number }; nextCursor: string | null };
  };
  const atRisk = async (query = "") => {
    const res = await t.request("GET", `/api/v1/at-risk?asOf=${ASOF}&planYear=2022${query}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as Page;
  };

  beforeAll(async () => {
    lead = (await createUnit(t, { code: "SO_NNPTNT", kind: "department" })).code;
    // Money at risk for two units, so the money items have pages of their own.
    for (const [unitCode, program] of [
      [silent, "NTM"],
      [late, "GNBV"],
    ] as const)
      await postAllocation(t, { unitCode, program });
  });

  it("the unit's status lists each duty asked of it beside its milestones, with the latest submission", async () => {
    const res = await t.request("GET", `/api/v1/units/${late}/status?asOf=${ASOF}&planYear=2022`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const body = res.body as { milestones: unknown[]; duties: (DutyItem & Record<string, unknown>)[] };
    expect(body.milestones.length).toBeGreaterThan(0);
    // The guidance is not asked of a district.
    expect(body.duties.map((d) => d.id)).toEqual(["BC_6_THANG", "BC_NAM"]);
    expect(body.duties[0]).toMatchObject({
      kind: "duty",
      status: "missed",
      dueOn: DUE,
      workingDaysLeft: 0,
      daysLeft: 0,
      submission: { documentNumber: `12/BC-${late}`, submittedOn: "2022-06-21" },
    });
    // 25/6 to 20/12: 178 calendar days.
    expect(body.duties[1]).toMatchObject({
      status: "on_track",
      dueOn: "2022-12-20",
      daysLeft: 178,
      submission: null,
    });
    const unitPage = await t.request("GET", `/api/v1/dashboard/units/${late}?asOf=${ASOF}&planYear=2022`);
    expect(unitPage.status).toBe(200);
    expect((unitPage.body as { duties: unknown[] }).duties).toEqual(body.duties);
  });

  it("the at-risk list holds missed and at-risk duties beside the money items, which page as before", async () => {
    const whole = await atRisk();
    const duties = whole.duties.items;
    expect(duties.every((d) => d.kind === "duty")).toBe(true);
    expect(duties.find((d) => d.id === "BC_6_THANG" && d.unitCode === silent)).toMatchObject({
      status: "missed",
      submission: null,
    });
    expect(duties.find((d) => d.id === "VB_HUONG_DAN")).toMatchObject({ unitCode: lead, status: "at_risk" });
    // Missed first, then at risk.
    expect(duties.map((d) => d.status)).toEqual(
      [...duties.map((d) => d.status)].sort((a, b) => b.localeCompare(a)),
    );
    expect(whole.duties.totals).toEqual({
      at_risk: 1,
      missed: duties.filter((d) => d.status === "missed").length,
    });
    expect(whole.duties.totals.missed).toBeGreaterThanOrEqual(4);

    // The money items alone are paged by their cursor; the duties come whole with the first page.
    expect(whole.totals.count).toBeGreaterThan(1);
    expect(whole.items.some((i) => i.kind === "duty")).toBe(false);
    const keys: string[] = [];
    let page = await atRisk("&limit=1");
    expect(page.duties).toEqual(whole.duties);
    for (;;) {
      keys.push(...page.items.map((i) => `${i.unitCode}|${i.program}|${i.id}`));
      if (!page.nextCursor) break;
      page = await atRisk(`&limit=1&cursor=${encodeURIComponent(page.nextCursor)}`);
      expect(page.duties).toEqual({ items: [], totals: whole.duties.totals, nextCursor: null });
    }
    expect(keys).toEqual(whole.items.map((i) => `${i.unitCode}|${i.program}|${i.id}`));

    // The duties page on their own: two at a time, they are the whole list in its order, once each.
    expect(whole.duties.nextCursor).toBeNull();
    const walked: string[] = [];
    let dutyPage = await atRisk("&limit=1&dutiesLimit=2");
    expect(dutyPage.duties.items).toHaveLength(2);
    for (;;) {
      walked.push(...dutyPage.duties.items.map((d) => `${d.id}|${d.unitCode}`));
      expect(dutyPage.duties.totals).toEqual(whole.duties.totals);
      if (!dutyPage.duties.nextCursor) break;
      dutyPage = await atRisk(
        `&limit=1&dutiesLimit=2&dutiesCursor=${encodeURIComponent(dutyPage.duties.nextCursor)}`,
      );
    }
    expect(walked).toEqual(duties.map((d) => `${d.id}|${d.unitCode}`));
    // A duties cursor is checked like the money one: forged, or of another list, it is a 400.
    const first = await atRisk("&limit=1&dutiesLimit=1");
    for (const [query, rule] of [
      ["&dutiesCursor=bm90LWEtY3Vyc29y", "cursor"],
      [`&kind=district&dutiesCursor=${encodeURIComponent(first.duties.nextCursor!)}`, "foreign_cursor"],
      [`&cursor=${encodeURIComponent(first.duties.nextCursor!)}`, "cursor"],
    ] as const) {
      const res = await t.request("GET", `/api/v1/at-risk?asOf=${ASOF}&planYear=2022${query}`);
      expect(res.status, query).toBe(400);
      expect(JSON.stringify(res.body), query).toContain(rule);
    }

    // A duty's id narrows the list to it; a program leaves the duties out; an unknown id is refused.
    const one = await atRisk("&milestone=VB_HUONG_DAN");
    expect(one.items).toEqual([]);
    expect(one.duties.items.map((d) => d.unitCode)).toEqual([lead]);
    expect((await atRisk("&program=NTM")).duties.items).toEqual([]);
    const districts = await atRisk("&kind=district");
    expect(districts.duties.items.some((d) => d.unitCode === lead)).toBe(false);
    const unknown = await t.request("GET", `/api/v1/at-risk?asOf=${ASOF}&milestone=NOPE`);
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({
      issues: [{ path: "querystring.milestone", rule: "unknown_milestone" }],
    });
  });

  it("the summary counts each duty's units by status", async () => {
    const res = await t.request("GET", `/api/v1/reports/summary?asOf=${ASOF}&planYear=2022`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const byDuty = (res.body as { byDuty: { id: string; counts: Record<string, number> }[] }).byDuty;
    expect(byDuty.map((d) => d.id)).toEqual(["BC_6_THANG", "BC_NAM", "VB_HUONG_DAN"]);
    const missed = (await atRisk()).duties.totals.missed;
    expect(byDuty[0]!.counts).toEqual({ not_applicable: 0, met: 0, on_track: 0, at_risk: 0, missed });
    expect(byDuty[1]!.counts).toMatchObject({ on_track: missed, missed: 0 });
    expect(byDuty[2]!.counts).toMatchObject({ at_risk: 1, met: 0 });
  });

  it("the duties export lists every (unit, duty) with its status and the document sent", async () => {
    const csv = await t.app.inject({
      method: "GET",
      url: `/api/v1/exports/duties.csv?asOf=${ASOF}&planYear=2022`,
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
    });
    expect(csv.statusCode, csv.body).toBe(200);
    const [header, ...lines] = parseCsv(csv.rawPayload.toString("utf8")).map((r) => r.fields);
    expect(header).toEqual([
      "Mã đơn vị",
      "Tên đơn vị",
      "Loại đơn vị",
      "Nghĩa vụ",
      "Nội dung",
      "Hạn",
      "Tình trạng",
      "Số văn bản",
      "Ngày gửi",
      "Số ngày làm việc còn lại",
    ]);
    const row = (unit: string, duty: string) => lines.find((l) => l[0] === unit && l[3] === duty);
    expect(row(late, "BC_6_THANG")).toEqual(
      expect.arrayContaining(["2022-06-20", "Nộp muộn", `12/BC-${late}`, "2022-06-21"]),
    );
    expect(row(silent, "BC_6_THANG")?.[6]).toBe("Chưa nộp – quá hạn");
    expect(row(lead, "VB_HUONG_DAN")?.[6]).toBe("Sắp đến hạn");
    expect(row(late, "VB_HUONG_DAN")).toBeUndefined();

    const xlsx = await t.app.inject({
      method: "GET",
      url: `/api/v1/exports/duties.xlsx?asOf=${ASOF}&planYear=2022&status=missed`,
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
    });
    expect(xlsx.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(["Nghĩa vụ báo cáo"]);
    const ws = wb.worksheets[0]!;
    expect(ws.rowCount - 1).toBe((await atRisk()).duties.totals.missed);
    expect(ws.getRow(2).getCell(7).value).toMatch(/quá hạn|Nộp muộn/);
  });

  it("a submission changes the cached at-risk answer at once", async () => {
    const before = await atRisk();
    expect((await atRisk()).duties).toEqual(before.duties); // served again, from the cache
    const res2 = await t.request("POST", "/api/v1/duties/2022/VB_HUONG_DAN/submissions", {
      body: { unit: lead, documentNumber: "07/HD-SNN", submittedOn: ASOF },
    });
    expect(res2.status, JSON.stringify(res2.body)).toBe(201);
    const after = await atRisk();
    expect(after.duties.items.some((d) => d.id === "VB_HUONG_DAN")).toBe(false);
    expect(after.duties.totals).toEqual({ at_risk: 0, missed: before.duties.totals.missed });
    const status = await t.request("GET", `/api/v1/units/${lead}/status?asOf=${ASOF}&planYear=2022`);
    expect((status.body as { duties: DutyItem[] }).duties.find((d) => d.id === "VB_HUONG_DAN")).toMatchObject(
      {
        status: "met",
        submission: { documentNumber: "07/HD-SNN", submittedOn: ASOF },
      },
    );
  });
});

describe("amending a duty", () => {
  it("moving its due date needs the legal act, as a milestone's does", async () => {
    const { plan } = (await t.request("GET", "/api/v1/plans/2022")).body as {
      plan: { duties: { id: string; dueOn: string }[] };
    };
    plan.duties[0]!.dueOn = "2022-07-05";
    const refused = await t.request("PUT", "/api/v1/plans/2022", { body: plan });
    expect(refused.status, JSON.stringify(refused.body)).toBe(422);
    expect(refused.body).toMatchObject({ issues: [{ path: "body.amendment", rule: "act_required" }] });
    expect(JSON.stringify(refused.body)).toContain("BC_6_THANG (dueOn)");
    const act = { document: "Công văn 123/BCĐ gia hạn báo cáo", issuedOn: "2022-06-24" };
    const amended = await t.request("PUT", "/api/v1/plans/2022", {
      body: { ...plan, amendment: { act, reason: "gia hạn" } },
    });
    expect(amended.status, JSON.stringify(amended.body)).toBe(200);
    expect(amended.body).toMatchObject({
      changes: [{ duty: "BC_6_THANG", change: "modified", field: "dueOn", from: DUE, to: "2022-07-05" }],
    });
    // The late unit's submission of 21/6 is on time for the moved date.
    expect((await dutyOf(late, "2022-06-25")).status).toBe("met");
  });
});
