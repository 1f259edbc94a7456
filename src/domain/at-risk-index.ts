// The at-risk list held compactly while it is built, sorted and paged. A national list is
// 60,000-90,000 items; held as objects, each with its amounts and rates as objects of their own,
// they were most of a cold read's time (the collector copies whatever outlives the walk: keeping
// at most 100 of them instead cut the walk from about 150 to 50-80 ms). Here strings and enums
// are kept by reference, numbers and amounts as values in typed arrays, and an item is built
// again, equal to the one pushed, only when a page asks for it.
import {
  type AtRiskFilter,
  type AtRiskItem,
  type AtRiskKey,
  type AtRiskPage,
  type AtRiskTotals,
  compareAtRisk,
  inAtRiskFilter,
} from "./at-risk.js";
import { cmp, type PairEvaluation } from "./plan-evaluation.js";
import type { StatusCounts } from "./summary.js";

/** Fields kept by reference: strings and enums the rows share, and null or undefined. */
const REFS = [
  "id",
  "dueOn",
  "status",
  "comparison",
  "unitCode",
  "program",
  "kind",
  "requestSentOn",
  "advisory",
  "unitName",
  "unitKind",
] as const;
/** Number fields (or null, or undefined where the type allows). */
const NUMBERS = ["rate", "threshold", "daysLeft", "workingDaysLeft", "projectedRate", "planYear"] as const;
/** Amounts in đồng (or null, or undefined). */
const AMOUNTS = [
  "allocated",
  "disbursed",
  "shortfall",
  "requiredDailyPace",
  "projectedDisbursed",
  "lapsed",
] as const;

/** How a number or amount cell holds its value. */
const VALUE = 0;
const NULL = 1;
const UNDEFINED = 2;

const CELLS = NUMBERS.length + AMOUNTS.length;
const R = Object.fromEntries(REFS.map((f, i) => [f, i])) as Record<(typeof REFS)[number], number>;
const N = Object.fromEntries(NUMBERS.map((f, i) => [f, i])) as Record<(typeof NUMBERS)[number], number>;
const A = Object.fromEntries(AMOUNTS.map((f, i) => [f, i])) as Record<(typeof AMOUNTS)[number], number>;

// 2^63 as a double. An amount whose double lies strictly within ±2^63 fits int64; the few that
// round onto the edge are kept whole. (A check in bigints cost about 0.5 µs an item.)
const INT64_EDGE = 2 ** 63;

/** A number cell's tag, or -1 when the value is not a number, null or undefined. */
function numberTag(v: unknown): number {
  if (typeof v === "number") return VALUE;
  return v === null ? NULL : v === undefined ? UNDEFINED : -1;
}

/** An amount cell's tag, or -1 when the value is not an int64 bigint, null or undefined. */
function amountTag(v: unknown): number {
  if (typeof v === "bigint") {
    const d = Number(v);
    return d < INT64_EDGE && d > -INT64_EDGE ? VALUE : -1;
  }
  return v === null ? NULL : v === undefined ? UNDEFINED : -1;
}

/** Items with Treasury readings or closing marks are kept whole: the columns hold the rest. */
const marked = (i: AtRiskItem) =>
  i.readings !== undefined ||
  i.closed !== undefined ||
  i.recordedStatus !== undefined ||
  i.restated !== undefined ||
  i.recorded !== undefined;

type Cells = { tags: Uint8Array; numbers: Float64Array; amounts: BigInt64Array; at: number };

/** A number cell's value as pushed. */
function numberAt(c: Cells, f: number): number | null | undefined {
  const tag = c.tags[c.at * CELLS + f];
  return tag === VALUE ? c.numbers[c.at * NUMBERS.length + f] : tag === NULL ? null : undefined;
}

/** An amount cell's value as pushed. */
function amountAt(c: Cells, f: number): bigint | null | undefined {
  const tag = c.tags[c.at * CELLS + NUMBERS.length + f];
  return tag === VALUE ? c.amounts[c.at * AMOUNTS.length + f] : tag === NULL ? null : undefined;
}

