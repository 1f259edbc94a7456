import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays, fromDayNumber, type LocalDate, toDayNumber } from "./local-date.js";
import { type CalendarDays, isoWeekday, WEEKENDS_ONLY, workingCalendar } from "./working-days.js";

// 2022–2023 as the government announced them (the library gives only part of Tết and no
// observed days): Tết 2023 off 20–26/01, 02/01/2023 off for New Year on a Sunday,
// 02–03/05/2023 off with Saturday 06/05/2023 worked in exchange.
const Y2022: CalendarDays = {
  holidays: [
    { date: "2022-01-01", name: "Tết Dương lịch" },
    { date: "2022-09-02", name: "Quốc khánh" },
  ],
  daysOff: [],
  workingDays: [],
};
const Y2023: CalendarDays = {
  holidays: [
    { date: "2023-01-01", name: "Tết Dương lịch" },
    { date: "2023-01-21", name: "Giao thừa Tết Nguyên Đán" },
    { date: "2023-01-22", name: "Tết Nguyên Đán" },
    { date: "2023-04-29", name: "Giỗ tổ Hùng Vương" },
    { date: "2023-04-30", name: "Ngày Giải phóng miền Nam" },
    { date: "2023-05-01", name: "Quốc tế Lao động" },
  ],
  daysOff: [
    { date: "2023-01-02", name: "Nghỉ bù Tết Dương lịch" },
    ...["20", "23", "24", "25", "26"].map((d) => ({ date: `2023-01-${d}`, name: "Nghỉ Tết Nguyên Đán" })),
    { date: "2023-05-02", name: "Nghỉ hoán đổi" },
    { date: "2023-05-03", name: "Nghỉ bù Ngày Giải phóng miền Nam" },
  ],
  workingDays: [{ date: "2023-05-06", name: "Làm bù cho ngày 02/05/2023" }],
};
const byYear = (y: number): CalendarDays =>
  y === 2022 ? Y2022 : y === 2023 ? Y2023 : { holidays: [], daysOff: [], workingDays: [] };
const cal = workingCalendar(byYear);

describe("isoWeekday", () => {
  it.each([
    ["1970-01-01", 4],
    ["2022-12-31", 6],
    ["2023-01-01", 7],
    ["2023-01-02", 1],
    ["2023-05-06", 6],
    ["1969-12-28", 7],
  ])("%s is day %i", (d, w) => expect(isoWeekday(d)).toBe(w));
});

describe("a year's calendar, 2022–2023", () => {
  it.each([
    ["2022-12-30", null], // Friday
    ["2022-12-31", "Thứ Bảy"],
    ["2023-01-01", "Tết Dương lịch"], // a Sunday and a holiday: the holiday names it
    ["2023-01-02", "Nghỉ bù Tết Dương lịch"],
    ["2023-01-03", null],
    ["2023-01-19", null],
    ["2023-01-20", "Nghỉ Tết Nguyên Đán"],
    ["2023-01-21", "Giao thừa Tết Nguyên Đán"],
    ["2023-01-22", "Tết Nguyên Đán"],
    ["2023-01-26", "Nghỉ Tết Nguyên Đán"],
    ["2023-01-27", null],
    ["2023-05-06", null], // a Saturday worked in exchange
    ["2023-05-07", "Chủ Nhật"],
    ["2022-09-02", "Quốc khánh"],
  ])("%s: %s", (d, reason) => {
    expect(cal.offReason(d)).toBe(reason);
    expect(cal.isWorkingDay(d)).toBe(reason === null);
  });

  it.each([
    ["2022-12-31", "2023-01-03", "2022-12-30"],
    ["2023-01-02", "2023-01-03", "2022-12-30"],
    ["2023-01-20", "2023-01-27", "2023-01-19"],
    ["2023-01-24", "2023-01-27", "2023-01-19"],
    ["2023-01-27", "2023-01-27", "2023-01-27"],
    ["2023-04-29", "2023-05-04", "2023-04-28"],
    ["2023-05-06", "2023-05-06", "2023-05-06"],
  ])("%s moves forward to %s and back to %s", (d, after, before) => {
    expect(cal.onOrAfter(d)).toBe(after);
    expect(cal.onOrBefore(d)).toBe(before);
  });

  it.each([
    // (18/01, 31/01]: 19/01 only before Tết (20–26 off, 21–22 weekend anyway), then 27, 30, 31.
    ["2023-01-18", "2023-01-31", 4],
    ["2022-12-30", "2023-01-03", 1], // 31/12 Sat, 1/1 Sun, 2/1 off, 3/1 counts
    ["2022-12-31", "2022-12-31", 0],
    ["2023-01-31", "2023-01-18", 0],
    ["2023-05-01", "2023-05-08", 4], // 4, 5, Saturday 6 (worked) and 8
    ["2022-09-01", "2022-09-02", 0],
  ])("working days in (%s, %s] = %i", (from, to, n) => {
    expect(cal.workingDaysBetween(from, to)).toBe(n);
  });

  it("reads each year's data only for that year's dates", () => {
    const asked: number[] = [];
    const c = workingCalendar((y) => {
      asked.push(y);
      // A stray date of another year in 2023's data is not 2024's day off.
      return y === 2023 ? { ...Y2023, daysOff: [{ date: "2024-01-02", name: "x" }] } : byYear(y);
    });
    expect(c.isWorkingDay("2024-01-02")).toBe(true);
    expect(c.isWorkingDay("2023-03-01")).toBe(true);
    expect(c.isWorkingDay("2023-03-02")).toBe(true);
    expect(asked).toEqual([2024, 2023]);
  });

  it("knows weekends only without data", () => {
    expect(WEEKENDS_ONLY.offReason("2022-12-31")).toBe("Thứ Bảy");
    expect(WEEKENDS_ONLY.isWorkingDay("2023-01-02")).toBe(true);
    expect(WEEKENDS_ONLY.workingDaysBetween("2022-09-16", "2022-09-30")).toBe(10);
  });
});

