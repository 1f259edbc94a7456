import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays } from "./local-date.js";
import type { ScopeFigures } from "./milestone-status.js";
import { withJudgedDueDates } from "./non-working-due-date.js";
import { DEFAULT_PLAN_2022, type Plan } from "./plan.js";
import {
  canBeFlagged,
  comparePairs,
  copyRow,
  evaluatePlanEach,
  inPairOrder,
  newRow,
  type PairEvaluation,
  pickPairs,
  planForFlagged,
  reusedRows,
  type UnitProgram,
} from "./plan-evaluation.js";
import { WEEKENDS_ONLY } from "./working-days.js";

const plan = DEFAULT_PLAN_2022;
const MAX = 10n ** 15n;
const figures = fc.record({
  allocated: fc.bigInt({ min: -MAX, max: MAX }),
  disbursed: fc.bigInt({ min: -MAX, max: MAX }),
  recentDisbursed: fc.bigInt({ min: -MAX, max: MAX }),
});
const pair = fc.record({
  unitCode: fc.constantFrom("TAMKY", "NUITHANH", "SO_NNPTNT"),
  program: fc.constantFrom("NTM", "GNBV", "DTTS"),
});
/** Pairs, each with figures for some of the rate-like milestones, a kind and perhaps a request. */
const pairs = fc.uniqueArray(
  fc.record({
    pair,
    figures: fc.dictionary(fc.constantFrom("M60", "M90", "C100", "REF"), figures),
    kind: fc.constantFrom<"district" | "department" | undefined>("district", "department", undefined),
    requestOn: fc.option(fc.integer({ min: 0, max: 400 }), { nil: null }),
  }),
  { selector: (p) => `${p.pair.unitCode}|${p.pair.program}`, maxLength: 9 },
);
const asOf = fc.integer({ min: 0, max: 420 }).map((n) => addDays("2022-01-01", n));

type Given = {
  pair: UnitProgram;
  figures: Record<string, ScopeFigures>;
  kind: unknown;
  requestOn: number | null;
};

/** Every row of one walk, copied as it is handed over, and the row objects handed over. */
function walk(given: Given[], on: string, lean: boolean, walked: Plan = plan, reused = lean) {
  const of = new Map(given.map((g) => [g.pair, g]));
  const rows: PairEvaluation[] = [];
  const objects = new Set<PairEvaluation>();
  evaluatePlanEach(
    walked,
    on,
    given.map((g) => g.pair),
    (m, p) => of.get(p)!.figures[m.id],
    (p) => {
      const n = of.get(p)!.requestOn;
      return n === null ? null : addDays("2022-01-01", n);
    },
    (p) => of.get(p)!.kind as "district" | "department" | undefined,
    WEEKENDS_ONLY,
    (row) => {
      objects.add(row);
      rows.push(copyRow(row));
    },
    lean,
    reused,
  );
  return { rows, objects };
}

describe("evaluatePlanEach, lean", () => {
  it("hands out the same rows as a full walk, the figures shown only left null", () => {
    fc.assert(
      fc.property(pairs, asOf, (given, on) => {
        const full = walk(given, on, false).rows;
        const lean = walk(given, on, true).rows;
        expect(lean).toEqual(
          full.map((r) => ({
            ...r,
            rate: null,
            projectedRate: null,
            projectedDisbursed: null,
            requiredDailyPace: null,
          })),
        );
      }),
      { numRuns: 300 },
    );
  });

  it("reuses one row object per milestone, where a full walk builds one per row", () => {
    const given: Given[] = ["A", "B", "C"].map((unitCode) => ({
      pair: { unitCode, program: "NTM" },
      figures: { M60: { allocated: 100n, disbursed: 10n, recentDisbursed: 0n } },
      kind: "district",
      requestOn: null,
    }));
    const full = walk(given, "2022-08-01", false);
    const lean = walk(given, "2022-08-01", true);
    expect(full.objects.size).toBe(full.rows.length);
    expect(lean.rows.length).toBe(full.rows.length);
    expect(lean.objects.size).toBe(plan.milestones.length);
  });

  it("reused but not lean: the rows of a full walk, every figure, in one object per milestone", () => {
    fc.assert(
      fc.property(pairs, asOf, (given, on) => {
        const full = walk(given, on, false);
        const reused = walk(given, on, false, plan, true);
        expect(reused.rows).toStrictEqual(full.rows);
        expect(reused.objects.size).toBeLessThanOrEqual(plan.milestones.length);
      }),
      { numRuns: 300 },
    );
  });
});

