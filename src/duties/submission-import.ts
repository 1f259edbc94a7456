// Pure steps of a spreadsheet import of duty submissions (kind=duty-submissions): each row through
// its cell schema, then the rules POST /duties/{year}/{duty}/submissions applies, row by row, and
// whether the row is new. No database, no clock: the service passes the plans, units, the rows
// already recorded and today in.
import { z } from "zod";
import { type Duty, type DutyUnit, submissionRefusal } from "../domain/duties.js";
import type { LocalDate } from "../domain/local-date.js";
import { hasUnpairedSurrogate } from "../domain/text.js";
import { codeCell, dateCell, optionalTextCell, textCell, yearCell } from "../spreadsheets/cells.js";
import { type HeaderMap, locate, type RowError } from "../spreadsheets/import-header.js";
import type { RowStatus } from "../spreadsheets/row-plan.js";

// The API's text fields also refuse unpaired surrogates (src/http/schemas.ts `text`).
const wellFormed = (s: unknown, ctx: z.RefinementCtx) => {
  if (typeof s === "string" && hasUnpairedSurrogate(s))
    ctx.addIssue({
      code: "custom",
      message: "must be valid Unicode (no unpaired surrogate)",
      params: { rule: "well_formed" },
    });
};

/** One row's cells; lengths as the API's body (documentNumber 100, note 1000). */
export const submissionImportRow = z.object({
  planYear: yearCell,
  duty: codeCell,
  unit: codeCell,
  documentNumber: textCell(100).superRefine(wellFormed),
  submittedOn: dateCell,
  note: optionalTextCell(1000).superRefine(wellFormed),
});

export type SubmissionImportRow = z.infer<typeof submissionImportRow> & { row: number };

/** What a row records: status write (new), unchanged (recorded already) or error. */
export type PlannedSubmission = {
  row: number;
  status: RowStatus;
  planYear: number;
  dutyId: string;
  unitCode: string;
  documentNumber: string;
  submittedOn: LocalDate;
  note: string | null;
};

/** A row of duty_submission as far as the planner looks: withdrawals name what they withdraw. */
export type RecordedSubmission = {
  id: bigint;
  planYear: number;
  dutyId: string;
  unitCode: string;
  documentNumber: string;
  submittedOn: LocalDate;
  withdrawsId: bigint | null;
};

export type SubmissionImportContext = {
  header: HeaderMap;
  /** Each plan year's duties; a year without a plan is absent. */
  duties: ReadonlyMap<number, readonly Duty[]>;
  /** The rows' units that exist. */
  units: ReadonlyMap<string, DutyUnit>;
  /** What duty_submission holds for the rows' plan years and units. */
  recorded: readonly RecordedSubmission[];
  today: LocalDate;
  /** The units the importer may record for; null for an admin (any unit). */
  writableUnits: ReadonlySet<string> | null;
};

type Identity = Pick<
  PlannedSubmission,
  "planYear" | "dutyId" | "unitCode" | "documentNumber" | "submittedOn"
>;

/** Two submissions are the same when these five agree; the note is not part of it. */
export const submissionKey = (s: Identity) =>
  JSON.stringify([s.planYear, s.dutyId, s.unitCode, s.documentNumber, s.submittedOn]);

/** The keys of submissions on record and not withdrawn. */
function standingKeys(recorded: readonly RecordedSubmission[]): Set<string> {
  const withdrawn = new Set(recorded.flatMap((r) => (r.withdrawsId === null ? [] : [r.withdrawsId])));
  return new Set(
    recorded.filter((r) => r.withdrawsId === null && !withdrawn.has(r.id)).map((r) => submissionKey(r)),
  );
}

/**
 * Each row judged as recordSubmission judges a request, in its order: the importer's own unit
 * (before anything is looked up, so an officer learns nothing of other units), the duty in that
 * year's plan, the unit, whether the duty asks it, a date not after today. Then:
 *   a row identical to a standing submission → unchanged (a re-import writes nothing);
 *   a row identical to an earlier row of the file → error duplicate_row (the file is wrong: a
 *     document is sent once, and skipping the copy would hide a copy-paste slip);
 *   otherwise → write.
 */
export function planSubmissions(
  rows: readonly SubmissionImportRow[],
  c: SubmissionImportContext,
): { plans: PlannedSubmission[]; errors: RowError[] } {
  const errors: RowError[] = [];
  const standing = standingKeys(c.recorded);
  const seen = new Map<string, number>();
  const plans = rows.map((r): PlannedSubmission => {
    const plan: PlannedSubmission = {
      row: r.row,
      status: "write",
      planYear: r.planYear,
      dutyId: r.duty,
      unitCode: r.unit,
      documentNumber: r.documentNumber,
      submittedOn: r.submittedOn,
      note: r.note,
    };
    const fail = (field: string, rule: string, message: string) => {
      errors.push({ row: r.row, ...locate(c.header, field), rule, message });
      plan.status = "error";
      return plan;
    };
    if (c.writableUnits && !c.writableUnits.has(r.unit))
      return fail("unit", "not_your_unit", `this key may not record for unit ${r.unit}`);
    const duties = c.duties.get(r.planYear);
    if (!duties) return fail("planYear", "unknown_plan", `no plan for ${r.planYear}`);
    const duty = duties.find((d) => d.id === r.duty);
    if (!duty) return fail("duty", "unknown_duty", `plan ${r.planYear} has no duty ${r.duty}`);
    const unit = c.units.get(r.unit);
    if (!unit) return fail("unit", "unknown_unit", `no unit with code ${r.unit}`);
    const refused = submissionRefusal(duty, unit, r.submittedOn, c.today);
    if (refused) return fail(refused.field, refused.rule, refused.message);
    const key = submissionKey(plan);
    const first = seen.get(key);
    if (first !== undefined)
      return fail("documentNumber", "duplicate_row", `row ${first} already records this document`);
    seen.set(key, r.row);
    if (standing.has(key)) plan.status = "unchanged";
    return plan;
  });
  return { plans, errors };
}
