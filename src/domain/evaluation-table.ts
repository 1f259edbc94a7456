// A full evaluation's rows held in columns, each row made again as it is read. A province's
// 150,000 rows held as objects took 44 MB, 295 bytes a row, and keeping them was most of a full
// evaluation's time: judging alone took 41-52 ms of 241-306 (bench/RESULTS.md part 2). Here a row
// is 75 bytes of typed arrays, and the rows a reader makes die young.
import { copyRow, type PairEvaluation } from "./plan-evaluation.js";

/** What every row of one milestone shares on one asOf: kept once, each row naming it. */
type Head = Pick<
  PairEvaluation,
  "id" | "dueOn" | "threshold" | "comparison" | "daysLeft" | "workingDaysLeft" | "planYear" | "kind"
>;

const sameHead = (h: Head, r: PairEvaluation) =>
  h.id === r.id &&
  h.dueOn === r.dueOn &&
  Object.is(h.threshold, r.threshold) &&
  h.comparison === r.comparison &&
  Object.is(h.daysLeft, r.daysLeft) &&
  Object.is(h.workingDaysLeft, r.workingDaysLeft) &&
  Object.is(h.planYear, r.planYear) &&
  h.kind === r.kind;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const fits = (v: bigint | null | undefined) => v == null || (v >= INT64_MIN && v <= INT64_MAX);

// Bits of `absent`: which nullable fields a row leaves null (or, for lapsed, undefined).
const NO_RATE = 1;
const NO_PROJECTED_RATE = 2;
const NO_PACE = 4;
const NO_PROJECTED = 8;
const NO_LAPSED = 16;

/** The columns, one entry a row, made in one place: growing or counting them misses none. */
const columns = (n: number) => ({
  head: new Uint16Array(n),
  pair: new Uint32Array(n),
  status: new Uint8Array(n),
  absent: new Uint8Array(n),
  /** 0: undefined, 1: null, k + 2: dates[k]. */
  sentOn: new Uint16Array(n),
  /** 0: undefined, 1: false, 2: true. */
  advisory: new Uint8Array(n),
  rate: new Float64Array(n),
  projectedRate: new Float64Array(n),
  allocated: new BigInt64Array(n),
  disbursed: new BigInt64Array(n),
  shortfall: new BigInt64Array(n),
  pace: new BigInt64Array(n),
  projected: new BigInt64Array(n),
  lapsed: new BigInt64Array(n),
});
type Columns = ReturnType<typeof columns>;

/** A full evaluation, in its order: `length` rows, each made by `at` or by iterating. */
export type Evaluation = Iterable<PairEvaluation> & {
  readonly length: number;
  at(i: number): PairEvaluation;
};

export class EvaluationTable implements Evaluation {
  private count = 0;
  private heads: Head[] = [];
  private lastHead = -1;
  private unitCodes: string[] = [];
  private programs: string[] = [];
  private statuses: PairEvaluation["status"][] = [];
  private dates: string[] = [];
  private dateCodes = new Map<string, number>();
  /** Rows a column cannot hold exactly (a Treasury reading, a unit's name, a sum beyond 64 bits). */
  private whole = new Map<number, PairEvaluation>();
  private c: Columns;

  /** `capacity`: the rows expected; more grow the columns. */
  constructor(capacity = 1024) {
    this.c = columns(Math.max(1, capacity));
  }

  get length(): number {
    return this.count;
  }

  /** Appends a copy of the row: the caller may reuse or drop it. */
  push(r: PairEvaluation): void {
    if (this.count === this.c.head.length) this.grow();
    const i = this.count++;
    this.c.head[i] = this.headOf(r);
    this.c.pair[i] = this.pairOf(r);
    if (
      r.readings !== undefined ||
      r.unitName !== undefined ||
      r.unitKind !== undefined ||
      !fits(r.allocated) ||
      !fits(r.disbursed) ||
      !fits(r.shortfall) ||
      !fits(r.requiredDailyPace) ||
      !fits(r.projectedDisbursed) ||
      !fits(r.lapsed) ||
      this.dates.length > 0xfff0
    ) {
      this.whole.set(i, copyRow(r));
      return;
    }
    this.c.status[i] = this.statusCode(r.status);
    this.c.allocated[i] = r.allocated;
    this.c.disbursed[i] = r.disbursed;
    this.c.shortfall[i] = r.shortfall;
    let absent = 0;
    if (r.rate === null) absent |= NO_RATE;
    else this.c.rate[i] = r.rate;
    if (r.projectedRate === null) absent |= NO_PROJECTED_RATE;
    else this.c.projectedRate[i] = r.projectedRate;
    if (r.requiredDailyPace === null) absent |= NO_PACE;
    else this.c.pace[i] = r.requiredDailyPace;
    if (r.projectedDisbursed === null) absent |= NO_PROJECTED;
    else this.c.projected[i] = r.projectedDisbursed;
    if (r.lapsed === undefined) absent |= NO_LAPSED;
    else this.c.lapsed[i] = r.lapsed;
    this.c.absent[i] = absent;
    const sent = r.requestSentOn;
    this.c.sentOn[i] = sent === undefined ? 0 : sent === null ? 1 : this.dateCode(sent) + 2;
    this.c.advisory[i] = r.advisory === undefined ? 0 : r.advisory ? 2 : 1;
  }