/**
 * A field kept by reference: each distinct value once, and per item its number in a typed array
 * (pushing 90,000 references into plain arrays cost more than the rest of the index).
 */
class RefColumn {
  private readonly values: unknown[] = [];
  private readonly numbers = new Map<unknown, number>();
  // Rows come a pair at a time, milestone after milestone: the last value is often the next.
  private last: unknown;
  private lastNumber = -1;
  private cells = new Uint32Array(1024);

  set(at: number, v: unknown): void {
    if (this.lastNumber < 0 || v !== this.last) {
      let n = this.numbers.get(v);
      if (n === undefined) {
        n = this.values.push(v) - 1;
        this.numbers.set(v, n);
      }
      this.last = v;
      this.lastNumber = n;
    }
    if (at >= this.cells.length) {
      const grown = new Uint32Array(Math.max(at + 1, this.cells.length * 2));
      grown.set(this.cells);
      this.cells = grown;
    }
    this.cells[at] = this.lastNumber;
  }

  get(at: number): unknown {
    return this.values[this.cells[at]!];
  }
}

export class AtRiskIndex {
  private n = 0;
  private readonly refs: RefColumn[] = REFS.map(() => new RefColumn());
  private numbers = new Float64Array(NUMBERS.length * 1024);
  private amounts = new BigInt64Array(AMOUNTS.length * 1024);
  private tags = new Uint8Array(CELLS * 1024);
  /** Items kept as they are (not of the common shape), by position. */
  private readonly whole = new Map<number, AtRiskItem>();
  /** The shortfall as a double: ordered as the exact amounts are, up to ties it cannot tell apart. */
  private approx = new Float64Array(1024);
  /** Positions in the list's order once sorted (sort). */
  private order: Uint32Array | undefined;

  get length(): number {
    return this.n;
  }

  /**
   * Adds an item as the evaluation builds them (newRow's fields, with the unit's). Fields are read
   * by name, one by one: reading them by a key held in a variable cost more than the collector
   * saved. The item itself is not kept (a copy is, where the columns cannot hold it): the
   * evaluation may hand the same object again for the next pair.
   */
  push(item: AtRiskItem): void {
    if (this.order) throw new Error("the at-risk index is sorted: nothing more can be pushed");
    const at = this.n++;
    if (at === this.approx.length) this.grow();
    const r = this.refs;
    r[R.id]!.set(at, item.id);
    r[R.dueOn]!.set(at, item.dueOn);
    r[R.status]!.set(at, item.status);
    r[R.comparison]!.set(at, item.comparison);
    r[R.unitCode]!.set(at, item.unitCode);
    r[R.program]!.set(at, item.program);
    r[R.kind]!.set(at, item.kind);
    r[R.requestSentOn]!.set(at, item.requestSentOn);
    r[R.advisory]!.set(at, item.advisory);
    r[R.unitName]!.set(at, item.unitName);
    r[R.unitKind]!.set(at, item.unitKind);
    this.approx[at] = Number(item.shortfall);
    const held =
      !marked(item) &&
      this.number(at, N.rate, item.rate) &&
      this.number(at, N.threshold, item.threshold) &&
      this.number(at, N.daysLeft, item.daysLeft) &&
      this.number(at, N.workingDaysLeft, item.workingDaysLeft) &&
      this.number(at, N.projectedRate, item.projectedRate) &&
      this.number(at, N.planYear, item.planYear) &&
      this.amount(at, A.allocated, item.allocated) &&
      this.amount(at, A.disbursed, item.disbursed) &&
      this.amount(at, A.shortfall, item.shortfall) &&
      this.amount(at, A.requiredDailyPace, item.requiredDailyPace) &&
      this.amount(at, A.projectedDisbursed, item.projectedDisbursed) &&
      this.amount(at, A.lapsed, item.lapsed);
    if (!held) this.whole.set(at, { ...item });
  }

