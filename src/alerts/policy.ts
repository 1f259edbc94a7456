// The alert policy, decided from state: given everything known on asOf, which alerts should
// exist by now. A run after downtime therefore catches up by itself, and a stage whose moment
// has passed is recorded as skipped instead of being sent late (no T-14 once T-7 is due).
import { z } from "zod";
import { addDays, daysBetween, type LocalDate, toDayNumber } from "../domain/local-date.js";
import type { Plan } from "../domain/plan.js";
import type { PairEvaluation } from "../domain/plan-evaluation.js";
import type { AlertSnapshot, AlertStage } from "./alert.types.js";

export const alertPolicySchema = z.strictObject({
  reminderDaysBefore: z.array(z.number().int().min(1).max(365)).max(10).default([30, 14, 7, 1]),
  atRiskWarning: z.boolean().default(true),
  /** The missed notice goes out the day after the due date; after this many days it is stale. */
  missedMaxLateDays: z.number().int().min(1).max(365).default(14),
  escalateMissedToAdmins: z.boolean().default(true),
  recoveryNotice: z.boolean().default(true),
  recoveryMaxLateDays: z.number().int().min(0).max(365).default(14),
  /** ISO weekday of the admins' digest: 1 = Monday. 0 disables it. */
  digestWeekday: z.number().int().min(0).max(7).default(1),
});
export type AlertPolicy = z.infer<typeof alertPolicySchema>;
export const DEFAULT_ALERT_POLICY: AlertPolicy = alertPolicySchema.parse({});

export type UnitContact = {
  code: string;
  name: string;
  headName: string;
  headEmail: string;
  ccEmails: string[];
};

export type AlertKey = {
  planYear: number;
  milestoneId: string;
  unitCode: string;
  program: string;
  stage: string;
  recipient: string;
};

export type AlertIntent = {
  key: AlertKey;
  outcome: "queued" | "skipped";
  skipReason?: string;
  /** Which message carries it, and to whom (cc only for unit heads). */
  route: {
    kind: "unit" | "escalation" | "digest";
    to: string;
    toName: string;
    cc: string[];
    weekOf?: LocalDate;
  };
  /** The figures the alert is about: one pair, or every pair a digest lists. */
  snapshots: AlertSnapshot[];
};

export type PolicyInput = {
  plan: Plan;
  asOf: LocalDate;
  evaluations: readonly PairEvaluation[];
  units: ReadonlyMap<string, UnitContact>;
  programNames: ReadonlyMap<string, string>;
  admins: readonly string[];
  /** "milestoneId|unitCode|program" of pairs that were sent an at-risk warning. */
  warned: ReadonlySet<string>;
  policy: AlertPolicy;
};

export const DIGEST_MILESTONE = "DIGEST";
export const pairKey = (milestoneId: string, unitCode: string, program: string) =>
  `${milestoneId}|${unitCode}|${program}`;

