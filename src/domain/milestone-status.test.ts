import { describe, expect, it } from "vitest";
import {
  evaluateMilestone,
  figuresWindow,
  isWorse,
  type ScopeFigures,
  STATUS_SEVERITY,
} from "./milestone-status.js";
import { DEFAULT_PLAN_2022, type RateMilestone } from "./plan.js";

const [M60, M90, C100] = DEFAULT_PLAN_2022.milestones as [RateMilestone, RateMilestone, RateMilestone];
const A = 1_000_000_000n;
const W = 30;

function figures(disbursed: bigint, recentDisbursed = 0n, allocated = A): ScopeFigures {
  return { allocated, disbursed, recentDisbursed };
}

describe("figuresWindow", () => {
  it("cuts at asOf before the due date and at the due date after it", () => {
    expect(figuresWindow(M60, "2022-09-29", W)).toEqual({ cutoff: "2022-09-29", windowStart: "2022-08-31" });
    expect(figuresWindow(M60, "2022-09-30", W)).toEqual({ cutoff: "2022-09-30", windowStart: "2022-09-01" });
    expect(figuresWindow(M60, "2022-10-01", W)).toEqual({ cutoff: "2022-09-30", windowStart: "2022-09-01" });
    expect(figuresWindow(M60, "2022-09-30", 1)).toEqual({ cutoff: "2022-09-30", windowStart: "2022-09-30" });
  });

  it("refuses a window that is not a positive whole number of days", () => {
    expect(() => figuresWindow(M60, "2022-09-30", 0)).toThrow(RangeError);
    expect(() => figuresWindow(M60, "2022-09-30", 1.5)).toThrow(RangeError);
    expect(() => figuresWindow(M60, "2022-9-30", 30)).toThrow(RangeError);
    expect(() => evaluateMilestone(figures(1n), M60, "2022-13-01", 30)).toThrow(RangeError);
  });
});

describe("M60 (strictly above 60%) at exact boundaries", () => {
  it.each([
    // The rate is rounded toward the verdict: down when unmet, up when met; 60.00 is exact.
    [599_999_999n, "at_risk", 2n, 59.99],
    [600_000_000n, "at_risk", 1n, 60],
    [600_000_001n, "met", 0n, 60.01],
  ] as const)("disbursed %s on the due date → %s, shortfall %s", (disbursed, status, shortfall, rate) => {
    const e = evaluateMilestone(figures(disbursed), M60, "2022-09-30", W);
    expect(e).toMatchObject({ status, shortfall, rate, threshold: 60, comparison: "gt", daysLeft: 0 });
    expect(e.requiredDailyPace).toBe(status === "met" ? 0n : shortfall);
  });

  it("the day before: one day left, the recent pace decides", () => {
    const slow = evaluateMilestone(figures(599_999_999n, 0n), M60, "2022-09-29", W);
    expect(slow).toMatchObject({ status: "at_risk", daysLeft: 1, shortfall: 2n, requiredDailyPace: 2n });
    // 60 đ in 30 days projects 2 đ for the last day: exactly 60.00%, not above it.
    const exact = evaluateMilestone(figures(599_999_998n, 60n), M60, "2022-09-29", W);
    expect(exact).toMatchObject({ status: "at_risk", projectedDisbursed: 600_000_000n });
    expect(exact).toMatchObject({ projectedRate: 60 });
    // 61 đ projects 2.03 đ: 600,000,000.03 is above 60%, so the figures are rounded up to agree.
    const enough = evaluateMilestone(figures(599_999_998n, 61n), M60, "2022-09-29", W);
    expect(enough).toMatchObject({
      status: "on_track",
      projectedDisbursed: 600_000_001n,
      projectedRate: 60.01,
    });
  });

  it("the day after: figures are final, unmet becomes missed", () => {
    const missed = evaluateMilestone(figures(600_000_000n), M60, "2022-10-01", W);
    expect(missed).toMatchObject({ status: "missed", shortfall: 1n, daysLeft: 0, rate: 60 });
    expect(missed).toMatchObject({ requiredDailyPace: null, projectedRate: null, projectedDisbursed: null });
    expect(evaluateMilestone(figures(600_000_001n), M60, "2022-10-01", W).status).toBe("met");
  });
});

describe("C100 (at least 100% of carried-over capital)", () => {
  it("needs every đồng", () => {
    expect(evaluateMilestone(figures(A - 1n), C100, "2022-12-31", W)).toMatchObject({
      status: "at_risk",
      shortfall: 1n,
      rate: 99.99,
    });
    expect(evaluateMilestone(figures(A), C100, "2022-12-31", W)).toMatchObject({
      status: "met",
      shortfall: 0n,
    });
    expect(evaluateMilestone(figures(A - 1n), C100, "2023-01-01", W).status).toBe("missed");
  });
});