describe("reusedRows", () => {
  it("puts back every field a pair or a view may have set, as newRow leaves it", () => {
    const fresh = newRow("TAMKY", "NTM", 2022, "rate", 7);
    const used = newRow("", "", 2022, "rate", 7);
    // Every field set to something newRow never leaves there.
    for (const k of Object.keys(used) as (keyof PairEvaluation)[])
      if (!["planYear", "kind", "workingDaysLeft"].includes(k))
        (used as unknown as Record<string, unknown>)[k] = Symbol(k);
    expect(reusedRows([used])(0, "TAMKY", "NTM")).toEqual(fresh);
  });
});

describe("planForFlagged", () => {
  const judged = withJudgedDueDates(plan, WEEKENDS_ONLY);
  const flagged = (rows: PairEvaluation[]) =>
    rows.filter((r) => r.status === "at_risk" || r.status === "missed");

  it("no row of a milestone that cannot be flagged on asOf is at risk or missed", () => {
    fc.assert(
      fc.property(pairs, asOf, (given, on) => {
        const cannot = new Set(judged.milestones.filter((m) => !canBeFlagged(m, on)).map((m) => m.id));
        expect(flagged(walk(given, on, false, judged).rows).filter((r) => cannot.has(r.id))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it("walked instead of the plan, hands out every flagged row of the plan, in order", () => {
    fc.assert(
      fc.property(pairs, asOf, (given, on) => {
        const narrowed = planForFlagged(judged, on, new Set());
        expect(flagged(walk(given, on, true, narrowed).rows)).toEqual(
          flagged(walk(given, on, true, judged).rows),
        );
      }),
      { numRuns: 300 },
    );
  });

  it("drops the refund until its due date has passed, unless recorded or rested on", () => {
    const due = judged.milestones.find((m) => m.id === "REF")!.dueOn;
    const ids = (p: Plan) => p.milestones.map((m) => m.id);
    expect(ids(planForFlagged(judged, due, new Set()))).toEqual(ids(judged).filter((id) => id !== "REF"));
    expect(planForFlagged(judged, addDays(due, 1), new Set())).toBe(judged);
    expect(planForFlagged(judged, due, new Set(["REF"]))).toBe(judged);
    const resting: Plan = {
      ...judged,
      milestones: judged.milestones.map((m) =>
        m.kind === "request" ? { ...m, advisoryWhenAtRisk: "REF" } : m,
      ),
    };
    expect(planForFlagged(resting, due, new Set())).toBe(resting);
  });
});

describe("pickPairs", () => {
  it("picks the pairs named, in order, from a list known in pair order or not", () => {
    const pair = fc.record({
      unitCode: fc.constantFrom("U1", "U2", "U10", "H7", "Z"),
      program: fc.constantFrom("NTM", "GNBV", "DTTS"),
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(pair, { selector: (p) => `${p.unitCode}|${p.program}` }),
        fc.array(pair),
        fc.boolean(),
        (list, named, marked) => {
          const sorted = [...list].sort(comparePairs);
          const pairs = marked ? inPairOrder(sorted) : sorted;
          const wanted = new Map<string, Set<string>>();
          for (const p of named) wanted.set(p.unitCode, (wanted.get(p.unitCode) ?? new Set()).add(p.program));
          const picked = pickPairs(pairs, wanted);
          expect(picked).toEqual(sorted.filter((p) => wanted.get(p.unitCode)?.has(p.program)));
          // The list's own objects, not copies: figures are found by them.
          for (const p of picked) expect(pairs).toContain(p);
        },
      ),
      { numRuns: 300 },
    );
  });
});
