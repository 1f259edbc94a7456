// 2. Rules: the at-risk query and a full evaluation over a national-sized ledger (10,000 units,
// 1,000,000 disbursements), beside the bare grouped-sum SQL over the same rows (the floor), on
// PGlite (in memory) and PostgreSQL. Runs are interleaved so that the machine's noise falls on
// all three alike.
import { createContainer } from "../../src/container.js";
import { type Database, openDatabase } from "../../src/db/database.js";
import { migrate } from "../../src/db/migrator.js";
import { EvaluationTable } from "../../src/domain/evaluation-table.js";
import { addDays } from "../../src/domain/local-date.js";
import type { RateMilestone } from "../../src/domain/plan.js";
import { DEFAULT_PLAN_2022 } from "../../src/domain/plan.js";
import { evaluatePlanEach, type PairEvaluation, type UnitProgram } from "../../src/domain/plan-evaluation.js";
import { WEEKENDS_ONLY } from "../../src/domain/working-days.js";
import { createFiguresReplica } from "../../src/rules/figures-replica.js";
import { createRulesRepository } from "../../src/rules/rules.repository.js";
import { type Context, DB_LABEL, type PartResult } from "../lib/context.js";
import { freshDatabase } from "../lib/postgres.js";
import { median, ms, ratio, spread } from "../lib/stats.js";
import { BENCH_DISBURSEMENTS, BENCH_UNITS, generateRulesDataset } from "../rules-dataset.js";

const AS_OF = "2022-09-15";
const NO_REQUEST = () => null;
const ANY_KIND = () => undefined;
const TARGET = 2;
/** Issue 13: a national read at most half the floor at 1,000,000 entries. */
const HALF = 0.5;

/** The floor: one grouped sum over the same allocation and disbursement rows, nothing else. */
export const FLOOR_SQL = `
  SELECT unit_code, program_code, SUM(a), SUM(d) FROM (
    SELECT unit_code, program_code, amount a, 0::bigint d FROM allocation WHERE plan_year = 2022 AND decided_on <= DATE '${AS_OF}'
    UNION ALL
    SELECT unit_code, program_code, 0, amount FROM disbursement WHERE plan_year = 2022 AND disbursed_on <= DATE '${AS_OF}'
  ) e GROUP BY 1, 2`;

type Timings = {
  floor: number[];
  atRisk: number[];
  full: number[];
  /** planFigures from the copy of the kept figures in memory (the service's national path). */
  copy: number[];
  /** planFigures from the kept figures in SQL (the path of a few units' reads). */
  sql: number[];
  js: number[];
};

type DbResult = {
  db: "pglite" | "postgres";
  loadMs: number;
  timings: Timings;
  pairs: number;
  evaluations: number;
  atRiskItems: number;
  m60Items: number;
  retainedMb: number;
  copyLoadMs: number;
  copyMb: number;
};

