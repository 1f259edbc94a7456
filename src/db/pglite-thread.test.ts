// The thread's wire: each query's messages travel in one hop and run in one PGlite call, so an
// error part-way (Parse, Bind or Execute) must still end at its Sync and leave the session usable.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PgliteThread, startPgliteThread } from "./pglite-thread.js";

let thread: PgliteThread;
let client: pg.Client;
beforeAll(async () => {
  thread = await startPgliteThread({ dataDir: null, postgresqlconf: [] });
  client = new pg.Client({ user: "postgres", database: "postgres", stream: () => thread.connection() });
  await client.connect();
}, 120_000);
afterAll(async () => {
  await client.end();
  await thread.close();
});

describe("PGlite thread wire", () => {
  it("answers parameterised queries, and each failing step fails only its own query", async () => {
    const q = (text: string, values?: unknown[]) => client.query(text, values).then((r) => r.rows);
    await expect(q("SELECT $1::int + 1 AS n", [41])).resolves.toEqual([{ n: 42 }]);
    // Parse fails, Bind fails (a bad parameter), Execute fails (a runtime error).
    await expect(q("SELEC $1::int", [1])).rejects.toThrow(/syntax error/);
    await expect(q("SELECT $1::int AS n", ["not a number"])).rejects.toThrow(/invalid input syntax/);
    await expect(q("SELECT 1 / $1::int AS n", [0])).rejects.toThrow(/division by zero/);
    await expect(q("SELECT $1::text AS s", ["still here"])).resolves.toEqual([{ s: "still here" }]);
  });

  it("keeps the order of queries sent in the same tick and inside a transaction", async () => {
    await client.query("CREATE TEMP TABLE t (n int)");
    await client.query("BEGIN");
    const inserts = Array.from({ length: 50 }, (_, n) => client.query("INSERT INTO t VALUES ($1)", [n]));
    const failed = client.query("INSERT INTO t VALUES ($1)", ["x"]).catch((e: Error) => e.message);
    await Promise.all(inserts);
    expect(await failed).toMatch(/invalid input syntax/);
    await client.query("ROLLBACK");
    await client.query("INSERT INTO t SELECT generate_series(1, 3)");
    const rows = await client.query("SELECT array_agg(n ORDER BY n) AS ns FROM t");
    expect(rows.rows[0].ns).toEqual([1, 2, 3]);
  });
});
