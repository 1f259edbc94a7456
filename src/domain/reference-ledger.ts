import type { LocalDate } from "./local-date.js";
import { figuresWindow, type ScopeFigures } from "./milestone-status.js";
import type { CapitalType, FundingSource, Plan, RateMilestone, UnitKind } from "./plan.js";
import { evaluatePlan, type PairEvaluation } from "./plan-evaluation.js";
import { NO_REFUNDS, refundScopeFigures } from "./refund.js";
import type { WorkingCalendar } from "./working-days.js";

/**
 * Reference implementation over plain rows: slow and obvious on purpose, so tests can state
 * expectations in terms of entries and the SQL aggregation can be cross-checked against it.
 */

export interface LedgerEntry {
  unitCode: string;
  program: string;
  planYear: number;
  carriedOverFrom: number | null;
  source: FundingSource;
  capitalType: CapitalType;
  /** Signed: an adjustment decision or a reversal is a negative entry. */
  amount: bigint;
  date: LocalDate;
  /** Refunds and carry-forward approvals are tracked with the same scope fields. */
  kind: "allocation" | "disbursement" | "refund" | "carryForward";
}

/** A reallocation request covering one program of a unit, sent on a date. */
export interface RequestFiling {
  unitCode: string;
  program: string;
  sentOn: LocalDate;
}

export interface ScopeKey {
  unitCode: string;
  program: string;
  planYear: number;
}

/** A pair's row without the unit and year it is asked for (kind, request and lapsed fields included). */
export type UnitMilestoneEvaluation = Omit<PairEvaluation, "unitCode" | "planYear">;

function inMilestoneScope(e: LedgerEntry, key: ScopeKey, m: RateMilestone): boolean {
  if (e.unitCode !== key.unitCode || e.program !== key.program || e.planYear !== key.planYear) return false;
  if (m.program !== undefined && e.program !== m.program) return false;
  if (m.source !== undefined && e.source !== m.source) return false;
  if (m.appliesTo?.sources !== undefined && !m.appliesTo.sources.includes(e.source)) return false;
  if (m.capitalType !== undefined && e.capitalType !== m.capitalType) return false;
  return m.scope.kind === "own" ? e.carriedOverFrom === null : e.carriedOverFrom === m.scope.fromYear;
}

export function scopeFiguresFromEntries(
  entries: readonly LedgerEntry[],
  key: ScopeKey,
  m: RateMilestone,
  asOf: LocalDate,
  windowDays: number,
): ScopeFigures {
  const { cutoff, windowStart } = figuresWindow(m, asOf, windowDays);
  const figures: { -readonly [K in keyof ScopeFigures]: bigint } = {
    allocated: 0n,
    disbursed: 0n,
    recentDisbursed: 0n,
  };
  const refunds = { ...NO_REFUNDS };
  for (const e of entries) {
    if (e.date > cutoff || !inMilestoneScope(e, key, m)) continue;
    if (e.kind === "allocation") {
      figures.allocated += e.amount;
    } else if (e.kind === "disbursement") {
      figures.disbursed += e.amount;
      if (e.date >= windowStart) figures.recentDisbursed += e.amount;
    } else if (e.kind === "refund") {
      refunds.refunded += e.amount;
      if (e.date >= windowStart) refunds.recentRefunded += e.amount;
    } else {
      refunds.carriedForward += e.amount;
    }
  }
  return m.kind === "refund" ? refundScopeFigures(figures, refunds) : figures;
}

/**
 * One evaluation per (program, milestone). A program is present when the unit has an entry of
 * the plan year for it dated on or before asOf: rows dated later are not yet known on asOf and
 * must change nothing. Same pairing and evaluation as the SQL path (domain/plan-evaluation.ts).
 */
export function evaluateUnit(
  entries: readonly LedgerEntry[],
  unitCode: string,
  plan: Plan,
  asOf: LocalDate,
  requests: readonly RequestFiling[] = [],
  /** The unit's kind, for milestones that concern only some kinds; unknown: all apply. */
  unitKind?: UnitKind,
  /** Working days (moved due dates, working days left); weekends only by default. */
  calendar?: WorkingCalendar,
): UnitMilestoneEvaluation[] {
  const programs = new Set(
    entries
      .filter((e) => (e.kind === "allocation" || e.kind === "disbursement") && e.unitCode === unitCode)
      .filter((e) => e.planYear === plan.year && e.date <= asOf)
      .map((e) => e.program),
  );
  const pairs = [...programs].map((program) => ({ unitCode, program }));
  const sentOn = (pair: { unitCode: string; program: string }) =>
    requests
      .filter((r) => r.unitCode === pair.unitCode && r.program === pair.program && r.sentOn <= asOf)
      .map((r) => r.sentOn)
      .sort()[0] ?? null;
  return evaluatePlan(
    plan,
    asOf,
    pairs,
    (m, pair) =>
      scopeFiguresFromEntries(entries, { ...pair, planYear: plan.year }, m, asOf, plan.projectionWindowDays),
    sentOn,
    () => unitKind,
    calendar,
  ).map(({ unitCode: _u, planYear: _y, ...e }) => e);
}
