// Closed milestones keep their verdict: closing records every pair's verdict as of the due date,
// later readings show it beside today's, and knownAt answers as the service would have then.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localDateToUtcDate } from "../src/domain/local-date.js";
import { createUnit, postAllocation, postDisbursement } from "./factories.js";
import { expectPagesAsWholeList } from "./helpers/lean-pages.js";
import { createTestApp, fixedClock, type TestApp } from "./helpers/test-app.js";

const TODAY = "2022-12-31T05:00:00Z"; // 2022-12-31 in Hà Nội
const clock = fixedClock(TODAY);
let t: TestApp;
let missing: string; // 50% at 30/9: misses M60 ("above 60%")
let meeting: string; // 70% at 30/9: meets it
let later: string; // posts spread over time after the closed period, for knownAt
let beforeClose: Date;
let beforeAmendment: Date;
let beforeRestatement: Date;

type Row = {
  id: string;
  program: string;
  status: string;
  allocated: number;
  disbursed: number;
  rate: number | null;
  shortfall: number;
  threshold: number;
  closed?: boolean;
  recordedStatus?: string;
  restated?: boolean;
  recorded?: { status: string; allocated: number; disbursed: number; rate: number | null; shortfall: number };
};
type Verdict = Pick<Row, "status" | "allocated" | "disbursed" | "rate" | "shortfall"> & {
  unitCode: string;
  program: string;
};
type Closing = {
  planYear: number;
  milestoneId: string;
  planVersion: number;
  dueOn: string;
  closedBy: string;
  document: string;
  reason: string;
  automatic: boolean;
  counts: Record<string, number>;
  verdicts?: Verdict[];
};

const CLOSE_BODY = { document: "Biên bản 12/BB-BCĐ ngày 05/10/2022", reason: "Kiểm điểm mốc 30/9" };
const tick = () => new Promise((r) => setTimeout(r, 15));

async function get<T>(url: string, key?: string): Promise<T> {
  const res = await t.request("GET", url, key ? { key } : {});
  expect(res.status, `${url}: ${JSON.stringify(res.body)}`).toBe(200);
  return res.body as T;
}
const close = (id: string, year = 2022, body: unknown = CLOSE_BODY, key?: string) =>
  t.request("POST", `/api/v1/plans/${year}/milestones/${id}/close`, { body, ...(key ? { key } : {}) });
const statusOf = async (unit: string, query = "") =>
  (await get<{ milestones: Row[] }>(`/api/v1/units/${unit}/status${query}`)).milestones;
const m60 = (rows: Row[]) => rows.find((r) => r.id === "M60" && r.program === "NTM")!;
const m90 = (rows: Row[]) => rows.find((r) => r.id === "M90" && r.program === "NTM")!;
const at = (d: Date) => encodeURIComponent(d.toISOString());

beforeAll(async () => {
  t = await createTestApp({ clock });
  missing = (await createUnit(t)).code;
  meeting = (await createUnit(t)).code;
  later = (await createUnit(t)).code;
  for (const [unitCode, paid] of [
    [missing, 500_000_000],
    [meeting, 700_000_000],
  ] as const) {
    await postAllocation(t, { unitCode });
    await postDisbursement(t, { unitCode, amount: paid, reference: `KBNN-${unitCode}` });
  }
});
afterAll(() => t?.close());

