// The compact at-risk list must answer exactly what the list of items answers: each item rebuilt
// equal to the one pushed (fields, values and their order), the same order, totals and pages.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type AtRiskItem, atRiskItemOf, compareAtRisk, inAtRiskFilter, pageOf, totalsOf } from "./at-risk.js";
import { AtRiskIndex } from "./at-risk-index.js";
import { DEFAULT_PLAN_2022 } from "./plan.js";
import { evaluatePlanEach, type PairEvaluation } from "./plan-evaluation.js";
import { WEEKENDS_ONLY } from "./working-days.js";

const amount = fc.oneof(
  fc.bigInt({ min: 0n, max: 5n }), // ties
  fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }),
  fc.constantFrom(2n ** 63n - 1n, -(2n ** 63n), 2n ** 63n, 10n ** 30n), // int64's edges and past them
);
const number = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(-0, 60, 99.5));

/** An item in newRow's field order, as the evaluation builds them, sometimes with the rarer marks. */
const itemArb = fc
  .record({
    id: fc.constantFrom("M60", "M90", "REQ"),
    dueOn: fc.constantFrom("2022-09-30", "2022-12-31"),
    status: fc.constantFrom("at_risk" as const, "missed" as const, "met" as const),
    allocated: amount,
    disbursed: amount,
    rate: fc.option(number),
    threshold: number,
    comparison: fc.constantFrom("gt" as const, "gte" as const),
    shortfall: amount,
    daysLeft: fc.integer({ min: 0, max: 400 }),
    workingDaysLeft: fc.option(fc.integer({ min: 0, max: 300 }), { nil: undefined }),
    requiredDailyPace: fc.option(amount),
    projectedRate: fc.option(number),
    projectedDisbursed: fc.option(amount),
    unitCode: fc.constantFrom("U1", "U2", "U3", "Ư4"),
    program: fc.constantFrom("NTM", "GNBV"),
    planYear: fc.constantFrom(2022, 2023),
    kind: fc.constantFrom("rate" as const, "request" as const, "refund" as const),
    requestSentOn: fc.constantFrom(undefined, null, "2022-11-01"),
    advisory: fc.constantFrom(undefined, true, false),
    lapsed: fc.option(amount, { nil: undefined }),
    readings: fc.constant(undefined),
    unitName: fc.constantFrom("UBND huyện Đại Lộc", "Sở Tài chính"),
    unitKind: fc.constantFrom("district" as const, "department" as const),
  })
  .chain((i) =>
    fc.oneof(
      // fast-check's records have no prototype; the evaluation's rows are plain objects.
      { weight: 6, arbitrary: fc.constant({ ...i } as AtRiskItem) },
      fc.constant({ ...i, closed: true, recordedStatus: "missed" } as AtRiskItem),
      fc.constant({
        ...i,
        readings: { used: "treasury", reported: {}, treasury: {} },
      } as unknown as AtRiskItem),
    ),
  );
const itemsArb = fc.uniqueArray(itemArb, {
  selector: (i) => `${i.unitCode}|${i.program}|${i.id}|${i.dueOn}`,
  maxLength: 40,
});

const indexOf = (items: readonly AtRiskItem[]) => {
  const index = new AtRiskIndex();
  for (const i of items) index.push(i);
  return index;
};

describe("AtRiskIndex", () => {
  it("rebuilds every item equal to the one pushed, its fields in the same order", () => {
    fc.assert(
      fc.property(itemsArb, (items) => {
        const index = indexOf(items);
        items.forEach((item, at) => {
          const back = index.item(at);
          expect(back).toStrictEqual(item);
          expect(Object.keys(back)).toEqual(Object.keys(item));
        });
      }),
      { numRuns: 300 },
    );
  });

  it("orders, totals and pages as the list of items does, filtered or not", () => {
    const filterArb = fc.record({
      milestone: fc.constantFrom(undefined, "M60", "REQ"),
      program: fc.constantFrom(undefined, "NTM"),
      kind: fc.constantFrom(undefined, "district" as const),
    });
    fc.assert(
      fc.property(
        itemsArb,
        filterArb,
        fc.integer({ min: 1, max: 8 }),
        fc.option(itemArb, { nil: undefined }),
        (items, filter, limit, afterItem) => {
          const sorted = [...items].sort(compareAtRisk).filter((i) => inAtRiskFilter(i, filter));
          const view = indexOf(items).sort().view(filter);
          expect(view.page({ limit: sorted.length + 1 }).items).toStrictEqual(sorted);
          expect(view.totals()).toEqual(totalsOf(sorted));
          const after = afterItem ?? (sorted.length > 0 ? sorted[limit % sorted.length] : undefined);
          expect(view.page({ limit, after })).toStrictEqual(pageOf(sorted, { limit, after }));
          expect(view.page({ limit })).toStrictEqual(pageOf(sorted, { limit }));
        },
      ),
      { numRuns: 300 },
    );
  });

  // The rows as the evaluation builds them: a field added to them and not to the index fails here.
  it("rebuilds the evaluation's own rows, every field of them", () => {
    const pairs = ["U1", "U2"].flatMap((unitCode) =>
      ["NTM", "GNBV"].map((program) => ({ unitCode, program })),
    );
    // A department and a district: the 2022 refund concerns districts only, so rows differ
    // (lapsed) from one unit to the next, as reused rows must follow.
    const units = new Map([
      ["U1", { code: "U1", name: "Sở Tài chính", kind: "department" as const }],
      ["U2", { code: "U2", name: "UBND huyện Đại Lộc", kind: "district" as const }],
    ]);
    const kindOf = (p: { unitCode: string }) => units.get(p.unitCode)?.kind;
    const figures = { allocated: 1_000_000n, disbursed: 100_000n, recentDisbursed: 10_000n };
    for (const asOf of ["2022-06-15", "2022-10-15", "2023-02-15"]) {
      const walk = (emit: (r: PairEvaluation) => void, rows: "fresh" | "reused") =>
        evaluatePlanEach(
          DEFAULT_PLAN_2022,
          asOf,
          pairs,
          () => figures,
          () => null,
          kindOf,
          WEEKENDS_ONLY,
          emit,
          rows,
        );
      const items: AtRiskItem[] = [];
      walk((r) => {
        const item = atRiskItemOf(r, units, {});
        if (item) items.push(item);
      }, "fresh");
      expect(items.length).toBeGreaterThan(0);
      // The walk a national list makes: rows reused from pair to pair, pushed as they come.
      const index = new AtRiskIndex();
      walk((r) => {
        const item = atRiskItemOf(r, units, {});
        if (item) index.push(item);
      }, "reused");
      expect(index.length).toBe(items.length);
      items.forEach((item, at) => {
        expect(index.item(at)).toStrictEqual(item);
        expect(Object.keys(index.item(at))).toEqual(Object.keys(item));
      });
    }
  });

  it("refuses a push once sorted, and a page limit that is not a positive integer", () => {
    const index = new AtRiskIndex().sort();
    expect(() => index.view().page({ limit: 0 })).toThrow(RangeError);
    expect(() => index.push({} as AtRiskItem)).toThrow(/sorted/);
  });
});
