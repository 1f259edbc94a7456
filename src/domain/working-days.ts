// Working days as a Vietnamese office keeps them: Monday to Friday, less the public holidays of
// the law and the days off the government announces each year (Tết, bridges), plus the weekend
// days it swaps into working days. Pure: the holidays come in as data.
import { addDays, daysBetween, type LocalDate, toDayNumber } from "./local-date.js";

export type NamedDay = { date: LocalDate; name: string };

/** One year's days, as the calendar service assembles them from the library and the admins' data. */
export type CalendarDays = {
  /** Public holidays of the law (from the holidays library). */
  holidays: readonly NamedDay[];
  /** Days off announced for the year, besides weekends and holidays. */
  daysOff: readonly NamedDay[];
  /** Weekend days that are working days (swapped). */
  workingDays: readonly NamedDay[];
};

export type WorkingCalendar = {
  isWorkingDay(d: LocalDate): boolean;
  /** Why a day is not a working day ("Thứ Bảy", "Tết Nguyên Đán", ...), or null on a working day. */
  offReason(d: LocalDate): string | null;
  /** d itself when it is a working day, else the last working day before it. */
  onOrBefore(d: LocalDate): LocalDate;
  /** d itself when it is a working day, else the first working day after it. */
  onOrAfter(d: LocalDate): LocalDate;
  /** Working days in (from, to]: 0 when to ≤ from. Days left to a due date count the due date. */
  workingDaysBetween(from: LocalDate, to: LocalDate): number;
};

/** ISO weekday, 1 = Monday … 7 = Sunday. Day 0 (1970-01-01) was a Thursday. */
export function isoWeekday(d: LocalDate): number {
  return ((((toDayNumber(d) + 3) % 7) + 7) % 7) + 1;
}

const WEEKEND_NAMES: Record<number, string> = { 6: "Thứ Bảy", 7: "Chủ Nhật" };
/**
 * No run of days off is this long (Tết is at most 9 days with its weekends); past it the search
 * stops, so wrong data gives a wrong date, not a hung evaluation.
 */
const MAX_SEARCH_DAYS = 60;
const MAX_COUNTED = 4096;

type YearIndex = { off: Map<LocalDate, string>; swapped: Set<LocalDate> };

function indexDays(days: CalendarDays, year?: number): YearIndex {
  // A year's data speaks for its own dates only: the lookup goes by the date's year.
  const mine = (d: NamedDay) => year === undefined || Number(d.date.slice(0, 4)) === year;
  const off = new Map<LocalDate, string>();
  for (const h of days.holidays) if (mine(h)) off.set(h.date, h.name);
  // An announced day off may rename a holiday (the government's words win).
  for (const h of days.daysOff) if (mine(h)) off.set(h.date, h.name);
  return { off, swapped: new Set(days.workingDays.filter(mine).map((w) => w.date)) };
}

/**
 * The calendar of the given days, or of each year's days asked lazily (`daysOf(year)` is called
 * once per year a question touches, so a calendar covering every year costs only the years used).
 */
export function workingCalendar(days: CalendarDays | ((year: number) => CalendarDays)): WorkingCalendar {
  const fixed = typeof days === "function" ? undefined : indexDays(days);
  const years = new Map<number, YearIndex>();
  const indexOf = (d: LocalDate): YearIndex => {
    if (fixed) return fixed;
    const year = Number(d.slice(0, 4));
    let idx = years.get(year);
    if (!idx) {
      idx = indexDays((days as (year: number) => CalendarDays)(year), year);
      years.set(year, idx);
    }
    return idx;
  };

  const offReason = (d: LocalDate): string | null => {
    const { off, swapped } = indexOf(d);
    if (swapped.has(d)) return null;
    return off.get(d) ?? WEEKEND_NAMES[isoWeekday(d)] ?? null;
  };
  const isWorkingDay = (d: LocalDate) => offReason(d) === null;
  const counted = new Map<string, number>();
  const step = (d: LocalDate, by: 1 | -1) => {
    let x = d;
    for (let i = 0; i < MAX_SEARCH_DAYS && !isWorkingDay(x); i++) x = addDays(x, by);
    return x;
  };

  return {
    isWorkingDay,
    offReason,
    onOrBefore: (d) => step(d, -1),
    onOrAfter: (d) => step(d, 1),
    workingDaysBetween(from, to) {
      // Asked once per milestone of an evaluation, for a handful of distinct (asOf, due) pairs.
      const key = `${from}|${to}`;
      let count = counted.get(key);
      if (count === undefined) {
        count = 0;
        const n = daysBetween(from, to);
        for (let i = 1; i <= n; i++) if (isWorkingDay(addDays(from, i))) count++;
        if (counted.size >= MAX_COUNTED) counted.clear();
        counted.set(key, count);
      }
      return count;
    },
  };
}

/** Weekends only: what the service assumes when no calendar is known (and in pure tests). */
export const WEEKENDS_ONLY: WorkingCalendar = workingCalendar({ holidays: [], daysOff: [], workingDays: [] });
