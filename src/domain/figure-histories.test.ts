import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  FIGURE_KINDS,
  FigureHistories,
  ownCapitalTotalsOf,
  planFiguresOf,
  refundFiguresOf,
  type ScopeHistory,
  type ScopeIdentity,
} from "./figure-histories.js";
import { fromDayNumber, toDayNumber } from "./local-date.js";
import { figuresWindow } from "./milestone-status.js";
import { DEFAULT_PLAN_2022, type Plan, type RateMilestone, scopeCovers } from "./plan.js";

type Movement = { scope: number; kind: number; day: number; amount: bigint };

const SCOPES: ScopeIdentity[] = [
  { unitCode: "A", program: "NTM", carriedOverFrom: null, source: "central", capitalType: "investment" },
  { unitCode: "A", program: "NTM", carriedOverFrom: null, source: "provincial", capitalType: "investment" },
  { unitCode: "A", program: "NTM", carriedOverFrom: 2021, source: "central", capitalType: "investment" },
  { unitCode: "A", program: "GNBV", carriedOverFrom: null, source: "district", capitalType: "recurrent" },
  { unitCode: "B", program: "NTM", carriedOverFrom: null, source: "central", capitalType: "investment" },
  { unitCode: "B", program: "DTTS", carriedOverFrom: 2021, source: "other", capitalType: "investment" },
];
const keyOf = (s: ScopeIdentity) =>
  [s.unitCode, s.program, 2022, s.carriedOverFrom ?? "", s.source, s.capitalType].join("|");
const DAY0 = toDayNumber("2021-12-20");

/** A scope's history as the ledger keeps it: per kind, the dates with movements and the running totals. */
function historyOf(scope: number, moves: readonly Movement[]): ScopeHistory {
  const days: number[][] = [];
  const totals: bigint[][] = [];
  for (let kind = 0; kind < FIGURE_KINDS.length; kind++) {
    const byDay = new Map<number, bigint>();
    for (const m of moves)
      if (m.scope === scope && m.kind === kind) byDay.set(m.day, (byDay.get(m.day) ?? 0n) + m.amount);
    const d = [...byDay.keys()].sort((a, b) => a - b);
    let run = 0n;
    days.push(d);
    totals.push(d.map((x) => (run += byDay.get(x)!)));
  }
  return { key: keyOf(SCOPES[scope]!), ...SCOPES[scope]!, days, totals };
}

/** Sums straight over the movements: what the kept figures must answer. */
const sumOf = (moves: readonly Movement[], ok: (m: Movement) => boolean) =>
  moves.filter(ok).reduce((s, m) => s + m.amount, 0n);

const movement = fc.record({
  scope: fc.nat({ max: SCOPES.length - 1 }),
  kind: fc.nat({ max: 3 }),
  day: fc.integer({ min: DAY0, max: DAY0 + 450 }),
  amount: fc.bigInt({ min: -(10n ** 12n), max: 10n ** 15n }),
});
const asOfDate = fc.integer({ min: DAY0 - 5, max: DAY0 + 460 }).map(fromDayNumber);

function build(moves: readonly Movement[], batches: number): FigureHistories {
  // The copy is filled as a refresh fills it: scopes written again and again, in batches.
  const h = new FigureHistories();
  for (let b = 1; b <= batches; b++) {
    const seen = moves.slice(0, Math.ceil((moves.length * b) / batches));
    for (const scope of new Set(seen.map((m) => m.scope))) h.put(historyOf(scope, seen));
  }
  return h;
}

