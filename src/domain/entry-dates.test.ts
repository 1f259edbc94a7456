import { describe, expect, it } from "vitest";
import { dateIssues, dateWindow, decisionDateIssues } from "./entry-dates.js";
import { DEFAULT_PLAN_2022 } from "./plan.js";

const plan = DEFAULT_PLAN_2022;
const rule = (
  kind: Parameters<typeof dateIssues>[0]["kind"],
  date: string,
  carriedOverFrom: number | null = null,
) =>
  dateIssues({ kind, planYear: 2022, carriedOverFrom, date, field: "date" }, "2023-06-01", plan)[0]?.rule ??
  "ok";

describe("the windows a plan year allows", () => {
  it("reads the refund period and the extension off the plan", () => {
    expect(dateWindow("allocation", 2022, null, plan)).toEqual({ from: "2021-01-01", to: "2023-01-31" });
    expect(dateWindow("disbursement", 2022, null, plan)).toEqual({ from: "2022-01-01", to: "2023-01-31" });
    expect(dateWindow("disbursement", 2022, 2021, plan)).toEqual({ from: "2022-01-01", to: "2022-12-31" });
    expect(dateWindow("allocation", 2022, 2021, plan)).toEqual({ from: "2021-01-01", to: "2022-12-31" });
    expect(dateWindow("refund", 2022, null, plan)).toEqual({ from: "2022-01-01", to: "2023-12-31" });
    expect(dateWindow("request", 2022, null, plan)).toEqual({ from: "2022-01-01", to: "2022-12-31" });
  });

  it("takes defaults when the year has no plan", () => {
    expect(dateWindow("disbursement", 2024, null, null)).toEqual({ from: "2024-01-01", to: "2025-01-31" });
    expect(dateWindow("disbursement", 2024, 2023, null)).toEqual({ from: "2024-01-01", to: "2024-12-31" });
  });

  it("refuses the future first, then dates outside the window, inclusive at both ends", () => {
    expect(rule("allocation", "2099-01-01")).toBe("not_in_future");
    expect(rule("allocation", "2020-12-31")).toBe("outside_plan_window");
    expect(rule("allocation", "2021-01-01")).toBe("ok");
    expect(rule("disbursement", "2023-01-31")).toBe("ok");
    expect(rule("disbursement", "2023-02-01")).toBe("outside_plan_window");
    expect(rule("disbursement", "2023-01-01", 2021)).toBe("outside_plan_window");
    expect(rule("request", "2021-12-31")).toBe("outside_plan_window");
    expect(rule("refund", "2023-05-01")).toBe("ok");
  });

  it("dates a decision on or after the request it decides", () => {
    expect(decisionDateIssues("2022-10-20", "2022-10-20", "2023-01-01")).toEqual([]);
    expect(decisionDateIssues("2022-10-20", "2022-10-19", "2023-01-01")[0]?.rule).toBe("after_request");
    expect(decisionDateIssues("2022-10-20", "2023-01-02", "2023-01-01")[0]?.rule).toBe("not_in_future");
  });
});
