// The figures the ledger keeps per scope (ledger_figures: per kind of movement, the dates with
// any movement and the running total at the end of each), held in memory for one plan year, and
// the rules' figures read from them. A total at any date is one binary search, so a national
// read costs the same at 100,000 entries as at 3,000,000, and no query at all.
//
// Every answer here equals the SQL read of the same figures (rules.repository.ts figuresSource)
// and the sums over the entries (test/ledger-figures.test.ts).
import { addDays, type LocalDate, toDayNumber } from "./local-date.js";
import { figuresWindow, type ScopeFigures } from "./milestone-status.js";
import {
  type CapitalType,
  type FundingSource,
  isRateLike,
  type Plan,
  type RateMilestone,
  scopeCovers,
} from "./plan.js";
import { comparePairs, inPairOrder, type UnitProgram } from "./plan-evaluation.js";
import type { RefundFigures } from "./refund.js";
import type { PairTotals } from "./summary.js";

export const FIGURE_KINDS = ["allocation", "disbursement", "refund", "carry_forward"] as const;
export type FigureKind = (typeof FIGURE_KINDS)[number];
const ALLOCATION = 0;
const DISBURSEMENT = 1;
const REFUND = 2;
const CARRY_FORWARD = 3;

export type ScopeIdentity = {
  unitCode: string;
  program: string;
  carriedOverFrom: number | null;
  source: FundingSource;
  capitalType: CapitalType;
};

/** One scope's kept figures as read: per kind (FIGURE_KINDS order), ascending day numbers and running totals. */
export type ScopeHistory = ScopeIdentity & {
  key: string;
  days: readonly (readonly number[])[];
  totals: readonly (readonly bigint[])[];
};

/**
 * The pairs with any allocation or disbursement dated by asOf, in (unit, program) order, and each
 * one's figures for each rate-like milestone of the plan asked about (undefined for the others).
 * figuresOf answers for this set's own pair objects only, and throws for any other: a pair is
 * found by its place, not by a key built on every call.
 */
export type PlanFigures = {
  readonly pairs: readonly UnitProgram[];
  figuresOf(milestoneId: string, pair: UnitProgram): ScopeFigures | undefined;
  /**
   * Done with these figures: what holds them may serve the next read, and figuresOf throws from
   * now on. Optional to call (unreleased figures are collected as any object); figures read by SQL
   * have nothing to release.
   */
  release?(): void;
};

/** A pair of a figure set, with its place in the set's own list of pairs. */
export type PlacedPair = UnitProgram & { readonly place: number };

/** The place of a pair of `all`, or a throw for a pair from elsewhere. */
export function placeOf(all: readonly PlacedPair[], pair: UnitProgram): number {
  const place = (pair as Partial<PlacedPair>).place;
  if (place === undefined || all[place] !== pair)
    throw new Error(`figures asked for a pair not of their set: ${pair.unitCode} ${pair.program}`);
  return place;
}

/**
 * A plan year's scopes, their dates and totals in two flat arrays (10 bytes a date, against a few
 * hundred for small arrays of their own per scope). A scope written again is appended and its old
 * place left as garbage, compacted once it outweighs what is live.
 */
export class FigureHistories {
  private readonly slotOf = new Map<string, number>();
  private readonly ids: ScopeIdentity[] = [];
  /**
   * Pairs (unit, program) in order of first scope, and each slot's pair: reads sum by index. The
   * pair objects live as long as the copy, so a national read hands out these and builds none
   * (30,000 objects a read, which outlived the young generation: about 12 ms of a cold page of
   * 10,000 units in a probe).
   */
  private readonly pairIndex = new Map<string, number>();
  readonly pairs: PlacedPair[] = [];
  private pairOfSlot: Int32Array = new Int32Array(256);
  private order: Int32Array = new Int32Array(0);
  /** Per slot and kind: start and end of its run in `days` and `totals`. */
  private bounds: Int32Array = new Int32Array(8 * 256);
  /**
   * Day numbers in 16 bits, which hold 1970-01-01 to 2149-06-06: every date plan years 2000 to 2100
   * allow. A day outside widens them to 32 bits for good. 10 bytes a date instead of 12: at
   * 3,000,000 entries the copy's arrays are 6 MB smaller.
   */
  private days: Uint16Array | Int32Array = new Uint16Array(4096);
  private totals: BigInt64Array = new BigInt64Array(4096);
  private used = 0;
  private live = 0;

