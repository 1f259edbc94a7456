// The at-risk view: which (unit, program, milestone) will miss or has missed, worst first, and
// the pages a reader walks it by.
import { bestOf } from "./best-of.js";
import type { MilestoneStatus } from "./milestone-status.js";
import { cmp } from "./plan-evaluation.js";
import type { JudgedRow } from "./recorded-verdicts.js";
import type { StatusCounts } from "./summary.js";

export type UnitInfo = { code: string; name: string; kind: "department" | "district" };
export type AtRiskFilter = {
  milestone?: string | undefined;
  program?: string | undefined;
  kind?: UnitInfo["kind"] | undefined;
};
export type AtRiskItem = JudgedRow & { unitName: string; unitKind: UnitInfo["kind"] };

/** The at-risk list of rows held elsewhere, which stay untouched: each row is copied first. */
export function selectAtRisk(
  evals: readonly JudgedRow[],
  units: ReadonlyMap<string, UnitInfo>,
  f: AtRiskFilter,
): AtRiskItem[] {
  const items: AtRiskItem[] = [];
  for (const e of evals) {
    const item = atRiskItemOf({ ...e }, units, f);
    if (item) items.push(item);
  }
  return items.sort(compareAtRisk);
}

/**
 * The row made an item of the at-risk list in place (the unit's fields set on it), or undefined
 * when the list leaves it out; unsorted. The caller hands over a row nothing else holds: a
 * national list makes items of 90,000 rows as they are judged, and copying each made that walk
 * 185-207 ms against 163-176 without.
 */
export function atRiskItemOf(
  e: JudgedRow,
  units: Pick<ReadonlyMap<string, UnitInfo>, "get">,
  f: AtRiskFilter,
): AtRiskItem | undefined {
  // A closed milestone recorded as missed stays listed after a restatement changed today's
  // reading: the view shows both.
  if (!flagged(e.status) && !(e.recordedStatus && flagged(e.recordedStatus))) return undefined;
  const unit = units.get(e.unitCode);
  if (!unit) return undefined;
  e.unitName = unit.name;
  e.unitKind = unit.kind;
  const item = e as AtRiskItem;
  return inAtRiskFilter(item, f) ? item : undefined;
}

/** Whether a listed item is one the filter asks for (a filtered list is the whole one, narrowed). */
export function inAtRiskFilter(i: AtRiskItem, f: AtRiskFilter): boolean {
  return (
    (!f.milestone || i.id === f.milestone) &&
    (!f.program || i.program === f.program) &&
    (!f.kind || i.unitKind === f.kind)
  );
}

/**
 * Where an item stands in the list: the fields of its sort key. A (unit, program, milestone)
 * appears once, so no two items share a key, and a key names a place between items even after
 * the item it came from has left the list.
 */
export type AtRiskKey = Pick<AtRiskItem, "shortfall" | "unitCode" | "program" | "dueOn" | "id">;

/** Largest shortfall first; ties in a fixed order so pages and exports are stable. */
export function compareAtRisk(a: AtRiskKey, b: AtRiskKey): number {
  return (
    (a.shortfall < b.shortfall ? 1 : a.shortfall > b.shortfall ? -1 : 0) ||
    cmp(a.unitCode, b.unitCode) ||
    cmp(a.program, b.program) ||
    cmp(a.dueOn, b.dueOn) ||
    cmp(a.id, b.id)
  );
}

/** The whole list's figures, carried by every page. */
export type AtRiskTotals = {
  count: number;
  /** Whole đồng: the sum of every item's shortfall. */
  shortfall: bigint;
  /**
   * Items by today's status. Beside at_risk and missed, a closed milestone recorded as missed and
   * restated since is listed under today's reading (met, on_track...).
   */
  byStatus: StatusCounts;
};

export type AtRiskPage<T> = {
  items: T[];
  totals: AtRiskTotals;
  /** The key of the page's last item when more follow; null on the last page. */
  next: AtRiskKey | null;
};

type Pageable = AtRiskKey & { status: MilestoneStatus };

export function totalsOf(items: readonly Pageable[]): AtRiskTotals {
  const byStatus: StatusCounts = { not_applicable: 0, met: 0, on_track: 0, at_risk: 0, missed: 0 };
  let shortfall = 0n;
  for (const i of items) {
    byStatus[i.status] += 1;
    shortfall += i.shortfall;
  }
  return { count: items.length, shortfall, byStatus };
}

/**
 * One page of a list whose items are handed over one at a time, in any order: up to `limit` items
 * in compareAtRisk's order, starting after the key `after` (a keyset, not an offset: an item that
 * joins or leaves the list before the boundary shifts nothing after it), with the totals of the
 * whole list. It holds the page's candidates only (bestOf): a national list is 60,000 to 90,000
 * items, and keeping them all through the walk and sorting them was most of a cold read.
 */
export function atRiskPager<T extends Pageable>({
  limit,
  after,
  keep,
}: {
  limit: number;
  after?: AtRiskKey | undefined;
  /** The item as the page holds it: a copy, when the caller reuses the objects it hands over. */
  keep?: ((item: T) => T) | undefined;
}) {
  const best = bestOf<T>(limit, compareAtRisk, keep);
  const byStatus: StatusCounts = { not_applicable: 0, met: 0, on_track: 0, at_risk: 0, missed: 0 };
  let count = 0;
  let shortfall = 0n;
  /** Items past `after`, whether on this page or beyond it. */
  let past = 0;
  return {
    add(item: T): void {
      count += 1;
      shortfall += item.shortfall;
      byStatus[item.status] += 1;
      if (after && compareAtRisk(item, after) <= 0) return;
      past += 1;
      best.offer(item);
    },
    page(): AtRiskPage<T> {
      const items = best.sorted();
      const last = items.at(-1);
      return {
        items,
        totals: { count, shortfall, byStatus: { ...byStatus } },
        next: past > items.length && last ? keyOf(last) : null,
      };
    },
  };
}

const keyOf = (i: AtRiskKey): AtRiskKey => ({
  shortfall: i.shortfall,
  unitCode: i.unitCode,
  program: i.program,
  dueOn: i.dueOn,
  id: i.id,
});

const flagged = (s: JudgedRow["status"]) => s === "at_risk" || s === "missed";
