// The working-day calendar: the law's holidays from the library, the days off and swapped working
// days admins enter with their document, working days left in the views, a due date a plan moves
// off a non-working day, and the plan view's flags.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_PLAN_2022 } from "../src/domain/plan.js";
import { createUnit, postAllocation, postDisbursement } from "./factories.js";
import { createTestApp, fixedClock, type TestApp } from "./helpers/test-app.js";

const clock = fixedClock("2023-01-18T05:00:00Z"); // 18/01/2023 in Hà Nội
let t: TestApp;
let refUnit: string; // holds 2022 capital: its REF milestone is due 31/01/2023
let lateUnit: string; // 85% by 31/12/2022, 95% with a payment of 03/01/2023

const day = (date: string, name: string) => ({ date, name });
const TET = ["2023-01-20", "2023-01-23", "2023-01-24", "2023-01-25", "2023-01-26"].map((d) =>
  day(d, "Nghỉ Tết Nguyên Đán"),
);
const YEAR_2023 = {
  daysOff: [day("2023-01-02", "Nghỉ bù Tết Dương lịch"), ...TET, day("2023-05-02", "Nghỉ hoán đổi")],
  workingDays: [day("2023-05-06", "Làm bù cho thứ Ba 02/05/2023")],
  sourceDocument: "Thông báo lịch nghỉ Tết Âm lịch và các ngày lễ năm 2023 (dữ liệu thử)",
  sourceUrl: "https://example.org/thong-bao-nghi-le-2023",
};

type Row = {
  id: string;
  program: string;
  dueOn: string;
  status: string;
  daysLeft: number;
  workingDaysLeft: number;
};
type DueDate = { id: string; dueOn: string; judgedOn: string; dueOnNonWorkingDay: unknown };

const putYear = (body: unknown, key?: string, year = 2023) =>
  t.request("PUT", `/api/v1/calendar/${year}`, { body, ...(key ? { key } : {}) });
const statusOf = async (unit: string, asOf = "2023-01-18") => {
  const res = await t.request("GET", `/api/v1/units/${unit}/status?asOf=${asOf}&planYear=2022`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body as { milestones: Row[] }).milestones;
};
const row = (rows: Row[], id: string) => rows.find((r) => r.id === id && r.program === "NTM")!;
const dueDates = async () => {
  const res = await t.request("GET", "/api/v1/plans/2022");
  expect(res.status).toBe(200);
  return new Map((res.body as { dueDates: DueDate[] }).dueDates.map((d) => [d.id, d]));
};
const atRiskIds = async () => {
  const res = await t.request("GET", "/api/v1/at-risk?asOf=2023-01-18&planYear=2022&limit=1000");
  expect(res.status).toBe(200);
  return (res.body as { items: { unitCode: string; id: string }[] }).items.map(
    (i) => `${i.unitCode}:${i.id}`,
  );
};
const written = async () => ({
  years: await t.db.prisma.calendarYear.count(),
  audit: await t.db.prisma.auditEvent.count({ where: { entity: "calendar_year" } }),
});

beforeAll(async () => {
  t = await createTestApp({ clock });
  refUnit = (await createUnit(t)).code;
  lateUnit = (await createUnit(t)).code;
  await postAllocation(t, { unitCode: refUnit });
  await postDisbursement(t, { unitCode: refUnit, amount: 700_000_000, reference: `KBNN-${refUnit}` });
  await postAllocation(t, { unitCode: lateUnit });
  await postDisbursement(t, {
    unitCode: lateUnit,
    amount: 850_000_000,
    disbursedOn: "2022-12-15",
    reference: `KBNN-${lateUnit}-1`,
  });
  // Paid in the first days of 2023, within the 2022 budget's adjustment period.
  await postDisbursement(t, {
    unitCode: lateUnit,
    amount: 100_000_000,
    disbursedOn: "2023-01-03",
    reference: `KBNN-${lateUnit}-2`,
  });
  // M90 (due Saturday 31/12/2022) moves to the next working day; C100, due the same day, keeps it.
  const plan = structuredClone(DEFAULT_PLAN_2022);
  plan.milestones.find((m) => m.id === "M90")!.nonWorkingDueDate = "next_working_day";
  const put = await t.request("PUT", "/api/v1/plans/2022", {
    body: {
      ...plan,
      amendment: {
        act: { document: "Quyết định điều chỉnh kế hoạch (dữ liệu thử)", issuedOn: "2022-12-01" },
        reason: "hạn 31/12 rơi vào thứ Bảy",
      },
    },
  });
  expect(put.status, JSON.stringify(put.body)).toBe(200);
});
afterAll(() => t?.close());

