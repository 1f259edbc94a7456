// Duties in the rules' views (status, at-risk, summary, exports): each (duty, unit) judged by
// evaluateDuty, then selected, ordered and counted here. Pure: rows in, rows out.
import type { DutyStatus, SubmissionFact } from "./duties.js";
import type { LocalDate } from "./local-date.js";
import { cmp } from "./plan-evaluation.js";
import type { UnitKind } from "./plan-fields.js";

/** A submission as the views show it: what was sent, and when. */
export type SubmissionRef = { id: string; documentNumber: string; submittedOn: LocalDate };

/** One (duty, unit) judged on a day. */
export type JudgedDuty = {
  kind: "duty";
  id: string;
  title: string;
  document: string;
  dueOn: LocalDate;
  unitCode: string;
  unitName: string;
  unitKind: UnitKind;
  status: DutyStatus;
  /** Working days in (asOf, dueOn]; 0 on and after the due date. */
  workingDaysLeft: number;
  /** Calendar days in (asOf, dueOn]; 0 on and after the due date. */
  daysLeft: number;
  /** The latest submission that counts on the day (recorded, dated by then, not withdrawn), late or not. */
  submission: SubmissionRef | null;
};

/**
 * The latest standing submission (by its date, then the latest recorded): what a reader looks for
 * first, on time or late. Facts must already be the standing ones (standingSubmissions).
 */
export function latestSubmission<S extends SubmissionFact>(standing: readonly S[]): S | null {
  let latest: S | null = null;
  for (const s of standing)
    if (
      !latest ||
      s.submittedOn > latest.submittedOn ||
      (s.submittedOn === latest.submittedOn && s.recordedOn >= latest.recordedOn)
    )
      latest = s;
  return latest;
}

export type DutyFilter = { duty?: string | undefined; unitKind?: UnitKind | undefined };

const RANK: Record<DutyStatus, number> = { missed: 0, at_risk: 1, on_track: 2, met: 3, not_applicable: 4 };

/**
 * Missed first, then at risk; within each the nearest due date first, then unit and duty: a fixed
 * order, so the list and its export are stable. Duties have no shortfall, so they are not ranked
 * among the money items but listed beside them.
 */
export function compareDuties(a: DutyKey, b: DutyKey): number {
  return (
    RANK[a.status] - RANK[b.status] || cmp(a.dueOn, b.dueOn) || cmp(a.unitCode, b.unitCode) || cmp(a.id, b.id)
  );
}

/** The (duty, unit) rows at risk or missed, filtered, in compareDuties order. */
export function selectDutiesAtRisk(rows: readonly JudgedDuty[], f: DutyFilter = {}): JudgedDuty[] {
  return rows
    .filter(
      (r) =>
        (r.status === "at_risk" || r.status === "missed") &&
        (f.duty === undefined || r.id === f.duty) &&
        (f.unitKind === undefined || r.unitKind === f.unitKind),
    )
    .sort(compareDuties);
}

/** Where a (duty, unit) stands in the list: the fields of compareDuties, unique per row. */
export type DutyKey = Pick<JudgedDuty, "status" | "dueOn" | "unitCode" | "id">;

/**
 * Up to `limit` rows of a list in compareDuties order, after the key `after` (a keyset: rows that
 * join or leave before it shift nothing after it), and the key of the last when more follow.
 */
export function pageDuties(
  sorted: readonly JudgedDuty[],
  { limit, after }: { limit: number; after?: DutyKey | undefined },
): { items: JudgedDuty[]; next: DutyKey | null } {
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`page limit must be a positive integer: ${limit}`);
  let start = 0;
  if (after) {
    let hi = sorted.length;
    while (start < hi) {
      const mid = (start + hi) >>> 1;
      if (compareDuties(sorted[mid]!, after) <= 0) start = mid + 1;
      else hi = mid;
    }
  }
  const items = sorted.slice(start, start + limit);
  const last = items.at(-1);
  const more = start + items.length < sorted.length;
  return {
    items,
    next:
      more && last ? { status: last.status, dueOn: last.dueOn, unitCode: last.unitCode, id: last.id } : null,
  };
}

export type DutyTotals = { at_risk: number; missed: number };

export function dutyTotalsOf(rows: readonly Pick<JudgedDuty, "status">[]): DutyTotals {
  const t: DutyTotals = { at_risk: 0, missed: 0 };
  for (const r of rows) if (r.status === "at_risk" || r.status === "missed") t[r.status] += 1;
  return t;
}

export type DutySummary = {
  id: string;
  title: string;
  document: string;
  dueOn: LocalDate;
  /** Units the duty asks, by status. */
  counts: Record<DutyStatus, number>;
};

/** Per duty (in the plan's order), the units it asks by status. */
export function summarizeDuties(
  duties: readonly { id: string; title: string; document: string; dueOn: LocalDate }[],
  rows: readonly Pick<JudgedDuty, "id" | "status">[],
): DutySummary[] {
  return duties.map((d) => {
    const counts: Record<DutyStatus, number> = {
      not_applicable: 0,
      met: 0,
      on_track: 0,
      at_risk: 0,
      missed: 0,
    };
    for (const r of rows) if (r.id === d.id) counts[r.status] += 1;
    return { id: d.id, title: d.title, document: d.document, dueOn: d.dueOn, counts };
  });
}
