// Judges every (unit, program) pair against every milestone of a plan. The grain is the
// program's capital plan of one unit (plan III.5 speaks of "kế hoạch vốn" of a programme);
// unit and province totals are roll-ups for display and are never judged.
import type { LocalDate } from "./local-date.js";
import { type MilestoneEvaluation, prepareMilestone, type ScopeFigures } from "./milestone-status.js";
import { withJudgedDueDates } from "./non-working-due-date.js";
import type { Milestone, Plan, RateMilestone, UnitKind } from "./plan.js";
import { prepareRequest } from "./request-status.js";
import type { Readings } from "./treasury-reading.js";
import { WEEKENDS_ONLY, type WorkingCalendar } from "./working-days.js";

export type UnitProgram = { unitCode: string; program: string };

export type PairEvaluation = MilestoneEvaluation & {
  unitCode: string;
  program: string;
  planYear: number;
  kind: Milestone["kind"];
  /** Request milestones only: when the pair's request was sent, and whether it is only advised. */
  requestSentOn?: LocalDate | null;
  advisory?: boolean;
  /**
   * Refund milestones, for a pair whose unit kind the milestone does not concern: the capital in
   * its scope left undisbursed and not carried forward (cut like the refund's own figures, at the
   * due date once past it). It lapses; it is not a refund the unit owes.
   */
  lapsed?: bigint;
  /**
   * Working days in (asOf, dueOn], 0 once due: daysLeft counted on the working calendar. Always
   * set by evaluatePlan; optional only so that rows built by hand need not carry it.
   */
  workingDaysLeft?: number;
  /** Where a Treasury statement speaks for the row: both readings, and the one it is (treasury-reading.ts). */
  readings?: Readings;
  /**
   * The unit's name and kind, set where a row is listed with its unit (the at-risk list makes
   * items of rows in place: atRiskItemOf). Slots in every row, so setting them changes no shape.
   */
  unitName?: string;
  unitKind?: UnitKind;
};

/** The earliest reallocation request covering a pair, sent on or before asOf; null if none. */
export type RequestSentOn<P extends UnitProgram = UnitProgram> = (pair: P) => LocalDate | null;

/** Figures of one pair in one milestone's scope; pairs without any figures hold nothing there. */
export type FiguresOf<P extends UnitProgram = UnitProgram> = (
  m: RateMilestone,
  pair: P,
) => ScopeFigures | undefined;

/** The kind of a pair's unit; undefined when the caller does not know it (every milestone then applies). */
export type UnitKindOf<P extends UnitProgram = UnitProgram> = (pair: P) => UnitKind | undefined;

const NONE: ScopeFigures = { allocated: 0n, disbursed: 0n, recentDisbursed: 0n };

/** False when the milestone names the unit kinds it concerns and the pair's is not one of them. */
function concerns(m: RateMilestone, kind: UnitKind | undefined): boolean {
  const kinds = m.appliesTo?.unitKinds;
  return kinds === undefined || kind === undefined || kinds.includes(kind);
}

export function evaluatePlan<P extends UnitProgram>(
  writtenPlan: Plan,
  asOf: LocalDate,
  pairs: readonly P[],
  figuresOf: FiguresOf<P>,
  requestSentOn: RequestSentOn<P> = () => null,
  unitKindOf: UnitKindOf<P> = () => undefined,
  /** Moves the due dates a plan says to move, and counts working days left. */
  calendar: WorkingCalendar = WEEKENDS_ONLY,
): PairEvaluation[] {
  const out: PairEvaluation[] = [];
  evaluatePlanEach(writtenPlan, asOf, pairs, figuresOf, requestSentOn, unitKindOf, calendar, (row) => {
    out.push(row);
  });
  return out;
}

