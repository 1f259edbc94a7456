import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { LocalDate } from "./local-date.js";
import { isWorse, type ScopeFigures } from "./milestone-status.js";
import { DEFAULT_PLAN_2022, type Plan } from "./plan.js";
import { evaluatePlan, type PairEvaluation } from "./plan-evaluation.js";
import {
  rowKey,
  type StatementOnFile,
  statementFor,
  treasuryScopeFigures,
  withTreasuryReadings,
} from "./treasury-reading.js";

const statement = (id: number, asOf: LocalDate, units: string[]): StatementOnFile => ({
  id: BigInt(id),
  asOf,
  documentRef: `KBNN ${id}`,
  unitCodes: new Set(units),
});

describe("statementFor", () => {
  const statements = [
    statement(1, "2022-06-30", ["TKY", "HAN"]),
    statement(2, "2022-09-30", ["TKY"]),
    statement(3, "2022-09-30", ["TKY"]),
    statement(4, "2022-10-31", ["TKY", "HAN"]),
  ];
  it.each([
    ["TKY", "2022-06-29", undefined],
    ["TKY", "2022-06-30", 1n],
    ["TKY", "2022-09-30", 3n], // two of one date: the last imported
    ["HAN", "2022-09-30", 1n], // the later ones of that date do not list HAN
    ["HAN", "2022-12-31", 4n],
    ["NTH", "2022-12-31", undefined],
  ] as const)("%s at %s rests on statement %s", (unit, cutoff, id) => {
    expect(statementFor(statements, unit, cutoff)?.id).toBe(id);
  });
});

describe("treasuryScopeFigures", () => {
  it("replaces the reported history up to the statement's date, and keeps what came after it", () => {
    const now = { allocated: 1_000n, disbursed: 700n, recentDisbursed: 150n };
    const atStatement = { allocated: 1_000n, disbursed: 600n, recentDisbursed: 50n };
    expect(treasuryScopeFigures(now, atStatement, 590n)).toEqual({
      allocated: 1_000n,
      disbursed: 690n,
      recentDisbursed: 150n,
    });
    // Nothing reported by the statement's date: everything reported counts after it.
    expect(treasuryScopeFigures(now, undefined, 10n).disbursed).toBe(710n);
  });
});

// The 2022 plan's money milestones judged on 20/10/2022 from figures drawn at random, and a
// statement of 30/9 that states `stated` for each pair.
const plan: Plan = {
  ...DEFAULT_PLAN_2022,
  milestones: DEFAULT_PLAN_2022.milestones.filter((m) => m.kind === "rate"),
};
const asOf = "2022-10-20";
type Pair = {
  unitCode: string;
  program: string;
  now: ScopeFigures;
  atStatement: ScopeFigures;
  stated: bigint;
};

const pairArb = fc
  .record({
    allocated: fc.bigInt({ min: 0n, max: 10_000n }),
    before: fc.bigInt({ min: 0n, max: 10_000n }),
    after: fc.bigInt({ min: 0n, max: 10_000n }),
    delta: fc.bigInt({ min: -3_000n, max: 3_000n }),
  })
  .map(({ allocated, before, after, delta }) => ({
    now: { allocated, disbursed: before + after, recentDisbursed: after },
    atStatement: { allocated, disbursed: before, recentDisbursed: 0n },
    delta,
  }));

function judge(pairs: Pair[], treasury: boolean): PairEvaluation[] {
  return evaluatePlan(plan, asOf, pairs, (m, p) => {
    // M60's cut-off is 30/9, the statement's own date: nothing comes after it.
    const now = m.dueOn <= "2022-09-30" ? p.atStatement : p.now;
    return treasury ? treasuryScopeFigures(now, p.atStatement, p.stated) : now;
  });
}

function readings(pairs: Pair[], policy: "reported" | "treasury_once_stated") {
  const s = statement(
    9,
    "2022-09-30",
    pairs.map((p) => p.unitCode),
  );
  const treasuryRows = judge(pairs, true);
  const statementOf = new Map(treasuryRows.map((r) => [rowKey(r.id, r.unitCode, r.program), s]));
  return withTreasuryReadings(
    judge(pairs, false),
    new Map(treasuryRows.map((r) => [rowKey(r.id, r.unitCode, r.program), r])),
    statementOf,
    policy,
  );
}

const pairsArb = (stated: (p: { atStatement: ScopeFigures; delta: bigint }) => bigint) =>
  fc
    .array(pairArb, { minLength: 1, maxLength: 8 })
    .map((xs) => xs.map((x, i) => ({ unitCode: `U${i}`, program: "NTM", ...x, stated: stated(x) })));

describe("withTreasuryReadings", () => {
  it("changes no verdict where the Treasury states what was reported", () => {
    fc.assert(
      fc.property(
        pairsArb((p) => p.atStatement.disbursed),
        (pairs) => {
          const rows = readings(pairs, "treasury_once_stated");
          const reported = judge(pairs, false);
          expect(rows.map(({ readings: _, ...r }) => r)).toEqual(reported);
          for (const r of rows) {
            const { statementId: _i, statementAsOf: _a, documentRef: _d, ...t } = r.readings!.treasury;
            expect(t).toEqual(r.readings!.reported);
          }
        },
      ),
    );
  });

  it("never judges worse on a Treasury that states more than was reported, nor better on one that states less", () => {
    fc.assert(
      fc.property(
        pairsArb((p) => p.atStatement.disbursed + p.delta),
        (pairs) => {
          for (const r of readings(pairs, "treasury_once_stated")) {
            const { reported, treasury } = r.readings!;
            const more = treasury.disbursed >= reported.disbursed;
            if (more) expect(isWorse(treasury.status, reported.status)).toBe(false);
            else expect(isWorse(reported.status, treasury.status)).toBe(false);
          }
        },
      ),
    );
  });

  it("gives the row the plan's reading, and both readings beside it", () => {
    fc.assert(
      fc.property(
        pairsArb((p) => p.atStatement.disbursed + p.delta),
        fc.constantFrom("reported" as const, "treasury_once_stated" as const),
        (pairs, policy) => {
          for (const r of readings(pairs, policy)) {
            const used = policy === "reported" ? "reported" : "treasury";
            expect(r.readings!.used).toBe(used);
            expect(r.status).toBe(r.readings![used].status);
            expect(r.disbursed).toBe(r.readings![used].disbursed);
          }
        },
      ),
    );
  });
});
