// What an admin may enter as a year's announced days: each date in that year and at most once
// in its list, a swapped working day on a weekend (any other day already is one) that is not a
// public holiday of the law (a holiday is never worked in exchange), no day both off and worked,
// and no run of days without a working day longer than any announcement makes.
import type { FieldIssue } from "./errors.js";
import { addDays } from "./local-date.js";
import type { NamedDay } from "./working-days.js";
import { isoWeekday, workingCalendar } from "./working-days.js";

/**
 * Tết with its weekends is at most 9 days; a month without a working day is a pasted range, not
 * a government's announcement. Well under the working-day search's 60 days (working-days.ts), past
 * which reminders and missed notices would land on days off and never go out.
 */
export const MAX_DAYS_OFF_IN_A_ROW = 30;

export type CalendarYearDays = { daysOff: readonly NamedDay[]; workingDays: readonly NamedDay[] };

export function calendarYearIssues(
  year: number,
  days: CalendarYearDays,
  holidays: readonly NamedDay[] = [],
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const holidayNames = new Map(holidays.map((h) => [h.date, h.name]));
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
      const holiday = list === "workingDays" ? holidayNames.get(d.date) : undefined;
      if (holiday !== undefined)
        issue(
          list,
          i,
          "public_holiday",
          `${d.date} is a public holiday (${holiday}): it cannot be worked in exchange`,
        );
    });
  }
  const worked = new Set(days.workingDays.map((d) => d.date));
  days.daysOff.forEach((d, i) => {
    if (worked.has(d.date))
      issue("daysOff", i, "also_a_working_day", `${d.date} is also in workingDays: a day is off or worked`);
  });
  if (issues.length === 0) issues.push(...longRunIssues(year, days, holidays));
  return issues;
}

/** The first run of more than MAX_DAYS_OFF_IN_A_ROW days without a working day, named at its first day off entered. */
function longRunIssues(year: number, days: CalendarYearDays, holidays: readonly NamedDay[]): FieldIssue[] {
  const cal = workingCalendar({ holidays, daysOff: days.daysOff, workingDays: days.workingDays });
  const prefix = `${year}-`;
  let start: string | null = null;
  let length = 0;
  for (let d = `${year}-01-01`; d.startsWith(prefix); d = addDays(d, 1)) {
    if (cal.isWorkingDay(d)) {
      start = null;
      length = 0;
      continue;
    }
    start ??= d;
    length += 1;
    if (length <= MAX_DAYS_OFF_IN_A_ROW) continue;
    const from = start;
    const i = days.daysOff.findIndex((x) => x.date >= from && x.date <= d);
    const message = `from ${from} the days off leave more than ${MAX_DAYS_OFF_IN_A_ROW} days in a row without a working day: no announcement does; check the dates`;
    return [{ field: i >= 0 ? `daysOff.${i}.date` : "daysOff", rule: "too_many_days_off_in_a_row", message }];
  }
  return [];
}
