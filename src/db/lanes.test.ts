// The lanes over a real database: PGlite on its own thread, one connection, as the service runs it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inBulkLane, LanePool } from "./lanes.js";
import { type PgliteThread, startPgliteThread } from "./pglite-thread.js";

let thread: PgliteThread;
let pool: LanePool;
beforeAll(async () => {
  thread = await startPgliteThread({ dataDir: null, postgresqlconf: [] });
  pool = new LanePool({ max: 1, user: "postgres", database: "postgres", stream: () => thread.connection() });
}, 120_000);
afterAll(async () => {
  await pool.end();
  await thread.close();
});

describe("database lanes", () => {
  it("lets interactive queries pass bulk ones waiting for the connection, in order among each lane", async () => {
    const done: string[] = [];
    const run = (name: string, sql = "SELECT 1") =>
      pool.query(sql).then(() => {
        done.push(name);
      });
    const busy = run("busy", "SELECT pg_sleep(0.2)");
    const queued = [
      inBulkLane(() => run("bulk 1")),
      inBulkLane(() => run("bulk 2")),
      run("post 1"),
      inBulkLane(() => run("bulk 3")),
      run("post 2"),
      // A transaction's checkout is in its lane too.
      (async () => {
        const client = await pool.connect();
        try {
          await client.query("SELECT 1");
          done.push("post 3");
        } finally {
          client.release();
        }
      })(),
    ];
    await Promise.all([busy, ...queued]);
    expect(done).toEqual(["busy", "post 1", "post 2", "post 3", "bulk 1", "bulk 2", "bulk 3"]);
  });

  it("answers errors as PostgreSQL does and keeps the session usable", async () => {
    await expect(pool.query("SELECT 1/0")).rejects.toThrow(/division by zero/);
    const client = await pool.connect();
    try {
      await client.query("BEGIN");
      await expect(client.query("SELECT nope")).rejects.toThrow(/column "nope" does not exist/);
      await client.query("ROLLBACK");
    } finally {
      client.release();
    }
    expect((await pool.query("SELECT 40 + 2 AS n")).rows).toEqual([{ n: 42 }]);
  });
});
