import { describe, expect, it } from "vitest";
import { judgedDueOn, nonWorkingDueDateFlag, withJudgedDueDates } from "./non-working-due-date.js";
import { DEFAULT_PLAN_2022, type Milestone, type Plan } from "./plan.js";
import { evaluatePlan } from "./plan-evaluation.js";
import { WEEKENDS_ONLY, workingCalendar } from "./working-days.js";

// 2023-01-02 (Monday) was a day off for New Year's Day on a Sunday.
const calendar = workingCalendar({
  holidays: [{ date: "2023-01-01", name: "Tết Dương lịch" }],
  daysOff: [{ date: "2023-01-02", name: "Nghỉ bù Tết Dương lịch" }],
  workingDays: [],
});
const M90 = DEFAULT_PLAN_2022.milestones.find((m) => m.id === "M90")!; // due Saturday 31/12/2022
const M60 = DEFAULT_PLAN_2022.milestones.find((m) => m.id === "M60")!; // due Friday 30/09/2022
const moved = (m: Milestone): Milestone => ({ ...m, nonWorkingDueDate: "next_working_day" });
const planWith = (...ms: Milestone[]): Plan => ({ ...DEFAULT_PLAN_2022, milestones: ms });

describe("judgedDueOn", () => {
  it("keeps the due date by default and when told to keep it", () => {
    expect(judgedDueOn(M90, calendar)).toBe("2022-12-31");
    expect(judgedDueOn({ ...M90, nonWorkingDueDate: "keep" }, calendar)).toBe("2022-12-31");
  });
  it("moves to the next working day past weekends and days off", () => {
    expect(judgedDueOn(moved(M90), calendar)).toBe("2023-01-03");
    expect(judgedDueOn(moved(M90), WEEKENDS_ONLY)).toBe("2023-01-02");
    expect(judgedDueOn(moved(M60), calendar)).toBe("2022-09-30");
  });
});

describe("withJudgedDueDates", () => {
  it("returns the plan itself when nothing moves", () => {
    expect(withJudgedDueDates(DEFAULT_PLAN_2022, calendar)).toBe(DEFAULT_PLAN_2022);
  });
  it("moves only the milestones that say so, and is idempotent", () => {
    const p = withJudgedDueDates(planWith(M60, moved(M90)), calendar);
    expect(p.milestones.map((m) => m.dueOn)).toEqual(["2022-09-30", "2023-01-03"]);
    expect(withJudgedDueDates(p, calendar)).toBe(p);
  });
});

describe("nonWorkingDueDateFlag", () => {
  it("names why the due date is off, and where it moves", () => {
    expect(nonWorkingDueDateFlag(M60, calendar)).toBeNull();
    expect(nonWorkingDueDateFlag(M90, calendar)).toEqual({ reason: "Thứ Bảy", movesTo: null });
    expect(nonWorkingDueDateFlag(moved(M90), calendar)).toEqual({ reason: "Thứ Bảy", movesTo: "2023-01-03" });
  });
});

describe("evaluatePlan with a calendar", () => {
  const figures = { allocated: 1_000n, disbursed: 800n, recentDisbursed: 300n };
  const pairs = [{ unitCode: "U", program: "NTM" }];
  const judge = (plan: Plan, asOf: string) =>
    evaluatePlan(plan, asOf, pairs, () => figures, undefined, undefined, calendar);

  it("counts working days left beside calendar days: (18/12/2022, 31/12/2022] holds 10 working days", () => {
    // 19–23 and 26–30 December are working days; 24, 25 and 31 are weekend days.
    const [row] = judge(planWith(M90), "2022-12-18");
    expect(row).toMatchObject({ dueOn: "2022-12-31", daysLeft: 13, workingDaysLeft: 10 });
    expect(judge(planWith(M90), "2022-12-31")[0]).toMatchObject({ daysLeft: 0, workingDaysLeft: 0 });
    expect(judge(planWith(M90), "2023-01-05")[0]).toMatchObject({ daysLeft: 0, workingDaysLeft: 0 });
  });

  it("judges a moved milestone on the next working day", () => {
    // On 01/01/2023 the 31/12 deadline is past when kept, still open when moved to 03/01.
    expect(judge(planWith(M90), "2023-01-01")[0]).toMatchObject({ status: "missed", daysLeft: 0 });
    expect(judge(planWith(moved(M90)), "2023-01-01")[0]).toMatchObject({
      dueOn: "2023-01-03",
      daysLeft: 2,
      workingDaysLeft: 1,
      status: "at_risk",
    });
  });
});
