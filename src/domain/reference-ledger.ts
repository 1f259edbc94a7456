import type { LocalDate } from "./local-date.js";
import {
  evaluateMilestone,
  figuresWindow,
  type MilestoneEvaluation,
  type ScopeFigures,
} from "./milestone-status.js";
import type { CapitalType, FundingSource, Plan, RateMilestone } from "./plan.js";

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
  kind: "allocation" | "disbursement";
}

export interface ScopeKey {
  unitCode: string;
  program: string;
  planYear: number;
}

export type UnitMilestoneEvaluation = MilestoneEvaluation & { program: string };

function inMilestoneScope(e: LedgerEntry, key: ScopeKey, m: RateMilestone): boolean {
  if (e.unitCode !== key.unitCode || e.program !== key.program || e.planYear !== key.planYear) return false;
  if (m.program !== undefined && e.program !== m.program) return false;
  if (m.source !== undefined && e.source !== m.source) return false;
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
  const figures: ScopeFigures = { allocated: 0n, disbursed: 0n, recentDisbursed: 0n };
  for (const e of entries) {
    if (e.date > cutoff || !inMilestoneScope(e, key, m)) continue;
    if (e.kind === "allocation") {
      figures.allocated += e.amount;
    } else {
      figures.disbursed += e.amount;
      if (e.date >= windowStart) figures.recentDisbursed += e.amount;
    }
  }
  return figures;
}

/**
 * One evaluation per (program, milestone), sorted by program then milestone id. A program is
 * present when the unit has any entry for it dated on or before asOf: rows dated later are not
 * yet known on asOf and must change nothing.
 */
export function evaluateUnit(
  entries: readonly LedgerEntry[],
  unitCode: string,
  plan: Plan,
  asOf: LocalDate,
): UnitMilestoneEvaluation[] {
  const programs = [
    ...new Set(entries.filter((e) => e.unitCode === unitCode && e.date <= asOf).map((e) => e.program)),
  ].sort(compareStrings);
  const milestones = [...plan.milestones].sort((a, b) => compareStrings(a.id, b.id));
  const result: UnitMilestoneEvaluation[] = [];
  for (const program of programs) {
    for (const m of milestones) {
      if (m.program !== undefined && m.program !== program) continue;
      const key = { unitCode, program, planYear: plan.year };
      const figures = scopeFiguresFromEntries(entries, key, m, asOf, plan.projectionWindowDays);
      result.push({ ...evaluateMilestone(figures, m, asOf, plan.projectionWindowDays), program });
    }
  }
  return result;
}

// Plain code-unit order, not locale order: stable across machines, matches SQL "C" collation for ASCII codes.
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
