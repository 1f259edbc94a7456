// The machine, and bench/RESULTS.md: each part owns the text between its markers and rewrites
// only that; everything outside the markers (findings written by hand, other suites' figures)
// is kept as it is.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import { resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../..");
export const RESULTS_FILE = resolve(ROOT, "bench/RESULTS.md");

export type Machine = {
  date: string;
  cpu: string;
  cpus: number;
  memoryGiB: number;
  node: string;
  os: string;
  commit: string;
  pglite: string;
  loadStart: number[];
};

function gitCommit(): string {
  try {
    const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], {
      cwd: ROOT,
      encoding: "utf8",
    }).trim();
    // What a figure depends on: the code, the schema, the start script's flags and the runner
    // (not this report, which every run rewrites).
    const paths = ["src", "prisma", "bench", "scripts", "package.json", ":(exclude)bench/RESULTS.md"];
    const dirty = execFileSync("git", ["status", "--porcelain", "--", ...paths], {
      cwd: ROOT,
      encoding: "utf8",
    }).trim();
    return dirty ? `${head} + uncommitted changes` : head;
  } catch {
    return "unknown";
  }
}

export function describeMachine(): Machine {
  const pkg = resolve(ROOT, "node_modules/@electric-sql/pglite/package.json");
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    cpu: os.cpus()[0]?.model ?? "unknown",
    cpus: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    commit: gitCommit(),
    pglite: existsSync(pkg) ? (JSON.parse(readFileSync(pkg, "utf8")) as { version: string }).version : "?",
    loadStart: os.loadavg(),
  };
}

export const PARTS = ["api", "rules", "email", "startup", "pressure", "imports", "growth", "alerts"] as const;
export type Part = (typeof PARTS)[number];

const TITLES: Record<Part | "header", string> = {
  header: "",
  api: "## 1. Posting disbursements through the API",
  rules: "## 2. Rules: at-risk query and full evaluation, 10,000 units and 1,000,000 entries",
  email: "## 3. E-mail: the outbox sender into a local SMTP server, 10,000 messages",
  startup: "## 4. Start-up time and resident memory of the service process",
  pressure: "## 6. Reads under pressure: probes and one post while eight national reads run",
  imports: "## 7. Imports under limits: 20,000 rows imported, and the files past a limit refused",
  growth: "## 8. Growth: national reads at 100,000, 1,000,000 and 3,000,000 entries",
  alerts: "## 9. The daily alert run at national scale, under the service's heap limit",
};

const begin = (p: string) => `<!-- bench:${p}:begin -->`;
const end = (p: string) => `<!-- bench:${p}:end -->`;

function skeleton(): string {
  const parts = PARTS.map(
    (p) =>
      `${TITLES[p]}\n\n${begin(p)}\n_Not measured yet: \`npm run bench -- --only=${p}\`._\n${end(p)}\n\n### Findings\n\n_None yet._\n`,
  );
  return [
    "# Benchmarks",
    "",
    "Written by `npm run bench` (`bench/run.ts`). The text between the `bench:*` markers is rewritten by",
    "each run of that part; the findings under each part are written by hand and kept.",
    "",
    begin("header"),
    end("header"),
    "",
    ...parts,
  ].join("\n");
}

/** Replaces the blocks of the parts given, creating the file (or a missing section) if needed. */
export async function writeResults(blocks: Partial<Record<Part | "header", string>>): Promise<void> {
  let text = existsSync(RESULTS_FILE) ? await readFile(RESULTS_FILE, "utf8") : skeleton();
  for (const [part, body] of Object.entries(blocks)) {
    const b = begin(part);
    const e = end(part);
    const i = text.indexOf(b);
    const j = text.indexOf(e);
    const block = `${b}\n${body.trim()}\n${e}`;
    if (i >= 0 && j > i) text = text.slice(0, i) + block + text.slice(j + e.length);
    else text = `${text.trimEnd()}\n\n${TITLES[part as Part | "header"]}\n\n${block}\n`;
  }
  await writeFile(RESULTS_FILE, text.endsWith("\n") ? text : `${text}\n`);
  // Biome formats Markdown too (`npm run lint` checks it): align the tables as it wants them.
  try {
    execFileSync(resolve(ROOT, "node_modules/.bin/biome"), ["format", "--write", RESULTS_FILE], {
      cwd: ROOT,
      stdio: "ignore",
    });
  } catch {
    console.error("warning: could not format bench/RESULTS.md with biome (npm run format will)");
  }
}

export function headerBlock(
  m: Machine,
  databases: string[],
  options: string,
  wallS: number,
  parts: readonly Part[],
  outcome: { problems: string[]; failures: string[] },
): string {
  const list = (xs: string[]) => xs.map((x) => `- ${x}`).join("\n");
  const load = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(", ");
  return [
    `Last run: ${m.date} (parts: ${parts.join(", ")}; ${Math.round(wallS)} s in all).`,
    "",
    "| | |",
    "|---|---|",
    `| CPU | ${m.cpu}, ${m.cpus} cores |`,
    `| Memory | ${m.memoryGiB} GiB |`,
    `| Node.js | ${m.node} (${m.os}) |`,
    `| Databases | ${databases.join("; ")} |`,
    `| Code | ${m.commit} |`,
    `| Load average (1, 5, 15 min) | at the start ${load(m.loadStart)}; at the end ${load(os.loadavg())} |`,
    `| Options | ${options} |`,
    "",
    "The machine is shared with other work (load average above), so every figure is a median of",
    "repeated runs with its spread (min–max) beside it, and each floor is measured in the same run,",
    "interleaved with the figure it bounds.",
    "",
    outcome.failures.length
      ? `**Checks failed in this run:**\n\n${list(outcome.failures)}`
      : "Checks: every request answered 2xx, every row and message accounted for (none lost, none twice).",
    "",
    outcome.problems.length
      ? `Targets missed in this run:\n\n${list(outcome.problems)}`
      : "Every target met in this run.",
  ].join("\n");
}