describe("before any data is entered", () => {
  it("answers the law's holidays and weekends, and says no document was entered", async () => {
    const res = await t.request("GET", "/api/v1/calendar/2023?nonWorkingDays=true", {
      key: await t.keyFor("viewer"),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const body = res.body as {
      source: unknown;
      holidays: { date: string; name: string; source: string }[];
      daysOff: unknown[];
      nonWorkingDays: { date: string; reason: string }[];
    };
    expect(body.source).toBeNull();
    expect(body.daysOff).toEqual([]);
    expect(body.holidays).toContainEqual({ date: "2023-01-01", name: "Tết Dương lịch", source: "law" });
    expect(body.holidays).toContainEqual({ date: "2023-01-22", name: "Tết Nguyên Đán", source: "law" });
    expect(body.holidays.every((h) => h.source === "law")).toBe(true);
    expect(body.nonWorkingDays).toContainEqual({ date: "2023-01-07", reason: "Thứ Bảy" });
    expect(body.nonWorkingDays.map((d) => d.date)).not.toContain("2023-01-02");
  });

  it("counts working days on weekends and holidays only", async () => {
    // (18/01, 31/01]: 19, 20, 23–27, 30, 31 = 9 working days (21/22 and 28/29 are weekends).
    expect(row(await statusOf(refUnit), "REF")).toMatchObject({
      dueOn: "2023-01-31",
      daysLeft: 13,
      workingDaysLeft: 9,
    });
    // M90 moves off Saturday 31/12 to Monday 02/01: the payment of 03/01 is too late.
    expect(row(await statusOf(lateUnit), "M90")).toMatchObject({ dueOn: "2023-01-02", status: "missed" });
    expect(await atRiskIds()).toContain(`${lateUnit}:M90`);
    const flags = await dueDates();
    expect(flags.get("M90")).toEqual({
      id: "M90",
      dueOn: "2022-12-31",
      judgedOn: "2023-01-02",
      dueOnNonWorkingDay: { reason: "Thứ Bảy", movesTo: "2023-01-02" },
    });
  });
});

describe("PUT /api/v1/calendar/:year refuses bad input and writes nothing", () => {
  const bad: [string, unknown, number, { path: string; rule: string }][] = [
    [
      "a date outside the year",
      { ...YEAR_2023, daysOff: [day("2024-01-02", "x")] },
      400,
      { path: "body.daysOff.0.date", rule: "outside_year" },
    ],
    [
      "a date twice",
      { ...YEAR_2023, daysOff: [...TET, TET[0]] },
      400,
      { path: "body.daysOff.5.date", rule: "duplicate_date" },
    ],
    [
      "a swapped working day on a weekday",
      { ...YEAR_2023, workingDays: [day("2023-05-03", "x")] },
      400,
      { path: "body.workingDays.0.date", rule: "not_a_weekend_day" },
    ],
    [
      // Saturday 29/04/2023, Giỗ tổ Hùng Vương: a clerk's slip for the swapped Saturday 06/05.
      "a public holiday as a swapped working day",
      { ...YEAR_2023, workingDays: [day("2023-04-29", "Làm bù")] },
      400,
      { path: "body.workingDays.0.date", rule: "public_holiday" },
    ],
    [
      // A pasted range: March 2023 whole, with the weekends either side, has no working day.
      "a month without a working day",
      {
        ...YEAR_2023,
        daysOff: Array.from({ length: 31 }, (_, i) =>
          day(`2023-03-${String(i + 1).padStart(2, "0")}`, "Nghỉ"),
        ),
      },
      400,
      { path: "body.daysOff.0.date", rule: "too_many_days_off_in_a_row" },
    ],
    [
      "a day both off and worked",
      { ...YEAR_2023, daysOff: [day("2023-05-06", "x")] },
      400,
      { path: "body.daysOff.0.date", rule: "also_a_working_day" },
    ],
    [
      "no source document",
      { daysOff: [], workingDays: [] },
      400,
      { path: "body.sourceDocument", rule: "invalid_type" },
    ],
    ["an unknown field", { ...YEAR_2023, note: "x" }, 400, { path: "body.note", rule: "unrecognized_keys" }],
    [
      "a name over 200 characters",
      { ...YEAR_2023, daysOff: [day("2023-01-02", "x".repeat(201))] },
      400,
      { path: "body.daysOff.0.name", rule: "too_big" },
    ],
    [
      "an invalid date",
      { ...YEAR_2023, daysOff: [day("2023-02-30", "x")] },
      400,
      { path: "body.daysOff.0.date", rule: "real_date" },
    ],
  ];
  it.each(bad)("%s", async (_what, body, status, issue) => {
    const res = await putYear(body);
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect((res.body as { issues: unknown[] }).issues).toContainEqual(expect.objectContaining(issue));
    expect(await written()).toEqual({ years: 0, audit: 0 });
  });

  it("admits admins only, and years 2000–2100", async () => {
    expect((await putYear(YEAR_2023, await t.keyFor("officer", [refUnit]))).status).toBe(403);
    expect((await putYear(YEAR_2023, await t.keyFor("viewer"))).status).toBe(403);
    expect((await putYear(YEAR_2023, undefined, 1999)).status).toBe(400);
    expect(await written()).toEqual({ years: 0, audit: 0 });
  });
});

describe("the year's days entered with their document", () => {
  it("refuses to change days before today unless the change says it restates the past", async () => {
    // Today is 18/01/2023: 02/01 has passed (its alerts went out, or not, by the old calendar).
    const res = await putYear(YEAR_2023);
    expect(res.status, JSON.stringify(res.body)).toBe(409);
    expect((res.body as { message: string }).message).toMatch(/2023-01-02.*restatesPast/);
    expect((res.body as { issues: unknown[] }).issues).toEqual([
      expect.objectContaining({ path: "body.restatesPast", rule: "restates_past", date: "2023-01-02" }),
    ]);
    expect(await written()).toEqual({ years: 0, audit: 0 });
    // Days still ahead are not history: Tết alone needs no restatement.
    const ahead = await putYear({ ...YEAR_2023, daysOff: TET });
    expect(ahead.status, JSON.stringify(ahead.body)).toBe(200);
    expect(await written()).toEqual({ years: 1, audit: 1 });
  });

  it("saves them, records the document and answers them back", async () => {
    const res = await putYear({ ...YEAR_2023, restatesPast: true });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      year: 2023,
      source: {
        document: YEAR_2023.sourceDocument,
        url: YEAR_2023.sourceUrl,
        updatedBy: "admin:bootstrap-admin",
      },
      daysOff: YEAR_2023.daysOff,
      workingDays: YEAR_2023.workingDays,
    });
    expect(await written()).toEqual({ years: 1, audit: 2 });
    const audit = await t.request("GET", "/api/v1/audit?entity=calendar_year");
    expect((audit.body as { items: unknown[] }).items).toEqual([
      expect.objectContaining({ entityId: "2023", action: "updated", document: YEAR_2023.sourceDocument }),
      expect.objectContaining({
        entityId: "2023",
        action: "restated",
        document: YEAR_2023.sourceDocument,
        details: expect.objectContaining({ restatedPastDates: ["2023-01-02"] }),
      }),
    ]);

    const officer = await t.keyFor("officer", [refUnit]);
    const back = await t.request("GET", "/api/v1/calendar/2023?nonWorkingDays=true", { key: officer });
    expect(back.status).toBe(200);
    const { nonWorkingDays, ...year } = back.body as { nonWorkingDays: { date: string; reason: string }[] };
    expect(year).toEqual({ ...(res.body as object) });
    expect(nonWorkingDays).toContainEqual({ date: "2023-01-02", reason: "Nghỉ bù Tết Dương lịch" });
    expect(nonWorkingDays).toContainEqual({ date: "2023-01-20", reason: "Nghỉ Tết Nguyên Đán" });
    expect(nonWorkingDays).toContainEqual({ date: "2023-01-21", reason: "Giao thừa Tết Nguyên Đán" });
    expect(nonWorkingDays.map((d) => d.date)).not.toContain("2023-05-06");
  });

  it("counts working days left with Tết off", async () => {
    // (18/01, 31/01]: 19/01 (Thu); 20–26 off (Tết, 21/22 weekend); 27/01 (Fri); 28/29 weekend;
    // 30/01 and 31/01: 4 working days of 13 calendar days.
    expect(row(await statusOf(refUnit), "REF")).toMatchObject({ daysLeft: 13, workingDaysLeft: 4 });
    // Past due: nothing left either way.
    expect(row(await statusOf(refUnit), "M60")).toMatchObject({ daysLeft: 0, workingDaysLeft: 0 });
  });

  it("judges a moved milestone on the next working day after the days off", async () => {
    // 31/12 Saturday, 01/01 Sunday (and a holiday), 02/01 off: M90 is judged on Tuesday 03/01,
    // so the payment of that day counts (95%); C100 keeps 31/12.
    const rows = await statusOf(lateUnit);
    expect(row(rows, "M90")).toMatchObject({ dueOn: "2023-01-03", status: "met" });
    expect(await atRiskIds()).not.toContain(`${lateUnit}:M90`);
    const onTheDay = row(await statusOf(lateUnit, "2023-01-02"), "M90");
    expect(onTheDay).toMatchObject({ dueOn: "2023-01-03", daysLeft: 1, workingDaysLeft: 1 });
    expect(onTheDay.status).not.toBe("missed");
  });

  it("flags due dates on non-working days in the plan view", async () => {
    const flags = await dueDates();
    expect(flags.get("M90")).toEqual({
      id: "M90",
      dueOn: "2022-12-31",
      judgedOn: "2023-01-03",
      dueOnNonWorkingDay: { reason: "Thứ Bảy", movesTo: "2023-01-03" },
    });
    expect(flags.get("C100")).toMatchObject({
      judgedOn: "2022-12-31",
      dueOnNonWorkingDay: { reason: "Thứ Bảy", movesTo: null },
    });
    expect(flags.get("M60")?.dueOnNonWorkingDay).toBeNull(); // Friday 30/09/2022
    expect(flags.get("REF")?.dueOnNonWorkingDay).toBeNull(); // Tuesday 31/01/2023
  });
});

