// The figures of each fault case, as JSON under test-output/faults/ (gitignored), and the table
// the global teardown prints from them, ready to copy into bench/RESULTS.md.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

export const FIGURES_DIR = resolve(import.meta.dirname, "../../../test-output/faults");

export type MessageFigures = {
  /** Outbox messages that had to reach the server. */
  expected: number;
  /** Distinct Message-IDs the SMTP server accepted. */
  delivered: number;
  /** Extra copies of an accepted Message-ID (at-least-once resends, recognisable by the ID). */
  duplicated: number;
  /** Messages given up on (permanent 5xx). */
  dead: number;
};

export type Figures = {
  /** File name and first column: "1-smtp", "6-idempotency-postgres", ... */
  id: string;
  title: string;
  database: "pglite" | "postgres" | "pglite+postgres";
  seed?: number;
  /** Scenarios run within the case (sub-tests, rounds, kills...). */
  casesRun: number;
  faultsInjected: number;
  messages?: MessageFigures;
  requests?: number;
  status5xx?: number;
  durationMs: number;
  /** Everything else worth keeping (per-fault counts, timings). */
  details: Record<string, unknown>;
  /** Set when the case did not run, saying why. */
  skipped?: string;
};

export function recordFigures(f: Figures): void {
  mkdirSync(FIGURES_DIR, { recursive: true });
  writeFileSync(
    join(FIGURES_DIR, `${f.id}.json`),
    `${JSON.stringify({ ...f, recordedAt: new Date().toISOString() }, null, 2)}\n`,
  );
}

export function readAllFigures(): Figures[] {
  let files: string[];
  try {
    files = readdirSync(FIGURES_DIR).filter((f) => f.endsWith(".json"));
  } catch {
    return [];
  }
  return files
    .sort()
    .map((f) => JSON.parse(readFileSync(join(FIGURES_DIR, f), "utf8")) as Figures)
    .sort((a, b) => a.id.localeCompare(b.id, "en", { numeric: true }));
}

const dash = (v: number | undefined) => (v === undefined ? "–" : String(v));

/** A Markdown table of the recorded figures. */
export function summaryTable(all: Figures[]): string {
  const head = [
    "case",
    "database",
    "seed",
    "runs",
    "faults injected",
    "messages expected",
    "delivered",
    "duplicated (recognisable)",
    "dead",
    "requests",
    "5xx",
    "time (s)",
  ];
  const rows = all.map((f) =>
    f.skipped
      ? [`${f.id}: ${f.title}`, f.database, `SKIPPED: ${f.skipped}`, ...head.slice(3).map(() => "–")]
      : figureRow(f),
  );
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}

function figureRow(f: Figures): string[] {
  return [
    `${f.id}: ${f.title}`,
    f.database,
    dash(f.seed),
    String(f.casesRun),
    String(f.faultsInjected),
    dash(f.messages?.expected),
    dash(f.messages?.delivered),
    dash(f.messages?.duplicated),
    dash(f.messages?.dead),
    dash(f.requests),
    dash(f.status5xx),
    (f.durationMs / 1000).toFixed(1),
  ];
}