  /**
   * Each slot's class: what a milestone's scope tests of it (scopeCovers: own or carried over,
   * program, source, capital type), whatever its unit. A province's 60,000 scopes fall in a few
   * dozen classes, so a read tests the milestones against those, not against every scope.
   */
  private readonly classIndex = new Map<string, number>();
  readonly classes: Omit<ScopeIdentity, "unitCode">[] = [];
  private classOfSlot: Int32Array = new Int32Array(256);

  /** One copy of each code: 60,000 scopes name 10,000 units, 3 programs, 2 sources. */
  private readonly strings = new Map<string, string>();
  private intern<T extends string>(s: T): T {
    const kept = this.strings.get(s);
    if (kept !== undefined) return kept as T;
    this.strings.set(s, s);
    return s;
  }

  get size(): number {
    return this.ids.length;
  }

  /** Adds a scope, or replaces its figures with these. */
  put(h: ScopeHistory): void {
    let slot = this.slotOf.get(h.key);
    if (slot === undefined) {
      slot = this.ids.length;
      this.slotOf.set(h.key, slot);
      this.ids.push({
        unitCode: this.intern(h.unitCode),
        program: this.intern(h.program),
        carriedOverFrom: h.carriedOverFrom,
        source: this.intern(h.source),
        capitalType: this.intern(h.capitalType),
      });
      if (this.bounds.length < (slot + 1) * 8) this.bounds = grown(this.bounds, (slot + 1) * 8);
      if (this.pairOfSlot.length < slot + 1) this.pairOfSlot = grown(this.pairOfSlot, slot + 1);
      const pk = `${h.unitCode}|${h.program}`;
      let pair = this.pairIndex.get(pk);
      if (pair === undefined) {
        pair = this.pairs.length;
        this.pairs.push({ unitCode: this.intern(h.unitCode), program: this.intern(h.program), place: pair });
        this.pairIndex.set(pk, pair);
      }
      this.pairOfSlot[slot] = pair;
      if (this.classOfSlot.length < slot + 1) this.classOfSlot = grown(this.classOfSlot, slot + 1);
      const ck = `${h.carriedOverFrom}|${h.program}|${h.source}|${h.capitalType}`;
      let cls = this.classIndex.get(ck);
      if (cls === undefined) {
        const { carriedOverFrom, program, source, capitalType } = this.ids[slot]!;
        cls = this.classes.push({ carriedOverFrom, program, source, capitalType }) - 1;
        this.classIndex.set(ck, cls);
      }
      this.classOfSlot[slot] = cls;
    } else {
      this.live -= this.bounds[slot * 8 + 7]! - this.bounds[slot * 8]!;
    }
    let n = 0;
    for (const kind of h.days) {
      n += kind.length;
      if (this.days instanceof Uint16Array && kind.some((d) => d < 0 || d > 0xffff))
        this.days = Int32Array.from(this.days);
    }
    if (this.used + n > this.days.length) this.makeRoom(n);
    for (let k = 0; k < 4; k++) {
      const days = h.days[k] ?? [];
      const totals = h.totals[k] ?? [];
      if (days.length !== totals.length)
        throw new RangeError(
          `scope ${h.key}: ${FIGURE_KINDS[k]} has ${days.length} dates and ${totals.length} totals`,
        );
      this.bounds[slot * 8 + 2 * k] = this.used;
      for (let i = 0; i < days.length; i++) {
        this.days[this.used] = days[i]!;
        this.totals[this.used] = totals[i]!;
        this.used++;
      }
      this.bounds[slot * 8 + 2 * k + 1] = this.used;
    }
    this.live += n;
  }

  /** The running total of a kind at the end of day `day` (0 before its first date). */
  totalAt(slot: number, kind: number, day: number): bigint {
    const place = this.placeAt(slot, kind, day);
    return place < 0 ? 0n : this.totals[place]!;
  }

  /**
   * Room for a read's sums: one released by an earlier read when there is one (zeroed up to `n`),
   * else new. A national read's sums are 2 MB that live through its walk: allocated for each read,
   * they outlived the young generation and, counted against the old one, brought a full collection
   * every ten or so cold pages (a probe of 60 pages at 1,000,000 entries: 16 to 18 full collections
   * with start-up, 12 with the room reused).
   */
  borrowSums(n: number): BigInt64Array {
    const room = this.spareSums;
    if (!room || room.length < n) return new BigInt64Array(n);
    this.spareSums = undefined;
    return room.fill(0n, 0, n);
  }

  /** Sums no read uses any longer. One room is kept: reads that run at once make their own. */
  returnSums(room: BigInt64Array): void {
    this.spareSums = room;
  }
  private spareSums: BigInt64Array | undefined;