describe("closing a milestone", () => {
  it("refuses before the due date has passed, for an unknown plan or milestone, and for non-admins", async () => {
    clock.set("2022-09-30T16:59:00Z"); // 23:59 on 30/9 in Hà Nội: the due date itself
    const early = await close("M60");
    expect(early.status, JSON.stringify(early.body)).toBe(422);
    expect(early.body).toMatchObject({
      error: "rule_violation",
      issues: [{ path: "params.id", rule: "not_yet_due" }],
    });
    clock.set(TODAY);

    expect((await close("M60", 2031)).status).toBe(404);
    expect((await close("NOPE")).status).toBe(404);
    const viewer = await t.keyFor("viewer");
    const officer = await t.keyFor("officer", [missing]);
    expect((await close("M60", 2022, CLOSE_BODY, viewer)).status).toBe(403);
    expect((await close("M60", 2022, CLOSE_BODY, officer)).status).toBe(403);
    const noReason = await close("M60", 2022, { document: "x" });
    expect(noReason.status).toBe(400);
    expect(await t.db.prisma.milestoneClosing.count()).toBe(0);
  });

  it("records each pair's verdict and figures as of the due date, equal to the status answer", async () => {
    beforeClose = new Date();
    await tick();
    const res = await close("M60");
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const closing = res.body as Closing;
    expect(closing).toMatchObject({
      planYear: 2022,
      milestoneId: "M60",
      planVersion: 0,
      dueOn: "2022-09-30",
      closedBy: "admin:bootstrap-admin",
      automatic: false,
      ...CLOSE_BODY,
      counts: { met: 1, missed: 1 },
    });
    const byUnit = new Map(closing.verdicts!.map((v) => [v.unitCode, v]));
    expect(byUnit.get(missing)).toEqual({
      unitCode: missing,
      program: "NTM",
      status: "missed",
      allocated: 1_000_000_000,
      disbursed: 500_000_000,
      rate: 50,
      shortfall: 100_000_001,
    });
    // The verdict is what the status answered the day after the due date, figures included.
    for (const unit of [missing, meeting]) {
      const row = m60(await statusOf(unit, "?asOf=2022-10-01"));
      const v = byUnit.get(unit)!;
      expect({ ...v, unitCode: undefined }).toEqual({
        unitCode: undefined,
        program: row.program,
        status: row.status,
        allocated: row.allocated,
        disbursed: row.disbursed,
        rate: row.rate,
        shortfall: row.shortfall,
      });
    }

    const list = await get<{ items: Closing[] }>("/api/v1/plans/2022/closings");
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({ milestoneId: "M60", counts: { met: 1, missed: 1 } });
    const audit = await get<{ items: { action: string; entityId: string; document: string }[] }>(
      "/api/v1/audit?entity=milestone",
    );
    expect(audit.items).toEqual([
      expect.objectContaining({ entityId: "2022:M60", action: "closed", document: CLOSE_BODY.document }),
    ]);
  });

  it("answers 409 when already closed, also to a concurrent second close, never 500", async () => {
    const again = await close("M60");
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      error: "conflict",
      issues: [{ path: "params.id", rule: "already_closed" }],
    });

    // Two admins close REQ at once: one records it, the other is told it is closed.
    const both = await Promise.all([close("REQ"), close("REQ")]);
    expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
    const req = both.find((r) => r.status === 201)!.body as Closing;
    // The request milestone rests on M60: the unit that missed it and sent nothing missed REQ.
    expect(req.verdicts!.find((v) => v.unitCode === missing)).toMatchObject({ status: "missed" });
    expect(await t.db.prisma.milestoneClosing.count()).toBe(2);
    expect(await t.db.prisma.auditEvent.count({ where: { entity: "milestone" } })).toBe(2);
  });
});

