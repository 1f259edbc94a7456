// 6. Reads under pressure (issue 12, part 3): the probe that took the service down made eight
// concurrent national reads (the dashboard overview, each on another date, so none can share a
// computation) against 1,003 units and 33,000 entries. Measured here on the real service
// process: the latency of /healthz, /readyz and a single post, at rest and while those eight
// reads loop, and what the eight reads themselves got (answers, 503 busy, time).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../../src/db/database.js";
import { migrate } from "../../src/db/migrator.js";
import { type Context, DB_LABEL, type PartResult } from "../lib/context.js";
import { dropDatabase, freshDatabase } from "../lib/postgres.js";
import { BENCH_ADMIN_KEY, type Memory, startService } from "../lib/service.js";
import { ms, num, percentile } from "../lib/stats.js";
import { pressureUnit, seedPressureDataset } from "../pressure-dataset.js";

const UNITS = 1_003;
const ENTRIES = 33_000;
const READERS = 8;
const PROBE_GAP_MS = 50;

type Probe = "healthz" | "readyz" | "post";
type Phase = { latencies: Record<Probe, number[]>; failures: Record<Probe, number> };
type Reads = { ok: number; busy: number; other: number; latencies: number[] };
type DbResult = {
  db: "pglite" | "postgres";
  rest: Phase;
  load: Phase;
  reads: Reads;
  memory: Memory;
};

const emptyPhase = (): Phase => ({
  latencies: { healthz: [], readyz: [], post: [] },
  failures: { healthz: 0, readyz: 0, post: 0 },
});

