// 8. Growth (issue 13, parts 3 and 7): the national reads as the ledger grows in place through
// --sizes (100,000, 1,000,000 and 3,000,000 entries over the 10,000 units of part 2), on PGlite
// and PostgreSQL, beside the bare grouped sum (the floor of a design that re-sums). Only public
// service functions are called, so whichever implementation is present is what gets measured.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Principal } from "../../src/access/principal.js";
import { createContainer } from "../../src/container.js";
import { type Database, openDatabase } from "../../src/db/database.js";
import { migrate } from "../../src/db/migrator.js";
import { DEFAULT_PLAN_2022 } from "../../src/domain/plan.js";
import { type Context, DB_LABEL, type PartResult } from "../lib/context.js";
import {
  type DbGrowth,
  GROWTH_SVG,
  growthChart,
  growthMarkdown,
  HTTP_PAUSE_MS,
  HTTP_WARM_UP,
  REPEATED_AS_OF,
  type ReadId,
  type SizeResult,
} from "../lib/growth-report.js";
import { freshDatabase } from "../lib/postgres.js";
import { BENCH_ADMIN_KEY, startService } from "../lib/service.js";
import { ms, percentile } from "../lib/stats.js";
import { addRulesDisbursements, BENCH_UNITS, generateRulesDataset } from "../rules-dataset.js";
import { FLOOR_SQL } from "./rules.js";

/** Samples of one read at one size: at least --runs, at most 4x --runs, this long when slow. */
const BUDGET_MS = 10_000;
const ADMIN: Principal = { keyId: "bench", name: "bench", role: "admin", unitCodes: [] };

/**
 * Cold requests each ask a question not asked before on this ledger, in this process or the
 * service (a cache might be shared through the database): a result cache keyed by (plan year,
 * asOf, ledger version) cannot answer them. 2022-09-01..2022-12-31, less the repeated date; after
 * 121 requests a date comes round again and the report says so.
 */
function coldDates() {
  const pool: string[] = [];
  for (
    let d = new Date(Date.UTC(2022, 8, 1));
    d.getUTCFullYear() === 2022;
    d.setUTCDate(d.getUTCDate() + 1)
  ) {
    const iso = d.toISOString().slice(0, 10);
    if (iso !== REPEATED_AS_OF) pool.push(iso);
  }
  let k = 0;
  return {
    next: () => pool[k++ % pool.length]!,
    /** n dates spread over the range, for requests that do not ask what a cold one will. */
    spread: (n: number) => Array.from({ length: n }, (_, i) => pool[Math.floor((i * pool.length) / n)]!),
    get reused() {
      return k > pool.length;
    },
  };
}

type ColdDates = ReturnType<typeof coldDates>;
type Reads = [ReadId, () => Promise<unknown>][];

/** Round robin over `reads` (so the machine's noise falls on all alike) until each has its samples. */
async function sample(ctx: Context, reads: Reads): Promise<Partial<Record<ReadId, number[]>>> {
  const minRuns = ctx.opts.runs;
  const maxRuns = 4 * ctx.opts.runs;
  const out: Partial<Record<ReadId, number[]>> = {};
  const spent = new Map<ReadId, number>();
  for (let active = true; active; ) {
    active = false;
    for (const [id, fn] of reads) {
      const xs = out[id] ?? [];
      out[id] = xs;
      const s = spent.get(id) ?? 0;
      if (xs.length >= maxRuns || (xs.length >= minRuns && s >= BUDGET_MS)) continue;
      active = true;
      const t0 = performance.now();
      await fn();
      const dt = performance.now() - t0;
      xs.push(dt);
      spent.set(id, s + dt);
    }
  }
  return out;
}

/** Each read asked once at REPEATED_AS_OF (a cache's first, cold fill), then sampled back to back. */
async function sampleRepeated(ctx: Context, reads: Reads): Promise<Partial<Record<ReadId, number[]>>> {
  const out: Partial<Record<ReadId, number[]>> = {};
  for (const read of reads) {
    await read[1]();
    Object.assign(out, await sample(ctx, [read]));
  }
  return out;
}

