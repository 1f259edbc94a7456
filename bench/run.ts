// npm run bench [-- --only=api,rules,email,startup] [--duration=S] [--rounds=N] [--runs=N]
//   [--connections=N] [--units=N] [--messages=N] [--starts=N] [--load=S] [--db=pglite|postgres]
//   [--sizes=100000,1000000,3000000] [--service-node-args="--max-old-space-size=160"]
//   [--time-limit=S] [--no-write]
// Runs every benchmark (or those named) and rewrites their sections of bench/RESULTS.md; the raw
// figures go to bench/out/. Without DATABASE_URL a throw-away PostgreSQL is started and always
// stopped. Everything listens on 127.0.0.1 only, and the whole run is bounded in time.
import { mkdir, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { installExitHandlers, runCleanup } from "./lib/cleanup.js";
import type { Context, Options, PartResult } from "./lib/context.js";
import { ensurePostgres } from "./lib/postgres.js";
import { describeMachine, headerBlock, PARTS, type Part, writeResults } from "./lib/report.js";

const { values } = parseArgs({
  options: {
    only: { type: "string" },
    duration: { type: "string", default: "5" },
    rounds: { type: "string", default: "3" },
    runs: { type: "string", default: "5" },
    connections: { type: "string", default: "10" },
    units: { type: "string", default: "2000" },
    messages: { type: "string", default: "10000" },
    starts: { type: "string", default: "3" },
    load: { type: "string", default: "5" },
    db: { type: "string" },
    "service-node-args": { type: "string", default: "" },
    "no-write": { type: "boolean", default: false },
    sizes: { type: "string", default: "100000,1000000,3000000" },
    "time-limit": { type: "string" },
  },
});

function positive(name: string, v: string | undefined): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) {
    console.error(`--${name} must be a positive number (got ${v})`);
    process.exit(2);
  }
  return n;
}

const parts: Part[] = values.only
  ? values.only.split(",").map((p) => {
      if (!PARTS.includes(p as Part)) {
        console.error(`--only takes ${PARTS.join(", ")} (got ${p})`);
        process.exit(2);
      }
      return p as Part;
    })
  : [...PARTS];
const databases = values.db
  ? values.db.split(",").map((d) => {
      if (d !== "pglite" && d !== "postgres") {
        console.error(`--db takes pglite or postgres (got ${d})`);
        process.exit(2);
      }
      return d;
    })
  : (["pglite", "postgres"] as const);

const sizes = values.sizes.split(",").map((s) => Math.round(positive("sizes", s)));
if (sizes.some((s, i) => i > 0 && s <= sizes[i - 1]!)) {
  console.error(`--sizes must ascend (got ${values.sizes})`);
  process.exit(2);
}

const opts: Options = {
  durationS: positive("duration", values.duration),
  rounds: Math.round(positive("rounds", values.rounds)),
  runs: Math.round(positive("runs", values.runs)),
  connections: Math.round(positive("connections", values.connections)),
  units: Math.round(positive("units", values.units)),
  messages: Math.round(positive("messages", values.messages)),
  starts: Math.round(positive("starts", values.starts)),
  loadS: positive("load", values.load),
  databases: [...databases],
  serviceNodeArgs: (values["service-node-args"] ?? "").split(" ").filter(Boolean),
  sizes,
};
// The growth part alone loads 3,000,000 entries into each database and reads them: it gets its own
// half hour; the alerts part's real runs write 10,000 messages each: a quarter of an hour.
const timeLimitS = positive(
  "time-limit",
  values["time-limit"] ??
    String(1200 + (parts.includes("growth") ? 1800 : 0) + (parts.includes("alerts") ? 900 : 0)),
);

