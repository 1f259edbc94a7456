// npm run bench:rules: times the at-risk query and a full evaluation over a national-sized
// ledger, beside the bare grouped-sum SQL over the same rows (the floor), on PGlite and, when
// DATABASE_URL names a server, on PostgreSQL.
import os from "node:os";
import pg from "pg";
import { createContainer } from "../src/container.js";
import { type Database, openDatabase } from "../src/db/database.js";
import { migrate } from "../src/db/migrator.js";
import { DEFAULT_PLAN_2022 } from "../src/domain/plan.js";
import { BENCH_DISBURSEMENTS, BENCH_UNITS, generateRulesDataset } from "./rules-dataset.js";

const AS_OF = "2022-09-15";
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

async function median(fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm caches and query plans
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

/** The floor: one grouped sum over the same allocation and disbursement rows, nothing else. */
const FLOOR_SQL = `
  SELECT unit_code, program_code, SUM(a), SUM(d) FROM (
    SELECT unit_code, program_code, amount a, 0::bigint d FROM allocation WHERE plan_year = 2022 AND decided_on <= DATE '${AS_OF}'
    UNION ALL
    SELECT unit_code, program_code, 0, amount FROM disbursement WHERE plan_year = 2022 AND disbursed_on <= DATE '${AS_OF}'
  ) e GROUP BY 1, 2`;

async function measure(label: string, db: Database) {
  const t0 = performance.now();
  await migrate(db.raw);
  await generateRulesDataset(db.raw);
  const loadMs = performance.now() - t0;
  const c = createContainer(db, { maxBatchSize: 1000 });
  const plan = DEFAULT_PLAN_2022;
  const floor = await median(() => db.raw.query(FLOOR_SQL));
  const atRisk = await median(() => c.rules.atRisk(AS_OF, 2022, { milestone: "M60" }));
  const full = await median(() => c.rules.evaluate(plan, AS_OF));
  const items = (await c.rules.atRisk(AS_OF, 2022, {})).items.length;
  return { label, loadMs, floor, atRisk, full, items, milestones: plan.milestones.length };
}

const results = [];
const lite = await openDatabase({ inMemory: true });
results.push(await measure("PGlite (in memory)", lite));
await lite.close();

if (process.env.DATABASE_URL) {
  const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  await admin.query("DROP DATABASE IF EXISTS dm_bench_rules WITH (FORCE)");
  await admin.query("CREATE DATABASE dm_bench_rules");
  const url = new URL(process.env.DATABASE_URL);
  url.pathname = "/dm_bench_rules";
  const server = await openDatabase({ databaseUrl: url.toString() });
  results.push(await measure("PostgreSQL", server));
  await server.close();
  await admin.query("DROP DATABASE IF EXISTS dm_bench_rules WITH (FORCE)");
  await admin.end();
} else {
  console.log("(DATABASE_URL not set: PostgreSQL skipped; scripts/pg-test-server.sh start DIR gives one)");
}

const f = (ms: number) => `${ms.toFixed(0)} ms`;
console.log(
  `\nrules benchmark, ${new Date().toISOString().slice(0, 10)}, ${os.cpus()[0]?.model} x${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
);
console.log(
  `${BENCH_UNITS} units, 3 programs, ${BENCH_DISBURSEMENTS} disbursements; asOf ${AS_OF}; median of ${RUNS} runs\n`,
);
console.log(
  "| database | load | floor: grouped sum | at-risk (M60) | ratio | full evaluation | ratio | at-risk items |",
);
console.log("|---|---|---|---|---|---|---|---|");
for (const r of results)
  console.log(
    `| ${r.label} | ${f(r.loadMs)} | ${f(r.floor)} | ${f(r.atRisk)} | ${(r.atRisk / r.floor).toFixed(2)}x | ${f(r.full)} | ${(r.full / r.floor).toFixed(2)}x | ${r.items} |`,
  );