describe("FigureHistories", () => {
  it("gives a kind's running total at the end of any day: 0 before its first date", () => {
    const h = new FigureHistories();
    const d = toDayNumber("2022-03-01");
    h.put({
      key: "k",
      ...SCOPES[0]!,
      days: [[d, d + 10], [], [], []],
      totals: [[5n, 12n], [], [], []],
    });
    expect([d - 1, d, d + 9, d + 10, d + 400].map((x) => h.totalAt(0, 0, x))).toEqual([0n, 5n, 5n, 12n, 12n]);
    expect(h.totalAt(0, 1, d)).toBe(0n);
    expect(h.firstDay(0, 0)).toBe(d);
    expect(h.firstDay(0, 2)).toBe(Number.POSITIVE_INFINITY);
  });

  it("holds dates outside 16 bits (before 1970, after 2149) exactly, beside those held before", () => {
    const h = new FigureHistories();
    const d = toDayNumber("2022-03-01");
    h.put({ key: "k0", ...SCOPES[0]!, days: [[d], [], [], []], totals: [[5n], [], [], []] });
    const early = toDayNumber("1969-12-29");
    const late = toDayNumber("2150-01-01");
    h.put({ key: "k1", ...SCOPES[1]!, days: [[early, late], [], [], []], totals: [[7n, 9n], [], [], []] });
    // Rewrites move and compact the arrays after the widening.
    for (let i = 0; i < 50; i++)
      h.put({ key: "k0", ...SCOPES[0]!, days: [[d], [], [], []], totals: [[6n], [], [], []] });
    expect([early - 1, early, late - 1, late].map((x) => h.totalAt(1, 0, x))).toEqual([0n, 7n, 7n, 9n]);
    expect(h.firstDay(1, 0)).toBe(early);
    expect([d - 1, d].map((x) => h.totalAt(0, 0, x))).toEqual([0n, 6n]);
    expect(h.firstDay(0, 0)).toBe(d);
  });

  it("refuses a kind whose dates and totals do not pair up", () => {
    const h = new FigureHistories();
    expect(() =>
      h.put({ key: "k", ...SCOPES[0]!, days: [[1, 2], [], [], []], totals: [[1n], [], [], []] }),
    ).toThrow(/2 dates and 1 totals/);
  });
});

