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

type Tally = { allocated: bigint; disbursed: bigint; counts: StatusCounts };
const blankTally = (): Tally => ({ allocated: 0n, disbursed: 0n, counts: zeroCounts() });
const RANK = Object.fromEntries(ORDER.map((s, i) => [s, i])) as Record<MilestoneStatus, number>;

/** One milestone's counts: by program as rows pass, the whole of it summed from those at the end. */
type MilestoneTally = {
  byProgram: Map<string, Tally>;
  // The evaluation hands a unit's rows together, units in order, and a program's rows of one
  // milestone mostly in a run: the unit and program at hand are kept, and each unit's worst
  // status is appended once the unit is done. No Map is touched per row or per unit (one per
  // unit cost a national read 25 ms); only rows out of that order are grouped, at the end.
  unit: string | undefined;
  worst: number;
  units: string[];
  worsts: number[];
  ordered: boolean;
  program: string | undefined;
  tally: Tally;
};

/** The unit at hand done: its worst status appended. */
function settleUnit(t: MilestoneTally): void {
  if (t.unit === undefined) return;
  const last = t.units.at(-1);
  if (last !== undefined && t.unit <= last) t.ordered = false;
  t.units.push(t.unit);
  t.worsts.push(t.worst);
  t.unit = undefined;
}

/** Units by their worst status: each unit counted once, however its rows came. */
function unitCountsOf(t: MilestoneTally): StatusCounts {
  const counts = zeroCounts();
  if (t.ordered) {
    for (const rank of t.worsts) counts[ORDER[rank]!] += 1;
    return counts;
  }
  const worst = new Map<string, number>();
  t.units.forEach((u, i) => {
    worst.set(u, Math.max(worst.get(u) ?? -1, t.worsts[i]!));
  });
  for (const rank of worst.values()) counts[ORDER[rank]!] += 1;
  return counts;
}

/**
 * The summary's milestones counted one row at a time (`add`), so a national summary never holds
 * its 150,000 rows; rows of milestones the plan does not have are left out.
 */
export function milestoneTally(plan: Plan) {
  const milestones = [...plan.milestones].sort((a, b) => cmp(a.dueOn, b.dueOn) || cmp(a.id, b.id));
  const byId = new Map(
    milestones.map((m): [string, MilestoneTally] => [
      m.id,
      {
        byProgram: new Map(),
        unit: undefined,
        worst: -1,
        units: [],
        worsts: [],
        ordered: true,
        program: undefined,
        tally: blankTally(),
      },
    ]),
  );
  return {
    add(e: PairEvaluation): void {
      const t = byId.get(e.id);
      if (!t) return;
      const rank = RANK[e.status];
      if (e.unitCode !== t.unit) {
        settleUnit(t);
        t.unit = e.unitCode;
        t.worst = rank;
      } else if (rank > t.worst) t.worst = rank;
      if (e.program !== t.program) {
        t.program = e.program;
        let p = t.byProgram.get(e.program);
        if (!p) {
          p = blankTally();
          t.byProgram.set(e.program, p);
        }
        t.tally = p;
      }
      const p = t.tally;
      p.allocated += e.allocated;
      p.disbursed += e.disbursed;
      p.counts[e.status] += 1;
    },
    byMilestone(): Summary["byMilestone"] {
      return milestones.map((m) => {
        const t = byId.get(m.id)!;
        settleUnit(t);
        const unitCounts = unitCountsOf(t);
        const all = blankTally();
        const byProgram = [...t.byProgram].sort(([a], [b]) => cmp(a, b));
        for (const [, pr] of byProgram) {
          all.allocated += pr.allocated;
          all.disbursed += pr.disbursed;
          for (const s of ORDER) all.counts[s] += pr.counts[s];
        }
        return {
          id: m.id,
          kind: m.kind,
          title: m.title,
          dueOn: m.dueOn,
          threshold: m.kind === "request" ? null : Number(m.thresholdPercent),
          comparison: m.kind === "request" ? null : m.comparison,
          total: totalsOf(all.allocated, all.disbursed),
          counts: all.counts,
          unitCounts,
          byProgram: byProgram.map(([program, pr]) => ({
            program,
            ...totalsOf(pr.allocated, pr.disbursed),
            counts: pr.counts,
          })),
        };
      });
    },
  };
}

export function summarize(
  plan: Plan,
  pairTotals: readonly PairTotals[],
  evals: readonly PairEvaluation[],
  units: ReadonlyMap<string, UnitInfo>,
): Summary {
  const tally = milestoneTally(plan);
  for (const e of evals) tally.add(e);
  return summaryOf(plan, pairTotals, units, tally.byMilestone());
}

/** The summary of a plan year: its own capital's totals beside the milestones' (milestoneTally). */
export function summaryOf(
  plan: Plan,
  pairTotals: readonly PairTotals[],
  units: ReadonlyMap<string, UnitInfo>,
  byMilestone: Summary["byMilestone"],
): Summary {
  const kindOf = (code: string) => units.get(code)?.kind ?? "department";
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
