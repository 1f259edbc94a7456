import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EvaluationTable } from "./evaluation-table.js";
import { addDays } from "./local-date.js";
import { DEFAULT_PLAN_2022 } from "./plan.js";
import { evaluatePlan, newRow, type PairEvaluation } from "./plan-evaluation.js";

const INT64 = 2n ** 63n;
// Mostly amounts a ledger holds; now and then one a 64-bit column cannot.
const amount = fc.oneof(
  { weight: 8, arbitrary: fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }) },
  { weight: 1, arbitrary: fc.bigInt({ min: -INT64 - 5n, max: -INT64 + 5n }) },
  { weight: 1, arbitrary: fc.bigInt({ min: INT64 - 5n, max: INT64 + 5n }) },
);
const rate = fc.oneof(fc.constant(null), fc.double({ noNaN: true }), fc.constantFrom(0, -0, 60, 100));
const reading = { status: "met" as const, disbursed: 1n, rate: 50, shortfall: 0n };

/** Rows as an evaluation makes them (newRow's shape), with any value each field may hold. */
const row = fc
  .record({
    unitCode: fc.constantFrom("TAMKY", "NUITHANH", "SO_NNPTNT"),
    program: fc.constantFrom("NTM", "GNBV"),
    id: fc.constantFrom("M60", "M90", "C100", "REQ", "REF"),
    dueOn: fc.constantFrom("2022-09-30", "2022-12-31", "2023-01-31"),
    kind: fc.constantFrom<PairEvaluation["kind"]>("rate", "request", "refund"),
    planYear: fc.constantFrom(2022, 2023),
    workingDaysLeft: fc.option(fc.integer({ min: 0, max: 300 }), { nil: undefined }),
    daysLeft: fc.integer({ min: 0, max: 400 }),
    threshold: fc.constantFrom(60, 90, 100, 0, -0),
    comparison: fc.constantFrom<PairEvaluation["comparison"]>("gt", "gte"),
    status: fc.constantFrom<PairEvaluation["status"]>(
      "not_applicable",
      "met",
      "on_track",
      "at_risk",
      "missed",
    ),
    allocated: amount,
    disbursed: amount,
    shortfall: amount,
    rate,
    projectedRate: rate,
    requiredDailyPace: fc.option(amount, { nil: null }),
    projectedDisbursed: fc.option(amount, { nil: null }),
    lapsed: fc.option(amount, { nil: undefined }),
    requestSentOn: fc.constantFrom(undefined, null, "2022-11-10", "2022-11-09"),
    advisory: fc.constantFrom(undefined, false, true),
    readings: fc.constantFrom(undefined, {
      used: "treasury" as const,
      reported: reading,
      treasury: { ...reading, statementId: 7n, statementAsOf: "2022-09-30", documentRef: "KB-1" },
    }),
    unitName: fc.constantFrom(undefined, "Sở Nông nghiệp"),
    unitKind: fc.constantFrom(undefined, "district" as const),
  })
  .map((f) => {
    const r = newRow(f.unitCode, f.program, f.planYear, f.kind, 0);
    for (const [k, v] of Object.entries(f)) (r as unknown as Record<string, unknown>)[k] = v;
    return r;
  });

describe("EvaluationTable", () => {
  it("gives back every row as it was pushed, field for field, in order", () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 40 }), fc.integer({ min: 1, max: 50 }), (rows, capacity) => {
        const table = new EvaluationTable(capacity);
        for (const r of rows) table.push(r);
        expect(table.length).toBe(rows.length);
        // toStrictEqual: undefined and null, 0 and -0, present and absent fields all count.
        expect(table.rows()).toStrictEqual(rows);
        expect([...table]).toStrictEqual(rows);
        for (const [i, r] of rows.entries()) expect(Object.keys(table.at(i))).toEqual(Object.keys(r));
      }),
      { numRuns: 300 },
    );
  });

  it("keeps a copy: a row changed or reused after it is pushed changes nothing held", () => {
    const r = newRow("TAMKY", "NTM", 2022, "rate", 3);
    const table = new EvaluationTable(1);
    table.push(r);
    r.status = "missed";
    r.unitCode = "NUITHANH";
    r.allocated = 5n;
    expect(table.at(0)).toStrictEqual(newRow("TAMKY", "NTM", 2022, "rate", 3));
    // Rows read are the reader's own.
    table.at(0).status = "met";
    expect(table.at(0).status).toBe("not_applicable");
  });

  it("holds a province's evaluation exactly as evaluatePlan lists it", () => {
    const pairs = Array.from({ length: 60 }, (_, i) => ({
      unitCode: `U${String(i % 20).padStart(2, "0")}`,
      program: ["GNBV", "NTM", "DTTS"][i % 3]!,
    }));
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 420 }),
        fc.array(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), { minLength: 3, maxLength: 3 }),
        (day, [a, d, r]) => {
          const asOf = addDays("2022-01-01", day);
          const rows = evaluatePlan(DEFAULT_PLAN_2022, asOf, pairs, (m, p) => {
            const k = BigInt(p.unitCode.length + m.id.length + p.program.charCodeAt(0));
            return { allocated: a! * k, disbursed: d! * k, recentDisbursed: r! };
          });
          const table = new EvaluationTable(rows.length);
          for (const e of rows) table.push(e);
          expect(table.rows()).toStrictEqual(rows);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("counts the bytes of its columns, 75 a row of capacity", () => {
    const table = new EvaluationTable(10);
    expect(table.columnBytes()).toBe(750);
    for (let i = 0; i < 11; i++) table.push(newRow("TAMKY", "NTM", 2022, "rate", 0));
    expect(table.columnBytes()).toBe(1500);
  });

  it("refuses a row it does not hold", () => {
    const table = new EvaluationTable();
    table.push(newRow("TAMKY", "NTM", 2022, "rate", 0));
    expect(() => table.at(1)).toThrow(RangeError);
    expect(() => table.at(-1)).toThrow(RangeError);
    expect(() => table.at(0.5)).toThrow(RangeError);
  });
});
