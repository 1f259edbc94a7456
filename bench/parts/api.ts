// 1. Posting disbursements through the API (the real service process, autocannon) against the
// same INSERTs made directly in one process at the same concurrency (the floor).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { lockDataDir } from "../../src/db/data-dir-lock.js";
import { type Database, openDatabase } from "../../src/db/database.js";
import { migrate } from "../../src/db/migrator.js";
import { type Context, DB_LABEL, type PartResult } from "../lib/context.js";
import {
  apiLoad,
  checkedPoster,
  type Direct,
  directLoad,
  ENTRIES_PER_REQUEST,
  floorForm,
  insertStatement,
  type LoadResult,
  type LoadShape,
  loadShape,
  type Mode,
  seedPostingDataset,
} from "../lib/ledger-load.js";
import { BENCH_ADMIN_KEY, type Memory, serviceCommand, startService } from "../lib/service.js";
import { median, ms, num, ratio, spread } from "../lib/stats.js";

/** Issue 13: single posts within 3x of the floor, batches of 100 within 2x. */
const TARGET = { single: 3, batch: 2 } as const;

type Figure = {
  db: "pglite" | "postgres";
  mode: Mode;
  api: LoadResult[];
  floor: LoadResult[];
  /** The service's own statements for each post, sent directly (no HTTP, Fastify, zod nor Prisma). */
  checked: LoadResult[];
};

type DbRun = {
  db: "pglite" | "postgres";
  figures: Figure[];
  startMs: number;
  idle: Memory;
  underLoad: Memory;
  rowsAnswered: number;
  rowsInDb: number;
  inFlightBound: number;
};

/** A migrated database with the posting dataset: PostgreSQL (a database) or PGlite (a folder). */
export async function preparePostingDatabase(
  ctx: Context,
  db: "pglite" | "postgres",
  name: string,
  shape: LoadShape,
): Promise<{
  env: { dataDir: string; databaseUrl?: string };
  open(): Promise<Database>;
  dispose(): Promise<void>;
}> {
  const dataDir = await mkdtemp(join(tmpdir(), `dm-bench-${name}-`));
  let databaseUrl: string | undefined;
  if (db === "postgres") {
    const { freshDatabase } = await import("../lib/postgres.js");
    databaseUrl = await freshDatabase(ctx.pg!, name);
  }
  const open = () => openDatabase({ databaseUrl, dataDir });
  const d = await open();
  await migrate(d.raw);
  await seedPostingDataset(d.raw, shape);
  await d.close();
  return {
    env: databaseUrl ? { dataDir, databaseUrl } : { dataDir },
    open,
    dispose: () => rm(dataDir, { recursive: true, force: true }),
  };
}

/** The floor's connections: a `pg` pool of `size`, or PGlite opened in this process. */
async function openDirect(
  db: "pglite" | "postgres",
  env: { dataDir: string; databaseUrl?: string },
  size: number,
): Promise<Direct & { close(): Promise<void> }> {
  if (db === "postgres") {
    const pool = new pg.Pool({ connectionString: env.databaseUrl, max: size });
    return {
      query: async (sql, params) => (await pool.query(sql, params)).rows,
      async transaction(fn) {
        const client = await pool.connect();
        try {
          await client.query("BEGIN");
          const out = await fn(async (sql, params) => (await client.query(sql, params)).rows);
          await client.query("COMMIT");
          return out;
        } catch (e) {
          await client.query("ROLLBACK");
          throw e;
        } finally {
          client.release();
        }
      },
      named: async (name, sql, params) => (await pool.query({ name, text: sql, values: params })).rows,
      close: () => pool.end(),
    };
  }
  // The folder openDatabase uses, opened as the service opens it, under the same lock.
  const lock = await lockDataDir(env.dataDir);
  const lite = new PGlite(join(env.dataDir, "pglite"));
  await lite.waitReady;
  return {
    query: async (sql, params) => (await lite.query(sql, params)).rows,
    transaction: (fn) =>
      lite.transaction((tx) => fn(async (sql, params) => (await tx.query(sql, params)).rows)),
    close: async () => {
      await lite.close();
      await lock.release();
    },
  };
}