/** The peak resident memory of this process while `fn` runs, polled every 100 ms. */
async function withPeakRss<T>(fn: () => Promise<T>): Promise<{ value: T; peakMb: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 100);
  try {
    const value = await fn();
    return { value, peakMb: Math.max(peak, process.memoryUsage.rss()) / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

const unitCode = (k: number) => `U${String(((k * 7919) % BENCH_UNITS) + 1).padStart(5, "0")}`;

/** The service's reads in this process, cold and repeated, and the floor. */
async function readInProcess(
  ctx: Context,
  db: Database,
  cold: ColdDates,
  into: SizeResult,
  failures: string[],
) {
  const c = createContainer(db, { maxBatchSize: 1000 });
  let k = 0;
  // Plans, JIT and the database's own caches warmed at REPEATED_AS_OF, outside the cold dates.
  await db.raw.query(FLOOR_SQL);
  await c.rules.atRisk(REPEATED_AS_OF, 2022, {});
  await c.rules.evaluate(DEFAULT_PLAN_2022, REPEATED_AS_OF);
  const { value: samples, peakMb } = await withPeakRss(async () => ({
    ...(await sample(ctx, [
      ["floor", () => db.raw.query(FLOOR_SQL)],
      ["viewCold", () => c.rules.atRiskPage(cold.next(), 2022, {}, { limit: 100 })],
      ["atRiskCold", () => c.rules.atRisk(cold.next(), 2022, {})],
      ["evaluateCold", () => c.rules.evaluate(DEFAULT_PLAN_2022, cold.next())],
      ["summaryCold", () => c.rules.summary(cold.next(), 2022)],
      ["unitCold", () => c.rules.unitStatus(unitCode(++k), cold.next(), 2022, ADMIN)],
      ["knownAt", () => c.rules.atRisk(cold.next(), 2022, {}, new Date())],
    ])),
    ...(await sampleRepeated(ctx, [
      ["atRiskRepeated", () => c.rules.atRisk(REPEATED_AS_OF, 2022, {})],
      ["evaluateRepeated", () => c.rules.evaluate(DEFAULT_PLAN_2022, REPEATED_AS_OF)],
      ["summaryRepeated", () => c.rules.summary(REPEATED_AS_OF, 2022)],
      ["unitRepeated", () => c.rules.unitStatus("U00042", REPEATED_AS_OF, 2022, ADMIN)],
    ])),
  }));
  Object.assign(into.samples, samples);
  into.runnerPeakRssMb = peakMb;
  // Whatever keeps the figures, they must still be the ledger's: the summary's own-capital
  // disbursed total against a plain SUM over the entries.
  const summary = await c.rules.summary(REPEATED_AS_OF, 2022);
  const [sum] = await db.raw.query<{ s: string }>(
    `SELECT COALESCE(SUM(amount), 0)::text AS s FROM disbursement
     WHERE plan_year = 2022 AND carried_over_from IS NULL AND disbursed_on <= DATE '${REPEATED_AS_OF}'`,
  );
  if (String(summary.total.disbursed) !== sum?.s)
    failures.push(
      `growth ${DB_LABEL[into.db]} at ${into.entries} entries: the summary says ${summary.total.disbursed} disbursed by ${REPEATED_AS_OF}, the entries sum to ${sum?.s}`,
    );
  into.atRiskItems = (await c.rules.atRisk(REPEATED_AS_OF, 2022, {})).items.length;
}

/** GET /api/v1/at-risk through the real service process, cold and repeated. */
async function readOverHttp(
  ctx: Context,
  env: { dataDir: string; databaseUrl?: string },
  cold: ColdDates,
  into: SizeResult,
  failures: string[],
) {
  const service = await startService(
    {
      ...env,
      extra: { RATE_LIMIT_READS_PER_MINUTE: "1000000", RATE_LIMIT_EVALUATIONS_PER_MINUTE: "1000000" },
      nodeArgs: ctx.opts.serviceNodeArgs,
    },
    180_000,
  );
  let answered = 0;
  try {
    const get = async (asOf: string, more = "") => {
      const res = await fetch(`${service.url}/api/v1/at-risk?asOf=${asOf}&planYear=2022${more}`, {
        headers: { authorization: `Bearer ${BENCH_ADMIN_KEY}` },
        signal: AbortSignal.timeout(300_000),
      });
      const body = await res.arrayBuffer();
      if (res.status !== 200)
        throw new Error(`answered ${res.status}: ${new TextDecoder().decode(body).slice(0, 300)}`);
      into.httpBytes = body.byteLength;
      answered += 1;
    };
    await get(REPEATED_AS_OF);
    const first: number[] = [];
    // Over the range the cold requests ask (before and after 30/9, when other rules apply), but
    // pages of 99: an answer kept by these is not the one a cold request asks for.
    for (const asOf of cold.spread(HTTP_WARM_UP)) {
      const t0 = performance.now();
      await get(asOf, "&limit=99");
      first.push(performance.now() - t0);
    }
    into.samples.httpFirst = first;
    Object.assign(into.samples, await sample(ctx, [["httpCold", () => get(cold.next())]]));
    Object.assign(into.samples, await sampleRepeated(ctx, [["httpRepeated", () => get(REPEATED_AS_OF)]]));
    const paused: number[] = [];
    for (let i = 0; i < ctx.opts.runs; i++) {
      await new Promise((r) => setTimeout(r, HTTP_PAUSE_MS));
      const t0 = performance.now();
      await get(cold.next());
      paused.push(performance.now() - t0);
    }
    into.samples.httpAfterPause = paused;
    const memory = await service.memory();
    into.service = { startMs: service.startMs, hwmMb: memory.hwmKb / 1024, rssMb: memory.rssKb / 1024 };
  } catch (err) {
    // The in-process figures stand; the HTTP cells read n/a and the run fails, saying why.
    const why =
      err instanceof Error ? `${err.message}${err.cause ? ` (${String(err.cause)})` : ""}` : String(err);
    failures.push(
      `growth ${DB_LABEL[into.db]} at ${into.entries} entries: GET /at-risk failed after ${answered} answers: ${why}`,
    );
    ctx.log(
      `growth: GET /at-risk failed: ${why}\nthe service's last output:\n${service.output().slice(-3000)}`,
    );
    delete into.samples.httpCold;
    delete into.samples.httpRepeated;
    delete into.samples.httpAfterPause;
  } finally {
    await service.stop();
  }
}

async function measure(ctx: Context, kind: "pglite" | "postgres", failures: string[]): Promise<DbGrowth> {
  const sizes = ctx.opts.sizes;
  const ledgerSize = sizes.at(-1)!;
  // PGlite on disk, as the service keeps it: this process and the service take turns on the folder.
  const dataDir = await mkdtemp(join(tmpdir(), "dm-bench-growth-"));
  const databaseUrl = kind === "postgres" ? await freshDatabase(ctx.pg!, "dm_bench_growth") : undefined;
  const env = databaseUrl ? { dataDir, databaseUrl } : { dataDir };
  const results: SizeResult[] = [];
  try {
    let entries = 0;
    for (const size of sizes) {
      const into: SizeResult = {
        db: kind,
        entries: size,
        added: size - entries,
        loadMs: 0,
        samples: {},
        atRiskItems: 0,
        httpBytes: Number.NaN,
        runnerPeakRssMb: Number.NaN,
        service: null,
        coldDatesReused: false,
      };
      const cold = coldDates();
      const db = await openDatabase(env);
      try {
        if (entries === 0) await migrate(db.raw);
        const load = db.raw;
        const t0 = performance.now();
        if (entries === 0) await generateRulesDataset(load, { disbursements: size, ledgerSize });
        else await addRulesDisbursements(load, { from: entries + 1, to: size, ledgerSize });
        into.loadMs = performance.now() - t0;
        entries = size;
        ctx.log(`growth: ${DB_LABEL[kind]} ${size} entries (+${into.added} in ${ms(into.loadMs)})`);
        await readInProcess(ctx, db, cold, into, failures);
      } finally {
        await db.close();
      }
      ctx.log(`growth: ${DB_LABEL[kind]} ${size} in process: ${brief(into)}`);
      await readOverHttp(ctx, env, cold, into, failures);
      into.coldDatesReused = cold.reused;
      ctx.log(
        `growth: ${DB_LABEL[kind]} ${size} over HTTP: cold p50 ${ms(percentile(into.samples.httpCold ?? [], 50))}` +
          ` (the first ${HTTP_WARM_UP} after start: p50 ${ms(percentile(into.samples.httpFirst ?? [], 50))};` +
          ` after a pause: p50 ${ms(percentile(into.samples.httpAfterPause ?? [], 50))})` +
          `, repeated ${ms(percentile(into.samples.httpRepeated ?? [], 50))}; service VmHWM ${into.service ? `${into.service.hwmMb.toFixed(0)} MB` : "n/a"}`,
      );
      results.push(into);
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
  return { db: kind, sizes: results };
}

const brief = (r: SizeResult) =>
  (
    [
      "floor",
      "viewCold",
      "atRiskCold",
      "atRiskRepeated",
      "evaluateCold",
      "summaryCold",
      "unitCold",
      "knownAt",
    ] as const
  )
    .map((id) => `${id} ${ms(percentile(r.samples[id] ?? [], 50))}`)
    .join(", ");

export async function runGrowthBench(ctx: Context): Promise<PartResult> {
  const t0 = performance.now();
  const failures: string[] = [];
  const results: DbGrowth[] = [];
  for (const kind of ctx.opts.databases) results.push(await measure(ctx, kind, failures));
  const wallS = (performance.now() - t0) / 1000;
  const { markdown, problems } = growthMarkdown(ctx, results, wallS);
  return {
    markdown,
    raw: results,
    problems,
    failures,
    files: [{ path: GROWTH_SVG, text: growthChart(results) }],
  };
}
