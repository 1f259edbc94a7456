// What every part of the benchmark receives from the runner.
import type { PgServer } from "./postgres.js";

export type Options = {
  /** Seconds of each measured posting round (API and floor alike). */
  durationS: number;
  /** Measured rounds per figure; the median is reported. */
  rounds: number;
  /** Repetitions of each rules query. */
  runs: number;
  /** autocannon connections, and concurrent loops of the floor. */
  connections: number;
  /** Units the posting load spreads over. */
  units: number;
  /** Messages of the e-mail benchmark. */
  messages: number;
  /** Fresh starts of the service per database. */
  starts: number;
  /** Seconds of each load phase while memory is watched. */
  loadS: number;
  /** Only PGlite, or only PostgreSQL. */
  databases: ("pglite" | "postgres")[];
  /** Extra node flags for the service process (before the start script's own), e.g. for profiling. */
  serviceNodeArgs: string[];
  /** Ledger sizes (entries) the growth part grows through, ascending. */
  sizes: number[];
};

export type Context = {
  pg: PgServer | null;
  opts: Options;
  log: (msg: string) => void;
};

export type PartResult = {
  /** Markdown for RESULTS.md. */
  markdown: string;
  /** Everything measured, for bench/out/*.json. */
  raw: unknown;
  /** Targets missed, one line each (a figure, reported; the run still succeeds). */
  problems: string[];
  /** Checks failed (refused requests, lost or duplicated rows or messages): the run fails. */
  failures: string[];
  /** Files beside RESULTS.md (a chart), written with it unless --no-write. */
  files?: { path: string; text: string }[];
};

export const DB_LABEL = { pglite: "PGlite", postgres: "PostgreSQL" } as const;
