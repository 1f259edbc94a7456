import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ceilDiv,
  floorDiv,
  formatVnd,
  percentHundredths,
  percentHundredthsCeil,
  percentHundredthsFloor,
  rateToNumber,
  rateTowardVerdict,
} from "./money.js";

describe("formatVnd", () => {
  it.each([
    [0n, "0 đ"],
    [999n, "999 đ"],
    [1_000n, "1.000 đ"],
    [1_234_567_890n, "1.234.567.890 đ"],
    [-1_234_567n, "-1.234.567 đ"],
    [-100n, "-100 đ"],
    [1_000_000_000_000_000n, "1.000.000.000.000.000 đ"],
  ])("formats %s as %s", (amount, expected) => {
    expect(formatVnd(amount)).toBe(expected);
  });
});

describe("floorDiv and ceilDiv", () => {
  it.each([
    [7n, 2n, 3n, 4n],
    [-7n, 2n, -4n, -3n],
    [7n, -2n, -4n, -3n],
    [-7n, -2n, 3n, 4n],
    [6n, 3n, 2n, 2n],
    [-6n, 3n, -2n, -2n],
    [0n, 5n, 0n, 0n],
  ])("%s / %s → floor %s, ceil %s", (a, b, floor, ceil) => {
    expect(floorDiv(a, b)).toBe(floor);
    expect(ceilDiv(a, b)).toBe(ceil);
  });

  it("refuses division by zero", () => {
    expect(() => floorDiv(1n, 0n)).toThrow(RangeError);
    expect(() => ceilDiv(1n, 0n)).toThrow(RangeError);
  });

  it("bracket the exact quotient (property)", () => {
    const big = fc.bigInt({ min: -(10n ** 18n), max: 10n ** 18n });
    fc.assert(
      fc.property(
        big,
        big.filter((b) => b !== 0n),
        (a, b) => {
          const f = floorDiv(a, b);
          const c = ceilDiv(a, b);
          const abs = b < 0n ? -b : b;
          const sign = b < 0n ? -1n : 1n;
          // f <= a/b < f+1, written without division for either sign of b.
          expect(f * b * sign <= a * sign).toBe(true);
          expect((f + 1n) * b * sign > a * sign).toBe(true);
          expect(c - f).toBe(a % abs === 0n ? 0n : 1n);
        },
      ),
    );
  });
});

describe("percentHundredths", () => {
  it("rounds half away from zero to hundredths of a percent", () => {
    expect(percentHundredths(600_000_000n, 1_000_000_000n)).toBe(6000n);
    expect(percentHundredths(599_999_999n, 1_000_000_000n)).toBe(6000n);
    expect(percentHundredths(599_950_000n, 1_000_000_000n)).toBe(6000n); // exactly 59.995 → 60.00
    expect(percentHundredths(599_949_999n, 1_000_000_000n)).toBe(5999n);
    expect(percentHundredths(1n, 3n)).toBe(3333n);
    expect(percentHundredths(2n, 3n)).toBe(6667n);
    expect(percentHundredths(-599_950_000n, 1_000_000_000n)).toBe(-6000n);
    expect(percentHundredths(1n, 20_000n)).toBe(1n); // 0.005% → 0.01%
    expect(percentHundredths(3n, -4n)).toBe(-7500n);
  });

  it("refuses a zero base", () => {
    expect(() => percentHundredths(1n, 0n)).toThrow(RangeError);
  });
});

describe("rateToNumber", () => {
  it("is a display value: 599,999,999 of 1,000,000,000 shows 60", () => {
    expect(rateToNumber(599_999_999n, 1_000_000_000n)).toBe(60);
    expect(rateToNumber(625n, 1_000n)).toBe(62.5);
    expect(rateToNumber(1n, 3n)).toBe(33.33);
  });

  it("is null without a positive base", () => {
    expect(rateToNumber(5n, 0n)).toBeNull();
    expect(rateToNumber(5n, -10n)).toBeNull();
  });

  it("stays exact at trillions of đồng", () => {
    expect(rateToNumber(1_234_567_890_123_456n, 2_000_000_000_000_000n)).toBe(61.73);
  });
});

describe("percentHundredthsFloor and percentHundredthsCeil", () => {
  it.each([
    [599_999_999n, 1_000_000_000n, 5999n, 6000n],
    [599_960_000n, 1_000_000_000n, 5999n, 6000n],
    [600_000_000n, 1_000_000_000n, 6000n, 6000n],
    [600_000_001n, 1_000_000_000n, 6000n, 6001n],
    [999_999_999n, 1_000_000_000n, 9999n, 10_000n],
    [1n, 3n, 3333n, 3334n],
    [-1n, 3n, -3334n, -3333n],
    [0n, 7n, 0n, 0n],
  ])("%s of %s → floor %s, ceil %s", (part, whole, floor, ceil) => {
    expect(percentHundredthsFloor(part, whole)).toBe(floor);
    expect(percentHundredthsCeil(part, whole)).toBe(ceil);
  });

  it("stay exact far beyond 2^53", () => {
    const whole = 10_808_639_105_689_189n;
    expect(percentHundredthsFloor(whole - 1n, whole)).toBe(9999n);
    expect(percentHundredthsCeil(whole - 1n, whole)).toBe(10_000n);
  });
});

describe("rateTowardVerdict", () => {
  it("rounds up when the verdict holds and down when it does not", () => {
    expect(rateTowardVerdict(999_999_999n, 1_000_000_000n, false)).toBe(99.99);
    expect(rateTowardVerdict(599_960_000n, 1_000_000_000n, false)).toBe(59.99);
    expect(rateTowardVerdict(600_000_001n, 1_000_000_000n, true)).toBe(60.01);
    expect(rateTowardVerdict(600_000_000n, 1_000_000_000n, false)).toBe(60);
    expect(rateTowardVerdict(1_000_000_000n, 1_000_000_000n, true)).toBe(100);
  });

  it("is null without a positive base", () => {
    expect(rateTowardVerdict(5n, 0n, true)).toBeNull();
    expect(rateTowardVerdict(5n, -10n, false)).toBeNull();
  });
});
