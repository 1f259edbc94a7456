// What an amendment changes in a plan, and what it may change without the legal act behind it.
// A plan judges units: any change to what it judges (a date, a threshold, a comparison, a scope,
// a milestone added or dropped) must name the act that made it, so the history can answer "why
// is it 15/10 now?"; wording (titles, guidance, the legal basis's words) needs none. A change to
// what a closed milestone judges would rewrite verdicts already recorded: only a restatement may.
import { DEFAULT_AT_RISK_WITHIN_WORKING_DAYS, type Duty } from "./duties.js";
import type { LegalBasis, Plan, RateMilestone, RequestMilestone } from "./plan.js";
import { DEFAULT_VERDICT_FIGURES } from "./treasury-reading.js";

export type MilestoneField = Exclude<keyof RateMilestone | keyof RequestMilestone, "id">;
export type DutyField = Exclude<keyof Duty, "id">;
export type PlanField = Exclude<keyof Plan, "year" | "milestones" | "duties">;

/**
 * Every field of a milestone, said once: "rule" when a change alters what the milestone judges
 * or when it judges (an act is needed), "wording" when it only changes what people read. A field
 * added to a milestone type fails to compile here until it is classified.
 */
export const MILESTONE_FIELDS = {
  kind: "rule",
  dueOn: "rule",
  thresholdPercent: "rule",
  comparison: "rule",
  scope: "rule",
  program: "rule",
  source: "rule",
  capitalType: "rule",
  appliesTo: "rule",
  requiredAfterMissing: "rule",
  advisoryWhenAtRisk: "rule",
  autoCloseAfterDays: "rule",
  // Moves the day the milestone is judged on when its due date is not a working day.
  nonWorkingDueDate: "rule",
  // The plan's own words for its deadline are what units are told the deadline is.
  deadlineText: "rule",
  title: "wording",
  guidance: "wording",
  legalBasis: "wording",
} as const satisfies Record<MilestoneField, "rule" | "wording">;

/** The same for a duty: what is due, from whom and when are rules; the words around them are not. */
export const DUTY_FIELDS = {
  dueOn: "rule",
  from: "rule",
  document: "rule",
  atRiskWithinWorkingDays: "rule",
  title: "wording",
  legalBasis: "wording",
  // Why a date was chosen explains it; the date itself is dueOn.
  dateChosen: "wording",
} as const satisfies Record<DutyField, "rule" | "wording">;

/** The same for the plan's own fields: the projection window changes every at-risk verdict. */
export const PLAN_FIELDS = {
  projectionWindowDays: "rule",
  // Which figures (reported or the Treasury's) every rate verdict rests on.
  verdictFigures: "rule",
  title: "wording",
} as const satisfies Record<PlanField, "rule" | "wording">;

/** What an absent field means: absent and the default are the same plan, not a change. */
const MILESTONE_DEFAULTS: Partial<Record<MilestoneField, unknown>> = { nonWorkingDueDate: "keep" };
const DUTY_DEFAULTS: Partial<Record<DutyField, unknown>> = {
  atRiskWithinWorkingDays: DEFAULT_AT_RISK_WITHIN_WORKING_DAYS,
};
const PLAN_DEFAULTS: Partial<Record<PlanField, unknown>> = { verdictFigures: DEFAULT_VERDICT_FIGURES };

export type PlanChange =
  | { milestone: string; duty?: undefined; change: "added" | "removed" }
  | {
      milestone: string;
      duty?: undefined;
      change: "modified";
      field: MilestoneField;
      from: unknown;
      to: unknown;
    }
  | { duty: string; milestone?: undefined; change: "added" | "removed" }
  | { duty: string; milestone?: undefined; change: "modified"; field: DutyField; from: unknown; to: unknown }
  | {
      milestone?: undefined;
      duty?: undefined;
      change: "modified";
      field: PlanField;
      from: unknown;
      to: unknown;
    };

type ItemChange<F> =
  | { id: string; change: "added" | "removed" }
  | { id: string; change: "modified"; field: F; from: unknown; to: unknown };

