// The dashboard's data routes: one answer per view, with the figures the rules decide.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pct, vnd } from "../web/src/format.js";
import { parseJson } from "../web/src/json.js";
import { AMOUNT_KEYS, type Overview } from "../web/src/types.js";
import {
  BIG_ALLOCATED,
  BIG_ASOF,
  BIG_DISBURSED,
  type BigProvince,
  postProgramAbove2To53,
} from "./helpers/big-province.js";
import { createTestApp, type TestApp } from "./helpers/test-app.js";

let t: TestApp;
let officerA: string;
let viewer: string;

const scope = { planYear: 2022, source: "central", capitalType: "investment" };
const alloc = (unitCode: string, program: string, amount: number, decidedOn = "2022-01-14") => ({
  ...scope,
  unitCode,
  program,
  amount,
  decisionRef: "126/QĐ-UBND",
  decidedOn,
});
const disb = (unitCode: string, program: string, amount: number, disbursedOn: string) => ({
  ...scope,
  unitCode,
  program,
  amount,
  disbursedOn,
  reference: `KBNN-${unitCode}-${disbursedOn}`,
});

async function post(url: string, body: unknown) {
  const res = await t.request("POST", url, { body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

beforeAll(async () => {
  t = await createTestApp();
  for (const [code, kind] of [
    ["DA", "district"],
    ["SB", "department"],
  ] as const)
    await post("/api/v1/units", {
      code,
      name: `Đơn vị ${code}`,
      kind,
      headName: "Nguyễn Văn An",
      headEmail: `head.${code.toLowerCase()}@example.org`,
    });
  await post("/api/v1/allocations", [
    alloc("DA", "NTM", 1_000_000_000),
    alloc("SB", "GNBV", 500_000_000),
    // 2021 capital carried over: in the ledger lines, not in the own-capital series.
    { ...alloc("DA", "NTM", 70_000_000, "2022-01-28"), carriedOverFrom: 2021 },
  ]);
  await post("/api/v1/disbursements", [
    disb("DA", "NTM", 300_000_000, "2022-03-01"),
    disb("DA", "NTM", 200_000_000, "2022-09-10"),
    disb("SB", "GNBV", 400_000_000, "2022-08-01"),
    // After the asOf the tests ask about: never counted.
    disb("DA", "NTM", 250_000_000, "2022-09-25"),
  ]);
  officerA = await t.keyFor("officer", ["DA"]);
  viewer = await t.keyFor("viewer");
});
afterAll(() => t?.close());

type Item = { unitCode: string; program: string; id: string; status: string; shortfall: number };

describe("GET /api/v1/dashboard/overview", () => {
  it("answers the summary and the at-risk items on asOf in one call", async () => {
    const res = await t.request("GET", "/api/v1/dashboard/overview?asOf=2022-09-20");
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const body = res.body as {
      asOf: string;
      today: string;
      planYear: number;
      planYears: number[];
      plan: { milestones: { id: string; charted: boolean; threshold: number | null }[] };
      programs: { code: string; name: string }[];
      summary: {
        total: object;
        byProgram: object[];
        byMilestone: { id: string; unitCounts: Record<string, number> }[];
      };
      atRisk: { items: Item[]; totals: { count: number; shortfall: number }; nextCursor: string | null };
    };
    expect(body).toMatchObject({ asOf: "2022-09-20", today: "2022-12-31", planYear: 2022 });
    expect(body.planYears).toContain(2022);
    expect(body.programs.map((p) => p.code)).toEqual(["DTTS", "GNBV", "NTM"]);
    const charted = body.plan.milestones.filter((m) => m.charted);
    expect(charted.map((m) => [m.id, m.threshold])).toEqual([
      ["M60", 60],
      ["M90", 90],
    ]);
    // Own 2022 capital only; the 2022-09-25 payment is after asOf.
    expect(body.summary.total).toEqual({ allocated: 1_500_000_000, disbursed: 900_000_000, rate: 60 });
    expect(body.summary.byProgram).toEqual([
      { program: "GNBV", allocated: 500_000_000, disbursed: 400_000_000, rate: 80 },
      { program: "NTM", allocated: 1_000_000_000, disbursed: 500_000_000, rate: 50 },
    ]);
    const m60 = body.summary.byMilestone.find((m) => m.id === "M60")!;
    expect(m60.unitCounts).toMatchObject({ met: 1, at_risk: 1, on_track: 0, missed: 0 });

    // DA/NTM: 500 of 1,000 million with 200 million in the last 30 days and 10 days left:
    // projected 566.67 million, not above 60% (at that pace it reaches 90% by 31/12). SB/GNBV
    // met M60 but paid nothing lately for M90.
    // A list this short fits in the overview's first page: the totals are its own.
    expect(body.atRisk.nextCursor).toBeNull();
    expect(body.atRisk.totals).toMatchObject({
      count: body.atRisk.items.length,
      shortfall: body.atRisk.items.reduce((s, i) => s + i.shortfall, 0),
    });
    const rateItems = body.atRisk.items.filter((i) => i.id === "M60" || i.id === "M90");
    expect(rateItems.map((i) => [i.unitCode, i.program, i.id, i.status, i.shortfall])).toEqual([
      ["DA", "NTM", "M60", "at_risk", 100_000_001],
      ["SB", "GNBV", "M90", "at_risk", 50_000_001],
    ]);
    expect(body.atRisk.items.find((i) => i.id === "M60")).toMatchObject({
      unitName: "Đơn vị DA",
      unitKind: "district",
      daysLeft: 10,
      requiredDailyPace: 10_000_001,
      projectedDisbursed: 566_666_666,
    });
  });

  it("defaults asOf to today, and is for admins and viewers", async () => {
    const res = await t.request("GET", "/api/v1/dashboard/overview", { key: viewer });
    expect(res.status).toBe(200);
    expect((res.body as { asOf: string }).asOf).toBe("2022-12-31");
    expect((await t.request("GET", "/api/v1/dashboard/overview", { key: officerA })).status).toBe(403);
    expect((await t.request("GET", "/api/v1/dashboard/overview", { key: null })).status).toBe(401);
    expect((await t.request("GET", "/api/v1/dashboard/overview", { key: "wrong-key" })).status).toBe(401);
  });

  it("rejects a bad date or an unknown plan year", async () => {
    expect((await t.request("GET", "/api/v1/dashboard/overview?asOf=2022-02-30")).status).toBe(400);
    expect((await t.request("GET", "/api/v1/dashboard/overview?asOf=2022-09-20&x=1")).status).toBe(400);
    expect((await t.request("GET", "/api/v1/dashboard/overview?planYear=2031")).status).toBe(404);
  });
});

type UnitView = {
  asOf: string;
  planYear: number;
  unit: { code: string; name: string; kind: string };
  milestones: { id: string; program: string; status: string; disbursed: number }[];
  ledger: {
    lines: { carriedOverFrom: number | null; allocated: number; disbursed: number }[];
    total: object;
  };
  series: {
    dates: string[];
    total: { allocated: number[]; disbursed: number[] };
    byProgram: { program: string; allocated: number[]; disbursed: number[] }[];
  };
  entries: {
    items: { kind: string; date: string; amount: number; reference: string }[];
    nextCursor: string | null;
    allocations: number;
    disbursements: number;
  };
  alerts: { milestoneId: string; stage: string; recipient: string; outcome: string }[];
};

describe("GET /api/v1/dashboard/units/{code}", () => {
  it("answers status, ledger lines, the daily series and the latest entries in one call", async () => {
    const res = await t.request("GET", "/api/v1/dashboard/units/DA?asOf=2022-09-20&entriesLimit=2");
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const v = res.body as UnitView;
    expect(v.unit).toMatchObject({ code: "DA", name: "Đơn vị DA", kind: "district" });
    const m60 = v.milestones.find((m) => m.id === "M60" && m.program === "NTM");
    expect(m60).toMatchObject({ status: "at_risk", disbursed: 500_000_000 });

    expect(v.ledger.lines).toHaveLength(2);
    expect(v.ledger.total).toEqual({
      allocated: 1_070_000_000,
      disbursed: 500_000_000,
      refunded: 0,
      carriedForward: 0,
      remaining: 570_000_000,
    });

    // One point a day from 1 January to asOf, own capital only, cumulative.
    expect(v.series.dates).toHaveLength(263);
    expect(v.series.dates[0]).toBe("2022-01-01");
    expect(v.series.dates.at(-1)).toBe("2022-09-20");
    const at = (d: string) => v.series.dates.indexOf(d);
    expect(v.series.total.allocated[at("2022-01-13")]).toBe(0);
    expect(v.series.total.allocated[at("2022-01-14")]).toBe(1_000_000_000);
    expect(v.series.total.allocated[at("2022-01-28")]).toBe(1_000_000_000);
    expect(v.series.total.disbursed[at("2022-02-28")]).toBe(0);
    expect(v.series.total.disbursed[at("2022-03-01")]).toBe(300_000_000);
    expect(v.series.total.disbursed[at("2022-09-09")]).toBe(300_000_000);
    expect(v.series.total.disbursed.at(-1)).toBe(500_000_000);
    expect(v.series.byProgram.map((p) => p.program)).toEqual(["NTM"]);
    expect(v.series.byProgram[0]!.disbursed).toEqual(v.series.total.disbursed);

    // Latest first, nothing after asOf; the counts say how many there are in all.
    expect(v.entries).toMatchObject({ allocations: 2, disbursements: 2 });
    expect(v.entries.items.map((e) => [e.kind, e.date, e.amount])).toEqual([
      ["disbursement", "2022-09-10", 200_000_000],
      ["disbursement", "2022-03-01", 300_000_000],
    ]);
    expect(v.entries.nextCursor).toBeTruthy();

    const next = await t.request(
      "GET",
      `/api/v1/dashboard/units/DA/entries?asOf=2022-09-20&limit=5&cursor=${v.entries.nextCursor}`,
    );
    expect(next.status, JSON.stringify(next.body)).toBe(200);
    const page = next.body as UnitView["entries"];
    expect(page.items.map((e) => [e.kind, e.date, e.amount])).toEqual([
      ["allocation", "2022-01-28", 70_000_000],
      ["allocation", "2022-01-14", 1_000_000_000],
    ]);
    expect(page.nextCursor).toBeNull();
  });

  it("shows the alerts sent to the unit up to asOf", async () => {
    const run = await t.request("POST", "/api/v1/alerts/run?asOf=2022-09-20");
    expect(run.status, JSON.stringify(run.body)).toBe(200);
    const v = (await t.request("GET", "/api/v1/dashboard/units/DA?asOf=2022-09-20")).body as UnitView;
    expect(v.alerts.length).toBeGreaterThan(0);
    expect(v.alerts.some((a) => a.stage === "at_risk" && a.milestoneId === "M60")).toBe(true);
    // An earlier date shows none of them yet.
    const before = (await t.request("GET", "/api/v1/dashboard/units/DA?asOf=2022-09-19")).body as UnitView;
    expect(before.alerts).toEqual([]);
  });

  it("is empty but well-formed before the plan year starts", async () => {
    const res = await t.request("GET", "/api/v1/dashboard/units/SB?asOf=2022-01-01&planYear=2022");
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const v = res.body as UnitView;
    expect(v.series.dates).toEqual([]);
    expect(v.entries.items).toEqual([]);
  });

  it("lets an officer open their own unit only, and needs a key", async () => {
    expect((await t.request("GET", "/api/v1/dashboard/units/DA", { key: officerA })).status).toBe(200);
    expect((await t.request("GET", "/api/v1/dashboard/units/SB", { key: officerA })).status).toBe(403);
    expect((await t.request("GET", "/api/v1/dashboard/units/SB/entries", { key: officerA })).status).toBe(
      403,
    );
    expect((await t.request("GET", "/api/v1/dashboard/units/DA", { key: null })).status).toBe(401);
    expect((await t.request("GET", "/api/v1/dashboard/units/NOPE")).status).toBe(404);
    expect((await t.request("GET", "/api/v1/dashboard/units/DA/entries?cursor=x")).status).toBe(400);
  });
});

describe("amounts above 2^53, as the dashboard reads them", () => {
  let big: BigProvince;
  beforeAll(async () => {
    // DTTS has no other entries in this file: its totals are the big programme's alone.
    big = await postProgramAbove2To53(t, "DTTS", "BIG");
  });

  it("travel to the last đồng through the dashboard's own parser and formatter", async () => {
    const res = await t.app.inject({
      method: "GET",
      url: `/api/v1/dashboard/overview?asOf=${BIG_ASOF}`,
      headers: { authorization: `Bearer ${viewer}` },
    });
    expect(res.statusCode, res.body).toBe(200);
    // The service writes the exact digits; JSON.parse (res.json() in a browser) would round them.
    expect(res.body).toContain(`"disbursed":${BIG_DISBURSED}`);
    expect(BigInt(Number(BIG_DISBURSED))).not.toBe(BIG_DISBURSED);

    const view = parseJson(res.body, { bigintKeys: AMOUNT_KEYS }) as Overview;
    const dtts = view.summary.byProgram.find((p) => p.program === "DTTS")!;
    expect(dtts).toMatchObject({ allocated: BIG_ALLOCATED, disbursed: BIG_DISBURSED });
    expect(vnd(dtts.disbursed)).toBe("10.808.639.105.689.189 đ");
    expect(vnd(dtts.allocated)).toBe("12.000.000.000.000.000 đ");
    // The other programmes' 1,150,000,000 đ (DA and SB, all paid by 25/09) add up exactly.
    expect(view.summary.total.disbursed).toBe(BIG_DISBURSED + 1_150_000_000n);
    expect(vnd(view.summary.total.disbursed)).toBe("10.808.640.255.689.189 đ");

    // The unit at 70% for M90: its figures, shortfall and rate as the rules decided them.
    const item = view.atRisk.items.find((i) => i.unitCode === big.atRisk.unitCode && i.id === "M90")!;
    expect(item).toMatchObject({
      status: "at_risk",
      allocated: big.atRisk.allocated,
      disbursed: big.atRisk.disbursed,
      shortfall: 3_600_000_000_000_001n - big.atRisk.disbursed,
      projectedDisbursed: big.atRisk.disbursed,
    });
    expect(pct(item.rate)).toBe("70,21%");
    expect(vnd(item.shortfall)).toBe("791.360.894.310.812 đ");
    // The list's total shortfall, past 2^53, arrives to the last đồng too.
    expect(typeof view.atRisk.totals.shortfall).toBe("bigint");
    expect(view.atRisk.totals.shortfall).toBeGreaterThanOrEqual(item.shortfall);
  });
});