/**
 * evaluatePlan, handing each row to `emit` in the same order instead of keeping them: a view that
 * keeps a few rows (the at-risk list) never holds all 150,000 of a province at once. `lean` rows
 * leave the figures shown only null (PreparedMilestone.judgeInto): a view that keeps a page of
 * them judges its pairs again in full. A lean walk also hands out the same row objects for every
 * pair, each rewritten for the next one: who keeps a lean row keeps a copy. Building 150,000 rows
 * was about 32 of the 85 MB a cold national page allocated (V8's sampling heap profiler).
 */
export function evaluatePlanEach<P extends UnitProgram>(
  writtenPlan: Plan,
  asOf: LocalDate,
  pairs: readonly P[],
  figuresOf: FiguresOf<P>,
  requestSentOn: RequestSentOn<P>,
  unitKindOf: UnitKindOf<P>,
  calendar: WorkingCalendar,
  emit: (row: PairEvaluation) => void,
  lean = false,
  /** Rows judged in full, handed out as lean ones are: one object per milestone, rewritten. */
  reused = lean,
): void {
  // figuresOf is handed these milestones, so figures cut at the moved date too; a caller that
  // reads figures on its own (SQL) moves the plan first with the same calendar.
  const plan = withJudgedDueDates(writtenPlan, calendar);
  // Callers mostly hand pairs in this order already (SQL ORDER BY): then no copy, no sort.
  const sortedPairs =
    IN_PAIR_ORDER.has(pairs) || isSorted(pairs, comparePairs) ? pairs : [...pairs].sort(comparePairs);
  const milestones = [...plan.milestones].sort((a, b) => cmp(a.dueOn, b.dueOn) || cmp(a.id, b.id));
  // Per milestone, by position: what does not depend on the pair, worked out once.
  const at = new Map(milestones.map((m, i) => [m.id, i]));
  const steps = milestones.map((m) => ({
    m,
    rate: m.kind === "request" ? undefined : prepareMilestone(m, asOf, plan.projectionWindowDays),
    request: m.kind === "request" ? prepareRequest(m, asOf) : undefined,
    required: m.kind === "request" ? (at.get(m.requiredAfterMissing) ?? -1) : -1,
    advisory: m.kind === "request" && m.advisoryWhenAtRisk ? (at.get(m.advisoryWhenAtRisk) ?? -1) : -1,
    workingDaysLeft: calendar.workingDaysBetween(asOf, m.dueOn),
  }));
  // The pair's rows by milestone position, reused from pair to pair.
  const judged: (PairEvaluation | undefined)[] = milestones.map(() => undefined);
  const rowFor = reused
    ? reusedRows(steps.map((s) => newRow("", "", plan.year, s.m.kind, s.workingDaysLeft)))
    : (i: number, unitCode: string, program: string) => {
        const { m, workingDaysLeft } = steps[i]!;
        return newRow(unitCode, program, plan.year, m.kind, workingDaysLeft);
      };
  // An index loop: for...of here made an iterator result per pair (1.2 MB of a cold national page).
  for (let p = 0; p < sortedPairs.length; p++) {
    const pair = sortedPairs[p]!;
    const { unitCode, program } = pair;
    const unitKind = unitKindOf(pair);
    // Rate-like milestones first: a request milestone is judged on their outcome.
    for (let i = 0; i < steps.length; i++) {
      const { m, rate } = steps[i]!;
      judged[i] = undefined;
      if (!rate || m.kind === "request" || (m.program !== undefined && m.program !== program)) continue;
      const row = rowFor(i, unitCode, program);
      if (!concerns(m, unitKind)) {
        rate.judgeInto(NONE, row, lean);
        if (m.kind === "refund") {
          // What would be due back (refundScopeFigures' allocated) is not owed by this unit.
          const dueBack = figuresOf(m, pair)?.allocated ?? 0n;
          row.lapsed = dueBack > 0n ? dueBack : 0n;
        }
      } else {
        rate.judgeInto(figuresOf(m, pair) ?? NONE, row, lean);
        // A refund is paid in one go at the end of the adjustment period, so a pace projection says
        // nothing before then: until the due date it shows the refund the unit is heading for.
        // (Hence canBeFlagged.)
        if (m.kind === "refund" && row.status === "at_risk") row.status = "on_track";
      }
      judged[i] = row;
    }
    for (let i = 0; i < steps.length; i++) {
      const { request, required, advisory } = steps[i]!;
      let row = judged[i];
      if (request) {
        row = request.judgeInto(
          required < 0 ? undefined : judged[required],
          advisory < 0 ? undefined : judged[advisory],
          requestSentOn(pair),
          rowFor(i, unitCode, program),
        );
      }
      if (row) emit(row);
    }
  }
}

