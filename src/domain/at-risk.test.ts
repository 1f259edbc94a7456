import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type AtRiskKey, type AtRiskPage, atRiskPager, compareAtRisk, selectAtRisk } from "./at-risk.js";
import type { MilestoneStatus } from "./milestone-status.js";
import type { JudgedRow } from "./recorded-verdicts.js";

type Item = AtRiskKey & { status: MilestoneStatus };

const item = (
  shortfall: bigint,
  unitCode: string,
  program = "NTM",
  id = "M60",
  status: MilestoneStatus = "at_risk",
): Item => ({
  shortfall,
  unitCode,
  program,
  dueOn: id === "M90" ? "2022-12-31" : "2022-09-30",
  id,
  status,
});

// Independent oracle of the order: the key as a tuple, shortfall descending, the rest ascending
// by UTF-16 code units (as the service's cmp compares codes).
const tuple = (k: AtRiskKey) => [-k.shortfall, k.unitCode, k.program, k.dueOn, k.id] as const;
function oracleCompare(a: AtRiskKey, b: AtRiskKey): number {
  const x = tuple(a);
  const y = tuple(b);
  for (let i = 0; i < x.length; i += 1) if (x[i]! !== y[i]!) return x[i]! < y[i]! ? -1 : 1;
  return 0;
}

/** The page a walk handing these items to the pager answers. */
function pageOf(items: readonly Item[], opts: { limit: number; after?: AtRiskKey }): AtRiskPage<Item> {
  const pager = atRiskPager<Item>(opts);
  for (const i of items) pager.add(i);
  return pager.page();
}

/** Independent oracle of a page: the sorted list filtered past the key, then cut. */
function oraclePage(
  sorted: readonly Item[],
  { limit, after }: { limit: number; after?: AtRiskKey | undefined },
) {
  const byStatus = { not_applicable: 0, met: 0, on_track: 0, at_risk: 0, missed: 0 };
  for (const i of sorted) byStatus[i.status] += 1;
  const past = sorted.filter((i) => !after || oracleCompare(i, after) > 0);
  const items = past.slice(0, limit);
  const last = items.at(-1);
  return {
    items,
    totals: { count: sorted.length, shortfall: sorted.reduce((t, i) => t + i.shortfall, 0n), byStatus },
    next:
      past.length > limit && last
        ? {
            shortfall: last.shortfall,
            unitCode: last.unitCode,
            program: last.program,
            dueOn: last.dueOn,
            id: last.id,
          }
        : null,
  };
}

/** Every page from the first, following `next`; fails past a page count no walk can need. */
function walk(list: readonly Item[], limit: number) {
  const pages = [];
  let after: AtRiskKey | undefined;
  for (let n = 0; n <= list.length + 1; n += 1) {
    const page = pageOf(list, { limit, after });
    pages.push(page);
    if (!page.next) return pages;
    after = page.next;
  }
  throw new Error("the walk did not end");
}

describe("the at-risk order", () => {
  it("puts the largest shortfall first, then unit, program, due date and milestone", () => {
    const list = [
      item(5n, "B"),
      item(9n, "Z"),
      item(5n, "A", "NTM", "M90"),
      item(5n, "A", "NTM", "M60"),
      item(5n, "A", "GNBV", "M90"),
      item(10n ** 20n, "Y"),
    ].sort(compareAtRisk);
    expect(list.map((i) => `${i.shortfall} ${i.unitCode} ${i.program} ${i.id}`)).toEqual([
      "100000000000000000000 Y NTM M60",
      "9 Z NTM M60",
      "5 A GNBV M90",
      "5 A NTM M60",
      "5 A NTM M90",
      "5 B NTM M60",
    ]);
  });
});

