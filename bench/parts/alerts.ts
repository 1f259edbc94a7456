// The daily alert run at national scale: 10,000 units (each with its head's address), 1,000,000
// entries and two admins, on PostgreSQL. Each run goes in a process of its own under the heap
// limits `npm start` gives the service (`--max-old-space-size=160 --max-semi-space-size=4`), on
// the days that ask the most of it: the first working day after 30/9 (a missed notice to every
// unit behind, an escalation of each to both admins), the day after (all of it decided again,
// all of it already in the ledger), and 01/12 (every reminder of 31/12 past its window at once).
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { openDatabase } from "../../src/db/database.js";
import { migrate } from "../../src/db/migrator.js";
import type { Context, PartResult } from "../lib/context.js";
import { dropDatabase, freshDatabase } from "../lib/postgres.js";
import { BENCH_DISBURSEMENTS, BENCH_UNITS, generateRulesDataset } from "../rules-dataset.js";

const WORKER = fileURLToPath(new URL("../lib/alert-run-worker.ts", import.meta.url));
/** `npm start`'s heap flags (package.json). */
const SERVICE_HEAP = ["--max-old-space-size=160", "--max-semi-space-size=4"];
/** In order, on one ledger: a dry run first writes nothing. */
const RUNS = [
  { asOf: "2022-10-03", dry: true },
  { asOf: "2022-10-03", dry: false },
  { asOf: "2022-10-04", dry: false },
  { asOf: "2022-12-01", dry: false },
] as const;

type Outcome = {
  asOf: string;
  dryRun: boolean;
  ms: number;
  queued: number;
  skipped: number;
  messages: number;
  adminItems: number[];
  heapPeakMb: number;
  vmHwmMb: number | null;
};

function runOnce(url: string, asOf: string, dry: boolean): Promise<{ out?: Outcome; died?: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...SERVICE_HEAP, "--import", "tsx", WORKER], {
      env: {
        ...process.env,
        ALERT_BENCH_DB_URL: url,
        ALERT_BENCH_AS_OF: asOf,
        ALERT_BENCH_DRY: dry ? "1" : "0",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b) => (stdout += b));
    child.stderr.on("data", (b) => (stderr = (stderr + b).slice(-4000)));
    child.on("exit", (code, signal) => {
      const line = stdout.split("\n").find((l) => l.startsWith("{"));
      if (code === 0 && line) return resolve({ out: JSON.parse(line) as Outcome });
      const fatal = /FATAL ERROR: [^\n]*/.exec(stderr)?.[0] ?? stderr.trim().split("\n").at(-1) ?? "";
      resolve({ died: `exit ${code ?? signal}: ${fatal}` });
    });
  });
}

const fmt = (n: number) => n.toLocaleString("en-US");

export async function runAlertsBench(ctx: Context): Promise<PartResult> {
  if (!ctx.pg)
    return {
      markdown: "Skipped: PostgreSQL only, and this run has none.",
      raw: null,
      problems: [],
      failures: [],
    };
  const name = "dm_bench_alerts";
  const url = await freshDatabase(ctx.pg, name);
  const results: { asOf: string; dry: boolean; out?: Outcome; died?: string }[] = [];
  try {
    ctx.log(`alerts: generating ${BENCH_UNITS} units and ${BENCH_DISBURSEMENTS} disbursements in PostgreSQL`);
    const db = await openDatabase({ databaseUrl: url });
    try {
      await migrate(db.raw);
      await generateRulesDataset(db.raw);
    } finally {
      await db.close();
    }
    for (const r of RUNS) {
      ctx.log(`alerts: ${r.dry ? "dry " : ""}run on ${r.asOf}`);
      const res = await runOnce(url, r.asOf, r.dry);
      ctx.log(`alerts: ${JSON.stringify(res)}`);
      results.push({ ...r, ...res });
    }
  } finally {
    await dropDatabase(ctx.pg, name);
  }
  const failures = results
    .filter((r) => r.died)
    .map(
      (r) =>
        `alerts: the ${r.dry ? "dry " : ""}run on ${r.asOf} died under the service's heap limit (${r.died})`,
    );
  const lines = [
    `Measured ${new Date().toISOString().slice(0, 16)}Z. \`bench/rules-dataset.ts\`: ${fmt(BENCH_UNITS)} units (a head each), ${fmt(BENCH_DISBURSEMENTS)} disbursements; two admins;`,
    "the 2022 plan and its duties. One ledger, the runs in this order, each in a process of its own (`bench/lib/alert-run-worker.ts`)",
    `with \`npm start\`'s heap flags (\`${SERVICE_HEAP.join(" ")}\`). Heap: the highest \`heapUsed\` sampled every 10 ms; VmHWM: the process's peak resident memory.`,
    "",
    "| asOf | run | time | alerts queued | stages skipped | messages | items in each admin's message | heap peak | VmHWM |",
    "|---|---|---|---|---|---|---|---|---|",
  ];
  for (const r of results) {
    const o = r.out;
    lines.push(
      o
        ? `| ${r.asOf} | ${r.dry ? "dry" : "real"} | ${(o.ms / 1000).toFixed(1)} s | ${fmt(o.queued)} | ${fmt(o.skipped)} | ${fmt(o.messages)} | ${o.adminItems.map(fmt).join(" / ") || "none"} | ${o.heapPeakMb.toFixed(0)} MB | ${o.vmHwmMb?.toFixed(0) ?? "?"} MB |`
        : `| ${r.asOf} | ${r.dry ? "dry" : "real"} | **died**: ${r.died} | | | | | | |`,
    );
  }
  return { markdown: lines.join("\n"), raw: results, problems: [], failures };
}
