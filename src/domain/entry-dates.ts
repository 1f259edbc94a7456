// Dates that can be: no movement of money is dated in the future, and each falls in the window
// its plan year allows. The windows are read off the year's plan (its refund and carried-over
// milestones), so a plan that moves a deadline moves the window with it.
import type { FieldIssue } from "./errors.js";
import type { MovementKind } from "./ledger-rules.js";
import type { LocalDate } from "./local-date.js";
import type { Plan } from "./plan.js";

export type DatedKind = MovementKind | "request";

export type DateWindow = { from: LocalDate; to: LocalDate };

const jan1 = (y: number) => `${String(y).padStart(4, "0")}-01-01`;
const dec31 = (y: number) => `${String(y).padStart(4, "0")}-12-31`;

/** End of the plan year's refund period: its refund milestone's due date, else 31/01 of the next year. */
export function refundPeriodEnd(planYear: number, plan: Plan | null): LocalDate {
  const ref = plan?.milestones.find((m) => m.kind === "refund" && m.scope.kind === "own");
  return ref?.dueOn ?? `${String(planYear + 1).padStart(4, "0")}-01-31`;
}

/** End of the extension of capital carried over from `fromYear`: its milestone's due date, else 31/12 of the plan year. */
export function extensionEnd(planYear: number, fromYear: number, plan: Plan | null): LocalDate {
  const c = plan?.milestones.find(
    (m) => m.kind !== "request" && m.scope.kind === "carriedOver" && m.scope.fromYear === fromYear,
  );
  return c?.dueOn ?? dec31(planYear);
}

/**
 * The dates a movement of plan year Y may carry (the README lists them):
 * - own capital: allocations decided from 1/1 of Y−1 (plans are decided the year before) to the
 *   end of the refund period; disbursements and carry-forwards from 1/1 of Y to the end of the
 *   refund period; refunds from 1/1 of Y to 31/12 of Y+1 (a late refund is still recorded, and
 *   still late);
 * - capital carried over from year X: allocations from 1/1 of X, disbursements and carry-forwards
 *   from 1/1 of Y, both to the end of the extension; refunds as for own capital;
 * - reallocation requests: within the plan year itself.
 */
export function dateWindow(
  kind: DatedKind,
  planYear: number,
  carriedOverFrom: number | null,
  plan: Plan | null,
): DateWindow {
  if (kind === "request") return { from: jan1(planYear), to: dec31(planYear) };
  if (kind === "refund") return { from: jan1(planYear), to: dec31(planYear + 1) };
  const end =
    carriedOverFrom === null
      ? refundPeriodEnd(planYear, plan)
      : extensionEnd(planYear, carriedOverFrom, plan);
  if (kind === "allocation")
    return { from: jan1(carriedOverFrom === null ? planYear - 1 : carriedOverFrom), to: end };
  return { from: jan1(planYear), to: end };
}

const WHAT: Record<DatedKind, string> = {
  allocation: "an allocation",
  disbursement: "a disbursement",
  refund: "a refund",
  carryForward: "a carry-forward",
  request: "a reallocation request",
};

/** Never after today; inside the plan year's window. */
export function dateIssues(
  d: {
    kind: DatedKind;
    planYear: number;
    carriedOverFrom: number | null;
    date: LocalDate;
    field: string;
    entry?: number | undefined;
  },
  today: LocalDate,
  plan: Plan | null,
): FieldIssue[] {
  const at = { field: d.field, ...(d.entry !== undefined ? { entry: d.entry } : {}), date: d.date };
  if (d.date > today)
    return [
      {
        ...at,
        rule: "not_in_future",
        message: `${d.date} is after today (${today} in Asia/Ho_Chi_Minh)`,
      },
    ];
  const w = dateWindow(d.kind, d.planYear, d.carriedOverFrom, plan);
  if (d.date < w.from || d.date > w.to) {
    const capital =
      d.carriedOverFrom === null
        ? `plan year ${d.planYear}`
        : `capital carried over from ${d.carriedOverFrom} into ${d.planYear}`;
    return [
      {
        ...at,
        rule: "outside_plan_window",
        message: `${WHAT[d.kind]} of ${capital} is dated from ${w.from} to ${w.to}, not ${d.date}`,
      },
    ];
  }
  return [];
}

/** A decision on a request comes after the request: it cannot be dated before it was sent. */
export function decisionDateIssues(sentOn: LocalDate, decidedOn: LocalDate, today: LocalDate): FieldIssue[] {
  if (decidedOn > today)
    return [
      {
        field: "decidedOn",
        rule: "not_in_future",
        message: `${decidedOn} is after today (${today} in Asia/Ho_Chi_Minh)`,
        date: decidedOn,
      },
    ];
  if (decidedOn < sentOn)
    return [
      {
        field: "decidedOn",
        rule: "after_request",
        message: `the decision is dated on or after the request it decides (sent on ${sentOn})`,
        date: decidedOn,
      },
    ];
  return [];
}
