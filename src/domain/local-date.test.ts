import { addDays as fnsAddDays } from "date-fns/addDays";
import { differenceInCalendarDays } from "date-fns/differenceInCalendarDays";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addDays,
  daysBetween,
  formatLocalDate,
  fromDayNumber,
  isValidLocalDate,
  localDateToUtcDate,
  maxDate,
  minDate,
  toDayNumber,
  todayIn,
  utcDateToLocalDate,
} from "./local-date.js";

describe("isValidLocalDate", () => {
  it.each(["2022-01-01", "2022-02-28", "2024-02-29", "2000-02-29", "2022-12-31", "0001-01-01"])(
    "accepts %s",
    (s) => {
      expect(isValidLocalDate(s)).toBe(true);
    },
  );

  it.each([
    "2022-02-30",
    "2022-02-29",
    "1900-02-29",
    "2022-13-01",
    "2022-00-10",
    "2022-04-31",
    "2022-01-00",
    "2022-1-01",
    "2022-01-1",
    "22-01-01",
    "2022-01-01T00:00:00Z",
    " 2022-01-01",
    "",
  ])("rejects %j", (s) => {
    expect(isValidLocalDate(s)).toBe(false);
  });

  it("rejects non-strings", () => {
    expect(isValidLocalDate(20220101)).toBe(false);
    expect(isValidLocalDate(null)).toBe(false);
  });
});

describe("arithmetic", () => {
  it("adds days across month, year and leap-day boundaries", () => {
    expect(addDays("2022-09-30", 1)).toBe("2022-10-01");
    expect(addDays("2022-12-31", 1)).toBe("2023-01-01");
    expect(addDays("2024-02-28", 1)).toBe("2024-02-29");
    expect(addDays("2022-03-01", -1)).toBe("2022-02-28");
    expect(addDays("2022-09-30", -29)).toBe("2022-09-01");
    expect(addDays("2022-09-30", 0)).toBe("2022-09-30");
  });

  it("rejects fractional day counts and invalid dates", () => {
    expect(() => addDays("2022-09-30", 0.5)).toThrow(RangeError);
    expect(() => addDays("2022-02-30", 1)).toThrow(RangeError);
  });

  it("counts whole days between dates, negative when reversed", () => {
    expect(daysBetween("2022-09-29", "2022-09-30")).toBe(1);
    expect(daysBetween("2022-09-30", "2022-09-30")).toBe(0);
    expect(daysBetween("2022-10-01", "2022-09-30")).toBe(-1);
    expect(daysBetween("2022-01-01", "2022-12-31")).toBe(364);
    expect(daysBetween("2024-01-01", "2025-01-01")).toBe(366);
  });

  it("agrees with the epoch: 1970-01-01 is day 0", () => {
    expect(toDayNumber("1970-01-01")).toBe(0);
    expect(toDayNumber("2022-09-30")).toBe(Date.UTC(2022, 8, 30) / 86_400_000);
    expect(fromDayNumber(-1)).toBe("1969-12-31");
  });

  it("round-trips day numbers (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: -700_000, max: 2_900_000 }), (n) => {
        const d = fromDayNumber(n);
        expect(isValidLocalDate(d)).toBe(true);
        expect(toDayNumber(d)).toBe(n);
        expect(addDays(d, 1) > d).toBe(true);
      }),
    );
  });

  // The day-number arithmetic (kept for speed) against date-fns, an independent oracle, on Dates
  // at the machine's local midnight: the zone date-fns counts calendar days in.
  it("agrees with date-fns' addDays and differenceInCalendarDays (property)", () => {
    const local = (d: string) => {
      const date = new Date(0);
      date.setFullYear(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10)));
      date.setHours(0, 0, 0, 0);
      return date;
    };
    const pad = (n: number, width: number) => String(n).padStart(width, "0");
    const write = (date: Date) =>
      `${pad(date.getFullYear(), 4)}-${pad(date.getMonth() + 1, 2)}-${pad(date.getDate(), 2)}`;
    const day = fc.integer({ min: -600_000, max: 2_800_000 }).map(fromDayNumber);
    fc.assert(
      fc.property(day, day, fc.integer({ min: -100_000, max: 100_000 }), (a, b, n) => {
        expect(addDays(a, n)).toBe(write(fnsAddDays(local(a), n)));
        expect(daysBetween(a, b)).toBe(differenceInCalendarDays(local(b), local(a)));
      }),
    );
  });

  it("min and max pick by calendar order", () => {
    expect(minDate("2022-10-01", "2022-09-30", "2022-12-31")).toBe("2022-09-30");
    expect(maxDate("2022-10-01", "2022-09-30", "2022-12-31")).toBe("2022-12-31");
    expect(minDate("2022-10-01")).toBe("2022-10-01");
  });
});

describe("todayIn", () => {
  it("uses the Vietnamese calendar day, not UTC's", () => {
    expect(todayIn(new Date("2022-09-30T16:59:59Z"))).toBe("2022-09-30");
    expect(todayIn(new Date("2022-09-30T17:00:00Z"))).toBe("2022-10-01");
    expect(todayIn(new Date("2022-12-31T17:00:00Z"))).toBe("2023-01-01");
  });

  it("honours another time zone", () => {
    expect(todayIn(new Date("2022-10-01T03:00:00Z"), "America/New_York")).toBe("2022-09-30");
    expect(todayIn(new Date("2022-10-01T03:00:00Z"), "UTC")).toBe("2022-10-01");
  });

  it("rejects an invalid Date", () => {
    expect(() => todayIn(new Date("nope"))).toThrow(RangeError);
  });
});

describe("formatLocalDate", () => {
  it("writes the date with a date-fns pattern in Vietnamese", () => {
    expect(formatLocalDate("2022-09-30", "dd/MM/uuuu")).toBe("30/09/2022");
    expect(formatLocalDate("0099-12-31", "dd/MM/uuuu")).toBe("31/12/0099");
    expect(formatLocalDate("2022-09-30", "EEEE")).toBe("Thứ Sáu");
  });

  it("rejects an invalid date", () => {
    expect(() => formatLocalDate("2022-02-30", "dd/MM/uuuu")).toThrow(RangeError);
  });
});

describe("UTC-midnight conversion for DATE columns", () => {
  it("maps a local date to UTC midnight and back", () => {
    const date = localDateToUtcDate("2022-09-30");
    expect(date.toISOString()).toBe("2022-09-30T00:00:00.000Z");
    expect(utcDateToLocalDate(date)).toBe("2022-09-30");
    expect(utcDateToLocalDate(localDateToUtcDate("1969-12-31"))).toBe("1969-12-31");
  });

  it("refuses a Date that is not UTC midnight instead of shifting a day", () => {
    expect(() => utcDateToLocalDate(new Date("2022-09-29T17:00:00Z"))).toThrow(RangeError);
    expect(() => utcDateToLocalDate(new Date(Number.NaN))).toThrow(RangeError);
  });
});
