/**
 * Local calendar dates ('YYYY-MM-DD' in Asia/Ho_Chi_Minh) are the unit of every rule.
 * Arithmetic runs on day numbers (days since 1970-01-01), so no result depends on the
 * time zone of the machine running it.
 */

export type LocalDate = string;

export const DEFAULT_TIME_ZONE = "Asia/Ho_Chi_Minh";

const MS_PER_DAY = 86_400_000;
const LOCAL_DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return isLeapYear(y) ? 29 : 28;
  return [4, 6, 9, 11].includes(m) ? 30 : 31;
}

function parseParts(s: string): [number, number, number] | null {
  const match = LOCAL_DATE_PATTERN.exec(s);
  if (!match) return null;
  const y = Number(match[1]);
  const m = Number(match[2]);
  const d = Number(match[3]);
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return null;
  return [y, m, d];
}

export function isValidLocalDate(s: unknown): s is LocalDate {
  return typeof s === "string" && parseParts(s) !== null;
}

export function assertLocalDate(s: string): LocalDate {
  if (!isValidLocalDate(s)) throw new RangeError(`Not a valid local date (YYYY-MM-DD): ${JSON.stringify(s)}`);
  return s;
}

// Howard Hinnant's days_from_civil / civil_from_days: exact for the proleptic Gregorian calendar.
export function toDayNumber(d: LocalDate): number {
  const parts = parseParts(d);
  if (!parts) throw new RangeError(`Not a valid local date (YYYY-MM-DD): ${JSON.stringify(d)}`);
  const [y0, m, day] = parts;
  const y = m <= 2 ? y0 - 1 : y0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

export function fromDayNumber(n: number): LocalDate {
  if (!Number.isInteger(n)) throw new RangeError(`Day number must be an integer: ${n}`);
  const z = n + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  if (y < 0 || y > 9999) throw new RangeError(`Date out of range (years 0000-9999): day ${n}`);
  return `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

export function addDays(d: LocalDate, n: number): LocalDate {
  if (!Number.isInteger(n)) throw new RangeError(`Days to add must be an integer: ${n}`);
  return fromDayNumber(toDayNumber(d) + n);
}

/** `to - from` in whole days; negative when `to` is earlier. */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  return toDayNumber(to) - toDayNumber(from);
}

/** Valid padded dates order lexicographically, so string comparison is date comparison. */
export function compareLocalDate(a: LocalDate, b: LocalDate): -1 | 0 | 1 {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function minDate(first: LocalDate, ...rest: LocalDate[]): LocalDate {
  return rest.reduce((acc, d) => (compareLocalDate(d, acc) < 0 ? d : acc), first);
}

export function maxDate(first: LocalDate, ...rest: LocalDate[]): LocalDate {
  return rest.reduce((acc, d) => (compareLocalDate(d, acc) > 0 ? d : acc), first);
}

// Building a DateTimeFormat costs about 60 µs (it loads time-zone data); todayIn runs on every
// posted disbursement, so one formatter per time zone is kept.
const dayFormats = new Map<string, Intl.DateTimeFormat>();

function dayFormat(tz: string): Intl.DateTimeFormat {
  let f = dayFormats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" });
    dayFormats.set(tz, f);
  }
  return f;
}

/** The calendar date an instant falls on in `tz` (2022-09-30T17:00:00Z is 2022-10-01 in Vietnam). */
export function todayIn(now: Date, tz: string = DEFAULT_TIME_ZONE): LocalDate {
  if (Number.isNaN(now.getTime())) throw new RangeError("todayIn: invalid Date");
  const parts = dayFormat(tz).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return assertLocalDate(`${get("year").padStart(4, "0")}-${get("month")}-${get("day")}`);
}

/** UTC midnight of the date: the value database DATE columns exchange. */
export function localDateToUtcDate(d: LocalDate): Date {
  return new Date(toDayNumber(d) * MS_PER_DAY);
}

/**
 * Inverse of `localDateToUtcDate`. Rejects anything but UTC midnight: a DATE parsed as local
 * midnight on a UTC+7 server would otherwise silently become the previous day.
 */
export function utcDateToLocalDate(date: Date): LocalDate {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new RangeError("utcDateToLocalDate: invalid Date");
  if (ms % MS_PER_DAY !== 0) {
    throw new RangeError(`utcDateToLocalDate: expected UTC midnight, got ${date.toISOString()}`);
  }
  return fromDayNumber(ms / MS_PER_DAY);
}
