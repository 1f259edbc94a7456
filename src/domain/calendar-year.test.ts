import { describe, expect, it } from "vitest";
import { calendarYearIssues } from "./calendar-year.js";
import { addDays } from "./local-date.js";

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

  it("refuses a public holiday of the law as a swapped working day", () => {
    const holidays = [{ date: "2023-04-29", name: "Giỗ tổ Hùng Vương" }];
    const issues = calendarYearIssues(
      2023,
      { daysOff: [day("2023-04-29")], workingDays: [day("2023-04-29"), day("2023-05-06")] },
      holidays,
    );
    expect(issues.map((i) => [i.field, i.rule])).toEqual([
      ["workingDays.0.date", "public_holiday"],
      ["daysOff.0.date", "also_a_working_day"],
    ]);
    expect(issues[0]?.message).toContain("Giỗ tổ Hùng Vương");
  });

  it("refuses more than 30 days in a row without a working day, named at its first day off", () => {
    const range = (from: string, n: number) => Array.from({ length: n }, (_, i) => day(addDays(from, i)));
    // Tết 2023 with its weekends (20–26/01) is well within; a pasted month is not.
    expect(calendarYearIssues(2023, { daysOff: range("2023-01-20", 7), workingDays: [] })).toEqual([]);
    expect(calendarYearIssues(2023, { daysOff: range("2023-01-30", 26), workingDays: [] })).toEqual([]);
    const month = calendarYearIssues(2023, {
      daysOff: [day("2023-01-02"), ...range("2023-03-01", 31)],
      workingDays: [],
    });
    expect(month.map((i) => [i.field, i.rule])).toEqual([["daysOff.1.date", "too_many_days_off_in_a_row"]]);
    expect(month[0]?.message).toContain("from 2023-03-01");
    // A worked Saturday inside breaks the run.
    const broken = {
      daysOff: range("2023-03-01", 31).filter((d) => d.date !== "2023-03-18"),
      workingDays: [day("2023-03-18")],
    };
    expect(calendarYearIssues(2023, broken)).toEqual([]);
  });
});