// Properties over random calendars: days off and swapped weekend days sprinkled over 2021–2024.
const DAY0 = toDayNumber("2021-01-01");
const SPAN = toDayNumber("2024-12-31") - DAY0;
const dayArb = fc.integer({ min: 0, max: SPAN }).map((n) => fromDayNumber(DAY0 + n));
const calendarArb = fc
  .record({
    off: fc.uniqueArray(fc.integer({ min: 0, max: SPAN }), { maxLength: 120 }),
    swapped: fc.uniqueArray(fc.integer({ min: 0, max: SPAN }), { maxLength: 20 }),
  })
  .map(({ off, swapped }) =>
    workingCalendar({
      holidays: [],
      daysOff: off.map((n) => ({ date: fromDayNumber(DAY0 + n), name: "nghỉ" })),
      workingDays: swapped
        .map((n) => fromDayNumber(DAY0 + n))
        .filter((d) => isoWeekday(d) >= 6)
        .map((date) => ({ date, name: "làm bù" })),
    }),
  );

// Oracle: count day by day with isWorkingDay (itself checked by the tables above).
function countWorking(c: ReturnType<typeof workingCalendar>, from: LocalDate, to: LocalDate): number {
  let n = 0;
  for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) if (c.isWorkingDay(d)) n++;
  return n;
}

describe("properties", () => {
  it("onOrBefore(d) ≤ d and is a working day; onOrAfter(d) ≥ d and is one; both are d on a working day", () => {
    fc.assert(
      fc.property(calendarArb, dayArb, (c, d) => {
        const before = c.onOrBefore(d);
        const after = c.onOrAfter(d);
        expect(before <= d && c.isWorkingDay(before)).toBe(true);
        expect(after >= d && c.isWorkingDay(after)).toBe(true);
        if (c.isWorkingDay(d)) expect([before, after]).toEqual([d, d]);
        // Nothing working strictly between the answer and d.
        for (let x = addDays(before, 1); x < d; x = addDays(x, 1)) expect(c.isWorkingDay(x)).toBe(false);
        for (let x = addDays(d, 1); x < after; x = addDays(x, 1)) expect(c.isWorkingDay(x)).toBe(false);
      }),
    );
  });

  it("workingDaysBetween is additive over adjacent ranges, 0 when to ≤ from, and counts day by day", () => {
    fc.assert(
      fc.property(calendarArb, fc.array(dayArb, { minLength: 3, maxLength: 3 }), (c, days) => {
        const [a, b, d] = [...days].sort() as [LocalDate, LocalDate, LocalDate];
        expect(c.workingDaysBetween(a, b) + c.workingDaysBetween(b, d)).toBe(c.workingDaysBetween(a, d));
        expect(c.workingDaysBetween(b, a)).toBe(0);
        expect(c.workingDaysBetween(a, a)).toBe(0);
        expect(c.workingDaysBetween(a, d)).toBe(countWorking(c, a, d));
      }),
      { numRuns: 200 },
    );
  });
});