describe("readings of a closed milestone", () => {
  it("status, at-risk, summary and the dashboard carry the recorded verdict", async () => {
    expect(m60(await statusOf(missing))).toMatchObject({
      status: "missed",
      closed: true,
      recordedStatus: "missed",
    });
    expect(m60(await statusOf(missing))).not.toHaveProperty("restated");
    const met = m60(await statusOf(meeting));
    expect(met).toMatchObject({ status: "met", closed: true, recordedStatus: "met" });
    // M90 is not closed: no marks.
    expect((await statusOf(missing)).find((r) => r.id === "M90")).not.toHaveProperty("closed");
    // Up to the due date a reading is not the closed verdict.
    expect(m60(await statusOf(missing, "?asOf=2022-09-30"))).not.toHaveProperty("closed");

    const atRisk = await get<{ items: (Row & { unitCode: string })[] }>("/api/v1/at-risk?milestone=M60");
    expect(atRisk.items.find((i) => i.unitCode === missing)).toMatchObject({
      status: "missed",
      closed: true,
      recordedStatus: "missed",
    });

    type S = {
      byMilestone: { id: string; counts: Record<string, number>; closing?: Record<string, unknown> }[];
    };
    const summary = await get<S>("/api/v1/reports/summary");
    const s60 = summary.byMilestone.find((m) => m.id === "M60")!;
    expect(s60.closing).toMatchObject({
      closedBy: "admin:bootstrap-admin",
      document: CLOSE_BODY.document,
      automatic: false,
      recordedCounts: { met: 1, missed: 1, not_applicable: 0, on_track: 0, at_risk: 0 },
      restated: 0,
    });
    expect(summary.byMilestone.find((m) => m.id === "M90")).not.toHaveProperty("closing");

    const overview = await get<{ atRisk: { items: Row[] }; summary: S }>("/api/v1/dashboard/overview");
    expect(overview.summary.byMilestone.find((m) => m.id === "M60")!.closing).toMatchObject({ restated: 0 });
    expect(overview.atRisk.items.find((i) => i.id === "M60")).toMatchObject({
      closed: true,
      recordedStatus: "missed",
    });
    const unitView = await get<{ milestones: Row[] }>(`/api/v1/dashboard/units/${missing}`);
    expect(m60(unitView.milestones)).toMatchObject({ closed: true, recordedStatus: "missed" });
  });

  it("an at-risk page judged lean shows the whole list's rows, marks and all", async () => {
    await expectPagesAsWholeList(t, ["2022-10-15", "2022-12-31"], [{}, { milestone: "M60" }]);
  });

  it("knownAt before the closing answers without it", async () => {
    const row = m60(await statusOf(missing, `?asOf=2022-12-31&knownAt=${at(beforeClose)}`));
    expect(row.status).toBe("missed");
    expect(row).not.toHaveProperty("closed");
    type S = { byMilestone: { id: string; closing?: unknown }[] };
    const s = await get<S>(`/api/v1/reports/summary?asOf=2022-12-31&knownAt=${at(beforeClose)}`);
    expect(s.byMilestone.find((m) => m.id === "M60")).not.toHaveProperty("closing");
  });
});

