// The summary's milestones are counted one row at a time (milestoneTally), never holding a
// province's rows: the counts must equal those read off all the rows at once, whatever the rows.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { MilestoneStatus } from "./milestone-status.js";
import { DEFAULT_PLAN_2022 } from "./plan.js";
import { cmp, type PairEvaluation } from "./plan-evaluation.js";
import { type StatusCounts, summarize } from "./summary.js";

const STATUSES: MilestoneStatus[] = ["not_applicable", "met", "on_track", "at_risk", "missed"];
const plan = DEFAULT_PLAN_2022;

/** All rows at once: the grouping the tally replaced, kept here as the reference. */
function reference(rows: readonly PairEvaluation[]) {
  const counts = (rs: readonly PairEvaluation[]) => {
    const c: StatusCounts = { not_applicable: 0, met: 0, on_track: 0, at_risk: 0, missed: 0 };
    for (const r of rs) c[r.status] += 1;
    return c;
  };
  const sums = (rs: readonly PairEvaluation[]) => ({
    allocated: rs.reduce((a, r) => a + r.allocated, 0n),
    disbursed: rs.reduce((a, r) => a + r.disbursed, 0n),
  });
  return [...plan.milestones]
    .sort((a, b) => cmp(a.dueOn, b.dueOn) || cmp(a.id, b.id))
    .map((m) => {
      const mine = rows.filter((r) => r.id === m.id);
      const worst = new Map<string, number>();
      for (const r of mine)
        worst.set(r.unitCode, Math.max(worst.get(r.unitCode) ?? -1, STATUSES.indexOf(r.status)));
      const unitCounts: StatusCounts = { not_applicable: 0, met: 0, on_track: 0, at_risk: 0, missed: 0 };
      for (const w of worst.values()) unitCounts[STATUSES[w]!] += 1;
      const programs = [...new Set(mine.map((r) => r.program))].sort(cmp);
      return {
        id: m.id,
        ...sums(mine),
        counts: counts(mine),
        unitCounts,
        byProgram: programs.map((p) => {
          const rs = mine.filter((r) => r.program === p);
          return { program: p, ...sums(rs), counts: counts(rs) };
        }),
      };
    });
}

const row = fc
  .record({
    id: fc.constantFrom(...plan.milestones.map((m) => m.id), "NOT_IN_PLAN"),
    unitCode: fc.constantFrom("U1", "U2", "U3", "U4"),
    program: fc.constantFrom("NTM", "GNBV", "DTTS"),
    status: fc.constantFrom(...STATUSES),
    allocated: fc.bigInt({ min: 0n, max: 10n ** 15n }),
    disbursed: fc.bigInt({ min: -(10n ** 12n), max: 10n ** 15n }),
  })
  .map((r) => r as unknown as PairEvaluation);

describe("milestoneTally", () => {
  // Rows in any order, or in the evaluation's (by unit and program), which the tally counts
  // without grouping.
  it("counts, sums and ranks as all the rows read at once would", () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 80 }), fc.boolean(), (rows, evaluationOrder) => {
        if (evaluationOrder) rows.sort((a, b) => cmp(a.unitCode, b.unitCode) || cmp(a.program, b.program));
        const got = summarize(plan, [], rows, new Map()).byMilestone.map((m) => ({
          id: m.id,
          allocated: m.total.allocated,
          disbursed: m.total.disbursed,
          counts: m.counts,
          unitCounts: m.unitCounts,
          byProgram: m.byProgram.map(({ program, allocated, disbursed, counts }) => ({
            program,
            allocated,
            disbursed,
            counts,
          })),
        }));
        expect(got).toEqual(reference(rows));
      }),
      { numRuns: 300 },
    );
  });
});
