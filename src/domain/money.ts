/**
 * Money is whole đồng as bigint. A province's yearly total runs into the trillions, beyond
 * what a double holds exactly once multiplied by 10,000 for basis points, so every decision is
 * integer arithmetic; numbers appear only for display.
 */

export function formatVnd(amount: bigint): string {
  const digits = (amount < 0n ? -amount : amount).toString();
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  return `${amount < 0n ? "-" : ""}${grouped} đ`;
}

function assertNonZero(divisor: bigint): void {
  if (divisor === 0n) throw new RangeError("Division by zero");
}

/** Largest integer q with q <= a / b (bigint `/` truncates toward zero instead). */
export function floorDiv(a: bigint, b: bigint): bigint {
  assertNonZero(b);
  const q = a / b;
  // Signs first: with both of one sign (every amount a verdict divides) no remainder is taken.
  return a < 0n !== b < 0n && a % b !== 0n ? q - 1n : q;
}

/** Smallest integer q with q >= a / b. */
export function ceilDiv(a: bigint, b: bigint): bigint {
  assertNonZero(b);
  const q = a / b;
  return a % b !== 0n && a < 0n === b < 0n ? q + 1n : q;
}

/**
 * part / whole in hundredths of a percent (basis points), rounded half away from zero, the
 * way spreadsheet ROUND does, so reports match the figures units compute by hand.
 */
export function percentHundredths(part: bigint, whole: bigint): bigint {
  assertNonZero(whole);
  const num = part * 10_000n * (whole < 0n ? -1n : 1n);
  const den = whole < 0n ? -whole : whole;
  const magnitude = (2n * (num < 0n ? -num : num) + den) / (2n * den);
  return num < 0n ? -magnitude : magnitude;
}

/** part / whole in hundredths of a percent, rounded down (toward −∞), exactly. */
export function percentHundredthsFloor(part: bigint, whole: bigint): bigint {
  return floorDiv(part * 10_000n, whole);
}

/** part / whole in hundredths of a percent, rounded up (toward +∞), exactly. */
export function percentHundredthsCeil(part: bigint, whole: bigint): bigint {
  return ceilDiv(part * 10_000n, whole);
}

/**
 * Rate in percent with 2 decimals, for DISPLAY only, rounded toward the verdict it goes with:
 * up when the milestone holds, down when it does not. A threshold has at most 2 decimals, so
 * the shown rate then meets the threshold exactly when the verdict says so: 999,999,999 of
 * 1,000,000,000 shows 99.99 against "at least 100%", never 100.00. Null without a positive base.
 */
export function rateTowardVerdict(part: bigint, whole: bigint, holds: boolean): number | null {
  if (whole <= 0n) return null;
  return Number(holds ? percentHundredthsCeil(part, whole) : percentHundredthsFloor(part, whole)) / 100;
}

/**
 * Rate in percent with 2 decimals, for DISPLAY only, rounded half away from zero: for totals,
 * which carry no verdict (a milestone's rate uses `rateTowardVerdict`). 599,999,999 of
 * 1,000,000,000 shows as 60 here yet is not above 60. Null when there is no positive base.
 */
export function rateToNumber(part: bigint, whole: bigint): number | null {
  if (whole <= 0n) return null;
  return Number(percentHundredths(part, whole)) / 100;
}