  /** Row i, made anew: a reader may keep or change it. */
  at(i: number): PairEvaluation {
    if (!(Number.isInteger(i) && i >= 0 && i < this.count)) throw new RangeError(`row ${i} of ${this.count}`);
    const whole = this.whole.get(i);
    if (whole) return copyRow(whole);
    const h = this.heads[this.c.head[i]!]!;
    const p = this.c.pair[i]!;
    const absent = this.c.absent[i]!;
    const sent = this.c.sentOn[i]!;
    const advisory = this.c.advisory[i]!;
    // Fields in newRow's order, so rows made here share the evaluation's one shape.
    return {
      id: h.id,
      dueOn: h.dueOn,
      status: this.statuses[this.c.status[i]!]!,
      allocated: this.c.allocated[i]!,
      disbursed: this.c.disbursed[i]!,
      rate: absent & NO_RATE ? null : this.c.rate[i]!,
      threshold: h.threshold,
      comparison: h.comparison,
      shortfall: this.c.shortfall[i]!,
      daysLeft: h.daysLeft,
      workingDaysLeft: h.workingDaysLeft,
      requiredDailyPace: absent & NO_PACE ? null : this.c.pace[i]!,
      projectedRate: absent & NO_PROJECTED_RATE ? null : this.c.projectedRate[i]!,
      projectedDisbursed: absent & NO_PROJECTED ? null : this.c.projected[i]!,
      unitCode: this.unitCodes[p]!,
      program: this.programs[p]!,
      planYear: h.planYear,
      kind: h.kind,
      requestSentOn: sent === 0 ? undefined : sent === 1 ? null : this.dates[sent - 2],
      advisory: advisory === 0 ? undefined : advisory === 2,
      lapsed: absent & NO_LAPSED ? undefined : this.c.lapsed[i]!,
      readings: undefined,
      unitName: undefined,
      unitKind: undefined,
    };
  }

  /** Row i's unit code, without making the row. */
  unitCodeAt(i: number): string {
    if (!(Number.isInteger(i) && i >= 0 && i < this.count)) throw new RangeError(`row ${i} of ${this.count}`);
    return this.unitCodes[this.c.pair[i]!]!;
  }

  [Symbol.iterator](): Iterator<PairEvaluation> {
    let i = 0;
    return {
      next: () => (i < this.length ? { value: this.at(i++), done: false } : { value: undefined, done: true }),
    };
  }

  /** Bytes the columns take (their capacity, touched or not): what a table holds beyond its heap. */
  columnBytes(): number {
    return Object.values(this.c).reduce((n, a) => n + a.byteLength, 0);
  }

  /** Every row as an object: for a reader that needs an array (tests, small plans). */
  rows(): PairEvaluation[] {
    const out = new Array<PairEvaluation>(this.length);
    for (let i = 0; i < this.length; i++) out[i] = this.at(i);
    return out;
  }

  private headOf(r: PairEvaluation): number {
    // Rows come pair by pair, milestone after milestone: the next head is mostly the one after.
    const n = this.heads.length;
    let at = -1;
    for (let k = 0; k < n && at < 0; k++) {
      const next = (this.lastHead + 1 + k) % n;
      if (sameHead(this.heads[next]!, r)) at = next;
    }
    if (at < 0) {
      if (n === 0xffff) throw new RangeError("an evaluation of more than 65,535 milestone heads");
      const { id, dueOn, threshold, comparison, daysLeft, workingDaysLeft, planYear, kind } = r;
      at =
        this.heads.push({ id, dueOn, threshold, comparison, daysLeft, workingDaysLeft, planYear, kind }) - 1;
    }
    this.lastHead = at;
    return at;
  }

  private pairOf(r: PairEvaluation): number {
    const last = this.unitCodes.length - 1;
    if (last >= 0 && this.unitCodes[last] === r.unitCode && this.programs[last] === r.program) return last;
    this.unitCodes.push(r.unitCode);
    this.programs.push(r.program);
    return last + 1;
  }

  private statusCode(s: PairEvaluation["status"]): number {
    const k = this.statuses.indexOf(s);
    return k >= 0 ? k : this.statuses.push(s) - 1;
  }

  private dateCode(s: string): number {
    let k = this.dateCodes.get(s);
    if (k === undefined) {
      k = this.dates.push(s) - 1;
      this.dateCodes.set(s, k);
    }
    return k;
  }

  private grow(): void {
    const next = columns(this.c.head.length * 2);
    for (const k of Object.keys(next) as (keyof Columns)[])
      (next[k] as unknown as { set(from: unknown): void }).set(this.c[k]);
    this.c = next;
  }
}
