// What an amendment changes in a plan. A moved due date must name the legal act that moved it
// (deadlines are extended by later decisions), so the history can answer "why is it 15/10 now?".
import type { LegalBasis, Plan, RateMilestone, RequestMilestone } from "./plan.js";

export type PlanChange =
  | { milestone: string; change: "added" | "removed" }
  | { milestone: string; change: "modified"; field: string; from: unknown; to: unknown };

const FIELDS: (keyof RateMilestone | keyof RequestMilestone)[] = [
  "kind",
  "requiredAfterMissing",
  "advisoryWhenAtRisk",
  "title",
  "scope",
  "program",
  "source",
  "capitalType",
  "thresholdPercent",
  "comparison",
  "dueOn",
  "legalBasis",
];

export function planChanges(prev: Plan, next: Plan): PlanChange[] {
  const before = new Map(prev.milestones.map((m) => [m.id, m]));
  const after = new Map(next.milestones.map((m) => [m.id, m]));
  const changes: PlanChange[] = [];
  for (const m of next.milestones) {
    const old = before.get(m.id);
    if (!old) {
      changes.push({ milestone: m.id, change: "added" });
      continue;
    }
    const [a, b] = [old as unknown as Record<string, unknown>, m as unknown as Record<string, unknown>];
    for (const field of FIELDS) {
      if (canonical(a[field]) !== canonical(b[field]))
        changes.push({
          milestone: m.id,
          change: "modified",
          field,
          from: a[field] ?? null,
          to: b[field] ?? null,
        });
    }
  }
  for (const m of prev.milestones) if (!after.has(m.id)) changes.push({ milestone: m.id, change: "removed" });
  return changes;
}

export function movedDueDates(changes: readonly PlanChange[]): string[] {
  return changes.filter((c) => c.change === "modified" && c.field === "dueOn").map((c) => c.milestone);
}

export type AmendingAct = Pick<LegalBasis, "document" | "issuedOn">;

/** Key order does not matter: plans come back from jsonb with their keys reordered. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object")
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(v) ?? "undefined";
}
