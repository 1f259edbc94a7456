import { addDays, assertLocalDate, daysBetween, type LocalDate, minDate } from "./local-date.js";
import { ceilDiv, floorDiv, rateTowardVerdict } from "./money.js";
import { type Comparison, type RateMilestone, thresholdBasisPoints } from "./plan.js";

export type MilestoneStatus = "not_applicable" | "met" | "on_track" | "at_risk" | "missed";

/**
 * Sums for one scope, all cut at `figuresWindow(...).cutoff`. Read only: a national read hands
 * one object to every milestone that shares its sums (planFiguresOf).
 */
export interface ScopeFigures {
  readonly allocated: bigint;
  readonly disbursed: bigint;
  /** Disbursements dated in [windowStart, cutoff]. */
  readonly recentDisbursed: bigint;
}

export interface MilestoneEvaluation {
  id: string;
  dueOn: LocalDate;
  status: MilestoneStatus;
  allocated: bigint;
  disbursed: bigint;
  /**
   * Display only (percent, 2 decimals), rounded toward `status`: up when met, down otherwise, so
   * an unmet milestone never shows a rate that meets its threshold. Null when allocated <= 0.
   * Never used to decide.
   */
  rate: number | null;
  threshold: number;
  comparison: Comparison;
  /** Smallest extra disbursement that would meet the milestone; at the due date once past it. */
  shortfall: bigint;
  daysLeft: number;
  requiredDailyPace: bigint | null;
  /** Display only, like `rate`, rounded toward the projection's own verdict; never negative. */
  projectedRate: number | null;
  /** In [max(disbursed, 0), allocated] when disbursed <= allocated; whole đồng rounded like `projectedRate`. */
  projectedDisbursed: bigint | null;
}

/** Ordering for "worst first"; not_applicable has no place in it. */
export const STATUS_SEVERITY = { met: 0, on_track: 1, at_risk: 2, missed: 3 } as const satisfies Record<
  Exclude<MilestoneStatus, "not_applicable">,
  number
>;

/** True when `a` is strictly worse than `b`; not_applicable is neither worse nor better than anything. */
export function isWorse(a: MilestoneStatus, b: MilestoneStatus): boolean {
  if (a === "not_applicable" || b === "not_applicable") return false;
  return STATUS_SEVERITY[a] > STATUS_SEVERITY[b];
}

function assertWindowDays(windowDays: number): void {
  if (!Number.isInteger(windowDays) || windowDays < 1) {
    throw new RangeError(`windowDays must be a positive integer: ${windowDays}`);
  }
}

/**
 * Entries count up to the due date at the latest: after it, a late disbursement must not
 * rescue a missed milestone.
 */
export function figuresWindow(
  m: RateMilestone,
  asOf: LocalDate,
  windowDays: number,
): { cutoff: LocalDate; windowStart: LocalDate } {
  assertWindowDays(windowDays);
  const cutoff = minDate(assertLocalDate(asOf), m.dueOn);
  return { cutoff, windowStart: addDays(cutoff, 1 - windowDays) };
}

/** disbursed/allocated against bp basis points; callers may scale both by the same positive factor. */
function meets(
  comparison: Comparison,
  disbursedScaled: bigint,
  bp: bigint,
  allocatedScaled: bigint,
): boolean {
  const lhs = disbursedScaled * 10_000n;
  const rhs = bp * allocatedScaled;
  return comparison === "gt" ? lhs > rhs : lhs >= rhs;
}

export function evaluateMilestone(
  figures: ScopeFigures,
  m: RateMilestone,
  asOf: LocalDate,
  windowDays: number,
): MilestoneEvaluation {
  return prepareMilestone(m, asOf, windowDays).judge(figures);
}

/** A milestone made ready to judge many pairs on one day. */
export type PreparedMilestone = {
  judge(figures: ScopeFigures): MilestoneEvaluation;
  /**
   * The same judgement written into `row`, every field of MilestoneEvaluation: a national
   * evaluation builds each row once instead of copying a judgement into it. `lean` leaves the
   * figures shown only (rate, projectedRate, projectedDisbursed, requiredDailyPace) null and
   * decides the rest alike: for a walk that keeps a few rows and judges those again in full.
   */
  judgeInto<R extends MilestoneEvaluation>(figures: ScopeFigures, row: R, lean?: boolean): R;
};

/**
 * Works out once what does not depend on the pair (threshold, days left, window), so that a
 * national evaluation (hundreds of thousands of judgements) spends its time on the pairs' figures.
 */