async function runOnDatabase(ctx: Context, db: "pglite" | "postgres", shape: LoadShape): Promise<DbRun> {
  const { opts, log } = ctx;
  log(`api: preparing ${DB_LABEL[db]} (${shape.units} units, 6 scopes each)`);
  const apiDb = await preparePostingDatabase(ctx, db, "dm_bench_api", shape);
  const floorDb = await preparePostingDatabase(ctx, db, "dm_bench_api_floor", shape);
  // The floor's connection: a pg pool as large as the concurrency, or PGlite in this process.
  const direct = await openDirect(db, floorDb.env, opts.connections);
  const service = await startService({ ...apiDb.env, nodeArgs: opts.serviceNodeArgs });
  let seed = db === "postgres" ? 1000 : 2000;
  let answered = 0;
  let runs = 0;
  const figures: Figure[] = [];
  let idle: Memory;
  let underLoad: Memory;
  try {
    idle = await service.memory();
    const api = (mode: Mode, durationS: number) =>
      apiLoad({
        url: service.url,
        apiKey: BENCH_ADMIN_KEY,
        mode,
        connections: opts.connections,
        durationS,
        seed: seed++,
        shape,
      }).then((r) => {
        answered += r.entries;
        runs += 1;
        return r;
      });
    const floor = (mode: Mode, durationS: number) =>
      directLoad({
        post: (entries) => {
          const { sql, params } = insertStatement(entries, floorForm(mode));
          return direct.query(sql, params);
        },
        mode,
        concurrency: opts.connections,
        durationS,
        seed: seed++,
        shape,
      });
    const checked = (mode: Mode, durationS: number) =>
      directLoad({
        post: checkedPoster(direct),
        mode,
        concurrency: opts.connections,
        durationS,
        seed: seed++,
        shape,
      });
    for (const mode of ["single", "batch"] as const) {
      log(`api: ${DB_LABEL[db]} ${mode}: warm-up`);
      await api(mode, 2);
      await floor(mode, 1);
      await checked(mode, 1);
      const fig: Figure = { db, mode, api: [], floor: [], checked: [] };
      for (let r = 0; r < opts.rounds; r++) {
        const a = await api(mode, opts.durationS);
        const f = await floor(mode, opts.durationS);
        const c = await checked(mode, opts.durationS);
        fig.api.push(a);
        fig.floor.push(f);
        fig.checked.push(c);
        log(
          `api: ${DB_LABEL[db]} ${mode} round ${r + 1}/${opts.rounds}: API ${num(a.entriesPerS)} entries/s p99 ${ms(a.p99Ms)}` +
            ` (${a.failures} failed) | floor ${num(f.entriesPerS)} p99 ${ms(f.p99Ms)} | checked ${num(c.entriesPerS)} p99 ${ms(c.p99Ms)}`,
        );
      }
      figures.push(fig);
    }
    underLoad = await service.memory();
  } finally {
    await service.stop();
    await direct.close();
  }
  const check = await apiDb.open();
  const rows = await check.raw.query<{ n: string }>("SELECT count(*)::text AS n FROM disbursement");
  await check.close();
  await apiDb.dispose();
  await floorDb.dispose();
  return {
    db,
    figures,
    startMs: service.startMs,
    idle,
    underLoad,
    rowsAnswered: answered,
    rowsInDb: Number(rows[0]?.n ?? Number.NaN),
    inFlightBound: runs * opts.connections * ENTRIES_PER_REQUEST.batch,
  };
}