/** The order pairs are judged and listed in: by unit, then program. */
export const comparePairs = (a: UnitProgram, b: UnitProgram) =>
  cmp(a.unitCode, b.unitCode) || cmp(a.program, b.program);

/** Lists made in comparePairs' order, which a walk need not check (30,000 comparisons a national read). */
const IN_PAIR_ORDER = new WeakSet<readonly UnitProgram[]>();

/** `pairs`, which its maker put in comparePairs' order and no one changes after, known as such. */
export function inPairOrder<P extends UnitProgram>(pairs: readonly P[]): readonly P[] {
  IN_PAIR_ORDER.add(pairs);
  return pairs;
}

/**
 * The pairs of `pairs` that `wanted` names (unit code to programs), in their order: each found by
 * halving a list known to be in pair order (a page's 100 pairs of 30,000), else by a scan.
 */
export function pickPairs<P extends UnitProgram>(
  pairs: readonly P[],
  wanted: ReadonlyMap<string, ReadonlySet<string>>,
): P[] {
  if (!IN_PAIR_ORDER.has(pairs)) return pairs.filter((p) => wanted.get(p.unitCode)?.has(p.program));
  const found: P[] = [];
  for (const [unitCode, programs] of wanted)
    for (const program of programs) {
      const key = { unitCode, program };
      let lo = 0;
      let hi = pairs.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (comparePairs(pairs[mid]!, key) < 0) lo = mid + 1;
        else hi = mid;
      }
      if (lo < pairs.length && comparePairs(pairs[lo]!, key) === 0) found.push(pairs[lo]!);
    }
  return found.sort(comparePairs);
}

function isSorted<T>(xs: readonly T[], compare: (a: T, b: T) => number): boolean {
  for (let i = 1; i < xs.length; i++) if (compare(xs[i - 1]!, xs[i]!) > 0) return false;
  return true;
}

/**
 * A pair's row, for judgeInto to fill: built once, field by field, so all rows share one shape.
 * Spreading or Object.assign-ing these objects sends V8 down a slow generic path (a national
 * evaluation, 150,000 rows, spent more time there than judging). `satisfies` turns a field added
 * to PairEvaluation into a compile error here until it is set.
 */
export function newRow(
  unitCode: string,
  program: string,
  planYear: number,
  kind: Milestone["kind"],
  workingDaysLeft: number,
): PairEvaluation {
  return {
    id: "",
    dueOn: "",
    status: "not_applicable",
    allocated: 0n,
    disbursed: 0n,
    rate: null,
    threshold: 0,
    comparison: "gt",
    shortfall: 0n,
    daysLeft: 0,
    workingDaysLeft,
    requiredDailyPace: null,
    projectedRate: null,
    projectedDisbursed: null,
    unitCode,
    program,
    planYear,
    kind,
    requestSentOn: undefined,
    advisory: undefined,
    lapsed: undefined,
    readings: undefined,
    unitName: undefined,
    unitKind: undefined,
  } satisfies PairEvaluation & Record<keyof Required<PairEvaluation>, unknown>;
}

/**
 * One row per milestone position, handed out again for each pair with every field a pair or a
 * view may set put back as newRow leaves it (plan year, kind and working days left stay: they are
 * the milestone's). No Object.assign from a template: see newRow.
 */
