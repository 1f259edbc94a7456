// The reallocation-request milestone (REQ): a written request to hand capital to other units,
// due from every (unit, program) that missed the rate milestone it follows (plan III.5: units
// that cannot reach the rates after 30/9 send a proposal before 10/11).
import { daysBetween, type LocalDate } from "./local-date.js";
import { blankEvaluation, type MilestoneEvaluation } from "./milestone-status.js";
import type { RequestMilestone } from "./plan.js";

export type RequestEvaluation = MilestoneEvaluation & {
  /** The earliest request covering the pair, if one was sent by asOf. */
  requestSentOn: LocalDate | null;
  /** True when the pair is only warned that it may need a request (met the first rate, at risk for the next). */
  advisory: boolean;
};

/** Any row that holds a request's judgement (a plan's row carries more). */
type RequestRow = MilestoneEvaluation & Partial<Pick<RequestEvaluation, "requestSentOn" | "advisory">>;

/**
 * `required`: the pair's evaluation of `m.requiredAfterMissing` on asOf (final once past its due
 * date); `advisory`: of `m.advisoryWhenAtRisk`. Figures shown are those of the rate milestone
 * behind the duty, so the unit sees what it is short of.
 */
export function evaluateRequest(
  m: RequestMilestone,
  asOf: LocalDate,
  required: MilestoneEvaluation | undefined,
  advisory: MilestoneEvaluation | undefined,
  sentOn: LocalDate | null,
): RequestEvaluation {
  return prepareRequest(m, asOf).judge(required, advisory, sentOn);
}

/** A request milestone made ready to judge many pairs on one day (see prepareMilestone). */
export function prepareRequest(m: RequestMilestone, asOf: LocalDate) {
  const open = asOf <= m.dueOn;
  const daysLeft = open ? daysBetween(asOf, m.dueOn) : 0;
  const result = <R extends RequestRow>(
    row: R,
    status: MilestoneEvaluation["status"],
    basis: MilestoneEvaluation | undefined,
    isAdvisory: boolean,
    filedBy: LocalDate | null,
  ): R => {
    row.id = m.id;
    row.dueOn = m.dueOn;
    row.status = status;
    row.allocated = basis?.allocated ?? 0n;
    row.disbursed = basis?.disbursed ?? 0n;
    row.rate = basis?.rate ?? null;
    row.threshold = basis?.threshold ?? 0;
    row.comparison = basis?.comparison ?? "gt";
    row.shortfall = status === "met" || status === "not_applicable" ? 0n : (basis?.shortfall ?? 0n);
    row.daysLeft = daysLeft;
    row.requiredDailyPace = null;
    row.projectedRate = null;
    row.projectedDisbursed = null;
    row.requestSentOn = filedBy;
    row.advisory = isAdvisory;
    return row;
  };
  /** The judgement written into `row`, every field of RequestEvaluation (see PreparedMilestone). */
  function judgeInto<R extends RequestRow>(
    required: MilestoneEvaluation | undefined,
    advisory: MilestoneEvaluation | undefined,
    sentOn: LocalDate | null,
    row: R,
  ): R {
    const filedOnTime = sentOn !== null && sentOn <= asOf && sentOn <= m.dueOn;
    const filedBy = sentOn !== null && sentOn <= asOf ? sentOn : null;
    if (required?.status === "missed") {
      if (filedOnTime) return result(row, "met", required, false, filedBy);
      return result(row, open ? "at_risk" : "missed", required, false, filedBy);
    }
    if (required?.status === "met" && advisory?.status === "at_risk" && open) {
      return result(row, filedOnTime ? "met" : "at_risk", advisory, true, filedBy);
    }
    return result(row, "not_applicable", required, false, filedBy);
  }
  return {
    judge(
      required: MilestoneEvaluation | undefined,
      advisory: MilestoneEvaluation | undefined,
      sentOn: LocalDate | null,
    ): RequestEvaluation {
      return judgeInto(required, advisory, sentOn, blankRequest());
    },
    judgeInto,
  };
}

/**
 * A blank judgement with the request's two fields, for judgeInto to fill (one request judged on
 * its own; a national evaluation builds its rows in plan-evaluation.ts). `satisfies` turns a field
 * added to RequestEvaluation into a compile error here.
 */
function blankRequest(): RequestEvaluation {
  const extra = { requestSentOn: null, advisory: false } satisfies Record<
    Exclude<keyof Required<RequestEvaluation>, keyof MilestoneEvaluation>,
    unknown
  >;
  return Object.assign(blankEvaluation(), extra);
}