describe("two PUTs of one year at once", () => {
  it("judge the past against each other's row: no restatement slips through without restatesPast", async () => {
    // Year 2021 is all past on 18/01/2023. One PUT restates 01/06/2021 as a day off; the other,
    // not saying restatesPast, sends the year without it. Either the plain one goes first (and the
    // day off stands) or it comes second and is refused; never both accepted with the day gone.
    const base = { workingDays: [], sourceDocument: "Thông báo (dữ liệu thử)" };
    const restated = { ...base, daysOff: [day("2021-06-01", "Nghỉ (đính chính)")], restatesPast: true };
    const plain = { ...base, daysOff: [] };
    for (let i = 0; i < 5; i++) {
      const [a, b] = await Promise.all([putYear(restated, undefined, 2021), putYear(plain, undefined, 2021)]);
      expect(a.status, JSON.stringify(a.body)).toBe(200);
      expect([200, 409]).toContain(b.status);
      const after = await t.request("GET", "/api/v1/calendar/2021");
      const daysOff = (after.body as { daysOff: { date: string }[] }).daysOff.map((d) => d.date);
      // Lost only if the plain PUT judged the row it read before the restatement and wrote after it.
      expect(daysOff, `plain PUT answered ${b.status}`).toEqual(["2021-06-01"]);
      // Back to no days off, as a restatement, for the next round.
      expect((await putYear({ ...plain, restatesPast: true }, undefined, 2021)).status).toBe(200);
    }
  });
});
