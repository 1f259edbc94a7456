// What the growth part (bench/parts/growth.ts) measured, as RESULTS.md tables and bench/growth.svg.
import { resolve } from "node:path";
import { BENCH_UNITS } from "../rules-dataset.js";
import type { Context } from "./context.js";
import { DB_LABEL } from "./context.js";
import { ms, num, percentile, ratio } from "./stats.js";
import { assertWellFormedXml, renderLineChart, type Series } from "./svg-chart.js";

export const GROWTH_SVG = resolve(import.meta.dirname, "../growth.svg");
/** The asOf of every repeated request (and the floor's, see FLOOR_SQL in bench/parts/rules.ts). */
export const REPEATED_AS_OF = "2022-09-15";
/**
 * Cold requests the service answers after its start and before the cold ones sampled, reported on
 * a row of their own: V8 compiles the service's code during its first requests (the first cold one
 * of each service took 124 to 155 ms, the median of its 20 44 to 74 ms, in the 12:54 run of
 * 2026-12-02), and a service serves for days. They ask dates spread over the cold range for pages of 99, so that they
 * run the same rules (before and after 30/9) and leave no answer a sampled request asks for.
 */
export const HTTP_WARM_UP = 10;
/**
 * The quiet before each request of the "after a pause" row. Admins do not ask back to back: in a
 * probe (1,000,000 entries, PostgreSQL, before the pools kept idle connections), a cold GET after
 * 12 s with no request took 90 to 121 ms against 36 to 49 ms back to back, and a repeated one 38 to
 * 45 ms against 5 to 15 ms.
 */
export const HTTP_PAUSE_MS = 10_000;

export type ReadId =
  | "viewCold"
  | "atRiskCold"
  | "atRiskRepeated"
  | "httpCold"
  | "httpFirst"
  | "httpAfterPause"
  | "httpRepeated"
  | "evaluateCold"
  | "evaluateRepeated"
  | "summaryCold"
  | "summaryRepeated"
  | "unitCold"
  | "unitRepeated"
  | "knownAt"
  | "floor";

/** The rows of each table, in order; `chart` marks the lines drawn. */
const READS: { id: ReadId; label: string; chart?: boolean }[] = [
  { id: "viewCold", label: "at-risk view (its first page), cold", chart: true },
  { id: "atRiskCold", label: "at-risk, the whole list, cold", chart: true },
  { id: "atRiskRepeated", label: "at-risk, the whole list, repeated", chart: true },
  { id: "httpCold", label: "GET /at-risk (its default answer), cold", chart: true },
  { id: "httpFirst", label: `GET /at-risk, cold, the service's first ${HTTP_WARM_UP} after its start` },
  {
    id: "httpAfterPause",
    label: `GET /at-risk (its default answer), cold, each after ${HTTP_PAUSE_MS / 1000} s with no request`,
  },
  { id: "httpRepeated", label: "GET /at-risk (its default answer), repeated" },
  { id: "evaluateCold", label: "full evaluation, cold", chart: true },
  { id: "evaluateRepeated", label: "full evaluation, repeated" },
  { id: "summaryCold", label: "summary, cold", chart: true },
  { id: "summaryRepeated", label: "summary, repeated" },
  { id: "unitCold", label: "one unit's status, cold", chart: true },
  { id: "unitRepeated", label: "one unit's status, repeated" },
  { id: "knownAt", label: "at-risk with knownAt = now (cold)", chart: true },
  { id: "floor", label: "floor: bare grouped sum", chart: true },
];

export type SizeResult = {
  db: "pglite" | "postgres";
  entries: number;
  /** Entries inserted to reach this size, and the time (INSERT ... generate_series, VACUUM (ANALYZE)). */
  added: number;
  loadMs: number;
  samples: Partial<Record<ReadId, number[]>>;
  atRiskItems: number;
  httpBytes: number;
  /** This process during the in-process reads (PGlite's thread included). */
  runnerPeakRssMb: number;
  service: { startMs: number; hwmMb: number; rssMb: number } | null;
  coldDatesReused: boolean;
};

export type DbGrowth = { db: "pglite" | "postgres"; sizes: SizeResult[] };

/** Targets of issue 13, part 3. */
const FLOOR_SHARE = 0.5;
const FLAT = 1.5;
const PG_AT_RISK_MS = 50;

const p50 = (xs: number[] | undefined) => percentile(xs ?? [], 50);
const p99 = (xs: number[] | undefined) => percentile(xs ?? [], 99);