export function prepareMilestone(m: RateMilestone, asOf: LocalDate, windowDays: number): PreparedMilestone {
  assertWindowDays(windowDays);
  assertLocalDate(asOf);
  const { id, dueOn, comparison } = m;
  const bp = thresholdBasisPoints(m);
  const threshold = Number(bp) / 100;
  const pastDue = asOf > dueOn;
  const daysLeft = pastDue ? 0 : daysBetween(asOf, dueOn);
  const W = BigInt(windowDays);
  const D = BigInt(daysLeft);
  // Whether the whole allocation meets the threshold (false only above 100%).
  const meetsInFull = meets(comparison, 1n, bp, 1n);

  function judgeInto<R extends MilestoneEvaluation>(
    { allocated, disbursed, recentDisbursed }: ScopeFigures,
    row: R,
    lean = false,
  ): R {
    let status: MilestoneStatus = "not_applicable";
    let rate: number | null = null;
    let shortfall = 0n;
    let requiredDailyPace: bigint | null = null;
    let projectedRate: number | null = null;
    let projectedDisbursed: bigint | null = null;

    if (allocated > 0n) {
      // Each product once: a national evaluation's garbage is mostly these bigints.
      const bpAllocated = bp * allocated;
      const disbursed10k = disbursed * 10_000n;
      const held = comparison === "gt" ? disbursed10k > bpAllocated : disbursed10k >= bpAllocated;
      // Met means disbursed already reaches the smallest amount that meets, so nothing is short.
      if (!held) {
        const needed =
          comparison === "gt" ? floorDiv(bpAllocated, 10_000n) + 1n : ceilDiv(bpAllocated, 10_000n);
        shortfall = needed > disbursed ? needed - disbursed : 0n;
      }
      // Rounded toward the verdict: exactly 60.00% against "above 60%" shows a true 60.00 and
      // is missed (60 is not above 60); 59.996% shows 59.99, never the 60.00 it did not reach.
      // (rateTowardVerdict, with the product above.)
      if (!lean)
        rate = Number(held ? ceilDiv(disbursed10k, allocated) : floorDiv(disbursed10k, allocated)) / 100;
      if (pastDue) {
        status = held ? "met" : "missed";
      } else if (held && lean) {
        // Met already: the projection would only be shown, and a lean row shows none.
        status = "met";
      } else {
        // Projection: linear extrapolation of the pace of the last `windowDays` days to the due
        // date. Units disburse in bursts (treasury payment runs, contract milestones), so the
        // recent window says more about what they will still pay than the year-to-date average,
        // and it is a rule a unit head can redo by hand. The asOf day counts as done, hence
        // daysLeft = dueOn - asOf.
        // Corrections (negative disbursements) in the window can make its net negative; that
        // projects as no pace at all: a unit is not expected to un-pay what it paid, so the
        // figures stay where they are, and the verdict below uses the same clamped pace.
        const allocatedW = allocated * W;
        const disbursedW = disbursed * W;
        // The projection scaled by W (exact, unfloored), kept within [0, allocated].
        const paced = recentDisbursed > 0n && daysLeft > 0;
        const unclamped = paced ? disbursedW + recentDisbursed * D : disbursedW;
        let projectedHolds: boolean;
        // Two common cases answered without the arithmetic below, to the same values: a projection
        // capped at the allocation is exactly 100% of it, and one that adds nothing to what was
        // disbursed is that amount, judged and shown as it is.
        if (unclamped >= allocatedW) {
          projectedHolds = meetsInFull;
          projectedDisbursed = allocated;
          projectedRate = 100;
        } else if (!paced && disbursed >= 0n) {
          projectedHolds = held;
          projectedDisbursed = disbursed;
          projectedRate = rate;
        } else {
          const projectedW = unclamped > 0n ? unclamped : 0n;
          // Decided on the unfloored projection: flooring could flip a boundary case.
          projectedHolds = meets(comparison, projectedW, bp, allocatedW);
          // Whole đồng rounded toward that verdict, so amount, rate and status agree.
          if (!lean) {
            projectedDisbursed = projectedHolds ? ceilDiv(projectedW, W) : floorDiv(projectedW, W);
            projectedRate = rateTowardVerdict(projectedDisbursed, allocated, projectedHolds);
          }
        }
        if (!lean) requiredDailyPace = held ? 0n : daysLeft > 0 ? ceilDiv(shortfall, D) : shortfall;
        status = held ? "met" : projectedHolds ? "on_track" : "at_risk";
      }
    }

    row.id = id;
    row.dueOn = dueOn;
    row.status = status;
    row.allocated = allocated;
    row.disbursed = disbursed;
    row.rate = rate;
    row.threshold = threshold;
    row.comparison = comparison;
    row.shortfall = shortfall;
    row.daysLeft = daysLeft;
    row.requiredDailyPace = requiredDailyPace;
    row.projectedRate = lean ? null : projectedRate;
    row.projectedDisbursed = lean ? null : projectedDisbursed;
    return row;
  }

  return {
    judge: (figures) => judgeInto(figures, blankEvaluation()),
    judgeInto,
  };
}

/**
 * A MilestoneEvaluation's fields, in their order, for judgeInto to fill. `satisfies` turns a field
 * added to MilestoneEvaluation into a compile error here.
 */
export function blankEvaluation(): MilestoneEvaluation {
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
    requiredDailyPace: null,
    projectedRate: null,
    projectedDisbursed: null,
  } satisfies MilestoneEvaluation & Record<keyof Required<MilestoneEvaluation>, unknown>;
}