describe("a page of the list (atRiskPager)", () => {
  const list = [
    item(30n, "A", "NTM", "M60", "missed"),
    item(20n, "B"),
    item(20n, "C", "NTM", "M60", "missed"),
    item(0n, "D", "NTM", "M60", "met"),
  ];

  it("gives the first page, the key of its last item, and the totals of the whole list", () => {
    const first = pageOf(list, { limit: 2 });
    expect(first.items).toEqual(list.slice(0, 2));
    expect(first.next).toEqual({
      shortfall: 20n,
      unitCode: "B",
      program: "NTM",
      dueOn: "2022-09-30",
      id: "M60",
    });
    expect(first.totals).toEqual({
      count: 4,
      shortfall: 70n,
      byStatus: { not_applicable: 0, met: 1, on_track: 0, at_risk: 1, missed: 2 },
    });
    const second = pageOf(list, { limit: 2, after: first.next! });
    expect(second.items).toEqual(list.slice(2));
    expect(second.next).toBeNull();
    expect(second.totals).toEqual(first.totals);
  });

  it("says there is no next page when the last page is exactly full", () => {
    expect(pageOf(list, { limit: 4 }).next).toBeNull();
    expect(pageOf(list, { limit: 1000 }).items).toHaveLength(4);
  });

  it("answers an empty page, with zero totals, for an empty list or past its end", () => {
    expect(pageOf([], { limit: 10 })).toEqual({
      items: [],
      totals: {
        count: 0,
        shortfall: 0n,
        byStatus: { not_applicable: 0, met: 0, on_track: 0, at_risk: 0, missed: 0 },
      },
      next: null,
    });
    const past = pageOf(list, { limit: 10, after: { ...list[3]!, shortfall: 0n, unitCode: "ZZZ" } });
    expect(past.items).toEqual([]);
    expect(past.next).toBeNull();
  });

  it("continues after an item that has since left the list, or whose shortfall has changed", () => {
    // B was the last item of the first page; paid since, it is gone: the next page starts at C.
    const gone = { shortfall: 20n, unitCode: "B", program: "NTM", dueOn: "2022-09-30", id: "M60" };
    const without = list.filter((i) => i.unitCode !== "B");
    expect(pageOf(without, { limit: 2, after: gone }).items.map((i) => i.unitCode)).toEqual(["C", "D"]);
  });

  it("refuses a limit that is not a positive integer", () => {
    for (const limit of [0, -1, 1.5, Number.NaN]) expect(() => pageOf(list, { limit })).toThrow(RangeError);
  });
});

// Small domains, so that ties on shortfall, unit, program and date are frequent.
const itemArb = fc.record({
  shortfall: fc.bigInt({ min: 0n, max: 3n }),
  unitCode: fc.constantFrom("A", "B", "C10", "C2"),
  program: fc.constantFrom("GNBV", "NTM"),
  dueOn: fc.constantFrom("2022-09-30", "2022-12-31"),
  id: fc.constantFrom("M60", "M90", "C100"),
  status: fc.constantFrom<MilestoneStatus>("at_risk", "missed", "met"),
});
// One item per (unit, program, milestone), as in the service's list.
const listArb = fc
  .uniqueArray(itemArb, { selector: (i) => `${i.unitCode}|${i.program}|${i.id}`, maxLength: 40 })
  .map((items) => [...items].sort(oracleCompare));

