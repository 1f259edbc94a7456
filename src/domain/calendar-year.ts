// What an admin may enter as a year's announced days: each date in that year and at most once
// in its list, a swapped working day on a weekend (any other day already is one), and no day
// both off and worked.
import type { FieldIssue } from "./errors.js";
import type { NamedDay } from "./working-days.js";
import { isoWeekday } from "./working-days.js";

export type CalendarYearDays = { daysOff: readonly NamedDay[]; workingDays: readonly NamedDay[] };

export function calendarYearIssues(year: number, days: CalendarYearDays): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const prefix = `${year}-`;
  const issue = (list: string, i: number, rule: string, message: string) =>
    issues.push({ field: `${list}.${i}.date`, rule, message });
  for (const list of ["daysOff", "workingDays"] as const) {
    const seen = new Map<string, number>();
    days[list].forEach((d, i) => {
      if (!d.date.startsWith(prefix)) issue(list, i, "outside_year", `${d.date} is not in ${year}`);
      const first = seen.get(d.date);
      if (first !== undefined)
        issue(list, i, "duplicate_date", `${d.date} is already ${list}.${first}: each date once`);
      else seen.set(d.date, i);
      if (list === "workingDays" && isoWeekday(d.date) < 6)
        issue(
          list,
          i,
          "not_a_weekend_day",
          `${d.date} is a weekday, a working day already: a swapped working day is a Saturday or Sunday`,
        );
    });
  }
  const worked = new Set(days.workingDays.map((d) => d.date));
  days.daysOff.forEach((d, i) => {
    if (worked.has(d.date))
      issue("daysOff", i, "also_a_working_day", `${d.date} is also in workingDays: a day is off or worked`);
  });
  return issues;
}
