import { describe, expect, it } from "vitest";
import type { LocalDate } from "./local-date.js";
import { DEFAULT_PLAN_2022, type RateMilestone } from "./plan.js";
import { evaluateUnit, type LedgerEntry, scopeFiguresFromEntries } from "./reference-ledger.js";

const [M60, , C100] = DEFAULT_PLAN_2022.milestones as [RateMilestone, RateMilestone, RateMilestone];
const KEY = { unitCode: "TAY_GIANG", program: "NTM", planYear: 2022 };

function entry(
  kind: LedgerEntry["kind"],
  amount: bigint,
  date: LocalDate,
  over: Partial<LedgerEntry> = {},
): LedgerEntry {
  return {
    unitCode: "TAY_GIANG",
    program: "NTM",
    planYear: 2022,
    carriedOverFrom: null,
    source: "central",
    capitalType: "investment",
    amount,
    date,
    kind,
    ...over,
  };
}
const alloc = (amount: bigint, date: LocalDate, over?: Partial<LedgerEntry>) =>
  entry("allocation", amount, date, over);
const disb = (amount: bigint, date: LocalDate, over?: Partial<LedgerEntry>) =>
  entry("disbursement", amount, date, over);

describe("scopeFiguresFromEntries", () => {
  it("keeps own and carried-over capital apart", () => {
    const entries = [
      alloc(1_000n, "2022-01-10"),
      disb(300n, "2022-05-01"),
      alloc(500n, "2022-01-10", { carriedOverFrom: 2021 }),
      disb(200n, "2022-05-01", { carriedOverFrom: 2021 }),
      alloc(9_999n, "2021-03-01", { planYear: 2021 }),
    ];
    expect(scopeFiguresFromEntries(entries, KEY, M60, "2022-06-01", 30)).toEqual({
      allocated: 1_000n,
      disbursed: 300n,
      recentDisbursed: 0n,
    });
    expect(scopeFiguresFromEntries(entries, KEY, C100, "2022-06-01", 30)).toMatchObject({
      allocated: 500n,
      disbursed: 200n,
    });
  });

  it("ignores other units, programmes and entries after the cutoff; signed adjustments count", () => {
    const entries = [
      alloc(1_000n, "2022-01-10"),
      alloc(-100n, "2022-08-01"),
      alloc(5_000n, "2022-01-10", { unitCode: "NAM_GIANG" }),
      alloc(5_000n, "2022-01-10", { program: "GNBV" }),
      alloc(777n, "2022-10-01"),
      disb(50n, "2022-09-30"),
      disb(60n, "2022-10-01"),
    ];
    expect(scopeFiguresFromEntries(entries, KEY, M60, "2022-12-31", 30)).toEqual({
      allocated: 900n,
      disbursed: 50n,
      recentDisbursed: 50n,
    });
  });

  it("counts recent disbursements in [windowStart, cutoff] inclusive", () => {
    const entries = [
      alloc(1_000n, "2022-01-10"),
      disb(1n, "2022-08-31"),
      disb(10n, "2022-09-01"),
      disb(100n, "2022-09-30"),
    ];
    expect(scopeFiguresFromEntries(entries, KEY, M60, "2022-09-30", 30).recentDisbursed).toBe(110n);
    expect(scopeFiguresFromEntries(entries, KEY, M60, "2022-09-29", 30).recentDisbursed).toBe(11n);
  });

  it("applies the milestone's programme, source and capital-type filters", () => {
    const entries = [
      alloc(1_000n, "2022-01-10"),
      alloc(400n, "2022-01-10", { source: "provincial", capitalType: "recurrent" }),
    ];
    const central: RateMilestone = { ...M60, source: "central" };
    const recurrent: RateMilestone = { ...M60, capitalType: "recurrent" };
    const otherProgram: RateMilestone = { ...M60, program: "DTTS" };
    expect(scopeFiguresFromEntries(entries, KEY, M60, "2022-06-01", 30).allocated).toBe(1_400n);
    expect(scopeFiguresFromEntries(entries, KEY, central, "2022-06-01", 30).allocated).toBe(1_000n);
    expect(scopeFiguresFromEntries(entries, KEY, recurrent, "2022-06-01", 30).allocated).toBe(400n);
    expect(scopeFiguresFromEntries(entries, KEY, otherProgram, "2022-06-01", 30).allocated).toBe(0n);
  });
});

