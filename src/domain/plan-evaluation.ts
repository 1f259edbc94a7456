// Judges every (unit, program) pair against every milestone of a plan. The grain is the
// program's capital plan of one unit (plan III.5 speaks of "kế hoạch vốn" of a programme);
// unit and province totals are roll-ups for display and are never judged.
import type { LocalDate } from "./local-date.js";
import { evaluateMilestone, type MilestoneEvaluation, type ScopeFigures } from "./milestone-status.js";
import type { Plan, RateMilestone } from "./plan.js";

export type UnitProgram = { unitCode: string; program: string };

export type PairEvaluation = MilestoneEvaluation & { unitCode: string; program: string; planYear: number };

/** Figures of one pair in one milestone's scope; pairs without any figures hold nothing there. */
export type FiguresOf<P extends UnitProgram = UnitProgram> = (
  m: RateMilestone,
  pair: P,
) => ScopeFigures | undefined;

const NONE: ScopeFigures = { allocated: 0n, disbursed: 0n, recentDisbursed: 0n };

export function evaluatePlan<P extends UnitProgram>(
  plan: Plan,
  asOf: LocalDate,
  pairs: readonly P[],
  figuresOf: FiguresOf<P>,
): PairEvaluation[] {
  const sortedPairs = [...pairs].sort((a, b) => cmp(a.unitCode, b.unitCode) || cmp(a.program, b.program));
  const milestones = [...plan.milestones].sort((a, b) => cmp(a.dueOn, b.dueOn) || cmp(a.id, b.id));
  const out: PairEvaluation[] = [];
  for (const pair of sortedPairs) {
    for (const m of milestones) {
      if (m.program !== undefined && m.program !== pair.program) continue;
      const figures = figuresOf(m, pair) ?? NONE;
      out.push({
        ...evaluateMilestone(figures, m, asOf, plan.projectionWindowDays),
        ...pair,
        planYear: plan.year,
      });
    }
  }
  return out;
}

// Code-unit order, not locale order: stable across machines and equal to SQL's "C" collation.
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
