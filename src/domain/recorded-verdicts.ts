// A closed milestone keeps the verdict it recorded: today's reading is still what `status` says,
// and beside it each row carries the recorded verdict, with the recorded figures wherever a
// restatement (an admin's rewrite of the closed period, or a restating plan amendment) changed
// the outcome. Pure: evaluations and closings in, rows out.
import type { ClosedMilestone, RecordedFigures, RecordedVerdict } from "./closing.js";
import type { LocalDate } from "./local-date.js";
import type { MilestoneStatus } from "./milestone-status.js";
import { copyRow, type PairEvaluation } from "./plan-evaluation.js";
import type { StatusCounts } from "./summary.js";

export type ClosedMarks = {
  /** The row judges a closed milestone after its due date: `recordedStatus` is its final verdict. */
  closed?: true;
  recordedStatus?: MilestoneStatus;
  /** Today's reading differs from the recorded one (status or figures). */
  restated?: true;
  /** The figures recorded at closing; only on restated rows. */
  recorded?: RecordedFigures;
};

export type JudgedRow = PairEvaluation & ClosedMarks;

/**
 * What a closing recorded for a pair it did not judge: a pair with no entries in scope by then,
 * which the evaluation leaves out and which, judged, would have held nothing.
 */
const NOT_JUDGED: RecordedFigures = {
  status: "not_applicable",
  allocated: 0n,
  disbursed: 0n,
  rate: null,
  shortfall: 0n,
};

const key = (milestoneId: string, unitCode: string, program: string) =>
  `${milestoneId}|${unitCode}|${program}`;

/** The closings that speak for a reading on asOf: a verdict recorded as of a due date answers only after it. */
function closingsAfterDue<C extends ClosedMilestone>(
  closings: readonly C[],
  asOf: LocalDate,
): Map<string, C> {
  return new Map(closings.filter((c) => asOf > c.dueOn).map((c) => [c.milestoneId, c]));
}

/** Status or figures differ; the rate follows from the figures, and its display rounding may change. */
function differs(e: PairEvaluation, r: RecordedFigures): boolean {
  return (
    e.status !== r.status ||
    e.allocated !== r.allocated ||
    e.disbursed !== r.disbursed ||
    e.shortfall !== r.shortfall
  );
}

/**
 * Rows of closed milestones gain `closed`, `recordedStatus` and, where today's reading differs,
 * `restated` and `recorded`; other rows are returned as they are (no copy when nothing is closed).
 */
export function withRecordedVerdicts(
  evals: readonly PairEvaluation[],
  closings: readonly ClosedMilestone[],
  verdicts: readonly RecordedVerdict[],
  asOf: LocalDate,
): JudgedRow[] {
  const mark = recordedVerdictMarks(closings, verdicts, asOf);
  return mark ? evals.map(mark) : (evals as JudgedRow[]);
}

/**
 * withRecordedVerdicts one row at a time: what marks a row, or undefined when no milestone is
 * closed by asOf (every row then stands as it is).
 */
export function recordedVerdictMarks(
  closings: readonly ClosedMilestone[],
  verdicts: readonly RecordedVerdict[],
  asOf: LocalDate,
): ((e: PairEvaluation) => JudgedRow) | undefined {
  const closed = closingsAfterDue(closings, asOf);
  if (closed.size === 0) return undefined;
  const recorded = new Map(verdicts.map((v) => [key(v.milestoneId, v.unitCode, v.program), v]));
  return (e) => {
    if (!closed.has(e.id)) return e;
    const v: RecordedFigures = recorded.get(key(e.id, e.unitCode, e.program)) ?? NOT_JUDGED;
    const row = closedRow(e, v.status);
    if (differs(e, v)) {
      row.restated = true;
      row.recorded =
        v === NOT_JUDGED
          ? v
          : {
              status: v.status,
              allocated: v.allocated,
              disbursed: v.disbursed,
              rate: v.rate,
              shortfall: v.shortfall,
            };
    }
    return row;
  };
}

/** A copy of the row with the marks every closed row carries: the evaluation stays untouched. */
function closedRow(e: PairEvaluation, recordedStatus: MilestoneStatus): JudgedRow {
  const row = copyRow(e) as JudgedRow;
  row.closed = true;
  row.recordedStatus = recordedStatus;
  return row;
}

export type ClosingCounts = {
  closedAt: Date;
  closedBy: string;
  document: string;
  automatic: boolean;
  /** Pairs by the status recorded at closing. */
  recordedCounts: StatusCounts;
  /** Pairs whose reading today differs from the recorded one. */
  restated: number;
};

/**
 * Per closed milestone (read after its due date): the recorded counts and how many pairs were
 * restated since, to sit beside the summary's counts by today's status.
 */
export function closingCounts(
  rows: readonly JudgedRow[],
  closings: readonly (ClosedMilestone & { automatic?: boolean })[],
  verdicts: readonly RecordedVerdict[],
  asOf: LocalDate,
): Map<string, ClosingCounts> {
  const restated = new Map<string, number>();
  for (const r of rows) countRestated(restated, r);
  return closingCountsOf(restated, closings, verdicts, asOf);
}

/** Adds a restated row to the counts by milestone closingCountsOf takes (rows counted as they pass). */
export function countRestated(counts: Map<string, number>, r: JudgedRow): void {
  if (r.restated) counts.set(r.id, (counts.get(r.id) ?? 0) + 1);
}

/** closingCounts, with the restated rows already counted by milestone (countRestated). */
export function closingCountsOf(
  restatedById: ReadonlyMap<string, number>,
  closings: readonly (ClosedMilestone & { automatic?: boolean })[],
  verdicts: readonly RecordedVerdict[],
  asOf: LocalDate,
): Map<string, ClosingCounts> {
  const out = new Map<string, ClosingCounts>();
  for (const c of closingsAfterDue(closings, asOf).values()) {
    const recordedCounts: StatusCounts = { not_applicable: 0, met: 0, on_track: 0, at_risk: 0, missed: 0 };
    for (const v of verdicts) if (v.milestoneId === c.milestoneId) recordedCounts[v.status] += 1;
    const restated = restatedById.get(c.milestoneId) ?? 0;
    out.set(c.milestoneId, {
      closedAt: c.closedAt,
      closedBy: c.closedBy,
      document: c.document,
      automatic: c.automatic ?? false,
      recordedCounts,
      restated,
    });
  }
  return out;
}
