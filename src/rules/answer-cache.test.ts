import { describe, expect, it } from "vitest";
import { createAnswerCache, weightOf } from "./answer-cache.js";

function ledger() {
  let v = 1n;
  return {
    version: async () => v,
    move: () => {
      v += 1n;
    },
  };
}

describe("the answer cache", () => {
  it("computes a question once per ledger version and shares the answer, in flight too", async () => {
    const l = ledger();
    const cache = createAnswerCache({ version: l.version });
    let computed = 0;
    const ask = () =>
      cache.get("atRisk|2022-09-30", async (key) => {
        computed++;
        await new Promise((r) => setTimeout(r, 5));
        return { key, n: computed };
      });
    const [a, b] = await Promise.all([ask(), ask()]);
    expect(a).toBe(b);
    expect(await ask()).toBe(a);
    expect(computed).toBe(1);
    expect(a.key).toBe("1|atRisk|2022-09-30");

    l.move();
    const c = await ask();
    expect(c).not.toBe(a);
    expect(c.key).toBe("2|atRisk|2022-09-30");
    expect(computed).toBe(2);
    expect(cache.stats()).toMatchObject({ entries: 1, weight: 1, hits: 2, misses: 2, version: 2n });
  });

  it("does not keep a failure, and drops the least recently used answers past its weight", async () => {
    const cache = createAnswerCache({ version: ledger().version, maxWeight: 5 });
    const list = (n: number, tag: string) => ({ tag, items: Array.from({ length: n }, (_, i) => i) });
    await expect(cache.get("q", () => Promise.reject(new Error("db down")))).rejects.toThrow("db down");
    expect((await cache.get("q", async () => list(2, "q"))).tag).toBe("q");
    await cache.get("r", async () => list(2, "r"));
    await cache.get("q", async () => list(2, "again")); // a hit: q is now the most recent
    await cache.get("s", async () => list(2, "s")); // 6 > 5: drops r, the least recent
    await Promise.resolve();
    expect((await cache.get("q", async () => list(2, "recomputed"))).tag).toBe("q");
    expect((await cache.get("r", async () => list(2, "recomputed"))).tag).toBe("recomputed");
    // Heavier than the whole budget: served, never kept.
    await cache.get("big", async () => list(9, "big"));
    await Promise.resolve();
    expect((await cache.get("big", async () => list(9, "again"))).tag).toBe("again");
    expect(cache.stats().weight).toBeLessThanOrEqual(5);
  });

  it("makes room before computing for an answer as heavy as the heaviest yet, so two never weigh on the heap at once", async () => {
    const cache = createAnswerCache({ version: ledger().version, maxWeight: 5 });
    const list = (n: number) => ({ items: Array.from({ length: n }, (_, i) => i) });
    await cache.get("2022-09-15", async () => list(3), "atRisk");
    await Promise.resolve();
    expect(cache.stats()).toMatchObject({ entries: 1, weight: 3 });
    let keptWhileComputing = -1;
    await cache.get(
      "2022-09-16",
      async () => {
        keptWhileComputing = cache.stats().weight;
        return list(3);
      },
      "atRisk",
    );
    // Nothing kept while it computes: the list of 3 was let go first, since 3 + 3 > 5.
    expect(keptWhileComputing).toBe(0);
    // A light answer beside a heavy one still fits: nothing is dropped for it.
    await cache.get("summary|2022-09-17", async () => ({ total: 1 }), "summary");
    await Promise.resolve();
    expect(cache.stats()).toMatchObject({ entries: 2, weight: 4 });
  });

  it("weighs every list an answer carries: a page's items and duties, the overview's page", () => {
    const n = (k: number) => Array.from({ length: k }, (_, i) => i);
    expect(weightOf({ asOf: "2022-09-30", byMilestone: n(7) })).toBe(1);
    expect(weightOf({ items: [] })).toBe(1);
    expect(weightOf({ items: n(61_000), duties: n(9_000) })).toBe(70_000);
    expect(weightOf({ items: n(100), totals: {}, duties: { items: n(40), totals: {} } })).toBe(140);
    expect(
      weightOf({ summary: { byMilestone: n(5) }, atRisk: { items: n(100), duties: { items: n(100) } } }),
    ).toBe(200);
    expect(weightOf(null)).toBe(1);
  });

  it("keeps a computation's reads for its version: shared across questions, read anew once the version moves", async () => {
    const l = ledger();
    const cache = createAnswerCache({ version: l.version });
    let reads = 0;
    const closings = async () => {
      reads++;
      return [`read ${reads}`];
    };
    const ask = (asOf: string) => cache.get(`atRisk|${asOf}`, (_key, keep) => keep("closings", closings));
    // Two dates at once and a third after: one read between them.
    expect(await Promise.all([ask("2022-10-01"), ask("2022-10-02")])).toEqual([["read 1"], ["read 1"]]);
    expect(await ask("2022-10-03")).toEqual(["read 1"]);
    expect(reads).toBe(1);
    expect(cache.stats().reads).toBe(1);

    l.move();
    expect(await ask("2022-10-04")).toEqual(["read 2"]);
    expect(reads).toBe(2);

    // A computation still running for an older version reads for itself, and keeps nothing.
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const older = cache.get("atRisk|2022-10-05", async (_key, keep) => {
      await gate;
      return keep("closings", closings);
    });
    await Promise.resolve();
    l.move();
    expect(await ask("2022-10-06")).toEqual(["read 3"]);
    release();
    expect(await older).toEqual(["read 4"]);
    expect(await ask("2022-10-07")).toEqual(["read 3"]);

    // A failed read is not kept.
    let fail = true;
    const flaky = async () => {
      if (fail) throw new Error("db down");
      return "units";
    };
    const units = (asOf: string) => cache.get(`page|${asOf}`, (_key, keep) => keep("units", flaky));
    await expect(units("2022-10-08")).rejects.toThrow("db down");
    fail = false;
    expect(await units("2022-10-09")).toBe("units");
  });
});
