// Closed periods: once a milestone is closed, a movement dated on or before its due date that
// would change its figures is refused, unless an admin restates the past explicitly.
import type { ClosedMilestone } from "./closing.js";
import type { DatedKind } from "./entry-dates.js";
import type { FieldIssue } from "./errors.js";
import type { CapitalSource, CapitalType } from "./ledger-rules.js";
import type { LocalDate } from "./local-date.js";
import { type Milestone, scopeCovers } from "./plan.js";

/** A movement (or a request) as a closed milestone sees it. */
export type Touch = {
  kind: DatedKind;
  planYear: number;
  carriedOverFrom: number | null;
  program: string;
  /** Absent for a request, which covers whole programmes. */
  source?: CapitalSource | undefined;
  capitalType?: CapitalType | undefined;
  date: LocalDate;
};

/** Which kinds of movement a milestone's figures are made of. */
function countsKind(m: Milestone, kind: DatedKind): boolean {
  if (m.kind === "request") return kind === "request";
  if (m.kind === "refund") return kind !== "request";
  return kind === "allocation" || kind === "disbursement";
}

function inScope(m: Milestone, t: Touch): boolean {
  return m.kind === "request" || scopeCovers(m, t);
}

/** The closed milestones whose figures the movement would change. */
export function closedBy(t: Touch, closings: readonly ClosedMilestone[]): ClosedMilestone[] {
  return closings.filter(
    (c) =>
      c.planYear === t.planYear &&
      t.date <= c.dueOn &&
      countsKind(c.milestone, t.kind) &&
      inScope(c.milestone, t),
  );
}

export function closedPeriodIssue(
  t: Touch & { field: string; entry?: number | undefined },
  closings: readonly ClosedMilestone[],
): FieldIssue | null {
  const hit = closedBy(t, closings);
  if (hit.length === 0) return null;
  const names = hit.map((c) => `${c.milestoneId} (due ${c.dueOn}, closed by ${c.document})`).join(", ");
  return {
    field: t.field,
    ...(t.entry !== undefined ? { entry: t.entry } : {}),
    rule: "closed_period",
    message: `${t.date} is in the closed period of ${names}: only an admin can restate it, with restatement { reason, document }`,
    date: t.date,
  };
}
