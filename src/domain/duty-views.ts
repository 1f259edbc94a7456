// Duties in the rules' views (status, at-risk, summary, exports): each (duty, unit) judged by
// evaluateDuty, then selected, ordered and counted here. Pure: rows in, rows out.
import { bestOf } from "./best-of.js";
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

/** Whether the at-risk list shows the row: at risk or missed, and asked for by the filter. */
const listed = (r: JudgedDuty, f: DutyFilter) =>
  (r.status === "at_risk" || r.status === "missed") &&
  (f.duty === undefined || r.id === f.duty) &&
  (f.unitKind === undefined || r.unitKind === f.unitKind);

/** The (duty, unit) rows at risk or missed, filtered, in compareDuties order. */
export function selectDutiesAtRisk(rows: readonly JudgedDuty[], f: DutyFilter = {}): JudgedDuty[] {
  return rows.filter((r) => listed(r, f)).sort(compareDuties);
}

/**
 * A page of the duties at risk or missed from rows handed over one at a time, in any order: up to
 * `limit` of selectDutiesAtRisk's list after the key `after` (a keyset: rows that join or leave
 * before it shift nothing after it), the key of the last when more follow, and the whole list's
 * totals. It holds the page's candidates only (bestOf).
 * A national page judges 20,000 (duty, unit) rows; holding them all to sort them made a cold
 * at-risk page of 10,000 units about 10 ms slower (a probe: 77-78 ms p50, against 67-69 without).
 */
export function dutyPager({
  filter = {},
  limit,
  after,
  keep,
}: {
  filter?: DutyFilter | undefined;
  limit: number;
  after?: DutyKey | undefined;
  /** The row as the page holds it: a copy, when the caller reuses the objects it hands over. */
  keep?: ((row: JudgedDuty) => JudgedDuty) | undefined;
}) {
  const best = bestOf<JudgedDuty>(limit, compareDuties, keep);
  const totals: DutyTotals = { at_risk: 0, missed: 0 };
  /** Rows past `after`, on this page or beyond it. */
  let past = 0;
  return {
    add(r: JudgedDuty): void {
      if (!listed(r, filter)) return;
      totals[r.status as keyof DutyTotals] += 1;
      if (after && compareDuties(r, after) <= 0) return;
      past += 1;
      best.offer(r);
    },
    page(): { items: JudgedDuty[]; totals: DutyTotals; next: DutyKey | null } {
      const items = best.sorted();
      const last = items.at(-1);
      return { items, totals: { ...totals }, next: past > items.length && last ? dutyKeyOf(last) : null };
    },
  };
}

const dutyKeyOf = (r: DutyKey): DutyKey => ({
  status: r.status,
  dueOn: r.dueOn,
  unitCode: r.unitCode,
  id: r.id,
});

/** Where a (duty, unit) stands in the list: the fields of compareDuties, unique per row. */
export type DutyKey = Pick<JudgedDuty, "status" | "dueOn" | "unitCode" | "id">;

export type DutyTotals = { at_risk: number; missed: number };

export type DutySummary = {
  id: string;
  title: string;
  document: string;
  dueOn: LocalDate;
  /** Units the duty asks, by status. */
  counts: Record<DutyStatus, number>;
};

type DutyHead = { id: string; title: string; document: string; dueOn: LocalDate };

/** Per duty (in the plan's order), the units it asks by status, from rows handed over one at a time. */
export function dutyTally(duties: readonly DutyHead[]) {
  const byId = new Map<string, Record<DutyStatus, number>>(
    duties.map((d) => [d.id, { not_applicable: 0, met: 0, on_track: 0, at_risk: 0, missed: 0 }]),
  );
  return {
    add(r: Pick<JudgedDuty, "id" | "status">): void {
      const counts = byId.get(r.id);
      if (counts) counts[r.status] += 1;
    },
    summaries: (): DutySummary[] =>
      duties.map((d) => ({
        id: d.id,
        title: d.title,
        document: d.document,
        dueOn: d.dueOn,
        counts: { ...byId.get(d.id)! },
      })),
  };
}
