import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  admissionIssues,
  correctionIssues,
  firstBreach,
  headroomFrom,
  type IncomingMovement,
  type LedgerScope,
  type Movement,
  SCOPE_LIMIT,
  scopeKey,
} from "./ledger-rules.js";

const S: LedgerScope = {
  unitCode: "TAM_KY",
  program: "NTM",
  planYear: 2022,
  carriedOverFrom: null,
  source: "central",
  capitalType: "investment",
};
const key = scopeKey(S);
const m = (kind: Movement["kind"], date: string, amount: bigint): Movement => ({ kind, date, amount });
const post = (...moves: Movement[]): IncomingMovement[] => moves.map((mv, entry) => ({ ...S, ...mv, entry }));
const judge = (history: Movement[], ...moves: Movement[]) =>
  admissionIssues(new Map([[key, history]]), post(...moves));

describe("the ledger's invariants at every date", () => {
  const allocated = [m("allocation", "2022-01-14", 1_000n)];

  it("accepts what keeps every day possible", () => {
    expect(judge(allocated, m("disbursement", "2022-03-01", 600n), m("refund", "2023-01-20", 400n))).toEqual(
      [],
    );
  });

  it("refuses a disbursement dated before any allocation of its scope, naming that day", () => {
    const [issue] = judge(allocated, m("disbursement", "2022-01-10", 10n));
    expect(issue).toMatchObject({
      entry: 0,
      field: "amount",
      rule: "disbursed_above_allocation",
      date: "2022-01-10",
    });
    expect(issue?.figures).toEqual({ allocated: 0n, disbursed: 10n, refunded: 0n, carriedForward: 0n });
  });

  it("refuses a correction that takes disbursed below zero on any day", () => {
    const history = [...allocated, m("disbursement", "2022-05-01", 700n)];
    expect(judge(history, m("disbursement", "2022-04-01", -700n))[0]).toMatchObject({
      rule: "disbursed_below_zero",
      date: "2022-04-01",
    });
  });

  it("counts refunds and carry-forwards against the allocation", () => {
    const refunded = [...allocated, m("refund", "2022-06-30", 400n)];
    expect(judge(refunded, m("disbursement", "2022-07-01", 700n))[0]?.rule).toBe(
      "disbursed_above_allocation",
    );
    expect(judge(refunded, m("disbursement", "2022-07-01", 600n))).toEqual([]);
    const carried = [...allocated, m("carryForward", "2023-01-10", 1_000n)];
    expect(judge(carried, m("disbursement", "2022-07-01", 1n))[0]?.date).toBe("2023-01-10");
  });

  it("refuses a backdated cut that makes a later day impossible", () => {
    const history = [...allocated, m("disbursement", "2022-09-01", 900n)];
    const [issue] = judge(history, m("allocation", "2022-06-01", -200n));
    expect(issue).toMatchObject({ rule: "allocation_below_disbursed", date: "2022-09-01" });
  });

  it("bounds what one scope may hold", () => {
    expect(judge([], m("allocation", "2022-01-01", SCOPE_LIMIT))).toEqual([]);
    expect(
      judge([m("allocation", "2022-01-01", SCOPE_LIMIT)], m("allocation", "2022-02-01", 1n))[0]?.rule,
    ).toBe("scope_limit");
  });

  it("blames the entry that first breaks the scope, taking the post in order", () => {
    const issues = judge(
      allocated,
      m("disbursement", "2022-02-01", 500n),
      m("disbursement", "2022-03-01", 400n),
      m("disbursement", "2022-04-01", 200n),
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ entry: 2, date: "2022-04-01" });
  });

  it("judges the ledger a batch leaves, not its order", () => {
    expect(judge([], m("disbursement", "2022-03-01", 10n), m("allocation", "2022-02-01", 10n))).toEqual([]);
    const issues = judge(
      allocated,
      m("disbursement", "2022-06-30", 100n),
      m("disbursement", "2022-06-30", 1_000n),
      m("disbursement", "2022-06-30", 1n),
    );
    expect(issues).toEqual([expect.objectContaining({ entry: 1, date: "2022-06-30" })]);
  });

  it("frees from a date only what every later day can spare", () => {
    const history = [
      ...allocated,
      m("disbursement", "2022-09-01", 900n),
      m("allocation", "2022-10-01", 500n),
    ];
    expect(headroomFrom(history, "2022-06-01")).toBe(100n);
    expect(headroomFrom(history, "2022-10-01")).toBe(600n);
    expect(headroomFrom([], "2022-10-01")).toBe(0n);
  });
});