async function measure(ctx: Context, kind: "pglite" | "postgres", db: Database): Promise<DbResult> {
  const t0 = performance.now();
  await migrate(db.raw);
  await generateRulesDataset(db.raw);
  const loadMs = performance.now() - t0;
  ctx.log(`rules: ${DB_LABEL[kind]} dataset ready in ${(loadMs / 1000).toFixed(0)} s`);
  const c = createContainer(db, { maxBatchSize: 1000 });
  const gc = (globalThis as { gc?: () => void }).gc;
  // The copy of the kept figures a national read answers from: its whole load, and what it holds.
  gc?.();
  const heapBefore = process.memoryUsage();
  const replica = createFiguresReplica(db.direct);
  const loadStart = performance.now();
  await replica.figures(2022);
  const copyLoadMs = performance.now() - loadStart;
  gc?.();
  const heapAfter = process.memoryUsage();
  const copyMb =
    (heapAfter.heapUsed + heapAfter.arrayBuffers - heapBefore.heapUsed - heapBefore.arrayBuffers) / 2 ** 20;
  const repo = createRulesRepository(db.prisma, { replica });
  const sqlRepo = createRulesRepository(db.prisma);
  const plan = DEFAULT_PLAN_2022;
  const timings: Timings = { floor: [], atRisk: [], full: [], copy: [], sql: [], js: [] };
  // At-risk answers are kept per ledger version and date: each run asks on a date not asked before.
  let coldDay = 0;
  const coldDate = () => addDays("2022-09-16", coldDay++);
  const time = async (into: number[], fn: () => Promise<unknown> | unknown) => {
    const s = performance.now();
    await fn();
    into.push(performance.now() - s);
  };
  // Warm caches and plans once, then interleave.
  await db.raw.query(FLOOR_SQL);
  await c.rules.atRisk(AS_OF, 2022, { milestone: "M60" });
  const full = await c.rules.evaluate(plan, AS_OF);
  for (let i = 0; i < ctx.opts.runs; i++) {
    await time(timings.floor, () => db.raw.query(FLOOR_SQL));
    await time(timings.atRisk, () => c.rules.atRisk(coldDate(), 2022, { milestone: "M60" }));
    await time(timings.full, () => c.rules.evaluate(plan, AS_OF));
    // The two halves of an evaluation: the figures (from the copy, or grouped in SQL) and the judging.
    let figures: Awaited<ReturnType<typeof repo.planFigures>> | undefined;
    await time(timings.copy, async () => {
      figures = await repo.planFigures(plan, AS_OF);
    });
    await time(timings.sql, () => sqlRepo.planFigures(plan, AS_OF));
    const { pairs, figuresOf } = figures!;
    // Judged as rules.evaluate judges: each row copied into a table, none kept as an object (which
    // left 44 MB for the next run's reads to collect).
    await time(timings.js, () => {
      const table = new EvaluationTable(pairs.length * plan.milestones.length);
      const figures = (m: RateMilestone, pair: UnitProgram) => figuresOf(m.id, pair);
      const push = (row: PairEvaluation) => table.push(row);
      evaluatePlanEach(plan, AS_OF, pairs, figures, NO_REQUEST, ANY_KIND, WEEKENDS_ONLY, push, false, true);
      return table;
    });
    ctx.log(
      `rules: ${DB_LABEL[kind]} run ${i + 1}/${ctx.opts.runs}: floor ${ms(timings.floor.at(-1)!)}, at-risk ${ms(timings.atRisk.at(-1)!)}, full ${ms(timings.full.at(-1)!)}`,
    );
  }
  // The memory a full evaluation's result holds (the alerts run keeps it while it decides): its
  // heap, with --expose-gc (npm run bench), collected before and after, and its columns' buffers
  // as the table counts them (a process-wide count of buffers moves with PGlite's own).
  let retainedMb = Number.NaN;
  if (gc) {
    gc();
    const before = process.memoryUsage().heapUsed;
    const kept = await c.rules.evaluate(plan, AS_OF);
    gc();
    retainedMb = (process.memoryUsage().heapUsed - before + kept.columnBytes()) / 2 ** 20;
    if (kept.length !== full.length) throw new Error("evaluations differ between runs");
  }
  const all = await c.rules.atRisk(AS_OF, 2022, {});
  const m60 = await c.rules.atRisk(AS_OF, 2022, { milestone: "M60" });
  return {
    db: kind,
    loadMs,
    timings,
    pairs: new Set(Array.from(full, (e) => `${e.unitCode}|${e.program}`)).size,
    evaluations: full.length,
    atRiskItems: all.items.length,
    m60Items: m60.items.length,
    retainedMb,
    copyLoadMs,
    copyMb,
  };
}