  /** Where in `totalsArray()` totalAt's answer is, or -1 where it is 0 (before the kind's first date). */
  placeAt(slot: number, kind: number, day: number): number {
    let lo = this.bounds[slot * 8 + 2 * kind]!;
    let hi = this.bounds[slot * 8 + 2 * kind + 1]!;
    const start = lo;
    // The first date after `day`; the total before it is the one at `day`.
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.days[mid]! <= day) lo = mid + 1;
      else hi = mid;
    }
    return lo === start ? -1 : lo - 1;
  }

  /** The running totals placeAt points into, until the next put. */
  totalsArray(): BigInt64Array {
    return this.totals;
  }

  /** The first date with a movement of the kind, or Infinity. */
  firstDay(slot: number, kind: number): number {
    const start = this.bounds[slot * 8 + 2 * kind]!;
    return start < this.bounds[slot * 8 + 2 * kind + 1]! ? this.days[start]! : Number.POSITIVE_INFINITY;
  }

  hasAny(slot: number, kind: number): boolean {
    return this.bounds[slot * 8 + 2 * kind]! < this.bounds[slot * 8 + 2 * kind + 1]!;
  }

  scope(slot: number): ScopeIdentity {
    return this.ids[slot]!;
  }

  /**
   * Indexes into `pairs` in (unit, program) order, which the rules walk pairs in. Pairs come in the
   * order of their first scope: a whole load reads scopes by key, in order where codes have one
   * length, but a pair first seen on a catch-up comes last, and the rules then sorted 30,000 pairs
   * on every read.
   */
  pairOrder(): Int32Array {
    if (this.order.length !== this.pairs.length) {
      const order = Int32Array.from(this.pairs.keys());
      const ps = this.pairs;
      order.sort((a, b) => comparePairs(ps[a]!, ps[b]!));
      this.order = order;
    }
    return this.order;
  }

  /**
   * The pairs in pairOrder's order: one list, kept until a pair is added. A national read that
   * finds every pair moved by its date (any after the year's first weeks) hands this list out
   * instead of building one of 30,000 that outlives the young generation.
   */
  pairsInOrder(): readonly PlacedPair[] {
    const order = this.pairOrder();
    if (this.ordered?.length !== order.length)
      this.ordered = inPairOrder(Array.from(order, (i) => this.pairs[i]!));
    return this.ordered;
  }
  private ordered: readonly PlacedPair[] | undefined;

  /** The index in `classes` of what the slot's scope is. */
  classOf(slot: number): number {
    return this.classOfSlot[slot]!;
  }

  /** The index in `pairs` of the slot's (unit, program). */
  pairOf(slot: number): number {
    return this.pairOfSlot[slot]!;
  }

  /**
   * Room for `n` dates in all, allocated once: a whole load that knows its size up front grows no
   * arrays. Arrays grown and dropped on the way (a million dates make 12 MB) left the process's
   * allocator up to 34 MB larger after a national load (21 MB in two runs), 11-14 MB this way.
   */
  reserve(n: number): void {
    if (n <= this.days.length) return;
    const capacity = Math.max(n, this.live);
    this.compactInto(this.daysOf(capacity), new BigInt64Array(capacity));
  }

  /** Dates the arrays hold room for. */
  get capacity(): number {
    return this.days.length;
  }

  /** Drops the garbage and the spare room (after a whole load), unless there is little of either. */
  trim(): void {
    if (this.used === this.live && this.days.length <= Math.max(this.live * 1.125, 4096)) return;
    const capacity = Math.max(this.live, 4096);
    this.compactInto(this.daysOf(capacity), new BigInt64Array(capacity));
  }

  /** Room for n more dates: what is live moved into arrays twice its size, garbage left behind. */
  private makeRoom(n: number): void {
    const capacity = Math.max((this.live + n) * 2, 4096);
    this.compactInto(this.daysOf(capacity), new BigInt64Array(capacity));
  }

  private daysOf(n: number): Uint16Array | Int32Array {
    return this.days instanceof Uint16Array ? new Uint16Array(n) : new Int32Array(n);
  }

  private compactInto(days: Uint16Array | Int32Array, totals: BigInt64Array): void {
    let at = 0;
    for (let slot = 0; slot < this.ids.length; slot++) {
      const from = this.bounds[slot * 8]!;
      const to = this.bounds[slot * 8 + 7]!;
      days.set(this.days.subarray(from, to), at);
      totals.set(this.totals.subarray(from, to), at);
      for (let j = 0; j < 8; j++) this.bounds[slot * 8 + j] = this.bounds[slot * 8 + j]! - from + at;
      at += to - from;
    }
    this.days = days;
    this.totals = totals;
    this.used = at;
  }
}

