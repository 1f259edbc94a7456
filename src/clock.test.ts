import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { todayOn } from "./clock.js";
import { todayIn } from "./domain/local-date.js";

const ZONES = ["Asia/Ho_Chi_Minh", "America/St_Johns", "Pacific/Chatham", "Europe/London", "UTC"];

describe("todayOn", () => {
  it("answers todayIn's date at every instant, midnights and daylight-saving changes included", () => {
    // Instants near local midnights and the changes of offset, in any order (a clock may be set back).
    const instant = fc
      .tuple(
        fc.constantFrom(
          Date.UTC(2022, 8, 29, 17, 0, 0), // 30/9 00:00 in Hà Nội
          Date.UTC(2026, 2, 29, 1, 0, 0), // London goes to summer time
          Date.UTC(2026, 9, 25, 1, 0, 0), // and back
          Date.UTC(2026, 3, 4, 14, 0, 0), // Chatham back from +13:45 to +12:45
          Date.UTC(2026, 11, 31, 3, 30, 0), // 31/12 00:00 in St. John's
        ),
        fc.integer({ min: -26 * 3_600_000, max: 26 * 3_600_000 }),
      )
      .map(([base, shift]) => base + shift);
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.array(instant, { minLength: 1, maxLength: 60 }),
        (tz, times) => {
          let now = 0;
          const today = todayOn({ now: () => new Date(now) }, tz);
          for (const t of times.flatMap((t) => [t, t + 1, t + 59_999])) {
            now = t;
            expect(today()).toBe(todayIn(new Date(t), tz));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("sees a midnight that falls within a minute (Sài Gòn's mean time before 1906, +7:06:30)", () => {
    let now = Date.UTC(1899, 11, 31, 16, 53, 10);
    const today = todayOn({ now: () => new Date(now) });
    expect(today()).toBe("1899-12-31");
    now += 30_000;
    expect(today()).toBe("1900-01-01");
  });

  it("refuses an invalid date as todayIn does", () => {
    expect(() => todayOn({ now: () => new Date(Number.NaN) })()).toThrow(RangeError);
  });
});