export async function runRulesBench(ctx: Context): Promise<PartResult> {
  const results: DbResult[] = [];
  for (const kind of ctx.opts.databases) {
    ctx.log(
      `rules: generating ${BENCH_UNITS} units and ${BENCH_DISBURSEMENTS} disbursements in ${DB_LABEL[kind]}`,
    );
    const db =
      kind === "pglite"
        ? await openDatabase({ inMemory: true })
        : await openDatabase({ databaseUrl: await freshDatabase(ctx.pg!, "dm_bench_rules") });
    try {
      results.push(await measure(ctx, kind, db));
    } finally {
      await db.close();
    }
  }
  const problems: string[] = [];
  const lines = [
    `Measured ${new Date().toISOString().slice(0, 16)}Z. \`bench/rules-dataset.ts\`: ${BENCH_UNITS.toLocaleString("en-US")} units × 3 programs,`,
    `${BENCH_DISBURSEMENTS.toLocaleString("en-US")} disbursements and 61,428 allocations of plan year 2022; asOf ${AS_OF};`,
    `the 2022 plan (${DEFAULT_PLAN_2022.milestones.length} milestones). PGlite in memory; PostgreSQL in its own database.`,
    `Floor: one \`GROUP BY unit, program\` sum over the same rows (\`FLOOR_SQL\` in bench/parts/rules.ts).`,
    `Each of ${ctx.opts.runs} runs times floor, at-risk and full evaluation in turn; median (min–max). At-risk asks on a`,
    "date not asked before in each run (2022-09-16, 17, ...), so no kept answer serves it; the service's copy of the",
    "kept figures is loaded before the runs (its load is in the second table).",
    "",
    "| database | dataset load | floor: grouped sum | at-risk (M60), cold | ÷ floor | full evaluation | ÷ floor | within 2x | at most 0.5x |",
    "|---|---|---|---|---|---|---|---|---|",
  ];
  for (const r of results) {
    const f = median(r.timings.floor);
    const a = median(r.timings.atRisk);
    const e = median(r.timings.full);
    const within = a / f <= TARGET && e / f <= TARGET;
    const half = a / f <= HALF && e / f <= HALF;
    if (e / f > HALF)
      problems.push(`rules ${r.db}: full evaluation ${ratio(e, f)} the floor (issue 13 target ≤ ${HALF}x)`);
    if (a / f > TARGET)
      problems.push(`rules ${r.db}: at-risk ${ratio(a, f)} the floor (target ≤ ${TARGET}x)`);
    if (e / f > TARGET)
      problems.push(`rules ${r.db}: full evaluation ${ratio(e, f)} the floor (target ≤ ${TARGET}x)`);
    lines.push(
      `| ${DB_LABEL[r.db]} | ${ms(r.loadMs)} | ${spread(r.timings.floor, ms)} | ${spread(r.timings.atRisk, ms)} | ${ratio(a, f)}` +
        ` | ${spread(r.timings.full, ms)} | ${ratio(e, f)} | ${within ? "yes" : "**no**"} | ${half ? "yes" : "**no**"} |`,
    );
  }
  lines.push(
    "",
    "Where a full evaluation goes (same runs): the figures per pair and milestone (`planFigures`) from the copy",
    "of the kept figures in memory (what the service does), or grouped in SQL from the same kept figures",
    "(through Prisma, for comparison), and the JavaScript that judges every pair against every milestone.",
    "",
    "| database | pairs | evaluations | at-risk items (all / M60) | planFigures, copy | planFigures, SQL | ÷ floor | judging in JS | memory held by the result | copy: load, memory |",
    "|---|---|---|---|---|---|---|---|---|---|",
  );
  for (const r of results) {
    lines.push(
      `| ${DB_LABEL[r.db]} | ${r.pairs.toLocaleString("en-US")} | ${r.evaluations.toLocaleString("en-US")}` +
        ` | ${r.atRiskItems.toLocaleString("en-US")} / ${r.m60Items.toLocaleString("en-US")} | ${spread(r.timings.copy, ms)}` +
        ` | ${spread(r.timings.sql, ms)} | ${ratio(median(r.timings.sql), median(r.timings.floor))} | ${spread(r.timings.js, ms)}` +
        ` | ${Number.isFinite(r.retainedMb) ? `${r.retainedMb.toFixed(0)} MB` : "n/a"} | ${ms(r.copyLoadMs)}, ${r.copyMb.toFixed(0)} MB |`,
    );
  }
  return { markdown: lines.join("\n"), raw: results, problems, failures: [] };
}