export function entriesLabel(n: number): string {
  if (n >= 1_000_000 && n % 100_000 === 0) return `${n / 1_000_000}M`;
  if (n >= 1000 && n % 1000 === 0) return `${n / 1000}k`;
  return num(n);
}

function dbTables(r: DbGrowth, problems: string[]): string[] {
  const sizes = r.sizes;
  const first = sizes[0]!;
  const last = sizes.at(-1)!;
  const db = DB_LABEL[r.db];
  const growth = sizes.length > 1 ? ` ${entriesLabel(last.entries)} ÷ ${entriesLabel(first.entries)} |` : "";
  const lines = [
    `**${db}**: p50 (p99) of each read, by entries in the ledger.`,
    "",
    `| read |${sizes.map((s) => ` ${entriesLabel(s.entries)} |`).join("")}${growth}`,
    `|---|${sizes.map(() => "---|").join("")}${sizes.length > 1 ? "---|" : ""}`,
  ];
  for (const read of READS) {
    const cells = sizes.map((s) => {
      const xs = s.samples[read.id];
      return xs?.length ? ` ${ms(p50(xs))} (${ms(p99(xs))}) |` : " n/a |";
    });
    const g = sizes.length > 1 ? ` ${ratio(p50(last.samples[read.id]), p50(first.samples[read.id]))} |` : "";
    lines.push(`| ${read.id === "floor" ? `_${read.label}_` : read.label} |${cells.join("")}${g}`);
  }
  const share = (id: ReadId) =>
    `| **${READS.find((x) => x.id === id)!.label} ÷ floor** (p50) |${sizes.map((s) => ` ${ratio(p50(s.samples[id]), p50(s.samples.floor))} |`).join("")}${sizes.length > 1 ? " |" : ""}`;
  lines.push(share("viewCold"), share("atRiskCold"), share("evaluateCold"));
  // The issue's reads: the view (what GET /at-risk answers: a page, with the whole list's totals)
  // and a full evaluation (what the alert job asks), each at most half the floor at 1M entries.
  for (const s of sizes) {
    const view = p50(s.samples.viewCold);
    for (const id of ["viewCold", "evaluateCold"] as const) {
      const x = p50(s.samples[id]);
      if (s.entries === 1_000_000 && !(x / p50(s.samples.floor) <= FLOOR_SHARE))
        problems.push(
          `growth ${db}: ${READS.find((r) => r.id === id)!.label} p50 is ${ratio(x, p50(s.samples.floor))} the floor at 1M entries (target ≤ ${FLOOR_SHARE}x)`,
        );
    }
    if (r.db === "postgres" && !(view < PG_AT_RISK_MS))
      problems.push(
        `growth ${db}: at-risk view cold p50 ${ms(view)} at ${entriesLabel(s.entries)} entries (target < ${PG_AT_RISK_MS} ms)`,
      );
  }
  if (sizes.length > 1)
    for (const id of ["viewCold", "atRiskCold", "evaluateCold"] as const) {
      const g = p50(last.samples[id]) / p50(first.samples[id]);
      if (!(g <= FLAT))
        problems.push(
          `growth ${db}: ${READS.find((x) => x.id === id)!.label} p50 grows ${g.toFixed(2)}x from ${entriesLabel(first.entries)} to ${entriesLabel(last.entries)} entries (target flat, ≤ ${FLAT}x)`,
        );
    }
  const mb = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? `${num(x)} MB` : "n/a");
  const row = (label: string, f: (s: SizeResult) => string) =>
    `| ${label} |${sizes.map((s) => ` ${f(s)} |`).join("")}`;
  lines.push(
    "",
    `| ${db}: the ledger and memory |${sizes.map((s) => ` ${entriesLabel(s.entries)} |`).join("")}`,
    `|---|${sizes.map(() => "---|").join("")}`,
    row("entries added in place, load time", (s) => `+${num(s.added)}, ${ms(s.loadMs)}`),
    row(`at-risk items on ${REPEATED_AS_OF}`, (s) => num(s.atRiskItems)),
    row("GET /at-risk: bytes of the answer", (s) =>
      Number.isFinite(s.httpBytes) ? `${num(s.httpBytes / 1024)} kB` : "n/a",
    ),
    row("bench process, peak RSS during the in-process reads", (s) => mb(s.runnerPeakRssMb)),
    row("service: start, VmHWM (peak since start) / VmRSS after the HTTP reads", (s) =>
      s.service ? `${ms(s.service.startMs)}, ${mb(s.service.hwmMb)} / ${mb(s.service.rssMb)}` : "n/a",
    ),
    row(
      "samples (at-risk cold / repeated / floor)",
      (s) =>
        `${s.samples.atRiskCold?.length ?? 0} / ${s.samples.atRiskRepeated?.length ?? 0} / ${s.samples.floor?.length ?? 0}`,
    ),
  );
  return lines;
}