export function reusedRows(rows: PairEvaluation[]) {
  return (i: number, unitCode: string, program: string): PairEvaluation => {
    const row = rows[i]!;
    row.id = "";
    row.dueOn = "";
    row.status = "not_applicable";
    row.allocated = 0n;
    row.disbursed = 0n;
    row.rate = null;
    row.threshold = 0;
    row.comparison = "gt";
    row.shortfall = 0n;
    row.daysLeft = 0;
    row.requiredDailyPace = null;
    row.projectedRate = null;
    row.projectedDisbursed = null;
    row.unitCode = unitCode;
    row.program = program;
    row.requestSentOn = undefined;
    row.advisory = undefined;
    row.lapsed = undefined;
    row.readings = undefined;
    row.unitName = undefined;
    row.unitKind = undefined;
    return row;
  };
}

/**
 * A row copied field by field, for views that add their own fields to it (the at-risk items, the
 * closed milestones' rows) and leave the evaluation untouched. No spread: V8 copies spreads of
 * these objects through a slow generic path. `satisfies` as in newRow.
 */
export function copyRow(e: PairEvaluation): PairEvaluation {
  return {
    id: e.id,
    dueOn: e.dueOn,
    status: e.status,
    allocated: e.allocated,
    disbursed: e.disbursed,
    rate: e.rate,
    threshold: e.threshold,
    comparison: e.comparison,
    shortfall: e.shortfall,
    daysLeft: e.daysLeft,
    workingDaysLeft: e.workingDaysLeft,
    requiredDailyPace: e.requiredDailyPace,
    projectedRate: e.projectedRate,
    projectedDisbursed: e.projectedDisbursed,
    unitCode: e.unitCode,
    program: e.program,
    planYear: e.planYear,
    kind: e.kind,
    requestSentOn: e.requestSentOn,
    advisory: e.advisory,
    lapsed: e.lapsed,
    readings: e.readings,
    unitName: e.unitName,
    unitKind: e.unitKind,
  } satisfies Record<keyof Required<PairEvaluation>, unknown>;
}

/**
 * Whether a milestone's rows can be at risk or missed on asOf, its due date as judged
 * (withJudgedDueDates). A refund's cannot until its due date has passed: evaluatePlanEach shows
 * the refund a pair is heading for as on track until then, and met or missed after.
 */
export function canBeFlagged(m: Milestone, asOf: LocalDate): boolean {
  return m.kind !== "refund" || asOf > m.dueOn;
}

/**
 * The plan cut down to the milestones whose rows can be flagged on asOf (canBeFlagged), those
 * `recorded` names (a row is listed on a closed milestone's recorded verdict too) and those their
 * judgement rests on: for a list of flagged rows only, which then judges no row it would drop
 * (30,000 refund rows of a province until 31/01 of the next year).
 */
export function planForFlagged(plan: Plan, asOf: LocalDate, recorded: ReadonlySet<string>): Plan {
  const needed = new Set<string>();
  for (const m of plan.milestones) {
    if (!canBeFlagged(m, asOf) && !recorded.has(m.id)) continue;
    needed.add(m.id);
    if (m.kind === "request") {
      needed.add(m.requiredAfterMissing);
      if (m.advisoryWhenAtRisk) needed.add(m.advisoryWhenAtRisk);
    }
  }
  if (needed.size === plan.milestones.length) return plan;
  return { ...plan, milestones: plan.milestones.filter((m) => needed.has(m.id)) };
}

/**
 * The plan cut down to one milestone and those its judgement rests on (a request milestone rests
 * on the rate milestones it names), so that a question about one milestone costs one milestone.
 */
export function planNarrowedTo(plan: Plan, milestoneId: string): Plan {
  const target = plan.milestones.find((m) => m.id === milestoneId);
  const needed = new Set<string>(target ? [target.id] : []);
  if (target?.kind === "request") {
    needed.add(target.requiredAfterMissing);
    if (target.advisoryWhenAtRisk) needed.add(target.advisoryWhenAtRisk);
  }
  return { ...plan, milestones: plan.milestones.filter((m) => needed.has(m.id)) };
}

// Code-unit order, not locale order: stable across machines and equal to SQL's "C" collation.
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