/** Each probe on its own loop, one request at a time, PROBE_GAP_MS apart, until `until`. */
async function probe(url: string, until: number, into: Phase): Promise<void> {
  let n = 0;
  const send = async (p: Probe): Promise<boolean> => {
    if (p !== "post")
      return (await fetch(`${url}/${p}`, { signal: AbortSignal.timeout(30_000) })).status === 200;
    n += 1;
    const res = await fetch(`${url}/api/v1/disbursements`, {
      method: "POST",
      signal: AbortSignal.timeout(30_000),
      headers: { authorization: `Bearer ${BENCH_ADMIN_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({
        unitCode: pressureUnit((n % UNITS) + 1),
        program: "NTM",
        planYear: 2022,
        source: "central",
        capitalType: "investment",
        amount: 1000,
        disbursedOn: "2022-12-20",
        reference: `pressure-${process.pid}-${Date.now()}-${n}`,
      }),
    });
    return res.status === 201;
  };
  await Promise.all(
    (["healthz", "readyz", "post"] as const).map(async (p) => {
      while (performance.now() < until) {
        const t0 = performance.now();
        const ok = await send(p).catch(() => false);
        into.latencies[p].push(performance.now() - t0);
        if (!ok) into.failures[p] += 1;
        await new Promise((r) => setTimeout(r, PROBE_GAP_MS));
      }
    }),
  );
}

/** READERS loops of national overviews, each request on a date no other request uses. */
async function nationalReads(url: string, until: number): Promise<Reads> {
  const reads: Reads = { ok: 0, busy: 0, other: 0, latencies: [] };
  let day = 0;
  await Promise.all(
    Array.from({ length: READERS }, async () => {
      while (performance.now() < until) {
        const d = day++;
        const asOf = new Date(Date.UTC(2022, 1, 1) + (d % 300) * 86_400_000).toISOString().slice(0, 10);
        const t0 = performance.now();
        const status = await fetch(`${url}/api/v1/dashboard/overview?asOf=${asOf}`, {
          headers: { authorization: `Bearer ${BENCH_ADMIN_KEY}` },
          signal: AbortSignal.timeout(60_000),
        }).then(
          async (r) => {
            await r.arrayBuffer();
            return r.status;
          },
          () => 0,
        );
        reads.latencies.push(performance.now() - t0);
        if (status === 200) reads.ok += 1;
        else if (status === 503) {
          reads.busy += 1;
          // A client told to retry waits a little, as the Retry-After asks.
          await new Promise((r) => setTimeout(r, 250));
        } else reads.other += 1;
      }
    }),
  );
  return reads;
}

async function measure(ctx: Context, kind: "pglite" | "postgres"): Promise<DbResult> {
  const dataDir = await mkdtemp(join(tmpdir(), "dm-bench-pressure-"));
  const dbName = `bench_pressure_${process.pid}`;
  const databaseUrl = kind === "postgres" && ctx.pg ? await freshDatabase(ctx.pg, dbName) : undefined;
  try {
    const t0 = performance.now();
    const db = await openDatabase(databaseUrl ? { databaseUrl } : { dataDir });
    try {
      await migrate(db.raw);
      await seedPressureDataset(db.raw, { units: UNITS, entries: ENTRIES });
    } finally {
      await db.close();
    }
    ctx.log(`pressure: ${DB_LABEL[kind]} dataset ready in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    const service = await startService({
      dataDir,
      ...(databaseUrl ? { databaseUrl } : {}),
      extra: {
        RATE_LIMIT_READS_PER_MINUTE: "1000000",
        RATE_LIMIT_EVALUATIONS_PER_MINUTE: "1000000",
      },
      nodeArgs: ctx.opts.serviceNodeArgs,
    });
    try {
      const seconds = Math.max(10, ctx.opts.loadS * 2);
      const rest = emptyPhase();
      await probe(service.url, performance.now() + seconds * 1000, rest);
      const load = emptyPhase();
      const until = performance.now() + seconds * 1000;
      const [reads] = await Promise.all([nationalReads(service.url, until), probe(service.url, until, load)]);
      const memory = await service.memory();
      ctx.log(
        `pressure: ${DB_LABEL[kind]} healthz p99 ${ms(percentile(rest.latencies.healthz, 99))} → ${ms(percentile(load.latencies.healthz, 99))},` +
          ` post p99 ${ms(percentile(rest.latencies.post, 99))} → ${ms(percentile(load.latencies.post, 99))}; reads ${reads.ok} ok, ${reads.busy} busy`,
      );
      return { db: kind, rest, load, reads, memory };
    } finally {
      await service.stop();
    }
  } finally {
    if (databaseUrl && ctx.pg) await dropDatabase(ctx.pg, dbName).catch(() => {});
    await rm(dataDir, { recursive: true, force: true });
  }
}

export async function runPressureBench(ctx: Context): Promise<PartResult> {
  const results: DbResult[] = [];
  for (const kind of ctx.opts.databases) {
    if (kind === "postgres" && !ctx.pg) continue;
    results.push(await measure(ctx, kind));
  }
  const failures: string[] = [];
  const rows: string[] = [];
  for (const r of results) {
    for (const p of ["healthz", "readyz", "post"] as const) {
      const cell = (ph: Phase) =>
        `${ms(percentile(ph.latencies[p], 50))} / ${ms(percentile(ph.latencies[p], 99))} (${ph.latencies[p].length}, ${ph.failures[p]} failed)`;
      rows.push(
        `| ${DB_LABEL[r.db]} | ${p === "post" ? "one post" : `/${p}`} | ${cell(r.rest)} | ${cell(r.load)} |`,
      );
      if (r.rest.failures[p] + r.load.failures[p] > 0)
        failures.push(`pressure: ${DB_LABEL[r.db]} ${p}: ${r.rest.failures[p] + r.load.failures[p]} failed`);
    }
  }
  const readRows = results.map(
    (r) =>
      `| ${DB_LABEL[r.db]} | ${num(r.reads.ok)} | ${num(r.reads.busy)} | ${num(r.reads.other)} | ${ms(percentile(r.reads.latencies, 50))} / ${ms(percentile(r.reads.latencies, 99))} | ${num(r.memory.hwmKb / 1024)} MB |`,
  );
  const markdown = [
    `The service process as \`npm start\` runs it, on ${num(UNITS)} units and ${num(ENTRIES)} disbursements. Each probe (\`/healthz\`, \`/readyz\`, one post of one disbursement) loops one request at a time, ${PROBE_GAP_MS} ms apart; first at rest, then while ${READERS} clients loop national reads (\`GET /api/v1/dashboard/overview\`, every request on another date, so none shares a computation). Figures: p50 / p99 (samples, failures).`,
    "",
    `| database | probe | at rest | during ${READERS} national reads |`,
    "|---|---|---|---|",
    ...rows,
    "",
    `What the ${READERS} readers got (503 = busy, retried after 250 ms), and the service's peak resident memory:`,
    "",
    "| database | overviews answered | 503 busy | other | overview p50 / p99 | peak RSS |",
    "|---|---|---|---|---|---|",
    ...readRows,
  ].join("\n");
  return { markdown, raw: results, problems: [], failures };
}