function grown(a: Int32Array, atLeast: number): Int32Array {
  const b = new Int32Array(Math.max(atLeast, a.length * 2));
  b.set(a);
  return b;
}

const pairKey = (s: ScopeIdentity) => `${s.unitCode}|${s.program}`;

export const NO_FIGURES: PlanFigures = { pairs: [], figuresOf: () => undefined };

const NO_SUMS: ScopeFigures = Object.freeze({ allocated: 0n, disbursed: 0n, recentDisbursed: 0n });

/**
 * Per pair with any allocation or disbursement dated up to asOf (in any of its scopes), per rate
 * milestone: allocated and disbursed in its scope up to its cutoff, and disbursed in its
 * projection window.
 */
export function planFiguresOf(h: FigureHistories, plan: Plan, asOf: LocalDate): PlanFigures {
  const rateLike = plan.milestones.filter(isRateLike);
  if (rateLike.length === 0) return NO_FIGURES;
  const asOfDay = toDayNumber(asOf);
  // Each distinct (kind, day) is looked up once per scope, whatever the milestones sharing it.
  const lookups: { kind: number; day: number }[] = [];
  const lookup = (kind: number, day: number) => {
    let i = lookups.findIndex((l) => l.kind === kind && l.day === day);
    if (i < 0) i = lookups.push({ kind, day }) - 1;
    return i;
  };
  // Milestones that cut on the same days over the same scopes share one set of sums: until 30/9
  // the 2022 plan's M60 and M90 both count own capital up to asOf, and so does REF for its sources.
  const groups: { a: number; d: number; before: number; covers: Uint8Array }[] = [];
  const groupOf = rateLike.map((m) => {
    const { cutoff, windowStart } = figuresWindow(m, asOf, plan.projectionWindowDays);
    const cut = toDayNumber(cutoff);
    const g = {
      a: lookup(ALLOCATION, cut),
      d: lookup(DISBURSEMENT, cut),
      before: lookup(DISBURSEMENT, toDayNumber(addDays(windowStart, -1))),
      covers: Uint8Array.from(h.classes, (c) => (scopeCovers(m, c) ? 1 : 0)),
    };
    const same = groups.findIndex(
      (x) =>
        x.a === g.a && x.d === g.d && x.before === g.before && x.covers.every((c, i) => c === g.covers[i]),
    );
    return same >= 0 ? same : groups.push(g) - 1;
  });
  // Sums kept in a typed array: a total held in a JavaScript array is a heap object the
  // collector copies on every scavenge (half the time of a national read went there). A pair's
  // sums stay far within 64 bits: the ledger guard holds each scope within 10^15 đồng.
  const width = groups.length * 3;
  const n = h.pairs.length * width;
  const sums = h.borrowSums(n);
  let released = false;
  // Whether any scope of the group's reaches the pair: sums of one that none reaches are zeros.
  const reached = new Uint8Array(h.pairs.length * groups.length);
  const moved = new Uint8Array(h.pairs.length);
  let movedCount = 0;
  // Each lookup found as a place in the copy's totals, and added from there into the sums: V8
  // adds bigints from one 64-bit array into another without making a bigint object for each,
  // where a bigint handed back by a function is one (8 of the 36 MB a cold page allocated, in a
  // probe).
  const totals = h.totalsArray();
  const place = new Int32Array(lookups.length);
  // The slot a lookup was last made for: a stamp, not a fill of zeros per slot (60,000 of them).
  const knownFor = new Int32Array(lookups.length).fill(-1);
  const placed = (slot: number, i: number) => {
    if (knownFor[i] !== slot) {
      const l = lookups[i]!;
      place[i] = h.placeAt(slot, l.kind, l.day);
      knownFor[i] = slot;
    }
    return place[i]!;
  };
  for (let slot = 0; slot < h.size; slot++) {
    const cls = h.classOf(slot);
    const pair = h.pairOf(slot);
    if (
      moved[pair] === 0 &&
      (h.firstDay(slot, ALLOCATION) <= asOfDay || h.firstDay(slot, DISBURSEMENT) <= asOfDay)
    ) {
      moved[pair] = 1;
      movedCount++;
    }
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i]!;
      if (g.covers[cls] !== 1) continue;
      reached[pair * groups.length + i] = 1;
      const at = pair * width + 3 * i;
      // A place of -1 is a total of 0: nothing to add.
      const a = placed(slot, g.a);
      if (a >= 0) sums[at] = sums[at]! + totals[a]!;
      const d = placed(slot, g.d);
      if (d >= 0) {
        sums[at + 1] = sums[at + 1]! + totals[d]!;
        sums[at + 2] = sums[at + 2]! + totals[d]!;
      }
      const before = placed(slot, g.before);
      if (before >= 0) sums[at + 2] = sums[at + 2]! - totals[before]!;
    }
  }
  const ids = rateLike.map((m) => m.id);
  const ordered = h.pairsInOrder();
  const pairs =
    movedCount === ordered.length ? ordered : inPairOrder(ordered.filter((p) => moved[p.place] === 1));
  const all = h.pairs;
  // A pair's milestones are asked one after another, and those of one group share its sums: they
  // share one object too (M60 and M90 until 30/9), and a pair no scope of the group reaches gets
  // the zeros every such pair shares. Each object made here is three bigints and the object: most
  // of what a cold national page allocated (10 of its 28 MB, in a probe without inlining).
  const madeFor = new Int32Array(groups.length).fill(-1);
  const made: ScopeFigures[] = groups.map(() => NO_SUMS);
  return {
    pairs,
    figuresOf(milestoneId, pair) {
      if (released) throw new Error("figures read after their release");
      const place = placeOf(all, pair);
      // The milestones' ids by position: a handful, found faster by a scan than by a Map.
      const i = ids.indexOf(milestoneId);
      if (i < 0 || place * width >= n) return undefined;
      const group = groupOf[i]!;
      if (madeFor[group] !== place) {
        madeFor[group] = place;
        const k = place * width + 3 * group;
        made[group] =
          reached[place * groups.length + group] === 1
            ? { allocated: sums[k]!, disbursed: sums[k + 1]!, recentDisbursed: sums[k + 2]! }
            : NO_SUMS;
      }
      return made[group]!;
    },
    release() {
      if (released) return;
      released = true;
      h.returnSums(sums);
    },
  };
}

