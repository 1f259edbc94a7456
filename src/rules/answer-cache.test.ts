import { describe, expect, it } from "vitest";
import { createAnswerCache } from "./answer-cache.js";

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
    expect(cache.stats()).toMatchObject({ entries: 1, hits: 2, misses: 2, version: 2n });
  });

  it("does not keep a failure, and drops the least recently used answer past its size", async () => {
    const cache = createAnswerCache({ version: ledger().version, maxEntries: 2 });
    await expect(cache.get("q", () => Promise.reject(new Error("db down")))).rejects.toThrow("db down");
    expect(await cache.get("q", async () => "ok")).toBe("ok");
    await cache.get("r", async () => "r");
    await cache.get("q", async () => "again"); // a hit: q is now the most recent
    await cache.get("s", async () => "s"); // drops r
    expect(await cache.get("q", async () => "recomputed")).toBe("ok");
    expect(await cache.get("r", async () => "recomputed")).toBe("recomputed");
  });
});
