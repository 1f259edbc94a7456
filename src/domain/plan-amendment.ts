// What an amendment changes in a plan, and what it may change without the legal act behind it.
// A plan judges units: any change to what it judges (a date, a threshold, a comparison, a scope,
// a milestone added or dropped) must name the act that made it, so the history can answer "why
// is it 15/10 now?"; wording (titles, guidance, the legal basis's words) needs none. A change to
// what a closed milestone judges would rewrite verdicts already recorded: only a restatement may.
import type { LegalBasis, Plan, RateMilestone, RequestMilestone } from "./plan.js";

export type MilestoneField = Exclude<keyof RateMilestone | keyof RequestMilestone, "id">;
export type PlanField = Exclude<keyof Plan, "year" | "milestones">;

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

/** The same for the plan's own fields: the projection window changes every at-risk verdict. */
export const PLAN_FIELDS = {
  projectionWindowDays: "rule",
  title: "wording",
} as const satisfies Record<PlanField, "rule" | "wording">;

/** What an absent field means: absent and the default are the same plan, not a change. */
const MILESTONE_DEFAULTS: Partial<Record<MilestoneField, unknown>> = { nonWorkingDueDate: "keep" };

export type PlanChange =
  | { milestone: string; change: "added" | "removed" }
  | { milestone: string; change: "modified"; field: MilestoneField; from: unknown; to: unknown }
  | { milestone?: undefined; change: "modified"; field: PlanField; from: unknown; to: unknown };

export function planChanges(prev: Plan, next: Plan): PlanChange[] {
  const changes: PlanChange[] = [];
  for (const field of Object.keys(PLAN_FIELDS) as PlanField[]) {
    if (canonical(prev[field]) !== canonical(next[field]))
      changes.push({ change: "modified", field, from: prev[field] ?? null, to: next[field] ?? null });
  }
  const before = new Map(prev.milestones.map((m) => [m.id, m]));
  const after = new Map(next.milestones.map((m) => [m.id, m]));
  for (const m of next.milestones) {
    const old = before.get(m.id);
    if (!old) {
      changes.push({ milestone: m.id, change: "added" });
      continue;
    }
    const [a, b] = [old as unknown as Record<string, unknown>, m as unknown as Record<string, unknown>];
    for (const field of Object.keys(MILESTONE_FIELDS) as MilestoneField[]) {
      const [from, to] = [a[field] ?? MILESTONE_DEFAULTS[field], b[field] ?? MILESTONE_DEFAULTS[field]];
      if (canonical(from) !== canonical(to))
        changes.push({ milestone: m.id, change: "modified", field, from: from ?? null, to: to ?? null });
    }
  }
  for (const m of prev.milestones) if (!after.has(m.id)) changes.push({ milestone: m.id, change: "removed" });
  return changes;
}

/** True when the change alters what the plan judges: it needs the act that made it. */
export function isRuleChange(c: PlanChange): boolean {
  if (c.change !== "modified") return true;
  return c.milestone === undefined ? PLAN_FIELDS[c.field] === "rule" : MILESTONE_FIELDS[c.field] === "rule";
}

/** "M60 (comparison, thresholdPercent), C100 (removed), projectionWindowDays": for messages. */
export function describeChanges(changes: readonly PlanChange[]): string {
  const parts = new Map<string, string[]>();
  for (const c of changes) {
    const key = c.milestone ?? "";
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
  const touching = (id: string) => ruleChanges.filter((c) => c.milestone === id);
  const out: { milestone: string; changes: PlanChange[] }[] = [];
  for (const m of prev.milestones) {
    if (!closed.has(m.id)) continue;
    const restsOn = m.kind === "request" ? [m.requiredAfterMissing, m.advisoryWhenAtRisk] : [];
    const found = [m.id, ...restsOn].flatMap((id) => (id === undefined ? [] : touching(id)));
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
