// Small statistics for noisy machines: medians and spreads, never a single run.

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The p-th percentile (0..100) by nearest rank. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const rank = Math.min(s.length, Math.max(1, Math.ceil((p / 100) * s.length)));
  return s[rank - 1]!;
}

export const min = (xs: readonly number[]) => (xs.length ? Math.min(...xs) : Number.NaN);
export const max = (xs: readonly number[]) => (xs.length ? Math.max(...xs) : Number.NaN);

/** "1,234" with a thin grouping, or "n/a". */
export function num(x: number, digits = 0): string {
  if (!Number.isFinite(x)) return "n/a";
  return x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function ms(x: number): string {
  if (!Number.isFinite(x)) return "n/a";
  return x >= 100 ? `${num(x)} ms` : `${num(x, 1)} ms`;
}

/** "median (min–max)" of the values, formatted by `f`. */
export function spread(xs: readonly number[], f: (x: number) => string = (x) => num(x)): string {
  if (xs.length === 0) return "n/a";
  if (xs.length === 1) return f(xs[0]!);
  return `${f(median(xs))} (${f(min(xs))}–${f(max(xs))})`;
}

export function ratio(a: number, b: number): string {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return "n/a";
  return `${(a / b).toFixed(2)}x`;
}

/** Runs `fn` and records its wall time in ms. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}