describe("projection", () => {
  it("extrapolates the last window's pace to the due date", () => {
    // 2022-12-01 → 30 days left; 300M in the last 30 days projects another 300M.
    const e = evaluateMilestone(figures(650_000_000n, 300_000_000n), M90, "2022-12-01", W);
    expect(e).toMatchObject({
      status: "on_track",
      daysLeft: 30,
      projectedDisbursed: 950_000_000n,
      projectedRate: 95,
    });
    expect(e.shortfall).toBe(250_000_001n);
    expect(e.requiredDailyPace).toBe(8_333_334n);
  });

  it("caps the projected amount at the allocation", () => {
    const e = evaluateMilestone(figures(800_000_000n, 900_000_000n), M90, "2022-12-01", W);
    expect(e).toMatchObject({ status: "on_track", projectedDisbursed: A, projectedRate: 100 });
  });

  it("is at risk when the recent pace falls short", () => {
    const e = evaluateMilestone(figures(650_000_000n, 30_000_000n), M90, "2022-12-01", W);
    expect(e).toMatchObject({ status: "at_risk", projectedDisbursed: 680_000_000n, projectedRate: 68 });
  });

  it("decides without flooring the projected amount", () => {
    // recent 1 đ over 30 days with 30 days left projects exactly 1 đ; over 31 days a fraction.
    const exact = evaluateMilestone(figures(600_000_000n, 1n), M60, "2022-08-31", W);
    expect(exact).toMatchObject({ status: "on_track", projectedDisbursed: 600_000_001n });
    const fraction = evaluateMilestone(figures(600_000_000n, 1n), M60, "2022-08-31", 31);
    expect(fraction).toMatchObject({
      status: "on_track",
      projectedDisbursed: 600_000_001n,
      projectedRate: 60.01,
    });
  });

  it("still counts the met figures' projection", () => {
    const e = evaluateMilestone(figures(700_000_000n, 0n), M60, "2022-09-01", W);
    expect(e).toMatchObject({ status: "met", shortfall: 0n, requiredDailyPace: 0n, projectedRate: 70 });
  });
});

describe("rates rounded toward the verdict", () => {
  it("never shows a missed milestone at the threshold it missed", () => {
    // 59.996% against "above 60%": half-away rounding would show 60.00.
    const close = evaluateMilestone(figures(599_960_000n), M60, "2022-10-01", W);
    expect(close).toMatchObject({ status: "missed", rate: 59.99 });
    // Exactly 60% is shown exactly, and is missed: 60 is not above 60.
    expect(evaluateMilestone(figures(600_000_000n), M60, "2022-10-01", W)).toMatchObject({
      status: "missed",
      rate: 60,
    });
    expect(evaluateMilestone(figures(A - 1n), C100, "2023-01-01", W)).toMatchObject({
      status: "missed",
      rate: 99.99,
    });
  });

  it("rounds a met rate up, and an exact one not at all", () => {
    expect(evaluateMilestone(figures(900_000_001n), M90, "2022-12-31", W)).toMatchObject({
      status: "met",
      rate: 90.01,
    });
    expect(evaluateMilestone(figures(900_000_000n), M90, "2022-12-31", W)).toMatchObject({
      status: "at_risk",
      rate: 90,
    });
    expect(evaluateMilestone(figures(A), C100, "2022-12-31", W)).toMatchObject({ status: "met", rate: 100 });
  });

  it("rounds the projected rate toward the projection's verdict", () => {
    // 30 days left, 29,999,970 đ over the last 30 days: projects 899,999,970 of 1,000,000,000 (89.999997%).
    const short = evaluateMilestone(figures(870_000_000n, 29_999_970n), M90, "2022-12-01", W);
    expect(short).toMatchObject({
      status: "at_risk",
      projectedDisbursed: 899_999_970n,
      projectedRate: 89.99,
    });
  });
});

describe("a negative pace (corrections in the window)", () => {
  it("projects no pace: the figures stay where they are", () => {
    const e = evaluateMilestone(figures(300_000_000n, -700_000_000n), M60, "2022-09-01", W);
    expect(e).toMatchObject({ status: "at_risk", projectedDisbursed: 300_000_000n, projectedRate: 30 });
  });

  it("keeps a met milestone met and its projection at the disbursed figure", () => {
    const e = evaluateMilestone(figures(700_000_000n, -50_000_000n), M60, "2022-09-01", W);
    expect(e).toMatchObject({ status: "met", projectedDisbursed: 700_000_000n, projectedRate: 70 });
  });

  it("never projects below zero, even from negative figures", () => {
    const e = evaluateMilestone(figures(-10n, -10n), M60, "2022-09-01", W);
    expect(e).toMatchObject({ status: "at_risk", projectedDisbursed: 0n, projectedRate: 0 });
  });
});

describe("not_applicable", () => {
  it.each([0n, -5n])("applies when allocated is %s", (allocated) => {
    const e = evaluateMilestone(figures(10n, 10n, allocated), M60, "2022-09-01", W);
    expect(e).toMatchObject({ status: "not_applicable", rate: null, shortfall: 0n, requiredDailyPace: null });
    expect(e).toMatchObject({ projectedRate: null, projectedDisbursed: null, daysLeft: 29 });
  });
});

describe("severity", () => {
  it("orders met < on_track < at_risk < missed and leaves not_applicable out", () => {
    expect(STATUS_SEVERITY.met < STATUS_SEVERITY.on_track).toBe(true);
    expect(STATUS_SEVERITY.on_track < STATUS_SEVERITY.at_risk).toBe(true);
    expect(STATUS_SEVERITY.at_risk < STATUS_SEVERITY.missed).toBe(true);
    expect(isWorse("missed", "at_risk")).toBe(true);
    expect(isWorse("on_track", "at_risk")).toBe(false);
    expect(isWorse("met", "met")).toBe(false);
    expect(isWorse("not_applicable", "met")).toBe(false);
    expect(isWorse("missed", "not_applicable")).toBe(false);
  });
});
