import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type LedgerScope, type Movement, scopeKey } from "../domain/ledger-rules.js";
import { planAllocations } from "./allocation-planner.js";
import type { HeaderMap } from "./import-header.js";
import type { AllocationRow } from "./import-row-schemas.js";

const FIELDS = ["unitCode", "program", "planYear", "carriedOverFrom", "source", "capitalType"];
const header: HeaderMap = {
  headerRow: 1,
  columns: new Map([...FIELDS, "amount", "decisionRef", "decidedOn", "note"].map((f, i) => [f, i])),
  headers: [...FIELDS, "amount", "decisionRef", "decidedOn", "note"],
};
const scope: LedgerScope = {
  unitCode: "D1",
  program: "NTM",
  planYear: 2022,
  carriedOverFrom: null,
  source: "central",
  capitalType: "investment",
};
const KEY = scopeKey(scope);

const row = (r: number, decisionRef: string, amount: bigint, decidedOn = "2022-03-01"): AllocationRow => ({
  ...scope,
  row: r,
  amount,
  decisionRef,
  decidedOn,
  note: null,
});

const plan = (rows: AllocationRow[], decisions: [string, bigint][] = [], history: Movement[] = []) =>
  planAllocations(rows, {
    header,
    history: new Map([[KEY, history]]),
    decisions: new Map(decisions.map(([ref, amount]) => [`${KEY}|${ref}`, amount])),
  });

describe("planAllocations", () => {
  it.each([
    { case: "a new decision is written", recorded: null, amount: 500n, status: "write", rule: null },
    {
      case: "the same decision and amount again is unchanged",
      recorded: 500n,
      amount: 500n,
      status: "unchanged",
      rule: null,
    },
    {
      case: "a recorded decision with another amount is refused",
      recorded: 400n,
      amount: 500n,
      status: "error",
      rule: "decision_recorded",
    },
  ])("$case", ({ recorded, amount, status, rule }) => {
    const { plans, errors } = plan([row(2, "QD-1", amount)], recorded === null ? [] : [["QD-1", recorded]]);
    expect(plans.map((p) => p.status)).toEqual([status]);
    expect(errors.map((e) => e.rule)).toEqual(rule ? [rule] : []);
    if (rule) expect(errors[0]).toMatchObject({ row: 2, column: "G", header: "amount", field: "amount" });
  });

  it("refuses a decision repeated in the file, naming the first row", () => {
    const { plans, errors } = plan([row(2, "QD-1", 100n), row(3, "QD-1", 100n)]);
    expect(plans.map((p) => p.status)).toEqual(["write", "error"]);
    expect(errors).toEqual([
      expect.objectContaining({ row: 3, field: "decisionRef", column: "H", rule: "duplicate_row" }),
    ]);
    expect(errors[0]?.message).toContain("row 2");
  });

  it("refuses a cut below what the scope has disbursed, by the ledger's rules", () => {
    const history: Movement[] = [
      { kind: "allocation", date: "2022-01-10", amount: 1_000n },
      { kind: "disbursement", date: "2022-02-01", amount: 800n },
    ];
    const { plans, errors } = plan([row(2, "QD-CUT", -300n)], [], history);
    expect(plans[0]?.status).toBe("error");
    expect(errors).toEqual([
      expect.objectContaining({ row: 2, field: "amount", rule: "allocation_below_disbursed" }),
    ]);
  });

  it("plans what the row says: scope, amount, date and decision", () => {
    expect(plan([row(7, "QD-9", 42n, "2022-05-06")]).plans[0]).toEqual({
      ...scope,
      row: 7,
      status: "write",
      amount: 42n,
      date: "2022-05-06",
      reference: "QD-9",
      cumulative: null,
      recorded: null,
      note: null,
    });
  });

  it("property: each row's status follows from its decision alone (first of the file, and what is recorded)", () => {
    const refs = fc.constantFrom("QD-1", "QD-2", "QD-3", "QD-4");
    const amount = fc.bigInt({ min: 1n, max: 10n ** 12n });
    fc.assert(
      fc.property(
        fc.array(fc.record({ ref: refs, amount }), { maxLength: 12 }),
        fc.array(fc.tuple(refs, amount), { maxLength: 4 }),
        (cells, recordedList) => {
          const rows = cells.map((c, i) => row(i + 2, c.ref, c.amount));
          const recorded = new Map<string, bigint>(recordedList);
          const { plans, errors } = plan(rows, [...recorded]);
          // Oracle: one pass over the file, by the rules as the import's documentation states them.
          const firstRow = new Map<string, number>();
          const expected = rows.map((r) => {
            if (firstRow.has(r.decisionRef)) return "error";
            firstRow.set(r.decisionRef, r.row);
            const held = recorded.get(r.decisionRef);
            if (held === undefined) return "write";
            return held === r.amount ? "unchanged" : "error";
          });
          expect(plans.map((p) => p.status)).toEqual(expected);
          expect(plans.map((p) => p.row)).toEqual(rows.map((r) => r.row));
          // Positive allocations in an empty scope break no ledger rule: one error per refused row.
          expect(errors.map((e) => e.row)).toEqual(
            rows.filter((_, i) => expected[i] === "error").map((r) => r.row),
          );
        },
      ),
    );
  });
});
