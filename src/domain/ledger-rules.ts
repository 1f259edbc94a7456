// The ledger's invariants, stated once. Every movement of money (allocations and their cuts,
// disbursements and their corrections, reallocations, carry-forwards, refunds) is admitted by
// these functions, and the database guard (migration ..._ledger_guard) enforces the same rules;
// test/ledger-invariants.property.test.ts shows that the two agree on every accept and refuse.
//
// For every scope and every local date d, with each movement counted at its own date:
//   0 ≤ disbursed(≤d)
//   disbursed(≤d) + refunded(≤d) + carriedForward(≤d) ≤ allocated(≤d) ≤ SCOPE_LIMIT
// A post is judged on the ledger it would leave behind, at every date, so a backdated cut or
// refund that makes a later day impossible is refused like one that breaks its own day.
import type { FieldIssue } from "./errors.js";
import type { LocalDate } from "./local-date.js";
import { formatVnd } from "./money.js";

export type CapitalSource = "central" | "provincial" | "district" | "other";
export type CapitalType = "investment" | "recurrent";

/** The finest grain the ledger keeps apart; every invariant holds within one scope. */
export type LedgerScope = {
  unitCode: string;
  program: string;
  planYear: number;
  carriedOverFrom: number | null;
  source: CapitalSource;
  capitalType: CapitalType;
};

/** The same key the database guard computes (concat_ws of the scope's columns). */
export function scopeKey(s: LedgerScope): string {
  return [s.unitCode, s.program, s.planYear, s.carriedOverFrom ?? "", s.source, s.capitalType].join("|");
}

/** A unit's plan year, as migration ..._unit_scope_rows names it: the scopes a post's read covers. */
export const unitYearOf = (s: Pick<LedgerScope, "unitCode" | "planYear">): string =>
  `${s.unitCode}|${s.planYear}`;

export function scopeOf(s: LedgerScope): LedgerScope {
  return {
    unitCode: s.unitCode,
    program: s.program,
    planYear: s.planYear,
    carriedOverFrom: s.carriedOverFrom,
    source: s.source,
    capitalType: s.capitalType,
  };
}

/**
 * The most one scope may hold: 10^15 đồng (a million billion), hundreds of times any programme's
 * yearly capital in a province. It keeps every scope figure exact as a double and every sum the
 * service keeps far inside int8, so no accepted data can overflow a total.
 */
export const SCOPE_LIMIT = 1_000_000_000_000_000n;

export type MovementKind = "allocation" | "disbursement" | "refund" | "carryForward";

export type Movement = { kind: MovementKind; date: LocalDate; amount: bigint };

/** A scope's figures counted up to a date. */
export type ScopeBalance = { allocated: bigint; disbursed: bigint; refunded: bigint; carriedForward: bigint };

export type BreachRule = "disbursed_below_zero" | "over_allocated" | "scope_limit";

export type Breach = { rule: BreachRule; date: LocalDate; balance: ScopeBalance };

const ZERO: ScopeBalance = { allocated: 0n, disbursed: 0n, refunded: 0n, carriedForward: 0n };

/** Adds up movements date by date: the balance at the end of each date that has any. */
export function dailyBalances(movements: readonly Movement[]): { date: LocalDate; balance: ScopeBalance }[] {
  const sorted = [...movements].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const out: { date: LocalDate; balance: ScopeBalance }[] = [];
  const b = { ...ZERO };
  for (let i = 0; i < sorted.length; i += 1) {
    const m = sorted[i]!;
    if (m.kind === "allocation") b.allocated += m.amount;
    else if (m.kind === "disbursement") b.disbursed += m.amount;
    else if (m.kind === "refund") b.refunded += m.amount;
    else b.carriedForward += m.amount;
    if (sorted[i + 1]?.date !== m.date) out.push({ date: m.date, balance: { ...b } });
  }
  return out;
}

/** What is neither disbursed, refunded nor carried forward. */
export const unused = (b: ScopeBalance) => b.allocated - b.disbursed - b.refunded - b.carriedForward;

export function breachOf(b: ScopeBalance): BreachRule | null {
  if (b.disbursed < 0n) return "disbursed_below_zero";
  if (b.allocated > SCOPE_LIMIT) return "scope_limit";
  if (unused(b) < 0n) return "over_allocated";
  return null;
}

/** The first date at which the scope breaks an invariant, or null when it holds at every date. */
export function firstBreach(movements: readonly Movement[]): Breach | null {
  for (const { date, balance } of dailyBalances(movements)) {
    const rule = breachOf(balance);
    if (rule) return { rule, date, balance };
  }
  return null;
}

/**
 * How much may leave the scope on `date` (a cut, a refund, a carry-forward, an offer to
 * reallocate) without breaking any later day: the least unused capital from that date on.
 */
