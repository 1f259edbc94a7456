import { describe, expect, it } from "vitest";
import { BusyError } from "../domain/errors.js";
import { createEvaluationGate } from "./evaluation-gate.js";

/** A computation that finishes when the test says so. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

const tick = () => new Promise((r) => setImmediate(r));

describe("evaluation gate", () => {
  it("shares one computation among identical concurrent callers, and computes again afterwards", async () => {
    const gate = createEvaluationGate({ concurrency: 1, maxWaiting: 0 });
    let calls = 0;
    const d = deferred<object>();
    const fn = () => {
      calls += 1;
      return d.promise;
    };
    const callers = Array.from({ length: 8 }, () => gate.run("2022-09-30", fn));
    await tick();
    d.resolve({ verdicts: 1 });
    const results = await Promise.all(callers);
    expect(calls).toBe(1);
    expect(new Set(results).size).toBe(1);
    await gate.run("2022-09-30", async () => {
      calls += 1;
    });
    expect(calls).toBe(2);
  });

  it("runs at most `concurrency` distinct computations, in order, and refuses past the queue", async () => {
    const gate = createEvaluationGate({ concurrency: 2, maxWaiting: 2 });
    const started: string[] = [];
    const gates = new Map<string, ReturnType<typeof deferred<string>>>();
    const run = (key: string) =>
      gate.run(key, () => {
        started.push(key);
        const d = deferred<string>();
        gates.set(key, d);
        return d.promise;
      });
    const a = run("a");
    const b = run("b");
    const c = run("c");
    const d = run("d");
    await tick();
    expect(started).toEqual(["a", "b"]);
    expect(gate.load()).toEqual({ running: 2, waiting: 2 });
    await expect(run("e")).rejects.toBeInstanceOf(BusyError);
    // The same key as a waiting one joins it instead of being refused.
    const c2 = run("c");

    gates.get("a")!.reject(new Error("boom"));
    await expect(a).rejects.toThrow("boom");
    await tick();
    expect(started).toEqual(["a", "b", "c"]);
    gates.get("b")!.resolve("B");
    gates.get("c")!.resolve("C");
    await tick();
    expect(started).toEqual(["a", "b", "c", "d"]);
    gates.get("d")!.resolve("D");
    expect(await Promise.all([b, c, c2, d])).toEqual(["B", "C", "C", "D"]);
    expect(gate.load()).toEqual({ running: 0, waiting: 0 });
  });

  it("never makes work inside a slot wait for a computation that waits for that slot", async () => {
    const gate = createEvaluationGate({ concurrency: 1, maxWaiting: 4 });
    const d = deferred<void>();
    // The overview holds the only slot and, inside it, asks for the summary...
    const overview = gate.run("overview", async () => {
      await d.promise;
      return gate.run("summary", async () => "from the overview's slot");
    });
    await tick();
    // ...which a reader asked for on its own a moment earlier, and waits for the slot.
    const summary = gate.run("summary", async () => "from its own slot");
    await tick();
    d.resolve();
    expect(await overview).toBe("from the overview's slot");
    expect(await summary).toBe("from its own slot");
  });
});
