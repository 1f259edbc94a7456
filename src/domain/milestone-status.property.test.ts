import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays, type LocalDate } from "./local-date.js";
import {
  blankEvaluation,
  evaluateMilestone,
  type MilestoneStatus,
  prepareMilestone,
  type ScopeFigures,
  STATUS_SEVERITY,
} from "./milestone-status.js";
import { DEFAULT_PLAN_2022, type RateMilestone, thresholdBasisPoints } from "./plan.js";
import { evaluateUnit, type LedgerEntry } from "./reference-ledger.js";

const MAX = 10n ** 15n;
const amount = fc.bigInt({ min: 0n, max: MAX });
const positive = fc.bigInt({ min: 1n, max: MAX });
const windowDays = fc.integer({ min: 1, max: 90 });

const milestone = fc.oneof(
  fc.constantFrom(...DEFAULT_PLAN_2022.milestones.filter((m): m is RateMilestone => m.kind === "rate")),
  fc
    .record({
      thresholdPercent: fc.constantFrom("0.01", "33.33", "50", "62.5", "99.99", "100"),
      comparison: fc.constantFrom("gt" as const, "gte" as const),
    })
    .map(({ thresholdPercent, comparison }): RateMilestone => {
      const m60 = DEFAULT_PLAN_2022.milestones[0] as RateMilestone;
      return { ...m60, thresholdPercent, comparison: thresholdPercent === "100" ? "gte" : comparison };
    }),
);
const asOfFor = (m: RateMilestone) =>
  fc.integer({ min: -200, max: 60 }).map((offset) => addDays(m.dueOn, offset));

// Independent oracle: the threshold read as a fraction n / 10^k percent, cross-multiplied.
function oracleHolds(m: RateMilestone, disbursed: bigint, allocated: bigint): boolean {
  const [int = "0", frac = ""] = m.thresholdPercent.split(".");
  const scale = 10n ** BigInt(frac.length);
  const lhs = disbursed * 100n * scale;
  const rhs = BigInt(int + frac) * allocated;
  return m.comparison === "gt" ? lhs > rhs : lhs >= rhs;
}

/** The threshold in hundredths of a percent, read from its text on its own. */
function oracleThresholdHundredths(m: RateMilestone): number {
  const [int = "0", frac = ""] = m.thresholdPercent.split(".");
  return Number(int) * 100 + Number(frac.padEnd(2, "0"));
}

/** Does a rate shown as `shown` percent (2 decimals) read as meeting the threshold? */
function shownMeets(m: RateMilestone, shown: number): boolean {
  const h = Math.round(shown * 100);
  expect(Math.abs(h - shown * 100)).toBeLessThan(1e-6); // two decimals, no more
  const t = oracleThresholdHundredths(m);
  return m.comparison === "gt" ? h > t : h >= t;
}

/**
 * `shown` (percent, 2 decimals) is disbursed/allocated rounded up when `up`, down otherwise:
 * h/10^4 brackets the exact quotient from the named side, checked by cross-multiplication.
 */
function expectRoundedToward(shown: number, part: bigint, whole: bigint, up: boolean): void {
  const h = BigInt(Math.round(shown * 100));
  const exact = part * 10_000n;
  if (up) {
    expect(h * whole >= exact).toBe(true);
    expect((h - 1n) * whole < exact).toBe(true);
  } else {
    expect(h * whole <= exact).toBe(true);
    expect((h + 1n) * whole > exact).toBe(true);
  }
}

const severity = (s: MilestoneStatus) => (s === "not_applicable" ? -1 : STATUS_SEVERITY[s]);

/** Figures with the disbursed amount drawn near the threshold, where rounding would bite. */
const scenario = milestone.chain((m) =>
  fc
    .record({
      m: fc.constant(m),
      asOf: asOfFor(m),
      windowDays,
      allocated: positive,
      delta: fc.oneof(fc.bigInt({ min: -3n, max: 3n }), fc.bigInt({ min: -MAX, max: MAX })),
      recentShare: fc.bigInt({ min: 0n, max: 100n }),
    })
    .map(({ allocated, delta, recentShare, ...rest }) => {
      const near = (thresholdBasisPoints(rest.m) * allocated) / 10_000n;
      const disbursed = clamp(near + delta, 0n, allocated);
      const figures: ScopeFigures = {
        allocated,
        disbursed,
        recentDisbursed: (disbursed * recentShare) / 100n,
      };
      return { ...rest, figures };
    }),
);

function clamp(x: bigint, lo: bigint, hi: bigint): bigint {
  return x < lo ? lo : x > hi ? hi : x;
}