describe("corrections", () => {
  const corrected = new Map([[7n, { ...S, date: "2022-05-01" }]]);
  const entry = (date: string, corrects = 7n) => [{ ...S, corrects, date, entry: 0 }];

  it("are dated on or after the entry they correct", () => {
    expect(correctionIssues(entry("2022-05-01"), corrected, "disbursement", "disbursedOn")).toEqual([]);
    expect(correctionIssues(entry("2022-04-30"), corrected, "disbursement", "disbursedOn")[0]).toMatchObject({
      field: "disbursedOn",
      rule: "correction_before_entry",
    });
  });

  it("name an existing entry of their own scope", () => {
    expect(correctionIssues(entry("2022-06-01", 8n), corrected, "disbursement", "disbursedOn")[0]?.rule).toBe(
      "unknown_entry",
    );
    const other = new Map([[7n, { ...S, source: "provincial" as const, date: "2022-05-01" }]]);
    expect(correctionIssues(entry("2022-06-01"), other, "disbursement", "disbursedOn")[0]?.rule).toBe(
      "same_scope",
    );
  });
});

// An independent oracle: for each date any movement carries, add up by hand what is dated up to it.
function oracleHolds(moves: readonly Movement[]): boolean {
  for (const d of new Set(moves.map((x) => x.date))) {
    const upTo = (kind: Movement["kind"]) =>
      moves.filter((x) => x.kind === kind && x.date <= d).reduce((s, x) => s + x.amount, 0n);
    const a = upTo("allocation");
    const dis = upTo("disbursement");
    if (dis < 0n || a > SCOPE_LIMIT || dis + upTo("refund") + upTo("carryForward") > a) return false;
  }
  return true;
}

const day = fc.integer({ min: 0, max: 60 }).map((n) => {
  const t = new Date(Date.UTC(2022, 0, 1 + n));
  return t.toISOString().slice(0, 10);
});
const movement = fc.oneof(
  fc.record({ kind: fc.constant("allocation" as const), date: day, amount: fc.bigInt(-500n, 1_000n) }),
  fc.record({ kind: fc.constant("disbursement" as const), date: day, amount: fc.bigInt(-300n, 600n) }),
  fc.record({ kind: fc.constant("refund" as const), date: day, amount: fc.bigInt(1n, 400n) }),
  fc.record({ kind: fc.constant("carryForward" as const), date: day, amount: fc.bigInt(1n, 400n) }),
);

describe("property: the rules agree with adding up by hand", () => {
  it("accept a post exactly when every day of the ledger it leaves holds", () => {
    fc.assert(
      fc.property(
        fc.array(movement, { maxLength: 12 }),
        fc.array(movement, { minLength: 1, maxLength: 4 }),
        (h, p) => {
          const history = oracleHolds(h) ? h : [];
          const accepted = judge(history, ...p).length === 0;
          expect(accepted).toBe(oracleHolds([...history, ...p]));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("name the first broken day, and headroom is the most a cut on a day can take", () => {
    fc.assert(
      fc.property(fc.array(movement, { maxLength: 12 }), day, (h, d) => {
        const breach = firstBreach(h);
        if (breach) expect(oracleHolds(h.filter((x) => x.date <= breach.date))).toBe(false);
        if (!oracleHolds(h)) return;
        const free = headroomFrom(h, d);
        if (free <= 0n) return;
        expect(oracleHolds([...h, m("refund", d, free)])).toBe(true);
        expect(oracleHolds([...h, m("refund", d, free + 1n)])).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });
});
