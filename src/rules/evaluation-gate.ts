// National evaluations are the heaviest reads: each one scans the whole ledger. The gate lets a
// few run at once and makes identical concurrent ones share a single computation, so that eight
// dashboards opened together cost one scan, and a post or a health check never queues behind a
// crowd of scans (the embedded database has one session: every query waits its turn on it).
import { AsyncLocalStorage } from "node:async_hooks";
import { inBulkLane } from "../db/lanes.js";
import { BusyError } from "../domain/errors.js";
import type { GateOptions } from "./gate-options.js";

export type EvaluationGate = {
  /**
   * `fn`'s result, shared with every caller of the same key while it runs. Work already inside
   * the gate (the overview's summary and at-risk list) runs in its caller's slot.
   */
  run<T>(key: string, fn: () => Promise<T>): Promise<T>;
  /** Computations running, and waiting for a slot (for the figures). */
  load(): { running: number; waiting: number };
};

export { DEFAULT_GATE, type GateOptions } from "./gate-options.js";

type Flight = { promise: Promise<unknown>; started: boolean };

export function createEvaluationGate({ concurrency, maxWaiting }: GateOptions): EvaluationGate {
  const inFlight = new Map<string, Flight>();
  const inside = new AsyncLocalStorage<true>();
  const waiters: (() => void)[] = [];
  let running = 0;

  async function slot(): Promise<void> {
    if (running < concurrency) {
      running += 1;
      return;
    }
    if (waiters.length >= maxWaiting)
      throw new BusyError(
        `${concurrency + maxWaiting} national evaluations are already running or waiting; retry in a few seconds`,
      );
    // The slot passes straight from the one leaving to the one waiting: `running` stays as it is.
    await new Promise<void>((resolve) => waiters.push(resolve));
  }

  function release(): void {
    const next = waiters.shift();
    if (next) next();
    else running -= 1;
  }

  return {
    run<T>(key: string, fn: () => Promise<T>): Promise<T> {
      const nested = inside.getStore() === true;
      const shared = inFlight.get(key);
      // Work inside a slot joins only a computation already under way: one still waiting for a
      // slot may be waiting for this very one's, and would never start.
      if (shared && (!nested || shared.started)) return shared.promise as Promise<T>;
      const entry: Flight = { promise: Promise.resolve(), started: nested };
      entry.promise = (async () => {
        if (nested) return fn();
        await slot();
        entry.started = true;
        try {
          // Its queries give way to posts and unit pages waiting for a connection.
          return await inside.run(true, () => inBulkLane(fn));
        } finally {
          release();
        }
      })().finally(() => {
        if (inFlight.get(key) === entry) inFlight.delete(key);
      });
      if (!shared) inFlight.set(key, entry);
      return entry.promise as Promise<T>;
    },
    load: () => ({ running, waiting: waiters.length }),
  };
}