describe("knownAt", () => {
  it("answers with the entries recorded by then", async () => {
    // Dated after M60's due date: outside its closed period, so nothing is restated.
    await postAllocation(t, { unitCode: later, decidedOn: "2022-10-05" });
    await tick();
    const between = new Date();
    await tick();
    await postDisbursement(t, {
      unitCode: later,
      amount: 300_000_000,
      disbursedOn: "2022-11-01",
      reference: "KBNN-later",
    });

    const then = m90(await statusOf(later, `?asOf=2022-12-31&knownAt=${at(between)}`));
    const now = m90(await statusOf(later, "?asOf=2022-12-31"));
    expect(then).toMatchObject({ allocated: 1_000_000_000, disbursed: 0 });
    expect(now).toMatchObject({ allocated: 1_000_000_000, disbursed: 300_000_000 });
    expect(m60(await statusOf(later))).toMatchObject({ status: "not_applicable", closed: true });
    expect(m60(await statusOf(later))).not.toHaveProperty("restated");

    const ledger = await get<{ asOf: string; total: { disbursed: number } }>(
      `/api/v1/units/${later}/ledger?knownAt=${at(between)}`,
    );
    expect(ledger.total.disbursed).toBe(0);
    expect(
      (await get<{ total: { disbursed: number } }>(`/api/v1/units/${later}/ledger`)).total.disbursed,
    ).toBe(300_000_000);

    // Without asOf, knownAt's own local date is the reading's date.
    const dated = await get<{ asOf: string }>(
      `/api/v1/units/${later}/status?knownAt=2022-10-01T00:30:00%2B07:00`,
    );
    expect(dated.asOf).toBe("2022-10-01");
    // An unescaped "+" (read as a space) is still the offset.
    const plus = await t.request("GET", `/api/v1/units/${later}/ledger?knownAt=2022-10-01T00:30:00+07:00`);
    expect(plus.status).toBe(200);
    expect((plus.body as { asOf: string }).asOf).toBe("2022-10-01");

    const summary = await get<{ total: { disbursed: number } }>(
      `/api/v1/reports/summary?asOf=2022-12-31&knownAt=${at(between)}`,
    );
    const summaryNow = await get<{ total: { disbursed: number } }>("/api/v1/reports/summary");
    expect(summaryNow.total.disbursed - summary.total.disbursed).toBe(300_000_000);
    const atRisk = await get<{ items: { unitCode: string; id: string; disbursed: number }[] }>(
      `/api/v1/at-risk?asOf=2022-12-31&knownAt=${at(between)}`,
    );
    expect(atRisk.items.find((i) => i.unitCode === later && i.id === "M90")).toMatchObject({ disbursed: 0 });
  });

  it("answers with the plan version in force then", async () => {
    const { plan } = await get<{ plan: { milestones: { id: string; thresholdPercent?: string }[] } }>(
      "/api/v1/plans/2022",
    );
    beforeAmendment = new Date();
    await tick();
    // C100 (2021 capital carried over) is neither closed nor what a closed milestone rests on.
    const amended = {
      ...plan,
      milestones: plan.milestones.map((m) => (m.id === "C100" ? { ...m, thresholdPercent: "95" } : m)),
      amendment: { act: { document: "99/QĐ-UBND", issuedOn: "2022-12-01" }, reason: "test" },
    };
    const put = await t.request("PUT", "/api/v1/plans/2022", { body: amended });
    expect(put.status, JSON.stringify(put.body)).toBe(200);

    const c100 = (rows: Row[]) => rows.find((r) => r.id === "C100")!;
    expect(c100(await statusOf(missing)).threshold).toBe(95);
    expect(c100(await statusOf(missing, `?asOf=2022-12-31&knownAt=${at(beforeAmendment)}`)).threshold).toBe(
      100,
    );
    // Version 0, the built-in plan, was in force from the start (no entry was known then).
    const early = await get<{ planYear: number; milestones: Row[] }>(
      `/api/v1/units/${missing}/status?asOf=2022-12-31&knownAt=2000-01-01T00:00:00Z`,
    );
    expect(early).toMatchObject({ planYear: 2022, milestones: [] });
  });

  it("refuses a malformed knownAt, naming it", async () => {
    for (const bad of ["yesterday", "2023-01-05", "2023-01-05T10:00:00", "2023-02-30T10:00:00Z"]) {
      for (const url of [
        `/api/v1/units/${missing}/status`,
        "/api/v1/at-risk",
        "/api/v1/reports/summary",
        `/api/v1/units/${missing}/ledger`,
      ]) {
        const res = await t.request("GET", `${url}?knownAt=${encodeURIComponent(bad)}`);
        expect(res.status, `${url} ${bad}`).toBe(400);
        expect(JSON.stringify(res.body)).toContain("querystring.knownAt");
      }
    }
  });
});