export async function runApiBench(ctx: Context): Promise<PartResult> {
  const shape = loadShape(ctx.opts.units);
  const results: DbRun[] = [];
  for (const db of ctx.opts.databases) results.push(await runOnDatabase(ctx, db, shape));

  const problems: string[] = [];
  const failures: string[] = [];
  const mb = (kb: number) => `${num(kb / 1024)} MB`;
  const lines = [
    `Measured ${new Date().toISOString().slice(0, 16)}Z. The real service process (\`${serviceCommand(ctx)}\`, as \`npm start\` runs it after its build;`,
    "`LOG_LEVEL=warn`, scheduler off, write limit raised to 1,000,000 a minute) on a database seeded with",
    `${num(shape.units)} units × 3 programs × 2 sources (allocations of 10^15 đồng each, so no post is refused).`,
    `autocannon in the runner's process, ${ctx.opts.connections} connections, POSTing \`/api/v1/disbursements\`: a single`,
    "entry on a random unit and scope, or a batch of 100 entries of one random unit (its 6 scopes). Floor: the",
    "INSERT ... RETURNING of the same rows in its faster form (a VALUES list for 1 entry; for 100, the service's",
    "own `INSERT ... SELECT FROM unnest(...)`), made",
    `directly by ${ctx.opts.connections} concurrent loops in one process (a \`pg\` pool of ${ctx.opts.connections}, or PGlite's \`query\` in process)`,
    "into a second database seeded alike. Beside it, for the analysis only, the statements the service sends",
    "for a post without an Idempotency-Key (its units' kept figures read unless this poster knows them from its last read or write, then the INSERT that takes the scopes' locks and checks nothing moved; the guard at its COMMIT)",
    "sent the same direct way (on PostgreSQL as named statements, as the service sends them): what the checks cost without HTTP, Fastify and zod. Each round",
    `runs API, floor, then checked statements, ${ctx.opts.durationS} s each; ${ctx.opts.rounds} rounds after a warm-up;`,
    "median (min–max); ratios are of the medians.",
    "",
    "| database | body | API requests/s | API entries/s | API p99 | floor entries/s | floor p99 | floor ÷ API | target | within it | failed requests |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
  ];
  const analysis = [
    "",
    "| database | body | service statements direct: entries/s | p99 | ÷ API | floor ÷ them |",
    "|---|---|---|---|---|---|",
  ];
  for (const r of results) {
    for (const f of r.figures) {
      const apiEps = median(f.api.map((x) => x.entriesPerS));
      const floorEps = median(f.floor.map((x) => x.entriesPerS));
      const checkedEps = median(f.checked.map((x) => x.entriesPerS));
      const failed = f.api.reduce((s, x) => s + x.failures, 0);
      const target = TARGET[f.mode];
      const within = floorEps / apiEps <= target;
      const body = f.mode === "single" ? "1 entry" : "100 entries";
      if (!within)
        problems.push(
          `api ${r.db} ${f.mode}: floor ÷ API = ${ratio(floorEps, apiEps)} (target ≤ ${target}x)`,
        );
      if (failed > 0)
        failures.push(
          `api ${r.db} ${f.mode}: ${failed} failed requests (${f.api.map((x) => x.failureDetail).join("; ")})`,
        );
      const floorFailed = [...f.floor, ...f.checked].reduce((s, x) => s + x.failures, 0);
      if (floorFailed > 0)
        failures.push(
          `api ${r.db} ${f.mode}: ${floorFailed} failed direct statements (${f.checked.map((x) => x.failureDetail).join("; ")})`,
        );
      lines.push(
        `| ${DB_LABEL[r.db]} | ${body} | ${spread(f.api.map((x) => x.requestsPerS))}` +
          ` | ${spread(f.api.map((x) => x.entriesPerS))} | ${spread(
            f.api.map((x) => x.p99Ms),
            ms,
          )}` +
          ` | ${spread(f.floor.map((x) => x.entriesPerS))} | ${spread(
            f.floor.map((x) => x.p99Ms),
            ms,
          )}` +
          ` | ${ratio(floorEps, apiEps)} | ≤ ${target}x | ${within ? "yes" : "**no**"} | ${failed} |`,
      );
      analysis.push(
        `| ${DB_LABEL[r.db]} | ${body} | ${spread(f.checked.map((x) => x.entriesPerS))} | ${spread(
          f.checked.map((x) => x.p99Ms),
          ms,
        )} | ${ratio(checkedEps, apiEps)} | ${ratio(floorEps, checkedEps)} |`,
      );
    }
  }
  lines.push(...analysis);
  lines.push(
    "",
    "| database | entries answered 2xx | rows in the database | service start (seeded) | VmHWM idle | VmHWM after the load |",
    "|---|---|---|---|---|---|",
  );
  for (const r of results) {
    const extra = r.rowsInDb - r.rowsAnswered;
    const consistent = extra >= 0 && extra <= r.inFlightBound;
    if (!consistent)
      failures.push(`api ${r.db}: ${r.rowsInDb} rows in the database for ${r.rowsAnswered} answered 2xx`);
    lines.push(
      `| ${DB_LABEL[r.db]} | ${num(r.rowsAnswered)} | ${num(r.rowsInDb)}${extra > 0 ? ` (+${num(extra)} in flight when autocannon stopped)` : ""}` +
        `${consistent ? "" : " **mismatch**"} | ${ms(r.startMs)} | ${mb(r.idle.hwmKb)} | ${mb(r.underLoad.hwmKb)} |`,
    );
  }
  return { markdown: lines.join("\n"), raw: results, problems, failures };
}
