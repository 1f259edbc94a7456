// Province-wide roll-ups for display. Nothing here decides a status: statuses come from
// plan-evaluation, per unit and program, and are only counted here.
import type { UnitInfo } from "./at-risk.js";
import type { MilestoneStatus } from "./milestone-status.js";
import { rateToNumber } from "./money.js";
import type { Plan } from "./plan.js";
import type { PairEvaluation } from "./plan-evaluation.js";
import { cmp } from "./plan-evaluation.js";

export type Totals = { allocated: bigint; disbursed: bigint; rate: number | null };
export type StatusCounts = Record<MilestoneStatus, number>;

/** Own capital of the plan year per (unit, program), as of the summary date. */
export type PairTotals = { unitCode: string; program: string; allocated: bigint; disbursed: bigint };

export type Summary = {
  planYear: number;
  total: Totals;
  byProgram: (Totals & { program: string })[];
  byUnitKind: (Totals & { kind: UnitInfo["kind"] })[];
  byMilestone: {
    id: string;
    title: string;
    dueOn: string;
    kind: "rate" | "refund" | "request";
    /** Null for a request milestone, which is met by filing, not by a rate. */
    threshold: number | null;
    comparison: "gt" | "gte" | null;
    total: Totals;
    /** (unit, program) pairs in each status: the grain at which milestones are judged. */
    counts: StatusCounts;
    /** Units by their worst status over their programs. */
    unitCounts: StatusCounts;
    byProgram: (Totals & { program: string; counts: StatusCounts })[];
  }[];
};

const ORDER: MilestoneStatus[] = ["not_applicable", "met", "on_track", "at_risk", "missed"];
const zeroCounts = (): StatusCounts => ({ not_applicable: 0, met: 0, on_track: 0, at_risk: 0, missed: 0 });
const totalsOf = (allocated: bigint, disbursed: bigint): Totals => ({
  allocated,
  disbursed,
  rate: rateToNumber(disbursed, allocated),
});

function sum(rows: readonly { allocated: bigint; disbursed: bigint }[]): Totals {
  let allocated = 0n;
  let disbursed = 0n;
  for (const r of rows) {
    allocated += r.allocated;
    disbursed += r.disbursed;
  }
  return totalsOf(allocated, disbursed);
}

function groupBy<T, K extends string>(rows: readonly T[], keyOf: (r: T) => K): [K, T[]][] {
  const groups = new Map<K, T[]>();
  for (const r of rows) {
    const k = keyOf(r);
    const g = groups.get(k);
    if (g) g.push(r);
    else groups.set(k, [r]);
  }
  return [...groups.entries()].sort(([a], [b]) => cmp(a, b));
}

function countStatuses(rows: readonly PairEvaluation[]): StatusCounts {
  const c = zeroCounts();
  for (const e of rows) c[e.status] += 1;
  return c;
}

export function summarize(
  plan: Plan,
  pairTotals: readonly PairTotals[],
  evals: readonly PairEvaluation[],
  units: ReadonlyMap<string, UnitInfo>,
): Summary {
  const kindOf = (code: string) => units.get(code)?.kind ?? "department";
  const byMilestone = [...plan.milestones]
    .sort((a, b) => cmp(a.dueOn, b.dueOn) || cmp(a.id, b.id))
    .map((m) => {
      const rows = evals.filter((e) => e.id === m.id);
      const worstByUnit = new Map<string, MilestoneStatus>();
      for (const e of rows) {
        const prev = worstByUnit.get(e.unitCode);
        if (!prev || ORDER.indexOf(e.status) > ORDER.indexOf(prev)) worstByUnit.set(e.unitCode, e.status);
      }
      const unitCounts = zeroCounts();
      for (const s of worstByUnit.values()) unitCounts[s] += 1;
      return {
        id: m.id,
        kind: m.kind,
        title: m.title,
        dueOn: m.dueOn,
        threshold: m.kind === "request" ? null : Number(m.thresholdPercent),
        comparison: m.kind === "request" ? null : m.comparison,
        total: sum(rows),
        counts: countStatuses(rows),
        unitCounts,
        byProgram: groupBy(rows, (e) => e.program).map(([program, pr]) => ({
          program,
          ...sum(pr),
          counts: countStatuses(pr),
        })),
      };
    });
  return {
    planYear: plan.year,
    total: sum(pairTotals),
    byProgram: groupBy(pairTotals, (r) => r.program).map(([program, rows]) => ({ program, ...sum(rows) })),
    byUnitKind: groupBy(pairTotals, (r) => kindOf(r.unitCode)).map(([kind, rows]) => ({
      kind,
      ...sum(rows),
    })),
    byMilestone,
  };
}
