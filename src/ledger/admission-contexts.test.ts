import { describe, expect, it } from "vitest";
import type { Plan } from "../domain/plan.js";
import { type AdmissionYear, createAdmissionContexts, StaleAdmissionContext } from "./admission-contexts.js";

/** A database whose epoch and years the test moves; counts what is read. */
function fakeDb() {
  const db = {
    epoch: 0n,
    label: "v0",
    reads: { epoch: 0, years: [] as number[] },
    /** Resolves the next year read when the test says so (to interleave two loads). */
    hold: null as Promise<void> | null,
  };
  const reads = {
    epoch: async () => {
      db.reads.epoch += 1;
      return db.epoch;
    },
    year: async (y: number): Promise<AdmissionYear> => {
      const label = db.label;
      db.reads.years.push(y);
      if (db.hold) await db.hold;
      return { plan: { year: y, label } as unknown as Plan, closings: [] };
    },
  };
  return { db, reads };
}

const labelOf = (ctx: { plans: ReadonlyMap<number, Plan | null> }, y: number) =>
  (ctx.plans.get(y) as unknown as { label: string }).label;

describe("admission contexts kept between posts", () => {
  it("reads a year once, then answers from what is kept with no query", async () => {
    const { db, reads } = fakeDb();
    const c = createAdmissionContexts(reads, () => "2022-12-31");
    await c.ensure([2022, 2022]);
    await c.ensure([2022]);
    const ctx = c.current([2022]);
    expect(ctx.epoch).toBe(0n);
    expect(ctx.today).toBe("2022-12-31");
    expect(db.reads).toEqual({ epoch: 1, years: [2022] });
    // Another year: only it is read.
    await c.ensure([2022, 2021]);
    expect(db.reads.years).toEqual([2022, 2021]);
  });

  it("a context not kept is stale, not made up", () => {
    const { reads } = fakeDb();
    const c = createAdmissionContexts(reads, () => "2022-12-31");
    expect(() => c.current([2022])).toThrow(StaleAdmissionContext);
  });

  it("an epoch moved under a write: stale, everything kept is dropped, and the next load reads anew", async () => {
    const { db, reads } = fakeDb();
    const c = createAdmissionContexts(reads, () => "2022-12-31");
    await c.ensure([2022, 2023]);
    const ctx = c.current([2022]);
    expect(() => c.check(ctx, 0n)).not.toThrow();
    db.epoch = 1n;
    db.label = "v1";
    let stale: unknown;
    try {
      c.check(ctx, 1n);
    } catch (e) {
      stale = e;
    }
    expect(stale).toBeInstanceOf(StaleAdmissionContext);
    expect((stale as StaleAdmissionContext).years).toEqual([2022]);
    expect(() => c.current([2023])).toThrow(StaleAdmissionContext);
    await c.load([2022]);
    expect(labelOf(c.current([2022]), 2022)).toBe("v1");
    expect(c.current([2022]).epoch).toBe(1n);
  });

  it("a context read for one write alone (epoch null) is never stale", () => {
    const { reads } = fakeDb();
    const c = createAdmissionContexts(reads, () => "2022-12-31");
    const ctx = { today: "2022-12-31", plans: new Map(), closings: new Map(), epoch: null };
    expect(() => c.check(ctx, 7n)).not.toThrow();
  });

  it("a slow load begun before a change never overwrites what a later load kept", async () => {
    const { db, reads } = fakeDb();
    const c = createAdmissionContexts(reads, () => "2022-12-31");
    let release!: () => void;
    db.hold = new Promise((r) => {
      release = r;
    });
    const slow = c.load([2022]); // reads epoch 0, then waits on its year (read as v0)
    await new Promise((r) => setImmediate(r));
    db.hold = null;
    db.epoch = 1n;
    db.label = "v1";
    await c.load([2022]); // epoch 1, year read as v1
    release();
    await slow;
    const ctx = c.current([2022]);
    expect(ctx.epoch).toBe(1n);
    expect(labelOf(ctx, 2022)).toBe("v1");
  });

  it("a stale check after another write already reloaded keeps the newer years", async () => {
    const { db, reads } = fakeDb();
    const c = createAdmissionContexts(reads, () => "2022-12-31");
    await c.ensure([2022]);
    const old = c.current([2022]);
    db.epoch = 1n;
    db.label = "v1";
    await c.load([2022]); // another write saw the change and reloaded
    expect(() => c.check(old, 1n)).toThrow(StaleAdmissionContext);
    // What the other write kept at epoch 1 stands: no read needed.
    const reads0 = db.reads.epoch;
    await c.ensure([2022]);
    expect(db.reads.epoch).toBe(reads0);
    expect(labelOf(c.current([2022]), 2022)).toBe("v1");
  });
});