  /** Writes a number cell; false when the value is not one a number column holds. */
  private number(at: number, f: number, v: unknown): boolean {
    const tag = numberTag(v);
    this.tags[at * CELLS + f] = tag;
    if (tag === VALUE) this.numbers[at * NUMBERS.length + f] = v as number;
    return tag >= 0;
  }

  /** Writes an amount cell; false when the amount is not one an int64 column holds. */
  private amount(at: number, f: number, v: unknown): boolean {
    const tag = amountTag(v);
    this.tags[at * CELLS + NUMBERS.length + f] = tag;
    if (tag === VALUE) this.amounts[at * AMOUNTS.length + f] = v as bigint;
    return tag >= 0;
  }

  private grow(): void {
    const size = this.approx.length * 2;
    const grown = <T extends Float64Array | BigInt64Array | Uint8Array>(a: T, width: number): T => {
      const b = new (a.constructor as new (n: number) => T)(size * width);
      b.set(a as never);
      return b;
    };
    this.numbers = grown(this.numbers, NUMBERS.length);
    this.amounts = grown(this.amounts, AMOUNTS.length);
    this.tags = grown(this.tags, CELLS);
    this.approx = grown(this.approx, 1);
  }

  /** The item at position `at` (push order), equal to the one pushed. */
  item(at: number): AtRiskItem {
    if (this.whole.size > 0) {
      const kept = this.whole.get(at);
      if (kept) return kept;
    }
    const r = this.refs;
    const c = { tags: this.tags, numbers: this.numbers, amounts: this.amounts, at };
    // newRow's order (plan-evaluation.ts), then the unit's fields: what was pushed.
    return {
      id: r[R.id]!.get(at) as string,
      dueOn: r[R.dueOn]!.get(at) as string,
      status: r[R.status]!.get(at) as AtRiskItem["status"],
      allocated: amountAt(c, A.allocated) as bigint,
      disbursed: amountAt(c, A.disbursed) as bigint,
      rate: numberAt(c, N.rate) as number | null,
      threshold: numberAt(c, N.threshold) as number,
      comparison: r[R.comparison]!.get(at) as AtRiskItem["comparison"],
      shortfall: amountAt(c, A.shortfall) as bigint,
      daysLeft: numberAt(c, N.daysLeft) as number,
      workingDaysLeft: numberAt(c, N.workingDaysLeft) as number | undefined,
      requiredDailyPace: amountAt(c, A.requiredDailyPace) as bigint | null,
      projectedRate: numberAt(c, N.projectedRate) as number | null,
      projectedDisbursed: amountAt(c, A.projectedDisbursed) as bigint | null,
      unitCode: r[R.unitCode]!.get(at) as string,
      program: r[R.program]!.get(at) as string,
      planYear: numberAt(c, N.planYear) as number,
      kind: r[R.kind]!.get(at) as AtRiskItem["kind"],
      requestSentOn: r[R.requestSentOn]!.get(at) as string | null | undefined,
      advisory: r[R.advisory]!.get(at) as boolean | undefined,
      lapsed: amountAt(c, A.lapsed) as bigint | undefined,
      readings: undefined,
      unitName: r[R.unitName]!.get(at) as string,
      unitKind: r[R.unitKind]!.get(at) as AtRiskItem["unitKind"],
    } satisfies Record<keyof Required<PairEvaluation>, unknown>;
  }

  private shortfallAt(at: number): bigint {
    const kept = this.whole.size > 0 ? this.whole.get(at) : undefined;
    return kept ? kept.shortfall : this.amounts[at * AMOUNTS.length + A.shortfall]!;
  }