describe("a restated closed milestone", () => {
  it("shows today's reading, the recorded verdict and the figures recorded at closing", async () => {
    beforeRestatement = new Date();
    await tick();
    // A late entry dated inside the closed period, written past the service (the ledger's
    // closed_period rule refuses it through the API unless an admin restates).
    await t.db.prisma.disbursement.create({
      data: {
        unitCode: missing,
        programCode: "NTM",
        planYear: 2022,
        source: "central",
        capitalType: "investment",
        amount: 200_000_000n,
        disbursedOn: localDateToUtcDate("2022-09-15"),
        reference: "KBNN-restated",
        postedBy: "test",
      },
    });

    const recorded = {
      status: "missed",
      allocated: 1_000_000_000,
      disbursed: 500_000_000,
      rate: 50,
      shortfall: 100_000_001,
    };
    const row = m60(await statusOf(missing));
    expect(row).toMatchObject({
      status: "met",
      disbursed: 700_000_000,
      closed: true,
      recordedStatus: "missed",
      restated: true,
      recorded,
    });
    // As known before the late entry, nothing was restated.
    const before = m60(await statusOf(missing, `?asOf=2022-12-31&knownAt=${at(beforeRestatement)}`));
    expect(before).toMatchObject({ status: "missed", closed: true, recordedStatus: "missed" });
    expect(before).not.toHaveProperty("restated");

    // The at-risk list keeps the pair recorded as missed, with both readings.
    const atRisk = await get<{ items: (Row & { unitCode: string })[] }>("/api/v1/at-risk?milestone=M60");
    expect(atRisk.items.find((i) => i.unitCode === missing)).toMatchObject({
      status: "met",
      recordedStatus: "missed",
      restated: true,
      recorded,
    });

    type S = {
      byMilestone: { id: string; counts: Record<string, number>; closing?: Record<string, unknown> }[];
    };
    const s60 = (await get<S>("/api/v1/reports/summary")).byMilestone.find((m) => m.id === "M60")!;
    expect(s60.counts).toMatchObject({ met: 2, missed: 0, not_applicable: 1 });
    expect(s60.closing).toMatchObject({ recordedCounts: { met: 1, missed: 1 }, restated: 1 });

    const unitView = await get<{ milestones: Row[] }>(`/api/v1/dashboard/units/${missing}`);
    expect(m60(unitView.milestones)).toMatchObject({ restated: true, recorded });
    const overview = await get<{ atRisk: { items: (Row & { unitCode: string })[] } }>(
      "/api/v1/dashboard/overview",
    );
    expect(overview.atRisk.items.find((i) => i.unitCode === missing && i.id === "M60")).toMatchObject({
      restated: true,
      recordedStatus: "missed",
    });
  });
});

describe("a restated closed milestone, a page at a time", () => {
  it("an at-risk page judged lean shows the whole list's rows, restatements and all", async () => {
    await expectPagesAsWholeList(t, ["2022-10-15", "2022-12-31"], [{}, { milestone: "M60" }]);
  });
});

describe("automatic closing", () => {
  it("closes a milestone N days after its due date, once, as the system; off in the built-in 2022 plan", async () => {
    const plan2021 = {
      title: "Kế hoạch thử năm 2021",
      projectionWindowDays: 30,
      milestones: [
        {
          id: "H1",
          kind: "rate",
          title: "Giải ngân trên 50% kế hoạch vốn năm 2021",
          scope: { kind: "own" },
          thresholdPercent: "50",
          comparison: "gt",
          dueOn: "2021-06-30",
          legalBasis: { document: "KH 2021", issuedOn: null },
          autoCloseAfterDays: 10,
        },
      ],
    };
    const put = await t.request("PUT", "/api/v1/plans/2021", { body: plan2021 });
    expect(put.status, JSON.stringify(put.body)).toBe(200);

    expect(await t.container.closings.autoClose("2021-07-09")).toEqual([]);
    expect(await t.container.closings.autoClose("2021-07-10")).toEqual([
      { planYear: 2021, milestoneId: "H1" },
    ]);
    // A rerun, or a second instance, changes nothing.
    const reruns = await Promise.all([
      t.container.closings.autoClose("2021-07-11"),
      t.container.closings.autoClose("2021-07-11"),
    ]);
    expect(reruns).toEqual([[], []]);

    const list = await get<{ items: Closing[] }>("/api/v1/plans/2021/closings");
    expect(list.items).toEqual([
      expect.objectContaining({ milestoneId: "H1", closedBy: "system", automatic: true, planVersion: 1 }),
    ]);
    // 2022's milestones are long past due, but the built-in plan never closes them itself.
    const closed2022 = await get<{ items: Closing[] }>("/api/v1/plans/2022/closings");
    expect(closed2022.items.map((c) => c.milestoneId).sort()).toEqual(["M60", "REQ"]);
  });
});
