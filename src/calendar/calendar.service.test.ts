import { describe, expect, it } from "vitest";
import type { CalendarYearRecord } from "./calendar.repository.js";
import { createCalendarService } from "./calendar.service.js";
import { publicHolidays } from "./public-holidays.js";

describe("publicHolidays (date-holidays, VN)", () => {
  it("gives the law's holidays only, as local dates of the year, Tết by the lunar calendar", () => {
    const days = publicHolidays(2023);
    expect(days).toContainEqual({ date: "2023-01-22", name: "Tết Nguyên Đán" });
    expect(days).toContainEqual({ date: "2023-09-02", name: "Quốc khánh" });
    // Observances are working days.
    expect(days.map((d) => d.name)).not.toContain("Ngày Nhà giáo Việt Nam");
    expect(days.every((d) => /^2023-\d{2}-\d{2}$/.test(d.date))).toBe(true);
    expect(publicHolidays(2023)).toBe(days); // kept per year
  });
});

describe("calendar service: workingCalendar", () => {
  const row = (updatedAt: Date): CalendarYearRecord => ({
    year: 2023,
    daysOff: [{ date: "2023-01-02", name: "Nghỉ bù Tết Dương lịch" }],
    workingDays: [],
    sourceDocument: "x",
    sourceUrl: null,
    updatedBy: "admin:a",
    updatedAt,
  });

  it("reads the rows only when a year changed, and keeps the calendar otherwise", async () => {
    let rows = [row(new Date(1_000))];
    let reads = 0;
    const service = createCalendarService({
      today: () => "2026-01-01",
      repo: {
        transaction: async () => {
          throw new Error("not used");
        },
        lockYear: async () => {},
        findYear: async () => null,
        yearStamps: async () => rows.map((r) => ({ year: r.year, updatedAt: r.updatedAt })),
        allYears: async () => {
          reads += 1;
          return rows;
        },
        upsertYear: async () => {
          throw new Error("not used");
        },
      },
      audit: { record: async () => {} },
      holidays: () => [],
    });
    const first = await service.workingCalendar();
    expect(first.offReason("2023-01-02")).toBe("Nghỉ bù Tết Dương lịch");
    expect(await service.workingCalendar()).toBe(first);
    expect(reads).toBe(1);
    rows = [{ ...row(new Date(2_000)), daysOff: [] }];
    const second = await service.workingCalendar();
    expect(second.isWorkingDay("2023-01-02")).toBe(true);
    expect(reads).toBe(2);
    rows = [];
    expect((await service.workingCalendar()).isWorkingDay("2023-01-02")).toBe(true);
  });
});