  /** compareAtRisk between two positions, without building either item. */
  private compare = (x: number, y: number): number => {
    const ax = this.approx[x]!;
    const ay = this.approx[y]!;
    if (ax !== ay) return ax < ay ? 1 : -1;
    const sx = this.shortfallAt(x);
    const sy = this.shortfallAt(y);
    if (sx !== sy) return sx < sy ? 1 : -1;
    const s = this.refs;
    return (
      cmp(s[R.unitCode]!.get(x) as string, s[R.unitCode]!.get(y) as string) ||
      cmp(s[R.program]!.get(x) as string, s[R.program]!.get(y) as string) ||
      cmp(s[R.dueOn]!.get(x) as string, s[R.dueOn]!.get(y) as string) ||
      cmp(s[R.id]!.get(x) as string, s[R.id]!.get(y) as string)
    );
  };

  /** Puts the list in compareAtRisk's order; pushing ends here. */
  sort(): this {
    const order = new Uint32Array(this.n);
    for (let i = 0; i < this.n; i++) order[i] = i;
    this.order = order.sort(this.compare);
    return this;
  }

  /** The list (or the part of it a filter asks for), in order. */
  view(f: AtRiskFilter = {}): AtRiskView {
    if (!this.order) throw new Error("the at-risk index must be sorted before it is read");
    const narrowed = f.milestone || f.program || f.kind;
    if (!narrowed) return new AtRiskView(this, this.order);
    const s = this.refs;
    const keep = this.order.filter((at) =>
      inAtRiskFilter(
        {
          id: s[R.id]!.get(at),
          program: s[R.program]!.get(at),
          unitKind: s[R.unitKind]!.get(at),
        } as AtRiskItem,
        f,
      ),
    );
    return new AtRiskView(this, keep);
  }

  /** @internal for AtRiskView */
  keyAt(at: number): AtRiskKey {
    const s = this.refs;
    return {
      shortfall: this.shortfallAt(at),
      unitCode: s[R.unitCode]!.get(at) as string,
      program: s[R.program]!.get(at) as string,
      dueOn: s[R.dueOn]!.get(at) as string,
      id: s[R.id]!.get(at) as string,
    };
  }

  /** @internal for AtRiskView */
  statusAt(at: number): AtRiskItem["status"] {
    return this.refs[R.status]!.get(at) as AtRiskItem["status"];
  }

  /** @internal for AtRiskView */
  shortfallOf(at: number): bigint {
    return this.shortfallAt(at);
  }
}

/** A sorted list (or a filtered part of it) of an index: its totals, its pages and its items. */
export class AtRiskView {
  private totalsKept: AtRiskTotals | undefined;

  constructor(
    private readonly index: AtRiskIndex,
    private readonly order: Uint32Array,
  ) {}

  get length(): number {
    return this.order.length;
  }

  totals(): AtRiskTotals {
    if (!this.totalsKept) {
      const byStatus: StatusCounts = { not_applicable: 0, met: 0, on_track: 0, at_risk: 0, missed: 0 };
      let shortfall = 0n;
      for (const at of this.order) {
        byStatus[this.index.statusAt(at)] += 1;
        shortfall += this.index.shortfallOf(at);
      }
      this.totalsKept = { count: this.order.length, shortfall, byStatus };
    }
    const t = this.totalsKept;
    return { ...t, byStatus: { ...t.byStatus } };
  }

  /** pageOf's page (at-risk.ts), built from the index: only the page's items are made. */
  page({ limit, after }: { limit: number; after?: AtRiskKey | undefined }): AtRiskPage<AtRiskItem> {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`page limit must be a positive integer: ${limit}`);
    let start = 0;
    if (after) {
      let hi = this.order.length;
      while (start < hi) {
        const mid = (start + hi) >>> 1;
        if (compareAtRisk(this.index.keyAt(this.order[mid]!), after) <= 0) start = mid + 1;
        else hi = mid;
      }
    }
    const end = Math.min(start + limit, this.order.length);
    const items: AtRiskItem[] = [];
    for (let i = start; i < end; i++) items.push(this.index.item(this.order[i]!));
    const more = end < this.order.length;
    return {
      items,
      totals: this.totals(),
      next: more && end > start ? this.index.keyAt(this.order[end - 1]!) : null,
    };
  }
}