describe("evaluateMilestone properties", () => {
  it("decides met exactly, never by the displayed rate", () => {
    fc.assert(
      fc.property(scenario, ({ m, asOf, windowDays, figures }) => {
        const e = evaluateMilestone(figures, m, asOf, windowDays);
        const holds = oracleHolds(m, figures.disbursed, figures.allocated);
        expect(e.status === "met").toBe(holds);
      }),
      { numRuns: 2000 },
    );
  });

  it("shows a rate rounded toward the verdict: met exactly when the shown rate meets the threshold", () => {
    fc.assert(
      fc.property(scenario, ({ m, asOf, windowDays, figures }) => {
        const e = evaluateMilestone(figures, m, asOf, windowDays);
        const holds = oracleHolds(m, figures.disbursed, figures.allocated);
        expectRoundedToward(e.rate!, figures.disbursed, figures.allocated, holds);
        // No exception is needed for exact values: exactly 60.00% is shown as 60.00 and, against
        // "above 60%", is neither met nor shown as meeting (60 is not above 60).
        expect(shownMeets(m, e.rate!)).toBe(e.status === "met");
      }),
      { numRuns: 2000 },
    );
  });

  it("a missed milestone never shows the threshold it missed", () => {
    const [m60, , c100] = DEFAULT_PLAN_2022.milestones as RateMilestone[];
    const judge = (m: RateMilestone, disbursed: bigint) =>
      evaluateMilestone({ allocated: 1_000_000_000n, disbursed, recentDisbursed: 0n }, m, "2023-01-01", 30);
    expect(judge(m60!, 599_999_999n)).toMatchObject({
      rate: 59.99,
      threshold: 60,
      status: "missed",
      shortfall: 2n,
    });
    expect(judge(m60!, 599_960_000n)).toMatchObject({ rate: 59.99, status: "missed" });
    expect(judge(m60!, 600_000_000n)).toMatchObject({ rate: 60, status: "missed", shortfall: 1n });
    expect(judge(c100!, 999_999_999n)).toMatchObject({ rate: 99.99, threshold: 100, status: "missed" });
  });

  it("disbursing exactly the shortfall meets the milestone; one đồng less does not", () => {
    fc.assert(
      fc.property(scenario, ({ m, asOf, windowDays, figures }) => {
        const e = evaluateMilestone(figures, m, asOf, windowDays);
        const withExtra = (x: bigint) => ({ ...figures, disbursed: figures.disbursed + x });
        expect(e.shortfall >= 0n).toBe(true);
        expect(evaluateMilestone(withExtra(e.shortfall), m, asOf, windowDays).status).toBe("met");
        if (e.shortfall > 0n) {
          expect(e.status).not.toBe("met");
          expect(evaluateMilestone(withExtra(e.shortfall - 1n), m, asOf, windowDays).status).not.toBe("met");
        } else {
          expect(e.status).toBe("met");
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("disbursing more never lowers the rate nor worsens the status", () => {
    fc.assert(
      fc.property(scenario, amount, fc.boolean(), ({ m, asOf, windowDays, figures }, extra, recent) => {
        // Before the due date a new payment is recent; after it the caller's cutoff freezes the window.
        const inWindow = recent && asOf <= m.dueOn;
        const more: ScopeFigures = {
          ...figures,
          disbursed: figures.disbursed + extra,
          recentDisbursed: figures.recentDisbursed + (inWindow ? extra : 0n),
        };
        const before = evaluateMilestone(figures, m, asOf, windowDays);
        const after = evaluateMilestone(more, m, asOf, windowDays);
        expect(after.rate!).toBeGreaterThanOrEqual(before.rate!);
        expect(severity(after.status)).toBeLessThanOrEqual(severity(before.status));
        expect(after.shortfall <= before.shortfall).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("projection properties", () => {
  /** Any window net, corrections (negative) included, on a date before the due date. */
  const projecting = milestone.chain((m) =>
    fc
      .record({
        m: fc.constant(m),
        asOf: fc.integer({ min: -200, max: 0 }).map((offset) => addDays(m.dueOn, offset)),
        windowDays,
        allocated: positive,
        disbursedShare: fc.bigInt({ min: 0n, max: 1_000n }),
        recentShare: fc.bigInt({ min: -1_000n, max: 1_000n }),
        nudge: fc.bigInt({ min: -3n, max: 3n }),
      })
      .map(({ allocated, disbursedShare, recentShare, nudge, ...rest }) => {
        const disbursed = clamp((allocated * disbursedShare) / 1_000n + nudge, 0n, allocated);
        const figures: ScopeFigures = {
          allocated,
          disbursed,
          recentDisbursed: (allocated * recentShare) / 1_000n,
        };
        return { ...rest, figures };
      }),
  );

  it("never projects below what is disbursed, nor above the allocation, nor a negative rate", () => {
    fc.assert(
      fc.property(projecting, ({ m, asOf, windowDays, figures }) => {
        const e = evaluateMilestone(figures, m, asOf, windowDays);
        const floor = figures.disbursed > 0n ? figures.disbursed : 0n;
        expect(e.projectedDisbursed! >= floor).toBe(true);
        expect(e.projectedDisbursed! <= figures.allocated).toBe(true);
        expect(e.projectedRate!).toBeGreaterThanOrEqual(0);
        if (figures.recentDisbursed <= 0n) expect(e.projectedDisbursed).toBe(figures.disbursed);
      }),
      { numRuns: 2000 },
    );
  });

  it("decides on a negative pace as on no pace at all", () => {
    fc.assert(
      fc.property(projecting, ({ m, asOf, windowDays, figures }) => {
        fc.pre(figures.recentDisbursed < 0n);
        const e = evaluateMilestone(figures, m, asOf, windowDays);
        const still = evaluateMilestone({ ...figures, recentDisbursed: 0n }, m, asOf, windowDays);
        expect(e).toEqual(still);
        const holds = oracleHolds(m, figures.disbursed, figures.allocated);
        expect(e.status).toBe(holds ? "met" : "at_risk");
      }),
      { numRuns: 1000 },
    );
  });

  it("shows the projected rate rounded toward the projection's verdict", () => {
    fc.assert(
      fc.property(projecting, ({ m, asOf, windowDays, figures }) => {
        const e = evaluateMilestone(figures, m, asOf, windowDays);
        // The projection holds when the pair is met or on track; at_risk is the projection missing.
        const projectionHolds = e.status !== "at_risk";
        expect(shownMeets(m, e.projectedRate!)).toBe(projectionHolds);
        expect(oracleHolds(m, e.projectedDisbursed!, figures.allocated)).toBe(projectionHolds);
        expectRoundedToward(e.projectedRate!, e.projectedDisbursed!, figures.allocated, projectionHolds);
      }),
      { numRuns: 2000 },
    );
  });

  // The at-risk page and the summary judge 150,000 rows lean, then the page's rows in full.
  it("a lean judgement decides as the full one, leaving only the figures shown null", () => {
    const nothing = milestone.chain((m) =>
      fc.record({
        m: fc.constant(m),
        asOf: asOfFor(m),
        windowDays,
        figures: fc.record({
          allocated: fc.bigInt({ min: -MAX, max: 0n }),
          disbursed: fc.bigInt({ min: -MAX, max: MAX }),
          recentDisbursed: fc.bigInt({ min: -MAX, max: MAX }),
        }),
      }),
    );
    fc.assert(
      fc.property(fc.oneof(scenario, projecting, nothing), ({ m, asOf, windowDays, figures }) => {
        const judge = prepareMilestone(m, asOf, windowDays);
        const full = judge.judge(figures);
        const lean = judge.judgeInto(figures, blankEvaluation(), true);
        expect(lean).toEqual({
          ...full,
          rate: null,
          projectedRate: null,
          projectedDisbursed: null,
          requiredDailyPace: null,
        });
      }),
      { numRuns: 3000 },
    );
  });
});

describe("reference ledger properties", () => {
  const dateIn2022 = fc.integer({ min: 0, max: 364 }).map((n) => addDays("2022-01-01", n));
  const ledgerEntry = fc.record<LedgerEntry>({
    unitCode: fc.constantFrom("TAY_GIANG", "NAM_GIANG"),
    program: fc.constantFrom("NTM", "GNBV", "DTTS"),
    planYear: fc.constantFrom(2021, 2022),
    carriedOverFrom: fc.constantFrom(null, 2021),
    source: fc.constantFrom("central", "provincial", "district", "other"),
    capitalType: fc.constantFrom("investment", "recurrent"),
    amount,
    date: dateIn2022,
    kind: fc.constantFrom("allocation", "disbursement"),
  });

  it("an entry dated after asOf changes nothing", () => {
    fc.assert(
      fc.property(
        fc.array(ledgerEntry, { maxLength: 40 }),
        dateIn2022,
        ledgerEntry,
        fc.integer({ min: 1, max: 400 }),
        (entries, asOf: LocalDate, late, daysAfter) => {
          const later = { ...late, unitCode: "TAY_GIANG", date: addDays(asOf, daysAfter) };
          const before = evaluateUnit(entries, "TAY_GIANG", DEFAULT_PLAN_2022, asOf);
          const after = evaluateUnit([...entries, later], "TAY_GIANG", DEFAULT_PLAN_2022, asOf);
          expect(after).toEqual(before);
        },
      ),
      { numRuns: 500 },
    );
  });
});
