import { describe, expect, it } from "vitest";
import { calendarYearIssues } from "./calendar-year.js";

const day = (date: string) => ({ date, name: "x" });

describe("calendarYearIssues", () => {
  it("accepts Tết 2023 and a swapped Saturday", () => {
    expect(
      calendarYearIssues(2023, {
        daysOff: [day("2023-01-02"), day("2023-01-20"), day("2023-05-02")],
        workingDays: [day("2023-05-06")],
      }),
    ).toEqual([]);
  });

  it("names each broken rule with the entry's field", () => {
    const issues = calendarYearIssues(2023, {
      daysOff: [day("2024-01-02"), day("2023-01-20"), day("2023-01-20"), day("2023-05-06")],
      workingDays: [day("2023-05-03"), day("2023-05-06")],
    });
    expect(issues.map((i) => [i.field, i.rule])).toEqual([
      ["daysOff.0.date", "outside_year"],
      ["daysOff.2.date", "duplicate_date"],
      ["workingDays.0.date", "not_a_weekend_day"],
      ["daysOff.3.date", "also_a_working_day"],
    ]);
  });
});
