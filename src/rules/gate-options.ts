// How many national evaluations run at once, and how many may wait: plain settings, apart from
// the gate that enforces them (evaluation-gate.ts loads the database lanes), so config.ts reads
// them without loading pg.

export type GateOptions = {
  /** Distinct evaluations computed at once. */
  concurrency: number;
  /** Distinct evaluations that may wait for a slot; past this, a caller is told to retry. */
  maxWaiting: number;
};

/**
 * One at a time: on the embedded database a second scan would only queue for its one session, and
 * on a small PostgreSQL host four at once starved posts of CPU (bench/RESULTS.md, part 6).
 */
export const DEFAULT_GATE: GateOptions = { concurrency: 1, maxWaiting: 16 };