/** Milestones and duties are compared alike: by id, field by field, absent read as its default. */
function itemChanges<F extends string>(
  prev: readonly { id: string }[],
  next: readonly { id: string }[],
  fields: Record<F, unknown>,
  defaults: Partial<Record<F, unknown>>,
): ItemChange<F>[] {
  const changes: ItemChange<F>[] = [];
  const before = new Map(prev.map((m) => [m.id, m]));
  const after = new Set(next.map((m) => m.id));
  for (const m of next) {
    const old = before.get(m.id);
    if (!old) {
      changes.push({ id: m.id, change: "added" });
      continue;
    }
    const [a, b] = [old as unknown as Record<string, unknown>, m as unknown as Record<string, unknown>];
    for (const field of Object.keys(fields) as F[]) {
      const [from, to] = [a[field] ?? defaults[field], b[field] ?? defaults[field]];
      if (canonical(from) !== canonical(to))
        changes.push({ id: m.id, change: "modified", field, from: from ?? null, to: to ?? null });
    }
  }
  for (const m of prev) if (!after.has(m.id)) changes.push({ id: m.id, change: "removed" });
  return changes;
}

export function planChanges(prev: Plan, next: Plan): PlanChange[] {
  const changes: PlanChange[] = [];
  for (const field of Object.keys(PLAN_FIELDS) as PlanField[]) {
    const from = prev[field] ?? PLAN_DEFAULTS[field];
    const to = next[field] ?? PLAN_DEFAULTS[field];
    if (canonical(from) !== canonical(to))
      changes.push({ change: "modified", field, from: from ?? null, to: to ?? null });
  }
  for (const { id, ...c } of itemChanges(
    prev.milestones,
    next.milestones,
    MILESTONE_FIELDS,
    MILESTONE_DEFAULTS,
  ))
    changes.push({ milestone: id, ...c });
  // Absent duties are no duties: a plan stored before duties existed compares equal to [].
  for (const { id, ...c } of itemChanges(prev.duties ?? [], next.duties ?? [], DUTY_FIELDS, DUTY_DEFAULTS))
    changes.push({ duty: id, ...c });
  return changes;
}

/** True when the change alters what the plan judges: it needs the act that made it. */
export function isRuleChange(c: PlanChange): boolean {
  if (c.change !== "modified") return true;
  if (c.duty !== undefined) return DUTY_FIELDS[c.field] === "rule";
  return c.milestone === undefined ? PLAN_FIELDS[c.field] === "rule" : MILESTONE_FIELDS[c.field] === "rule";
}

/** "M60 (comparison, thresholdPercent), C100 (removed), projectionWindowDays": for messages. */
export function describeChanges(changes: readonly PlanChange[]): string {
  const parts = new Map<string, string[]>();
  for (const c of changes) {
    const key = c.milestone ?? c.duty ?? "";
    const what = c.change === "modified" ? c.field : c.change;
    parts.set(key, [...(parts.get(key) ?? []), what]);
  }
  return [...parts]
    .map(([milestone, what]) => (milestone === "" ? what.join(", ") : `${milestone} (${what.join(", ")})`))
    .join(", ");
}

/**
 * The closed milestones an amendment would judge again, with the changes that do it: a rule field
 * of the milestone changed or the milestone removed, or, for a request milestone, a rule field of
 * a milestone it rests on (its duty follows from their verdicts).
 */
export function closedMilestonesRewritten(
  prev: Plan,
  changes: readonly PlanChange[],
  closed: ReadonlySet<string>,
): { milestone: string; changes: PlanChange[] }[] {
  const ruleChanges = changes.filter(isRuleChange);
  // A change of the figures verdicts rest on judges every rate and refund milestone again.
  const figures = ruleChanges.filter(
    (c) => c.milestone === undefined && c.duty === undefined && c.field === "verdictFigures",
  );
  const touching = (id: string) => [
    ...ruleChanges.filter((c) => c.milestone === id),
    ...(prev.milestones.some((m) => m.id === id && m.kind !== "request") ? figures : []),
  ];
  const out: { milestone: string; changes: PlanChange[] }[] = [];
  for (const m of prev.milestones) {
    if (!closed.has(m.id)) continue;
    const restsOn = m.kind === "request" ? [m.requiredAfterMissing, m.advisoryWhenAtRisk] : [];
    const found = [...new Set([m.id, ...restsOn].flatMap((id) => (id === undefined ? [] : touching(id))))];
    if (found.length > 0) out.push({ milestone: m.id, changes: found });
  }
  return out;
}

export type AmendingAct = Pick<LegalBasis, "document" | "issuedOn">;

/**
 * Key order does not matter (plans come back from jsonb with their keys reordered), nor does a key
 * present as undefined (JSON drops it).
 */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object")
    return `{${Object.keys(v)
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(v) ?? "undefined";
}
