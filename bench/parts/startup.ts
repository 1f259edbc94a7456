// 4. Start-up time (spawn → first 200 from /healthz) and resident memory (VmHWM, VmRSS from
// /proc/PID/status) of the real service process, on PGlite and on PostgreSQL: a first start on
// empty storage (migrations run), a restart on the same storage, idle, and under the posting load.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../../src/db/database.js";
import { type Context, DB_LABEL, type PartResult } from "../lib/context.js";
import { apiLoad, type LoadResult, loadShape, seedPostingDataset } from "../lib/ledger-load.js";
import { freshDatabase } from "../lib/postgres.js";
import { BENCH_ADMIN_KEY, type Memory, type Service, serviceCommand, startService } from "../lib/service.js";
import { max, median, ms, num, spread } from "../lib/stats.js";

const TARGET_MB = 300;
const IDLE_MS = 1000;

type Sample = { startMs: number; idle: Memory };
type DbResult = {
  db: "pglite" | "postgres";
  fresh: Sample[];
  restart: Sample[];
  load: { single: LoadResult; batch: LoadResult; maxRssKb: number; after: Memory };
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function idleSample(s: Service): Promise<Sample> {
  await sleep(IDLE_MS);
  return { startMs: s.startMs, idle: await s.memory() };
}

/** Polls VmRSS while `fn` runs: the peak under load, apart from the start-up peak in VmHWM. */
async function watchRss<T>(s: Service, fn: () => Promise<T>): Promise<{ value: T; maxRssKb: number }> {
  let peak = 0;
  let done = false;
  const poll = (async () => {
    while (!done) {
      peak = Math.max(peak, (await s.memory().catch(() => ({ rssKb: 0 }))).rssKb);
      await sleep(200);
    }
  })();
  try {
    return { value: await fn(), maxRssKb: peak };
  } finally {
    done = true;
    await poll;
    peak = Math.max(peak, (await s.memory().catch(() => ({ rssKb: 0 }))).rssKb);
  }
}

async function runOn(ctx: Context, kind: "pglite" | "postgres"): Promise<DbResult> {
  const shape = loadShape(ctx.opts.units);
  const fresh: Sample[] = [];
  const restart: Sample[] = [];
  let load: DbResult["load"] | undefined;
  for (let i = 0; i < ctx.opts.starts; i++) {
    const last = i === ctx.opts.starts - 1;
    const dataDir = await mkdtemp(join(tmpdir(), "dm-bench-start-"));
    const databaseUrl = kind === "postgres" ? await freshDatabase(ctx.pg!, `dm_bench_start_${i}`) : undefined;
    const env = databaseUrl ? { dataDir, databaseUrl } : { dataDir };
    try {
      const first = await startService({ ...env, nodeArgs: ctx.opts.serviceNodeArgs });
      fresh.push(await idleSample(first));
      await first.stop();
      if (last) {
        // The last restart also carries the posting load: seed units and allocations first.
        const db = await openDatabase(env);
        await seedPostingDataset(db.raw, shape);
        await db.close();
      }
      const again = await startService({ ...env, nodeArgs: ctx.opts.serviceNodeArgs });
      try {
        restart.push(await idleSample(again));
        ctx.log(
          `startup: ${DB_LABEL[kind]} ${i + 1}/${ctx.opts.starts}: first start ${ms(fresh.at(-1)!.startMs)}` +
            ` (VmHWM ${num(fresh.at(-1)!.idle.hwmKb / 1024)} MB), restart ${ms(restart.at(-1)!.startMs)}` +
            ` (VmHWM ${num(restart.at(-1)!.idle.hwmKb / 1024)} MB)`,
        );
        if (last) {
          const loadOnce = (mode: "single" | "batch", seed: number) =>
            apiLoad({
              url: again.url,
              apiKey: BENCH_ADMIN_KEY,
              mode,
              connections: ctx.opts.connections,
              durationS: ctx.opts.loadS,
              seed,
              shape,
            });
          const watched = await watchRss(again, async () => ({
            single: await loadOnce("single", 7),
            batch: await loadOnce("batch", 8),
          }));
          load = { ...watched.value, maxRssKb: watched.maxRssKb, after: await again.memory() };
          ctx.log(
            `startup: ${DB_LABEL[kind]} under load: VmRSS peak ${num(load.maxRssKb / 1024)} MB, VmHWM ${num(load.after.hwmKb / 1024)} MB`,
          );
        }
      } finally {
        await again.stop();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }
  return { db: kind, fresh, restart, load: load! };
}

export async function runStartupBench(ctx: Context): Promise<PartResult> {
  const results: DbResult[] = [];
  for (const kind of ctx.opts.databases) results.push(await runOn(ctx, kind));
  const problems: string[] = [];
  const failures: string[] = [];
  const mb = (kb: number) => `${num(kb / 1024)} MB`;
  const lines = [
    `Measured ${new Date().toISOString().slice(0, 16)}Z. \`${serviceCommand(ctx)}\` as \`npm start\` runs it after its build`,
    "(`NODE_ENV=production`, `LOG_LEVEL=warn`, scheduler off), timed from spawn to the first 200 from `/healthz`",
    "(polled every 10 ms). First start: empty storage (a new PGlite `DATA_DIR`, or a new PostgreSQL database), so",
    `the migrations run; restart: the same storage again. Memory from \`/proc/PID/status\` ${IDLE_MS / 1000} s after ready:`,
    `VmHWM (peak resident since spawn) and VmRSS (now). ${ctx.opts.starts} of each; median (min–max).`,
    "",
    "| database | first start | VmHWM idle | VmRSS idle | restart | VmHWM idle | VmRSS idle |",
    "|---|---|---|---|---|---|---|",
  ];
  for (const r of results) {
    lines.push(
      `| ${DB_LABEL[r.db]} | ${spread(
        r.fresh.map((s) => s.startMs),
        ms,
      )} | ${spread(
        r.fresh.map((s) => s.idle.hwmKb),
        mb,
      )} | ${spread(
        r.fresh.map((s) => s.idle.rssKb),
        mb,
      )} | ${spread(
        r.restart.map((s) => s.startMs),
        ms,
      )} | ${spread(
        r.restart.map((s) => s.idle.hwmKb),
        mb,
      )} | ${spread(
        r.restart.map((s) => s.idle.rssKb),
        mb,
      )} |`,
    );
  }
  lines.push(
    "",
    `Under load: the last restart, seeded with ${num(ctx.opts.units)} units, then ${ctx.opts.loadS} s of single entries and ${ctx.opts.loadS} s of`,
    `batches of 100 (autocannon, ${ctx.opts.connections} connections, as in part 1); VmRSS polled every 200 ms.`,
    "",
    "| database | entries/s (single / batch) | failed requests | peak VmRSS under load | VmHWM after (since spawn) | under 300 MB |",
    "|---|---|---|---|---|---|",
  );
  for (const r of results) {
    const l = r.load;
    const peak = Math.max(l.maxRssKb, 0);
    const under = peak / 1024 < TARGET_MB && l.after.hwmKb / 1024 < TARGET_MB;
    const failed = l.single.failures + l.batch.failures;
    if (!under)
      problems.push(
        `startup ${r.db}: resident memory under load ${mb(Math.max(peak, l.after.hwmKb))} (target < ${TARGET_MB} MB)`,
      );
    if (failed > 0) failures.push(`startup ${r.db}: ${failed} failed requests under load`);
    lines.push(
      `| ${DB_LABEL[r.db]} | ${num(l.single.entriesPerS)} / ${num(l.batch.entriesPerS)} | ${failed} | ${mb(peak)} | ${mb(l.after.hwmKb)} | ${under ? "yes" : "**no**"} |`,
    );
  }
  const slowest = max(results.flatMap((r) => r.fresh.map((s) => s.startMs)));
  return {
    markdown: lines.join("\n"),
    raw: {
      results,
      slowestFirstStartMs: slowest,
      medianFirstStart: results.map((r) => median(r.fresh.map((s) => s.startMs))),
    },
    problems,
    failures,
  };
}