export function decideAlerts(input: PolicyInput): AlertIntent[] {
  const { plan, asOf, policy } = input;
  const milestones = new Map(plan.milestones.map((m) => [m.id, m]));
  const out: AlertIntent[] = [];
  const reminders = [...new Set(policy.reminderDaysBefore)].sort((a, b) => b - a);

  for (const e of input.evaluations) {
    const unit = input.units.get(e.unitCode);
    const m = milestones.get(e.id);
    if (!unit || !m || e.status === "not_applicable") continue;
    const snapshot = snapshotOf(e, input, unit.name, m.title, m.guidance ?? null, m.deadlineText ?? null);
    const base = { planYear: plan.year, milestoneId: e.id, unitCode: e.unitCode, program: e.program };
    const toHead = (stage: AlertStage, outcome: AlertIntent["outcome"], skipReason?: string) =>
      out.push({
        key: { ...base, stage, recipient: unit.headEmail.toLowerCase() },
        outcome,
        ...(skipReason ? { skipReason } : {}),
        route: { kind: "unit", to: unit.headEmail, toName: unit.headName, cc: unit.ccEmails },
        snapshots: [snapshot],
      });
    const toAdmins = (stage: AlertStage, outcome: AlertIntent["outcome"], skipReason?: string) => {
      for (const admin of input.admins)
        out.push({
          key: { ...base, stage, recipient: admin.toLowerCase() },
          outcome,
          ...(skipReason ? { skipReason } : {}),
          route: { kind: "escalation", to: admin, toName: admin, cc: [] },
          snapshots: [snapshot],
        });
    };
    const unmet = e.status === "on_track" || e.status === "at_risk" || e.status === "missed";

    // Reminders: each has a window from its day until the next reminder's day; after it, stale.
    if (unmet) {
      reminders.forEach((days, i) => {
        const start = addDays(e.dueOn, -days);
        const next = reminders[i + 1];
        const end = next === undefined ? e.dueOn : addDays(e.dueOn, -next - 1);
        if (asOf < start) return;
        if (asOf <= end) toHead(`reminder_${days}`, "queued");
        else if (asOf > e.dueOn)
          toHead(`reminder_${days}`, "skipped", "the due date had passed when it was first due to be sent");
        else toHead(`reminder_${days}`, "skipped", `superseded by the reminder ${next} days before`);
      });
    }
    if (e.status === "at_risk" && policy.atRiskWarning) toHead("at_risk", "queued");
    if (e.status === "missed") {
      const late = daysBetween(addDays(e.dueOn, 1), asOf);
      const stale = late > policy.missedMaxLateDays;
      const reason = stale ? `more than ${policy.missedMaxLateDays} days after the due date` : undefined;
      toHead("missed", stale ? "skipped" : "queued", reason);
      if (policy.escalateMissedToAdmins) toAdmins("escalation", stale ? "skipped" : "queued", reason);
    }
    if (
      e.status === "met" &&
      policy.recoveryNotice &&
      input.warned.has(pairKey(e.id, e.unitCode, e.program))
    ) {
      const stale = daysBetween(e.dueOn, asOf) > policy.recoveryMaxLateDays;
      toHead("recovered", stale ? "skipped" : "queued", stale ? "the milestone had long closed" : undefined);
    }
  }
  out.push(...decideDigest(input));
  return out;
}

/** The digest of the latest digest weekday on or before asOf, if there is anything to report. */
function decideDigest(input: PolicyInput): AlertIntent[] {
  const { policy, asOf, plan } = input;
  if (policy.digestWeekday === 0 || input.admins.length === 0) return [];
  // Day 0 (1970-01-01) was a Thursday: ISO weekday 4.
  const isoWeekday = ((toDayNumber(asOf) + 3) % 7) + 1;
  const weekOf = addDays(asOf, -((isoWeekday - policy.digestWeekday + 7) % 7));
  const milestones = new Map(plan.milestones.map((m) => [m.id, m]));
  const snapshots = input.evaluations
    .filter((e) => e.status === "at_risk" || e.status === "missed")
    .map((e) => {
      const m = milestones.get(e.id);
      return snapshotOf(
        e,
        input,
        input.units.get(e.unitCode)?.name ?? e.unitCode,
        m?.title ?? e.id,
        m?.guidance ?? null,
        m?.deadlineText ?? null,
      );
    });
  if (snapshots.length === 0) return [];
  return input.admins.map((admin) => ({
    key: {
      planYear: plan.year,
      milestoneId: DIGEST_MILESTONE,
      unitCode: "*",
      program: "*",
      stage: `digest:${weekOf}`,
      recipient: admin.toLowerCase(),
    },
    outcome: "queued" as const,
    route: { kind: "digest" as const, to: admin, toName: admin, cc: [], weekOf },
    snapshots,
  }));
}

function snapshotOf(
  e: PairEvaluation,
  input: PolicyInput,
  unitName: string,
  title: string,
  guidance: string | null,
  deadlineText: string | null,
): AlertSnapshot {
  return {
    asOf: input.asOf,
    planYear: e.planYear,
    milestoneId: e.id,
    milestoneTitle: title,
    milestoneKind: e.kind,
    requestSentOn: e.requestSentOn ?? null,
    advisory: e.advisory ?? false,
    guidance,
    dueOn: e.dueOn,
    ...(deadlineText === null ? {} : { deadlineText }),
    unitCode: e.unitCode,
    unitName,
    program: e.program,
    programName: input.programNames.get(e.program) ?? e.program,
    status: e.status,
    allocated: e.allocated,
    disbursed: e.disbursed,
    rate: e.rate,
    threshold: e.threshold,
    comparison: e.comparison,
    shortfall: e.shortfall,
    daysLeft: e.daysLeft,
    requiredDailyPace: e.requiredDailyPace,
    projectedRate: e.projectedRate,
    ...(e.lapsed === undefined ? {} : { lapsed: e.lapsed }),
  };
}
