import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays, type LocalDate } from "./local-date.js";
import {
  evaluateMilestone,
  type MilestoneStatus,
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
        // Display is consistent with the decision: met never shows below the threshold, and
        // a rate shown at or above it may still be unmet (60.00 shown for 59.9999...%).
        if (holds) expect(e.rate!).toBeGreaterThanOrEqual(e.threshold);
        if (e.rate! < e.threshold) expect(holds).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it("a displayed 60 with M60 unmet is possible and consistent", () => {
    const m60 = DEFAULT_PLAN_2022.milestones[0] as RateMilestone;
    const e = evaluateMilestone(
      { allocated: 1_000_000_000n, disbursed: 599_999_999n, recentDisbursed: 0n },
      m60,
      "2022-10-01",
      30,
    );
    expect(e).toMatchObject({ rate: 60, threshold: 60, status: "missed", shortfall: 2n });
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
