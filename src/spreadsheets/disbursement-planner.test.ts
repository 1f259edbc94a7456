import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type LedgerScope, type Movement, scopeKey } from "../domain/ledger-rules.js";
import { addDays } from "../domain/local-date.js";
import { planDisbursements } from "./disbursement-planner.js";
import type { HeaderMap } from "./import-header.js";
import type { DisbursementRow } from "./import-row-schemas.js";

const KEYS = [
  "unitCode",
  "program",
  "planYear",
  "carriedOverFrom",
  "source",
  "capitalType",
  "cumulativeDisbursed",
  "asOf",
  "reference",
  "note",
];
const header: HeaderMap = { headerRow: 1, columns: new Map(KEYS.map((k, i) => [k, i])), headers: KEYS };
const scope: LedgerScope = {
  unitCode: "D1",
  program: "NTM",
  planYear: 2022,
  carriedOverFrom: null,
  source: "central",
  capitalType: "investment",
};
const KEY = scopeKey(scope);
const TODAY = "2022-10-01";
const ALLOCATED: Movement = { kind: "allocation", date: "2022-01-05", amount: 10n ** 14n };

const row = (r: number, asOf: string, cumulativeDisbursed: bigint): DisbursementRow => ({
  ...scope,
  row: r,
  asOf,
  cumulativeDisbursed,
  reference: `BC-${r}`,
  note: null,
});

const plan = (rows: DisbursementRow[], history: Movement[] = [ALLOCATED]) =>
  planDisbursements(rows, { header, history: new Map([[KEY, history]]), today: TODAY });

const paid = (date: string, amount: bigint): Movement => ({ kind: "disbursement", date, amount });

describe("planDisbursements", () => {
  it.each([
    {
      case: "writes the difference from what is recorded up to the date",
      history: [ALLOCATED, paid("2022-03-01", 300n)],
      rows: [row(2, "2022-06-30", 500n)],
      plans: [{ status: "write", amount: 200n, recorded: 300n, cumulative: 500n }],
      rules: [],
    },
    {
      case: "writes nothing when the figure equals the recorded one",
      history: [ALLOCATED, paid("2022-03-01", 300n)],
      rows: [row(2, "2022-06-30", 300n)],
      plans: [{ status: "unchanged", amount: 0n }],
      rules: [],
    },
    {
      case: "refuses a figure below the recorded one",
      history: [ALLOCATED, paid("2022-03-01", 300n)],
      rows: [row(2, "2022-06-30", 200n)],
      plans: [{ status: "error" }],
      rules: [{ row: 2, field: "cumulativeDisbursed", column: "G", rule: "cumulative_below_recorded" }],
    },
    {
      case: "refuses a report dated after today",
      history: [ALLOCATED],
      rows: [row(2, "2022-10-02", 100n)],
      plans: [{ status: "error" }],
      rules: [{ row: 2, field: "asOf", column: "H", rule: "not_in_future" }],
    },
    {
      case: "refuses two reports of one scope on one date",
      history: [ALLOCATED],
      rows: [row(2, "2022-06-30", 100n), row(3, "2022-06-30", 100n)],
      plans: [{ status: "write" }, { status: "error" }],
      rules: [{ row: 3, field: "asOf", rule: "duplicate_row" }],
    },
    {
      case: "refuses an older report that differs once later figures are recorded",
      history: [ALLOCATED, paid("2022-08-01", 300n)],
      rows: [row(2, "2022-06-30", 100n)],
      plans: [{ status: "error" }],
      rules: [{ row: 2, field: "asOf", rule: "later_figures_recorded" }],
    },
    {
      case: "refuses a difference above the allocation, by the ledger's rules",
      history: [{ ...ALLOCATED, amount: 1_000n }],
      rows: [row(2, "2022-06-30", 1_001n)],
      plans: [{ status: "error" }],
      rules: [{ row: 2, field: "cumulativeDisbursed", rule: "disbursed_above_allocation" }],
    },
    {
      case: "takes rows of one scope in date order, each counting the earlier ones",
      history: [ALLOCATED],
      rows: [row(2, "2022-09-30", 700n), row(3, "2022-03-31", 200n)],
      plans: [
        { status: "write", amount: 500n, recorded: 200n },
        { status: "write", amount: 200n, recorded: 0n },
      ],
      rules: [],
    },
  ])("$case", ({ history, rows, plans, rules }) => {
    const r = plan(rows, history);
    expect(r.plans).toEqual(plans.map((p) => expect.objectContaining(p)));
    expect(r.errors).toEqual(rules.map((e) => expect.objectContaining(e)));
  });

  // Reports of one scope at distinct dates, cumulative figures never falling, rows in any order.
  const reports = fc
    .uniqueArray(fc.integer({ min: 0, max: 240 }), { minLength: 1, maxLength: 10 })
    .chain((days) =>
      fc.tuple(
        fc.constant([...days].sort((a, b) => a - b)),
        fc.array(fc.bigInt({ min: 0n, max: 10n ** 12n }), { minLength: days.length, maxLength: days.length }),
        fc.shuffledSubarray(
          days.map((_, i) => i),
          { minLength: days.length, maxLength: days.length },
        ),
      ),
    )
    .map(([days, increments, order]) => {
      let total = 0n;
      const byDate = days.map((d, i) => {
        total += increments[i]!;
        return { asOf: addDays("2022-02-01", d), cumulative: total, increment: increments[i]! };
      });
      return order.map((i, position) => ({ ...byDate[i]!, row: position + 2 }));
    });

  it("property: a report writes each date's increase, and the same report again writes nothing", () => {
    fc.assert(
      fc.property(reports, (file) => {
        const rows = file.map((f) => row(f.row, f.asOf, f.cumulative));
        const first = plan(rows);
        expect(first.errors).toEqual([]);
        // Oracle: each row's amount is its figure's increase over the previous date's figure.
        expect(first.plans.map((p) => [p.row, p.status, p.amount])).toEqual(
          file.map((f) => [f.row, f.increment === 0n ? "unchanged" : "write", f.increment]),
        );
        const written = first.plans.filter((p) => p.status === "write").map((p) => paid(p.date, p.amount));
        const again = plan(rows, [ALLOCATED, ...written]);
        expect(again.errors).toEqual([]);
        expect(again.plans.every((p) => p.status === "unchanged")).toBe(true);
      }),
    );
  });
});