describe("the rules' figures read from the kept histories", () => {
  const plan: Plan = DEFAULT_PLAN_2022;

  it("equal the sums over the movements, whatever the order and number of rewrites", () => {
    fc.assert(
      fc.property(
        fc.array(movement, { maxLength: 80 }),
        fc.integer({ min: 1, max: 6 }),
        asOfDate,
        asOfDate,
        (moves, batches, asOf, earlier) => {
          const h = build(moves, batches);
          const asOfDay = toDayNumber(asOf);
          // A read before, released: its room, with its sums in it, serves the read below.
          planFiguresOf(h, plan, earlier).release?.();
          const rateLike = plan.milestones.filter((m): m is RateMilestone => m.kind !== "request");
          const scopeOk = (m: RateMilestone) => (x: Movement) => scopeCovers(m, SCOPES[x.scope]!);
          const pairOf = (x: Movement) => `${SCOPES[x.scope]!.unitCode}|${SCOPES[x.scope]!.program}`;

          // Pairs listed: any allocation or disbursement dated by asOf, in any of their scopes.
          const listed = new Set(moves.filter((x) => x.kind <= 1 && x.day <= asOfDay).map(pairOf));
          const figures = planFiguresOf(h, plan, asOf);
          const got = figures.pairs;
          expect(new Set(got.map((p) => `${p.unitCode}|${p.program}`))).toEqual(listed);
          // In (unit, program) order, whatever order the pairs came in: the rules walk them so.
          const order = got.map((p) => `${p.unitCode}|${p.program}`);
          expect(order).toEqual([...order].sort());
          for (const p of got) {
            const mine = moves.filter((x) => pairOf(x) === `${p.unitCode}|${p.program}`);
            for (const m of rateLike) {
              const { cutoff, windowStart } = figuresWindow(m, asOf, plan.projectionWindowDays);
              const cut = toDayNumber(cutoff);
              const from = toDayNumber(windowStart);
              const inScope = mine.filter(scopeOk(m));
              expect(figures.figuresOf(m.id, p)).toEqual({
                allocated: sumOf(inScope, (x) => x.kind === 0 && x.day <= cut),
                disbursed: sumOf(inScope, (x) => x.kind === 1 && x.day <= cut),
                recentDisbursed: sumOf(inScope, (x) => x.kind === 1 && x.day <= cut && x.day >= from),
              });
            }
          }

          for (const m of rateLike.filter((r) => r.kind === "refund")) {
            const { cutoff, windowStart } = figuresWindow(m, asOf, plan.projectionWindowDays);
            const cut = toDayNumber(cutoff);
            const from = toDayNumber(windowStart);
            const inScope = moves.filter(scopeOk(m)).filter((x) => x.kind >= 2);
            const expected = new Map(
              [...new Set(inScope.map(pairOf))].map((k) => {
                const mine = inScope.filter((x) => pairOf(x) === k);
                return [
                  k,
                  {
                    carriedForward: sumOf(mine, (x) => x.kind === 3 && x.day <= cut),
                    refunded: sumOf(mine, (x) => x.kind === 2 && x.day <= cut),
                    recentRefunded: sumOf(mine, (x) => x.kind === 2 && x.day <= cut && x.day >= from),
                  },
                ];
              }),
            );
            expect(refundFiguresOf(h, plan, m, asOf)).toEqual(expected);
          }

          const own = moves.filter((x) => SCOPES[x.scope]!.carriedOverFrom === null);
          const ownListed = new Set(own.filter((x) => x.kind <= 1 && x.day <= asOfDay).map(pairOf));
          const totals = ownCapitalTotalsOf(h, asOf);
          expect(new Set(totals.map((p) => `${p.unitCode}|${p.program}`))).toEqual(ownListed);
          for (const p of totals) {
            const mine = own.filter((x) => pairOf(x) === `${p.unitCode}|${p.program}`);
            expect(p.allocated).toBe(sumOf(mine, (x) => x.kind === 0 && x.day <= asOfDay));
            expect(p.disbursed).toBe(sumOf(mine, (x) => x.kind === 1 && x.day <= asOfDay));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("answer for the set's own pairs, which live as long as the copy, and refuse any other", () => {
    const moves: Movement[] = [
      { scope: 0, kind: 0, day: DAY0 + 10, amount: 1_000n },
      { scope: 0, kind: 1, day: DAY0 + 20, amount: 700n },
      { scope: 3, kind: 0, day: DAY0 + 10, amount: 5n },
    ];
    const h = build(moves, 1);
    const first = planFiguresOf(h, plan, fromDayNumber(DAY0 + 30));
    const second = planFiguresOf(h, plan, fromDayNumber(DAY0 + 15));
    const a = first.pairs.find((p) => p.unitCode === "A" && p.program === "NTM")!;
    // Two reads hand out the same pair objects, each read with its own figures.
    expect(second.pairs).toContain(a);
    expect(first.figuresOf("M60", a)?.disbursed).toBe(700n);
    expect(second.figuresOf("M60", a)?.disbursed).toBe(0n);
    expect(first.figuresOf("no-such-milestone", a)).toBeUndefined();
    // A pair with the same codes that is not one of the set's is a caller's mistake, not "no figures".
    expect(() => first.figuresOf("M60", { unitCode: "A", program: "NTM" })).toThrow(/not of their set/);
    expect(() => first.figuresOf("M60", { ...a })).toThrow(/not of their set/);
  });

  it("lend their room to the next read once released, and refuse to answer after", () => {
    const moves: Movement[] = [
      { scope: 0, kind: 0, day: DAY0 + 10, amount: 1_000n },
      { scope: 0, kind: 1, day: DAY0 + 20, amount: 700n },
      { scope: 4, kind: 0, day: DAY0 + 10, amount: 90n },
      { scope: 4, kind: 1, day: DAY0 + 12, amount: 30n },
    ];
    const h = build(moves, 1);
    const late = planFiguresOf(h, plan, fromDayNumber(DAY0 + 30));
    const a = late.pairs.find((p) => p.unitCode === "A" && p.program === "NTM")!;
    expect(late.figuresOf("M60", a)?.disbursed).toBe(700n);
    late.release?.();
    late.release?.();
    expect(() => late.figuresOf("M60", a)).toThrow(/after their release/);
    // Two reads at once have rooms of their own; the released one's is zeroed before it is used.
    const early = planFiguresOf(h, plan, fromDayNumber(DAY0 + 11));
    const other = planFiguresOf(h, plan, fromDayNumber(DAY0 + 30));
    const b = early.pairs.find((p) => p.unitCode === "B")!;
    expect(early.figuresOf("M60", a)).toEqual({ allocated: 1_000n, disbursed: 0n, recentDisbursed: 0n });
    expect(early.figuresOf("M60", b)).toEqual({ allocated: 90n, disbursed: 0n, recentDisbursed: 0n });
    expect(other.figuresOf("M60", a)?.disbursed).toBe(700n);
    expect(other.figuresOf("M60", b)?.disbursed).toBe(30n);
  });

  it("keeps every scope's figures through thousands of rewrites (the arrays compacted many times)", () => {
    const h = new FigureHistories();
    const moves: Movement[] = [];
    for (let i = 0; i < 3000; i++) {
      moves.push({
        scope: i % SCOPES.length,
        kind: (i >> 3) % 4,
        day: DAY0 + 15 + (i % 300),
        amount: BigInt(i + 1),
      });
      h.put(historyOf(i % SCOPES.length, moves));
    }
    // The same scopes written once each.
    const fresh = new FigureHistories();
    for (let scope = 0; scope < SCOPES.length; scope++) fresh.put(historyOf(scope, moves));
    expect(h.size).toBe(SCOPES.length);
    const same = () => {
      for (let slot = 0; slot < SCOPES.length; slot++)
        for (let kind = 0; kind < 4; kind++) {
          expect(h.firstDay(slot, kind)).toBe(fresh.firstDay(slot, kind));
          for (let day = DAY0; day < DAY0 + 330; day += 7)
            expect(h.totalAt(slot, kind, day)).toBe(fresh.totalAt(slot, kind, day));
        }
    };
    same();
    // Compacted once more with no scope written after it.
    h.trim();
    same();
  });

  it("holds a load it was told the size of in arrays allocated once, and answers the same", () => {
    const moves: Movement[] = [];
    for (let i = 0; i < 20_000; i++)
      moves.push({ scope: i % SCOPES.length, kind: (i >> 2) % 4, day: DAY0 + (i % 1500), amount: BigInt(i) });
    const dates = SCOPES.reduce((n, _s, scope) => n + historyOf(scope, moves).days.flat().length, 0);
    const h = new FigureHistories();
    h.reserve(dates + 5000);
    expect(h.capacity).toBe(dates + 5000);
    const fresh = new FigureHistories();
    for (let scope = 0; scope < SCOPES.length; scope++) {
      h.put(historyOf(scope, moves));
      fresh.put(historyOf(scope, moves));
    }
    expect(h.capacity).toBe(dates + 5000);
    // Spare room beyond an eighth is given back; within it, the arrays stay.
    expect(dates).toBeGreaterThan(4096);
    h.trim();
    expect(h.capacity).toBe(dates);
    h.reserve(dates + 10);
    h.trim();
    expect(h.capacity).toBe(dates + 10);
    for (let slot = 0; slot < SCOPES.length; slot++)
      for (let kind = 0; kind < 4; kind++)
        for (let day = DAY0; day < DAY0 + 330; day += 7)
          expect(h.totalAt(slot, kind, day)).toBe(fresh.totalAt(slot, kind, day));
  });
});