describe("M60 around the due date, through the ledger", () => {
  const base = [alloc(1_000_000_000n, "2022-01-15"), disb(600_000_000n, "2022-07-20")];
  const m60 = (entries: LedgerEntry[], asOf: LocalDate) =>
    evaluateUnit(entries, "TAY_GIANG", DEFAULT_PLAN_2022, asOf).find((e) => e.id === "M60");

  it.each([
    ["2022-09-29", "at_risk", 1],
    ["2022-09-30", "at_risk", 0],
    ["2022-10-01", "missed", 0],
  ] as const)("disbursed exactly at the threshold, on %s → %s", (asOf, status, daysLeft) => {
    expect(m60(base, asOf)).toMatchObject({
      status,
      daysLeft,
      rate: 60,
      shortfall: 1n,
      disbursed: 600_000_000n,
    });
  });

  it("a disbursement dated 2022-10-01 does not rescue a missed M60", () => {
    const late = [...base, disb(1n, "2022-10-01")];
    expect(m60(late, "2022-10-01")).toMatchObject({ status: "missed", disbursed: 600_000_000n });
    expect(m60(late, "2022-12-31")).toMatchObject({ status: "missed", disbursed: 600_000_000n });
  });

  it("one more đồng dated on the due date meets it", () => {
    const inTime = [...base, disb(1n, "2022-09-30")];
    expect(m60(inTime, "2022-09-30")?.status).toBe("met");
    expect(m60(inTime, "2022-10-01")?.status).toBe("met");
  });
});

describe("evaluateUnit", () => {
  it("evaluates every (programme, milestone), by programme then due date, with the programme attached", () => {
    const entries = [
      alloc(1_000n, "2022-01-10", { program: "NTM" }),
      alloc(1_000n, "2022-01-10", { program: "DTTS", carriedOverFrom: 2021 }),
      disb(1_000n, "2022-03-01", { program: "DTTS", carriedOverFrom: 2021 }),
      alloc(1_000n, "2022-01-10", { program: "GNBV", unitCode: "NAM_GIANG" }),
    ];
    const rows = evaluateUnit(entries, "TAY_GIANG", DEFAULT_PLAN_2022, "2022-06-01");
    expect(rows.map((r) => `${r.program}/${r.id}/${r.status}`)).toEqual([
      "DTTS/M60/not_applicable",
      "DTTS/REQ/not_applicable",
      "DTTS/C100/met",
      "DTTS/M90/not_applicable",
      "DTTS/REF/not_applicable",
      "NTM/M60/at_risk",
      "NTM/REQ/not_applicable",
      "NTM/C100/not_applicable",
      "NTM/M90/at_risk",
      "NTM/REF/on_track",
    ]);
  });

  it("skips programmes known only after asOf and milestones aimed at another programme", () => {
    const plan = { ...DEFAULT_PLAN_2022, milestones: [M60, { ...M60, id: "M60_GNBV", program: "GNBV" }] };
    const entries = [alloc(1_000n, "2022-01-10"), alloc(1_000n, "2022-07-01", { program: "GNBV" })];
    expect(evaluateUnit(entries, "TAY_GIANG", plan, "2022-06-01").map((r) => `${r.program}/${r.id}`)).toEqual(
      ["NTM/M60"],
    );
    expect(evaluateUnit(entries, "TAY_GIANG", plan, "2022-07-01").map((r) => `${r.program}/${r.id}`)).toEqual(
      ["GNBV/M60", "GNBV/M60_GNBV", "NTM/M60"],
    );
  });

  it("returns nothing for a unit without entries", () => {
    expect(evaluateUnit([], "TAY_GIANG", DEFAULT_PLAN_2022, "2022-06-01")).toEqual([]);
  });
});