/**
 * Per pair with any carry-forward or refund in the refund milestone's scope: approved carry-forward
 * and refunds up to its cutoff, and refunds in its window. Keys: `unit|program`.
 */
export function refundFiguresOf(
  h: FigureHistories,
  plan: Plan,
  m: RateMilestone,
  asOf: LocalDate,
): Map<string, RefundFigures> {
  const { cutoff, windowStart } = figuresWindow(m, asOf, plan.projectionWindowDays);
  const cut = toDayNumber(cutoff);
  const before = toDayNumber(addDays(windowStart, -1));
  const out = new Map<string, RefundFigures>();
  for (let slot = 0; slot < h.size; slot++) {
    const s = h.scope(slot);
    if (!(h.hasAny(slot, CARRY_FORWARD) || h.hasAny(slot, REFUND)) || !scopeCovers(m, s)) continue;
    const key = pairKey(s);
    const f = out.get(key) ?? { carriedForward: 0n, refunded: 0n, recentRefunded: 0n };
    const refunded = h.totalAt(slot, REFUND, cut);
    f.carriedForward += h.totalAt(slot, CARRY_FORWARD, cut);
    f.refunded += refunded;
    f.recentRefunded += refunded - h.totalAt(slot, REFUND, before);
    out.set(key, f);
  }
  return out;
}

/** The plan year's own capital per pair as of asOf, for pairs with any own allocation or disbursement by then. */
export function ownCapitalTotalsOf(h: FigureHistories, asOf: LocalDate): PairTotals[] {
  const day = toDayNumber(asOf);
  const sums = new BigInt64Array(h.pairs.length * 2);
  const moved = new Uint8Array(h.pairs.length);
  const own = new Uint8Array(h.pairs.length);
  for (let slot = 0; slot < h.size; slot++) {
    if (h.scope(slot).carriedOverFrom !== null) continue;
    const pair = h.pairOf(slot);
    own[pair] = 1;
    if (h.firstDay(slot, ALLOCATION) <= day || h.firstDay(slot, DISBURSEMENT) <= day) moved[pair] = 1;
    sums[2 * pair] = sums[2 * pair]! + h.totalAt(slot, ALLOCATION, day);
    sums[2 * pair + 1] = sums[2 * pair + 1]! + h.totalAt(slot, DISBURSEMENT, day);
  }
  const out: PairTotals[] = [];
  for (let pair = 0; pair < h.pairs.length; pair++) {
    if (own[pair] === 0 || moved[pair] === 0) continue;
    const { unitCode, program } = h.pairs[pair]!;
    out.push({ unitCode, program, allocated: sums[2 * pair]!, disbursed: sums[2 * pair + 1]! });
  }
  return out;
}