export function growthMarkdown(
  ctx: Context,
  results: DbGrowth[],
  wallS: number,
): { markdown: string; problems: string[] } {
  const problems: string[] = [];
  const sizes = ctx.opts.sizes.map((n) => num(n)).join(", ");
  const dbs = results.map((r) =>
    r.db === "pglite" ? "PGlite (on disk, as the service keeps it)" : "PostgreSQL (a database of its own)",
  );
  const reused = results.some((r) => r.sizes.some((s) => s.coldDatesReused));
  const lines = [
    `Measured ${new Date().toISOString().slice(0, 16)}Z in ${num(wallS)} s. The ledger of part 2 (\`bench/rules-dataset.ts\`:`,
    `${num(BENCH_UNITS)} units × 3 programs × 2 sources, 61,428 allocations of 2022) grown in place through ${sizes}`,
    "entries (each step inserts the next numbers of the same `generate_series`, amounts sized so that no scope",
    `passes its allocation at the largest size, dates over 2022), on ${dbs.join(" and ")}.`,
    "At each size, in this process through the service functions (`createContainer`): `rules.atRiskPage`",
    "(the view: the first page of 100, with the whole list's totals, as GET /at-risk answers by default), `rules.atRisk`",
    "(the whole list, as the exports read it), `rules.evaluate` (the 2022 plan), `rules.summary`, `rules.unitStatus` (an admin),",
    "`rules.atRisk` with `knownAt` = now, and the floor (`FLOOR_SQL` of part 2, a grouped sum over the same rows);",
    "then `GET /api/v1/at-risk?asOf=…&planYear=2022` through the real service process (as `npm start` runs it,",
    "started afresh on the grown ledger): its default answer, the first page of 100 with the whole list's totals.",
    `The service first answers ${HTTP_WARM_UP} cold requests for pages of 99 on dates spread over that range, timed on a row of their own:`,
    "its code is compiled while it answers its first requests, and these leave no answer a sampled request asks for.",
    `The sampled requests come back to back; after them, ${ctx.opts.runs} more cold ones, each after ${HTTP_PAUSE_MS / 1000} s with no request, as an admin asks.`,
    `**Cold**: every request on an asOf not asked before on this ledger (2022-09-01..12-31), so no result cache`,
    `answers it; **repeated**: the same asOf (${REPEATED_AS_OF}) asked again, back to back, after a first ask.`,
    `Cold reads and the floor are interleaved, round robin; each read ${ctx.opts.runs} to ${4 * ctx.opts.runs} times (fewer when slow),`,
    "so a p99 is in fact the slowest of its samples.",
    reused
      ? "**Some cold dates came round twice in this run (more than 121 cold requests at one size).**"
      : "",
    "",
    "![growth](growth.svg)",
    "",
  ];
  for (const r of results) lines.push(...dbTables(r, problems), "");
  lines.push(
    `Targets (issue 13, part 3): at-risk and full evaluation flat as entries grow (here: largest ÷ smallest ≤ ${FLAT}x),`,
    `the at-risk view and a full evaluation, cold, each at most ${FLOOR_SHARE}x the floor at 1,000,000 entries, and the view under ${PG_AT_RISK_MS} ms on PostgreSQL.`,
  );
  return { markdown: lines.join("\n"), problems };
}

/** The p50 of every charted read against entries, a panel per database; checked to be well-formed. */
export function growthChart(results: DbGrowth[]): string {
  const entries = [...new Set(results.flatMap((r) => r.sizes.map((s) => s.entries)))];
  const svg = renderLineChart({
    title: "National reads as the ledger grows",
    subtitle: `p50 of each read, ${num(BENCH_UNITS)} units; measured ${new Date().toISOString().slice(0, 10)} (bench/RESULTS.md, part 8)`,
    xLabel: "entries in the ledger (log scale)",
    yLabel: "time per request, p50 (log scale)",
    xTicks: entries.map((x) => ({ x, label: entriesLabel(x) })),
    panels: results.map((r) => ({
      title: DB_LABEL[r.db],
      series: READS.filter((read) => read.chart).map(
        (read): Series => ({
          label: read.label,
          dashed: read.id === "floor",
          points: r.sizes.map((s) => ({ x: s.entries, y: p50(s.samples[read.id]) })),
        }),
      ),
    })),
  });
  assertWellFormedXml(svg);
  return svg;
}