installExitHandlers();
const started = performance.now();
const log = (msg: string) =>
  console.log(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${msg}`);
// The run is bounded: past the limit, everything started is stopped and the run fails.
const watchdog = setTimeout(() => {
  console.error(`\nthe benchmark ran past its ${timeLimitS} s limit: stopping`);
  void runCleanup().finally(() => process.exit(124));
}, timeLimitS * 1000);
watchdog.unref();

const machine = describeMachine();
log(
  `${machine.cpu} ×${machine.cpus}, ${machine.memoryGiB} GiB, Node ${machine.node}; parts: ${parts.join(", ")}`,
);

let exitCode = 0;
try {
  const pg = opts.databases.includes("postgres") ? await ensurePostgres() : null;
  if (pg)
    log(
      `${pg.version} at ${pg.baseUrl.replace(/\/\/[^@]*@/, "//")} (${pg.selfStarted ? "started by this run" : "DATABASE_URL"})`,
    );
  const ctx: Context = { pg, opts, log };
  const runners: Record<Part, () => Promise<PartResult>> = {
    api: async () => (await import("./parts/api.js")).runApiBench(ctx),
    rules: async () => (await import("./parts/rules.js")).runRulesBench(ctx),
    email: async () => (await import("./parts/email.js")).runEmailBench(ctx),
    startup: async () => (await import("./parts/startup.js")).runStartupBench(ctx),
    pressure: async () => (await import("./parts/pressure.js")).runPressureBench(ctx),
    imports: async () => (await import("./parts/imports.js")).runImportsBench(ctx),
    growth: async () => (await import("./parts/growth.js")).runGrowthBench(ctx),
    alerts: async () => (await import("./parts/alerts.js")).runAlertsBench(ctx),
  };
  const blocks: Partial<Record<Part | "header", string>> = {};
  const files: { path: string; text: string }[] = [];
  const raw: Record<string, unknown> = { machine, opts };
  const problems: string[] = [];
  const failures: string[] = [];
  for (const part of parts) {
    const t0 = performance.now();
    log(`== ${part}`);
    try {
      const r = await runners[part]();
      blocks[part] = r.markdown;
      raw[part] = r.raw;
      problems.push(...r.problems);
      failures.push(...r.failures);
      files.push(...(r.files ?? []));
      log(`== ${part} done in ${((performance.now() - t0) / 1000).toFixed(0)} s\n${r.markdown}\n`);
    } catch (err) {
      exitCode = 1;
      const msg = err instanceof Error ? (err.stack ?? err.message) : String(err);
      failures.push(`${part}: failed: ${msg.split("\n")[0]}`);
      blocks[part] =
        `**This part failed** (${new Date().toISOString().slice(0, 16)}Z):\n\n\`\`\`\n${msg.slice(0, 2000)}\n\`\`\``;
      console.error(`${part} failed:`, err);
    }
  }
  const dbs = [
    ...(opts.databases.includes("pglite") ? [`PGlite ${machine.pglite} (embedded, WebAssembly)`] : []),
    ...(pg
      ? [
          `${pg.version} on 127.0.0.1, ${pg.selfStarted ? "started by the run (scripts/pg-test-server.sh)" : "from DATABASE_URL"}` +
            ` (${Object.entries(pg.settings)
              .map(([k, v]) => `${k}=${v}`)
              .join(", ")})`,
        ]
      : []),
  ];
  const optionText =
    `--duration=${opts.durationS} --rounds=${opts.rounds} --runs=${opts.runs} --connections=${opts.connections}` +
    ` --units=${opts.units} --messages=${opts.messages} --starts=${opts.starts} --load=${opts.loadS}` +
    (parts.includes("growth") ? ` --sizes=${opts.sizes.join(",")}` : "") +
    (opts.serviceNodeArgs.length ? ` --service-node-args="${opts.serviceNodeArgs.join(" ")}"` : "");
  blocks.header = headerBlock(machine, dbs, optionText, (performance.now() - started) / 1000, parts, {
    problems,
    failures,
  });
  if (!values["no-write"]) {
    await writeResults(blocks);
    for (const f of files) await writeFile(f.path, f.text);
    const out = resolve(import.meta.dirname, "out");
    await mkdir(out, { recursive: true });
    const file = resolve(out, `results-${machine.date.replace(/[:]/g, "-")}.json`);
    await writeFile(
      file,
      JSON.stringify(raw, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2),
    );
    log(`wrote bench/RESULTS.md${files.map((f) => `, ${f.path}`).join("")} and ${file}`);
  }
  console.log(
    problems.length
      ? `\nTargets missed:\n${problems.map((p) => `  - ${p}`).join("\n")}`
      : "\nEvery target met.",
  );
  if (failures.length) {
    exitCode = 1;
    console.log(`\nChecks FAILED:\n${failures.map((p) => `  - ${p}`).join("\n")}`);
  } else console.log("Every check passed (no refused request, nothing lost, nothing duplicated).");
} catch (err) {
  exitCode = 1;
  console.error(err);
} finally {
  await runCleanup();
  clearTimeout(watchdog);
}
process.exit(exitCode);
