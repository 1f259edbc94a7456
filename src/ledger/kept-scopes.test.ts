import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  dailyBalances,
  type LedgerScope,
  type Movement,
  type MovementKind,
  scopeKey,
} from "../domain/ledger-rules.js";
import type { LocalDate } from "../domain/local-date.js";
import { createKeptScopes } from "./kept-scopes.js";

const CENTRAL_2022 = {
  planYear: 2022,
  carriedOverFrom: null,
  source: "central",
  capitalType: "investment",
} as const;
const scope = (unitCode: string, program = "NTM"): LedgerScope => ({ ...CENTRAL_2022, unitCode, program });
const A = scope("A");
const B = scope("B");
const KINDS: MovementKind[] = ["allocation", "disbursement", "refund", "carryForward"];

const movement = fc.record({
  kind: fc.constantFrom(...KINDS),
  date: fc.integer({ min: 1, max: 9 }).map((d) => `2022-06-0${d}` as LocalDate),
  amount: fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }),
});

describe("kept scopes", () => {
  it("keep each scope as its figures plus what was written, at the write's stamp", () => {
    fc.assert(
      fc.property(
        fc.array(movement, { maxLength: 12 }),
        fc.array(fc.tuple(fc.boolean(), movement), { minLength: 1, maxLength: 12 }),
        (before, written) => {
          const kept = createKeptScopes();
          const given = structuredClone(before);
          const moves = written.map(([onA, m]) => ({ ...(onA ? A : B), ...m }));
          // The scopes a write names are those of its movements, as the service gives them.
          const keys = [...new Set(moves.map(scopeKey))].sort();
          kept.wrote(keys, new Map([[scopeKey(A), before]]), moves, 42n);
          const got = kept.take(keys, moves)!;
          expect(got.changed).toEqual(keys.map(() => 42n));
          const mine = (s: LedgerScope) => moves.filter((m) => scopeKey(m) === scopeKey(s));
          // The rules see the same ledger at every date as from the movements themselves.
          if (mine(A).length > 0)
            expect(dailyBalances(got.histories.get(scopeKey(A)) ?? [])).toEqual(
              dailyBalances([...before, ...mine(A)]),
            );
          if (mine(B).length > 0)
            expect(dailyBalances(got.histories.get(scopeKey(B)) ?? [])).toEqual(dailyBalances(mine(B)));
          // One movement per kind and date.
          for (const h of got.histories.values())
            expect(new Set(h.map((m) => `${m.kind}${m.date}`)).size).toBe(h.length);
          // What it was given is left as it was.
          expect(before).toEqual(given);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("answer nothing unless every scope asked for is known", () => {
    const kept = createKeptScopes();
    const a = scopeKey(A);
    const b = scopeKey(B);
    expect(kept.take([a], [A])).toBeNull();
    kept.wrote(
      [a],
      new Map(),
      [{ ...A, kind: "allocation", date: "2022-01-15" as LocalDate, amount: 5n }],
      7n,
    );
    expect(kept.take([a], [A])).toEqual({
      histories: new Map([[a, [{ kind: "allocation", date: "2022-01-15", amount: 5n }]]]),
      changed: [7n],
    });
    // A's other scopes are not known: only the one it wrote.
    const other = scope("A", "GNBV");
    expect(kept.take([scopeKey(other)], [other])).toBeNull();
    expect(kept.take([a, b], [A, B])).toBeNull();
    kept.forget([A]);
    expect(kept.take([a], [A])).toBeNull();
  });

  it("know every scope of a unit's year read at once, those without figures at stamp -1", () => {
    const kept = createKeptScopes();
    const a = scopeKey(A);
    const gnbv = scope("A", "GNBV");
    const moves: Movement[] = [{ kind: "allocation", date: "2022-01-15" as LocalDate, amount: 9n }];
    kept.read(["A|2022"], [{ unitYear: "A|2022", key: a, changed: 3n, moves }]);
    expect(kept.take([scopeKey(gnbv), a].sort(), [A, gnbv])).toEqual({
      histories: new Map([[a, moves]]),
      changed: scopeKey(gnbv) < a ? [-1n, 3n] : [3n, -1n],
    });
    // The same unit in another year, and rows of units not read, are not known.
    const later = { ...A, planYear: 2023 };
    expect(kept.take([scopeKey(later)], [later])).toBeNull();
    kept.read(["B|2022"], [{ unitYear: "A|2023", key: scopeKey(later), changed: 1n, moves }]);
    expect(kept.take([scopeKey(later)], [later])).toBeNull();
    expect(kept.take([scopeKey(B)], [B])?.changed).toEqual([-1n]);
    // A read replaces what was known of the unit's year; forgetting one scope forgets the year.
    kept.read(["A|2022"], []);
    expect(kept.take([a], [A])?.changed).toEqual([-1n]);
    kept.forget([gnbv]);
    expect(kept.take([a], [A])).toBeNull();
  });

  it("do not change the figures they were given", () => {
    const kept = createKeptScopes();
    const a = scopeKey(A);
    const before: Movement[] = [{ kind: "disbursement", date: "2022-03-01" as LocalDate, amount: 10n }];
    kept.wrote(
      [a],
      new Map([[a, before]]),
      [{ ...A, kind: "disbursement", date: "2022-03-01" as LocalDate, amount: 5n }],
      1n,
    );
    expect(before).toEqual([{ kind: "disbursement", date: "2022-03-01", amount: 10n }]);
    expect(kept.take([a], [A])!.histories.get(a)).toEqual([
      { kind: "disbursement", date: "2022-03-01", amount: 15n },
    ]);
  });

  it("hold at most their bound, dropping the units used longest ago", () => {
    // Each unit's year, each scope and each movement counts one: a unit with a scope of 4 dates, 6.
    const kept = createKeptScopes(15);
    const day = (d: number) => `2022-05-${String(d).padStart(2, "0")}` as LocalDate;
    const known = (s: LedgerScope) => kept.take([scopeKey(s)], [s]);
    const write = (s: LedgerScope, days: number, tx: bigint) =>
      kept.wrote(
        [scopeKey(s)],
        new Map(),
        Array.from({ length: days }, (_, i) => ({
          ...s,
          kind: "disbursement" as const,
          date: day(i + 1),
          amount: 1n,
        })),
        tx,
      );
    write(scope("U1"), 4, 1n);
    write(scope("U2"), 4, 2n);
    expect(kept.size()).toEqual({ units: 2, scopes: 2, movements: 8, weight: 12 });
    write(scope("U3"), 4, 3n);
    expect(known(scope("U1"))).toBeNull();
    expect(kept.size()).toEqual({ units: 2, scopes: 2, movements: 8, weight: 12 });
    // Written again, a unit counts as used last; its scope is counted once.
    write(scope("U2"), 4, 4n);
    expect(kept.size().weight).toBe(12);
    write(scope("U4"), 4, 5n);
    expect(known(scope("U3"))).toBeNull();
    expect(known(scope("U2"))?.changed).toEqual([4n]);
    expect(known(scope("U4"))?.changed).toEqual([5n]);
    // Two scopes of one unit count together.
    write(scope("U4", "GNBV"), 4, 6n);
    expect(known(scope("U2"))).toBeNull();
    expect(kept.size()).toEqual({ units: 1, scopes: 2, movements: 8, weight: 11 });
    // A unit bigger than the bound alone is not kept at all.
    write(scope("U5"), 15, 7n);
    expect(known(scope("U5"))).toBeNull();
    expect(kept.size().weight).toBe(0);
    // Units read without any figures count too: a clerk trying unit after unit cannot grow it.
    for (let u = 0; u < 40; u++) kept.read([`E${u}|2022`], []);
    expect(kept.size()).toEqual({ units: 15, scopes: 0, movements: 0, weight: 15 });
    expect(kept.take([scopeKey(scope("E39"))], [scope("E39")])?.changed).toEqual([-1n]);
    expect(kept.take([scopeKey(scope("E0"))], [scope("E0")])).toBeNull();
  });
});
