// Two lanes to the database. Bulk work (a national evaluation scanning the whole ledger) queues
// behind interactive work (a post, a unit page, a readiness check) for a connection: on the
// embedded database there is one, so a post would otherwise wait behind every scan queued before it.
import { AsyncLocalStorage } from "node:async_hooks";
import pg from "pg";

const bulk = new AsyncLocalStorage<true>();

/** Runs `fn` with every query it makes in the bulk lane. */
export function inBulkLane<T>(fn: () => T): T {
  return bulk.run(true, fn);
}

type Waiter = { lane?: "bulk" };
type PoolInternals = { _pendingQueue?: Waiter[] };
type ConnectCallback = (
  err: Error | undefined,
  client: pg.PoolClient | undefined,
  done: (release?: unknown) => void,
) => void;

/**
 * A pg pool whose waiting line lets interactive checkouts pass bulk ones (in order among
 * themselves). It reorders pg-pool's own queue of waiters; should that ever change shape, the
 * pool stays a plain first-come, first-served one.
 */
export class LanePool extends pg.Pool {
  override connect(): Promise<pg.PoolClient>;
  override connect(callback: ConnectCallback): void;
  override connect(callback?: ConnectCallback): Promise<pg.PoolClient> | undefined {
    const queue = (this as unknown as PoolInternals)._pendingQueue;
    const before = queue?.length ?? 0;
    let result: Promise<pg.PoolClient> | undefined;
    if (callback) super.connect(callback);
    else result = super.connect();
    if (queue && queue.length === before + 1) {
      const waiter = queue[before]!;
      if (bulk.getStore()) waiter.lane = "bulk";
      else {
        const firstBulk = queue.findIndex((w) => w.lane === "bulk");
        if (firstBulk >= 0 && firstBulk < before) queue.splice(firstBulk, 0, queue.pop()!);
      }
    }
    return result;
  }
}