describe("walking the pages (property)", () => {
  it("yields every item exactly once, in order, with the same totals on every page", () => {
    fc.assert(
      fc.property(listArb, fc.integer({ min: 1, max: 45 }), (list, limit) => {
        const pages = walk(list, limit);
        expect(pages.flatMap((p) => p.items)).toEqual(list);
        expect(pages).toHaveLength(Math.max(1, Math.ceil(list.length / limit)));
        for (const p of pages.slice(0, -1)) expect(p.items).toHaveLength(limit);
        const shortfall = list.reduce((t, i) => t + i.shortfall, 0n);
        const missed = list.filter((i) => i.status === "missed").length;
        const atRisk = list.filter((i) => i.status === "at_risk").length;
        for (const p of pages)
          expect(p.totals).toMatchObject({
            count: list.length,
            shortfall,
            byStatus: { missed, at_risk: atRisk },
          });
      }),
      { numRuns: 500 },
    );
  });

  it("starts a page right after any key, in the list or not", () => {
    fc.assert(
      fc.property(listArb, itemArb, fc.integer({ min: 1, max: 10 }), (list, key, limit) => {
        const expected = list.filter((i) => oracleCompare(i, key) > 0).slice(0, limit);
        expect(pageOf(list, { limit, after: key }).items).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});

describe("atRiskPager (property)", () => {
  // The items in any order, a page size and maybe a cursor: the oracle's page of the sorted list.
  it("gives the oracle's page of the sorted list, whatever order the items come in", () => {
    fc.assert(
      fc.property(
        listArb,
        fc.option(itemArb, { nil: undefined }),
        fc.integer({ min: 1, max: 45 }),
        fc.boolean(),
        fc.nat(),
        (sorted, after, limit, inOrder, seed) => {
          const handed = inOrder ? sorted : shuffled(sorted, seed);
          expect(pageOf(handed, { limit, ...(after ? { after } : {}) })).toEqual(
            oraclePage(sorted, { limit, after }),
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  // A lean walk hands over one row object per milestone, rewritten for every pair.
  it("holds copies (keep) of items handed over in one object rewritten each time", () => {
    fc.assert(
      fc.property(listArb, fc.integer({ min: 1, max: 45 }), fc.nat(), (sorted, limit, seed) => {
        const pager = atRiskPager<Item>({ limit, keep: (i) => ({ ...i }) });
        const reused = item(0n, "");
        for (const i of shuffled(sorted, seed)) pager.add(Object.assign(reused, i));
        expect(pager.page()).toEqual(oraclePage(sorted, { limit }));
      }),
      { numRuns: 200 },
    );
  });
});

/** A deterministic shuffle (Fisher-Yates on a small linear congruential sequence). */
function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const out = [...xs];
  let s = seed >>> 0;
  for (let i = out.length - 1; i > 0; i -= 1) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe("selectAtRisk's order", () => {
  const row = (shortfall: bigint, unitCode: string, program: string, id: "M60" | "M90") =>
    ({
      ...item(shortfall, unitCode, program, id),
      allocated: 1n,
      disbursed: 0n,
      rate: 0,
      threshold: 60,
      comparison: "gt",
      daysLeft: 0,
      requiredDailyPace: null,
      projectedRate: null,
      projectedDisbursed: null,
      planYear: 2022,
      kind: "rate",
    }) as unknown as JudgedRow;
  const units = new Map(
    ["A", "B", "C", "D"].map((code) => [code, { code, name: code, kind: "district" as const }]),
  );
  const rows = fc.uniqueArray(
    fc.record({
      shortfall: fc.bigInt({ min: 0n, max: 3n }), // many ties
      unitCode: fc.constantFrom("A", "B", "C", "D"),
      program: fc.constantFrom("NTM", "GNBV"),
      id: fc.constantFrom("M60" as const, "M90" as const),
    }),
    { selector: (r) => `${r.unitCode}|${r.program}|${r.id}`, maxLength: 16 },
  );

  it("is the oracle's, whether the rows come in the evaluation's order or not", () => {
    fc.assert(
      fc.property(rows, fc.boolean(), (rs, evaluationOrder) => {
        const input = rs.map((r) => row(r.shortfall, r.unitCode, r.program, r.id));
        if (evaluationOrder)
          input.sort((a, b) => oracleCompare({ ...a, shortfall: 0n }, { ...b, shortfall: 0n }));
        const got = selectAtRisk(input, units, {}).map(
          (i) => `${i.shortfall}|${i.unitCode}|${i.program}|${i.id}`,
        );
        const want = [...input]
          .sort(oracleCompare)
          .map((i) => `${i.shortfall}|${i.unitCode}|${i.program}|${i.id}`);
        expect(got).toEqual(want);
      }),
      { numRuns: 500 },
    );
  });

  // atRiskItemOf makes items of the rows it is handed, in place; selectAtRisk copies first.
  it("leaves the rows it was handed untouched", () => {
    const input = [row(2n, "A", "NTM", "M60"), row(0n, "B", "NTM", "M90")];
    input[1]!.status = "met";
    const before = structuredClone(input);
    const items = selectAtRisk(input, units, {});
    expect(items.map((i) => [i.unitCode, i.unitName, i.unitKind])).toEqual([["A", "A", "district"]]);
    expect(items[0]).not.toBe(input[0]);
    expect(input).toEqual(before);
    expect(Object.keys(input[0]!)).not.toContain("unitName");
  });
});