export function headroomFrom(movements: readonly Movement[], date: LocalDate): bigint {
  let least: bigint | null = null;
  let atDate = { ...ZERO };
  for (const d of dailyBalances(movements)) {
    if (d.date <= date) atDate = d.balance;
    else least = least === null || unused(d.balance) < least ? unused(d.balance) : least;
  }
  const now = unused(atDate);
  return least === null || now < least ? now : least;
}

/** A movement a post would add, with its place in the post (the entry index the answer names). */
export type IncomingMovement = LedgerScope & Movement & { entry: number };

/** The rule an entry breaks, by its kind: the names the API has always answered with. */
const AMOUNT_RULE: Record<MovementKind, Record<BreachRule, string>> = {
  allocation: {
    over_allocated: "allocation_below_disbursed",
    disbursed_below_zero: "disbursed_below_zero",
    scope_limit: "scope_limit",
  },
  disbursement: {
    over_allocated: "disbursed_above_allocation",
    disbursed_below_zero: "disbursed_below_zero",
    scope_limit: "scope_limit",
  },
  refund: {
    over_allocated: "at_most_undisbursed",
    disbursed_below_zero: "disbursed_below_zero",
    scope_limit: "scope_limit",
  },
  carryForward: {
    over_allocated: "at_most_undisbursed",
    disbursed_below_zero: "disbursed_below_zero",
    scope_limit: "scope_limit",
  },
};

function describe(b: Breach): string {
  const f = b.balance;
  if (b.rule === "disbursed_below_zero")
    return `on ${b.date} disbursed would fall to ${formatVnd(f.disbursed)}, below zero`;
  if (b.rule === "scope_limit")
    return `on ${b.date} the scope would hold ${formatVnd(f.allocated)}, above the limit of ${formatVnd(SCOPE_LIMIT)} per scope`;
  return (
    `on ${b.date} disbursed ${formatVnd(f.disbursed)} + refunded ${formatVnd(f.refunded)} + carried forward ` +
    `${formatVnd(f.carriedForward)} would exceed the ${formatVnd(f.allocated)} allocated`
  );
}

/**
 * Judges a post against the scopes' existing movements (`history`, by scopeKey): the ledger it
 * would leave must hold every invariant at every date, whatever the order of its entries. A
 * broken scope is blamed on the entry of the post that first breaks it when the post's entries
 * are taken in order, and the issue names the day it breaks and the scope's figures then.
 */
export function admissionIssues(
  history: ReadonlyMap<string, readonly Movement[]>,
  incoming: readonly IncomingMovement[],
): FieldIssue[] {
  const byScope = new Map<string, IncomingMovement[]>();
  for (const m of incoming) {
    const key = scopeKey(m);
    const list = byScope.get(key);
    if (list) list.push(m);
    else byScope.set(key, [m]);
  }
  const issues: FieldIssue[] = [];
  for (const [key, mine] of byScope) {
    const before = history.get(key) ?? [];
    if (!firstBreach([...before, ...mine])) continue;
    // Only on refusal: find the first entry whose addition breaks the scope.
    let k = 0;
    let breach: Breach | null = null;
    while (!breach) {
      breach = firstBreach([...before, ...mine.slice(0, k + 1)]);
      if (!breach) k += 1;
    }
    const culprit = mine[k]!;
    issues.push({
      entry: culprit.entry,
      field: "amount",
      rule: AMOUNT_RULE[culprit.kind][breach.rule],
      message: describe(breach),
      date: breach.date,
      figures: { ...breach.balance },
    });
  }
  return issues.sort((a, b) => a.entry! - b.entry!);
}

/** What a correction names: the corrected entry's scope and date. */
export type CorrectedEntry = LedgerScope & { date: LocalDate };

/**
 * A correction names an entry of its own kind and scope, and is dated on or after it: a
 * correction cannot change the figures of days before the mistake was made.
 */
export function correctionIssues(
  entries: readonly (LedgerScope & { corrects?: bigint | undefined; date: LocalDate; entry: number })[],
  corrected: ReadonlyMap<bigint, CorrectedEntry>,
  kind: "allocation" | "disbursement",
  dateField: string,
): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const e of entries) {
    if (e.corrects === undefined) continue;
    const target = corrected.get(e.corrects);
    if (!target)
      issues.push({
        entry: e.entry,
        field: "corrects",
        rule: "unknown_entry",
        message: `no ${kind} with id ${e.corrects}`,
      });
    else if (scopeKey(target) !== scopeKey(e))
      issues.push({
        entry: e.entry,
        field: "corrects",
        rule: "same_scope",
        message: `a correction must have the unit, program, year, source and capital type of ${kind} ${e.corrects}`,
      });
    else if (e.date < target.date)
      issues.push({
        entry: e.entry,
        field: dateField,
        rule: "correction_before_entry",
        message: `a correction is dated on or after the entry it corrects (${kind} ${e.corrects} is dated ${target.date})`,
        date: e.date,
      });
  }
  return issues;
}
