// Two readings of a milestone where the State Treasury (Kho bạc Nhà nước) has spoken: the figures
// units report, and the Treasury's. A statement states each scope's cumulative disbursement at
// its date; the Treasury's reading at a milestone's cut-off is the latest statement dated on or
// before it, plus what units reported disbursing after that date: a statement replaces the
// reported history up to its date, never what came after it. The plan says which reading the
// verdict uses. Pure: figures in, figures and rows out.
import type { LocalDate } from "./local-date.js";
import type { MilestoneEvaluation, MilestoneStatus, ScopeFigures } from "./milestone-status.js";
import type { PairEvaluation } from "./plan-evaluation.js";

/**
 * "reported": verdicts on the units' figures, the Treasury's shown beside them.
 * "treasury_once_stated" (the default): the units' figures until a statement confirms or
 * contradicts them, the Treasury's reading from then on.
 */
export const VERDICT_FIGURES = ["reported", "treasury_once_stated"] as const;
export type VerdictFigures = (typeof VERDICT_FIGURES)[number];
export const DEFAULT_VERDICT_FIGURES: VerdictFigures = "treasury_once_stated";

/** A statement as the rules read it: its date and the units it lists for the plan year. */
export type StatementOnFile = {
  id: bigint;
  asOf: LocalDate;
  documentRef: string;
  unitCodes: ReadonlySet<string>;
};

/**
 * The statement the Treasury's reading of a unit rests on at a cut-off: the latest dated on or
 * before it that lists the unit, the last imported among those of one date.
 */
export function statementFor(
  statements: readonly StatementOnFile[],
  unitCode: string,
  cutoff: LocalDate,
): StatementOnFile | undefined {
  let best: StatementOnFile | undefined;
  for (const s of statements) {
    if (s.asOf > cutoff || !s.unitCodes.has(unitCode)) continue;
    if (!best || s.asOf > best.asOf || (s.asOf === best.asOf && s.id > best.id)) best = s;
  }
  return best;
}

/**
 * One scope's figures on the Treasury's reading: `stated` (the statement's cumulative in the
 * scope, 0 where it lists none) and the reported movement since the statement's date. Allocations
 * and the recent pace stay the reported ones: the statement speaks of disbursement only.
 */
export function treasuryScopeFigures(
  reported: ScopeFigures,
  reportedAtStatement: ScopeFigures | undefined,
  stated: bigint,
): ScopeFigures {
  return {
    allocated: reported.allocated,
    disbursed: stated + reported.disbursed - (reportedAtStatement?.disbursed ?? 0n),
    recentDisbursed: reported.recentDisbursed,
  };
}

export type Reading = {
  status: MilestoneStatus;
  disbursed: bigint;
  rate: number | null;
  shortfall: bigint;
};

/** Both readings of a row a statement speaks for, and the one its verdict (`status`) uses. */
export type Readings = {
  used: "reported" | "treasury";
  reported: Reading;
  treasury: Reading & { statementId: bigint; statementAsOf: LocalDate; documentRef: string };
};

const readingOf = (e: MilestoneEvaluation): Reading => ({
  status: e.status,
  disbursed: e.disbursed,
  rate: e.rate,
  shortfall: e.shortfall,
});

export const rowKey = (milestoneId: string, unitCode: string, program: string) =>
  `${milestoneId}|${unitCode}|${program}`;

/**
 * The rows a view shows: each row a statement speaks for carries both readings, and is the
 * Treasury's row when the plan says so. `treasuryRows` holds the Treasury's evaluation of the
 * pairs of units some statement lists (where no statement applied, its figures are the reported
 * ones, so its rows equal them); `statementOf` names the statement behind each rate row.
 */
export function withTreasuryReadings(
  reportedRows: readonly PairEvaluation[],
  treasuryRows: ReadonlyMap<string, PairEvaluation>,
  statementOf: ReadonlyMap<string, StatementOnFile>,
  policy: VerdictFigures,
): PairEvaluation[] {
  if (treasuryRows.size === 0) return reportedRows as PairEvaluation[];
  return reportedRows.map((reported) => treasuryReading(reported, treasuryRows, statementOf, policy));
}

/** withTreasuryReadings for one row: the row as the policy reads it, with both readings beside. */
export function treasuryReading(
  reported: PairEvaluation,
  treasuryRows: ReadonlyMap<string, PairEvaluation>,
  statementOf: ReadonlyMap<string, StatementOnFile>,
  policy: VerdictFigures,
): PairEvaluation {
  const k = rowKey(reported.id, reported.unitCode, reported.program);
  const treasury = treasuryRows.get(k);
  if (!treasury) return reported;
  const used = policy === "reported" ? "reported" : "treasury";
  const row = used === "treasury" ? treasury : reported;
  const s = statementOf.get(k);
  if (!s) return row;
  return {
    ...row,
    readings: {
      used,
      reported: readingOf(reported),
      treasury: {
        ...readingOf(treasury),
        statementId: s.id,
        statementAsOf: s.asOf,
        documentRef: s.documentRef,
      },
    },
  };
}
