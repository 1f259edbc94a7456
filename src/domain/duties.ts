// Duties: documents a plan asks of units by a date (the 6-monthly and yearly reports, the
// programmes' guidance), besides the money milestones. Pure: a duty's status is a function of the
// duty, the unit's submissions, the day asked about and the working calendar.
import { z } from "zod";
import type { LocalDate } from "./local-date.js";
import {
  type LegalBasis,
  legalBasisSchema,
  localDateSchema,
  PLAN_ITEM_ID_PATTERN,
  planText,
  UNIT_KINDS,
  type UnitKind,
  uniqueItems,
} from "./plan-fields.js";
import type { WorkingCalendar } from "./working-days.js";

/** Whom a duty asks: every unit, the units of some kinds, or units named by code. */
export type DutyFrom = { all: true } | { unitKinds: UnitKind[] } | { units: string[] };

export interface Duty {
  id: string;
  /** Vietnamese, as units are told it. */
  title: string;
  /** What is due (the document), in Vietnamese. */
  document: string;
  from: DutyFrom;
  /** The last day a submission is on time ("by D" is by the end of D). */
  dueOn: LocalDate;
  legalBasis: LegalBasis;
  /** Why this date, when the plan's text gives none (Vietnamese). */
  dateChosen?: string;
  /** at_risk from this many working days before the due date; absent: the default. */
  atRiskWithinWorkingDays?: number;
}

/** A week of working days: enough to write, sign and send a report once warned. */
export const DEFAULT_AT_RISK_WITHIN_WORKING_DAYS = 5;

const UNIT_CODE = /^[A-Z0-9][A-Z0-9_-]*$/;

export const dutyFromSchema = z.union([
  z.strictObject({ all: z.literal(true) }),
  z.strictObject({
    unitKinds: z
      .array(z.enum(UNIT_KINDS))
      .min(1)
      .refine(uniqueItems, { message: "Each unit kind at most once" }),
  }),
  z.strictObject({
    units: z
      .array(z.string().min(1).max(32).regex(UNIT_CODE, { message: "Expected a unit code" }))
      .min(1)
      .max(500)
      .refine(uniqueItems, { message: "Each unit at most once" }),
  }),
]);

export const dutySchema = z.strictObject({
  id: z.string().regex(PLAN_ITEM_ID_PATTERN, { message: "Duty id must match /^[A-Z][A-Z0-9_]{1,15}$/" }),
  title: planText(500),
  document: planText(500),
  from: dutyFromSchema,
  dueOn: localDateSchema,
  legalBasis: legalBasisSchema,
  dateChosen: planText(2000).optional(),
  atRiskWithinWorkingDays: z.number().int().min(0).max(250).optional(),
});

export type DutyStatus = "not_applicable" | "met" | "on_track" | "at_risk" | "missed";

export type DutyUnit = { code: string; kind: UnitKind };

/** True when the duty asks this unit for its document. */
export function dutyAsks(duty: Pick<Duty, "from">, unit: DutyUnit): boolean {
  const f = duty.from;
  if ("all" in f) return true;
  if ("unitKinds" in f) return f.unitKinds.includes(unit.kind);
  return f.units.includes(unit.code);
}

/** Whom a duty asks, for messages: "every unit", "units of kind district", "only SO_NNPTNT". */
export function describeFrom(duty: Pick<Duty, "from">): string {
  const f = duty.from;
  if ("all" in f) return "every unit";
  if ("unitKinds" in f) return `units of kind ${f.unitKinds.join(", ")}`;
  return `only ${f.units.join(", ")}`;
}

export type SubmissionRefusal = { field: "unit" | "submittedOn"; rule: string; message: string };

/**
 * Why a unit's submission for a duty cannot be recorded, or null: the duty must ask the unit, and
 * a document cannot have been sent on a day still to come. The API and the spreadsheet import
 * both ask here.
 */
export function submissionRefusal(
  duty: Pick<Duty, "id" | "from">,
  unit: DutyUnit,
  submittedOn: LocalDate,
  today: LocalDate,
): SubmissionRefusal | null {
  if (!dutyAsks(duty, unit))
    return {
      field: "unit",
      rule: "not_asked",
      message: `${duty.id} asks ${describeFrom(duty)}, not ${unit.code}`,
    };
  if (submittedOn > today)
    return {
      field: "submittedOn",
      rule: "not_in_future",
      message: `${submittedOn} is after today (${today} in Asia/Ho_Chi_Minh)`,
    };
  return null;
}

/**
 * One row of the submissions record: a submission, or (withdrawsId set) the withdrawal of one.
 * recordedOn is the local date the row was written: what the service knew by then.
 */
export type SubmissionFact = {
  id: string;
  submittedOn: LocalDate;
  recordedOn: LocalDate;
  withdrawsId: string | null;
};

/** The submissions that count on asOf: dated and recorded by then, and not withdrawn by then. */
export function standingSubmissions<S extends SubmissionFact>(rows: readonly S[], asOf: LocalDate): S[] {
  const known = rows.filter((r) => r.recordedOn <= asOf);
  const withdrawn = new Set(known.flatMap((r) => (r.withdrawsId === null ? [] : [r.withdrawsId])));
  return known.filter((r) => r.withdrawsId === null && r.submittedOn <= asOf && !withdrawn.has(r.id));
}

export type DutyVerdict = {
  status: DutyStatus;
  /** Working days in (asOf, dueOn], as the milestones count them; 0 on and after the due date. */
  workingDaysLeft: number;
  /** The earliest standing submission on time, when met. */
  metBy: string | null;
};

/**
 * met: a standing submission dated on or before the due date; missed: the due date has passed
 * without one (a late submission does not make it met); before that, at_risk within
 * atRiskWithinWorkingDays working days of the due date (the due date counted), else on_track.
 */
export function evaluateDuty(
  duty: Duty,
  unit: DutyUnit,
  submissions: readonly SubmissionFact[],
  asOf: LocalDate,
  calendar: WorkingCalendar,
): DutyVerdict {
  const workingDaysLeft = calendar.workingDaysBetween(asOf, duty.dueOn);
  if (!dutyAsks(duty, unit)) return { status: "not_applicable", workingDaysLeft, metBy: null };
  const onTime = standingSubmissions(submissions, asOf)
    .filter((s) => s.submittedOn <= duty.dueOn)
    .sort((a, b) => (a.submittedOn < b.submittedOn ? -1 : a.submittedOn > b.submittedOn ? 1 : 0));
  if (onTime[0]) return { status: "met", workingDaysLeft, metBy: onTime[0].id };
  if (asOf > duty.dueOn) return { status: "missed", workingDaysLeft, metBy: null };
  const within = duty.atRiskWithinWorkingDays ?? DEFAULT_AT_RISK_WITHIN_WORKING_DAYS;
  return { status: workingDaysLeft <= within ? "at_risk" : "on_track", workingDaysLeft, metBy: null };
}

/** One duty asked of one unit, judged as of a day: what the alert policy reads of the duties. */
export type DutyEvaluation = {
  /** The duty's id. */
  id: string;
  title: string;
  document: string;
  unitCode: string;
  dueOn: LocalDate;
  status: DutyStatus;
  workingDaysLeft: number;
};
