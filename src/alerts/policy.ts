// The alert policy, decided from state: given everything known on asOf, which alerts should
// exist by now. A run after downtime therefore catches up by itself, and a stage whose moment
// has passed is recorded as skipped instead of being sent late (no T-14 once T-7 is due).
//
// Working days (issue 14): a reminder due on a non-working day goes out on the working day
// before, a missed notice or escalation on the next working day, the digest on the first working
// day of its week on or after the digest weekday. Nothing is queued on a non-working day: a run
// then only records what went stale, and the next working day's run sends what is due.
import type { AlertPolicy } from "../domain/alert-policy-settings.js";
import type { DutyEvaluation } from "../domain/duties.js";
import { addDays, daysBetween, type LocalDate } from "../domain/local-date.js";
import type { Plan } from "../domain/plan.js";
import type { PairEvaluation } from "../domain/plan-evaluation.js";
import { isoWeekday, type WorkingCalendar } from "../domain/working-days.js";
import type {
  Acknowledgement,
  AlertSnapshot,
  DigestTally,
  TreasuryDifferenceSnapshot,
  TreasurySection,
} from "./alert.types.js";

// The settings and their defaults live apart, so that config.ts reads them without the alerts.
export {
  type AlertPolicy,
  alertPolicySchema,
  DEFAULT_ALERT_POLICY,
} from "../domain/alert-policy-settings.js";

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
  /** Digests: the Treasury differences they list, beside the snapshots. */
  treasury?: TreasurySection;
  /** Digests: how many pairs and duties are at risk or missed in all, listed or not. */
  tally?: DigestTally;
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

/** What the pair watch (alert_pair_watch) remembers of a warned pair. */
export type PairWatch = {
  /** The first run day the pair was seen recovered since its last warning; null while at risk. */
  recoveredOn: LocalDate | null;
  /** The run day that last changed it: a run for an earlier day neither reads nor rewrites it. */
  updatedOn: LocalDate;
};

/** The missed notice a pair's unit head was sent, and whether they acknowledged that message. */
export type MissedNotice = { sentOn: LocalDate; acknowledged: boolean };

export type PolicyInput = {
  plan: Plan;
  asOf: LocalDate;
  /** Every pair judged on asOf: walked once per decision, rows made as they are read. */
  evaluations: Iterable<PairEvaluation>;
  units: ReadonlyMap<string, UnitContact>;
  programNames: ReadonlyMap<string, string>;
  admins: readonly string[];
  /** pairKey → the number of the latest at-risk warning the pair was sent (at_risk = 1, at_risk_2 = 2, …). */
  warnings: ReadonlyMap<string, number>;
  policy: AlertPolicy;
  calendar: WorkingCalendar;
  /** pairKey → the pair's watch; absent for pairs never warned (or before the first run wrote it). */
  watch?: ReadonlyMap<string, PairWatch>;
  /** pairKey → the missed notice queued to the unit head. */
  missedNotices?: ReadonlyMap<string, MissedNotice>;
  /** pairKey → the latest acknowledgement of a message that carried the pair's unit alert. */
  acknowledgements?: ReadonlyMap<string, Acknowledgement>;
  /** Ids of the plan's milestones closed by asOf: the digest lists only what is still open. */
  closed?: ReadonlySet<string>;
  /** The plan's duties, each with each unit it asks, judged as of asOf (src/domain/duties.ts). */
  duties?: readonly DutyEvaluation[];
  /** Treasury differences already older than the policy's days, for this plan's digest. */
  treasuryDifferences?: readonly TreasuryDifference[];
};

/** A difference between a Treasury statement and the ledger, as src/treasury lists it. */
export type TreasuryDifference = {
  unitCode: string;
  program: string;
  planYear: number;
  carriedOverFrom: number | null;
  source: string;
  capitalType: string;
  treasury: bigint;
  reported: bigint;
  difference: bigint;
  /** The statement's date. */
  asOf: LocalDate;
  documentRef: string;
  ageDays: number;
};

/** The digest lists this many Treasury differences, the largest first, and counts the others. */
export const DIGEST_TREASURY_LIMIT = 50;
/** The digest lists this many pairs at risk or missed, the largest shortfall first, and counts them all. */
export const DIGEST_PAIR_LIMIT = 500;
/** The digest lists this many duties not sent, the overdue first, and counts them all. */
export const DIGEST_DUTY_LIMIT = 200;
/** Duties have no programme: their alert keys and snapshots use this placeholder. */
export const DUTY_PROGRAM = "*";

export type PairWatchUpdate = {
  planYear: number;
  milestoneId: string;
  unitCode: string;
  program: string;
  recoveredOn: LocalDate | null;
  updatedOn: LocalDate;
};

export const DIGEST_MILESTONE = "DIGEST";
export const pairKey = (milestoneId: string, unitCode: string, program: string) =>
  `${milestoneId}|${unitCode}|${program}`;
/** An alert's unique key as one string (the ledger's unique index, in memory). */
export const keyString = (k: AlertKey) =>
  [k.planYear, k.milestoneId, k.unitCode, k.program, k.stage, k.recipient].join("|");

/** The stage of a pair's n-th at-risk warning: at_risk, then at_risk_2, at_risk_3, … */
export const warningStage = (n: number) => (n <= 1 ? "at_risk" : `at_risk_${n}`);
/** n of a warning stage (at_risk = 1, at_risk_n = n), or null for any other stage. */
export function warningNumber(stage: string): number | null {
  if (stage === "at_risk") return 1;
  const m = /^at_risk_(\d+)$/.exec(stage);
  return m ? Number(m[1]) : null;
}

/** The day each reminder goes out: its nominal day, or the working day before it. */
export function reminderSendDays(dueOn: LocalDate, daysBefore: readonly number[], cal: WorkingCalendar) {
  return daysBefore.map((days) => cal.onOrBefore(addDays(dueOn, -days)));
}

/** The first day a missed notice (and its escalation) may go out: the working day after the due date. */
export const missedSendDay = (dueOn: LocalDate, cal: WorkingCalendar) => cal.onOrAfter(addDays(dueOn, 1));

/** The n-th working day after `from` (n ≥ 1). */
export function nthWorkingDayAfter(from: LocalDate, n: number, cal: WorkingCalendar): LocalDate {
  let d = from;
  for (let i = 0; i < n; i++) d = cal.onOrAfter(addDays(d, 1));
  return d;
}

/** The day of the digest of asOf's week (Monday to Sunday), or null when that week has none. */
export function digestDayOfWeek(
  asOf: LocalDate,
  digestWeekday: number,
  cal: WorkingCalendar,
): { weekOf: LocalDate; sendOn: LocalDate } | null {
  if (digestWeekday === 0) return null;
  const monday = addDays(asOf, 1 - isoWeekday(asOf));
  const weekOf = addDays(monday, digestWeekday - 1);
  const sendOn = cal.onOrAfter(weekOf);
  return sendOn <= addDays(monday, 6) ? { weekOf, sendOn } : null;
}

/** Every alert of asOf: each pair's and each duty's, then the admins' digest. */
export function decideAlerts(input: PolicyInput): AlertIntent[] {
  const out = decidePairAlerts(input);
  // Not push(...): a national run's alerts are too many arguments for one call.
  for (const i of decideDigest(input)) out.push(i);
  return out;
}

/**
 * The alerts of each pair and each duty in the input, without the digest: each depends on its
 * own pair alone, so a run may decide its units a few at a time (src/alerts/alerts.service.ts).
 */
export function decidePairAlerts(input: PolicyInput): AlertIntent[] {
  const { plan, asOf, policy, calendar: cal } = input;
  const milestones = new Map(plan.milestones.map((m) => [m.id, m]));
  const out: AlertIntent[] = [];
  const reminders = [...new Set(policy.reminderDaysBefore)].sort((a, b) => b - a);
  // Nothing goes out on a non-working day; stale stages are still recorded.
  const working = cal.isWorkingDay(asOf);

  for (const e of input.evaluations) {
    const unit = input.units.get(e.unitCode);
    const m = milestones.get(e.id);
    if (!unit || !m || e.status === "not_applicable") continue;
    const key = pairKey(e.id, e.unitCode, e.program);
    const snapshot = snapshotOf(e, input, unit.name, m.title, m.guidance ?? null, m.deadlineText ?? null);
    const base = { planYear: plan.year, milestoneId: e.id, unitCode: e.unitCode, program: e.program };
    const { toHead, toAdmins } = senders(out, working, base, unit, input.admins, snapshot);
    const unmet = e.status === "on_track" || e.status === "at_risk" || e.status === "missed";

    // Reminders: each has a window from its send day until the day before the next one's; after
    // it, stale. Two landing on one day leave the farther one an empty window: superseded.
    if (unmet)
      for (const r of reminderStages(e.dueOn, reminders, asOf, cal)) toHead(r.stage, r.outcome, r.reason);
    const warnings = input.warnings.get(key) ?? 0;
    if (e.status === "at_risk" && policy.atRiskWarning) {
      // While at risk the latest warning stays decided (the ledger holds it: a run sends nothing
      // again, a preview shows it as held); a new one only after a long enough recovery.
      const n = warnings === 0 ? 1 : rewarnDue(input, key) ? warnings + 1 : warnings;
      toHead(warningStage(n), "queued");
    }
    if (e.status === "missed") decideMissed(input, key, e.dueOn, toHead, toAdmins);
    if (e.status === "met" && policy.recoveryNotice && warnings > 0) {
      const stale = daysBetween(e.dueOn, asOf) > policy.recoveryMaxLateDays;
      toHead("recovered", stale ? "skipped" : "queued", stale ? "the milestone had long closed" : undefined);
    }
  }
  // Not push(...): a national run's duty alerts are too many arguments for one call.
  for (const i of decideDuties(input, reminders)) out.push(i);
  return out;
}

type Decision = { stage: string; outcome: AlertIntent["outcome"]; reason?: string };
type Send = (stage: string, outcome: AlertIntent["outcome"], skipReason?: string) => void;

/**
 * Where a pair's alerts go, milestone or duty alike: its unit's head, or every admin (an
 * escalation). Nothing is queued on a non-working day; a stale stage is still recorded.
 */
function senders(
  out: AlertIntent[],
  working: boolean,
  base: Omit<AlertKey, "stage" | "recipient">,
  unit: UnitContact,
  admins: readonly string[],
  snapshot: AlertSnapshot,
): { toHead: Send; toAdmins: Send } {
  const push = (
    stage: string,
    recipient: string,
    route: AlertIntent["route"],
    outcome: AlertIntent["outcome"],
    skipReason?: string,
  ) => {
    if (outcome === "queued" && !working) return;
    out.push({
      // Field by field, not `{ ...base, stage, recipient }`: V8 gave each spread copy a hidden class
      // of its own (Node 20): at a national dry run's peak, 41,254 live keys held about 12 MB of them.
      key: {
        planYear: base.planYear,
        milestoneId: base.milestoneId,
        unitCode: base.unitCode,
        program: base.program,
        stage,
        recipient: recipient.toLowerCase(),
      },
      outcome,
      ...(skipReason ? { skipReason } : {}),
      route,
      snapshots: [snapshot],
    });
  };
  return {
    toHead: (stage, outcome, skipReason) =>
      push(
        stage,
        unit.headEmail,
        { kind: "unit", to: unit.headEmail, toName: unit.headName, cc: unit.ccEmails },
        outcome,
        skipReason,
      ),
    toAdmins: (stage, outcome, skipReason) => {
      for (const admin of admins)
        push(stage, admin, { kind: "escalation", to: admin, toName: admin, cc: [] }, outcome, skipReason);
    },
  };
}

/**
 * The reminders of something unmet due on dueOn: each has a window from its send day until the
 * day before the next one's; after it, stale. Two landing on one day leave the farther one an
 * empty window: superseded. Milestones and duties alike.
 */
function reminderStages(
  dueOn: LocalDate,
  reminders: readonly number[],
  asOf: LocalDate,
  cal: WorkingCalendar,
): Decision[] {
  const out: Decision[] = [];
  const sendDays = reminderSendDays(dueOn, reminders, cal);
  reminders.forEach((days, i) => {
    const start = sendDays[i]!;
    const next = reminders[i + 1];
    const end = next === undefined ? dueOn : addDays(sendDays[i + 1]!, -1);
    const stage = `reminder_${days}`;
    if (asOf < start) return;
    if (asOf <= end) out.push({ stage, outcome: "queued" });
    else if (asOf > dueOn)
      out.push({
        stage,
        outcome: "skipped",
        reason: "the due date had passed when it was first due to be sent",
      });
    else out.push({ stage, outcome: "skipped", reason: `superseded by the reminder ${next} days before` });
  });
  return out;
}

/**
 * Something missed: the missed notice to the head and the escalation to the admins from the
 * working day after the due date (stale after missedMaxLateDays), and the admins again when the
 * notice stays unacknowledged. Milestones and duties alike.
 */
function decideMissed(input: PolicyInput, key: string, dueOn: LocalDate, toHead: Send, toAdmins: Send) {
  const { asOf, policy, calendar: cal } = input;
  const sendOn = missedSendDay(dueOn, cal);
  if (asOf >= sendOn) {
    const stale = daysBetween(sendOn, asOf) > policy.missedMaxLateDays;
    const reason = stale
      ? `more than ${policy.missedMaxLateDays} days after it was due to be sent`
      : undefined;
    toHead("missed", stale ? "skipped" : "queued", reason);
    if (policy.escalateMissedToAdmins) toAdmins("escalation", stale ? "skipped" : "queued", reason);
  }
  const n = policy.ackEscalateAfterWorkingDays;
  const notice = input.missedNotices?.get(key);
  if (n > 0 && notice && !notice.acknowledged && cal.workingDaysBetween(notice.sentOn, asOf) >= n) {
    const due = nthWorkingDayAfter(notice.sentOn, n, cal);
    const stale = daysBetween(due, asOf) > policy.missedMaxLateDays;
    const reason = stale
      ? `more than ${policy.missedMaxLateDays} days after it was due to be sent`
      : undefined;
    toAdmins("unacknowledged", stale ? "skipped" : "queued", reason);
  }
}

/**
 * Duties join the policy like the milestones (issue 15): each duty asked of a unit and not met
 * gets the reminders and, once missed, the missed notice, the escalation and the unacknowledged
 * escalation. A duty has no at-risk warning (its reminders come closer as the date nears) and
 * no recovery notice (a late submission does not make it met). Keys: the duty id, program "*".
 */
function decideDuties(input: PolicyInput, reminders: readonly number[]): AlertIntent[] {
  const { asOf, plan, calendar: cal } = input;
  const working = cal.isWorkingDay(asOf);
  const out: AlertIntent[] = [];
  for (const e of input.duties ?? []) {
    const unit = input.units.get(e.unitCode);
    if (!unit || e.status === "not_applicable" || e.status === "met") continue;
    const key = pairKey(e.id, e.unitCode, DUTY_PROGRAM);
    const snapshot = dutySnapshotOf(e, input, unit.name);
    const base = { planYear: plan.year, milestoneId: e.id, unitCode: e.unitCode, program: DUTY_PROGRAM };
    const { toHead, toAdmins } = senders(out, working, base, unit, input.admins, snapshot);
    for (const r of reminderStages(e.dueOn, reminders, asOf, cal)) toHead(r.stage, r.outcome, r.reason);
    if (e.status === "missed") decideMissed(input, key, e.dueOn, toHead, toAdmins);
  }
  return out;
}

/** A duty's snapshot: the alert vocabulary's, with the document and no money (all zero). */
function dutySnapshotOf(e: DutyEvaluation, input: PolicyInput, unitName: string): AlertSnapshot {
  return {
    asOf: input.asOf,
    planYear: input.plan.year,
    milestoneId: e.id,
    milestoneTitle: e.title,
    milestoneKind: "duty",
    document: e.document,
    guidance: null,
    dueOn: e.dueOn,
    unitCode: e.unitCode,
    unitName,
    program: DUTY_PROGRAM,
    // Read where an item shows its programme (the acknowledgement page): what a duty is instead.
    programName: "Văn bản phải nộp",
    status: e.status,
    allocated: 0n,
    disbursed: 0n,
    rate: null,
    threshold: 0,
    comparison: "gte",
    shortfall: 0n,
    daysLeft: Math.max(0, daysBetween(input.asOf, e.dueOn)),
    workingDaysLeft: e.workingDaysLeft,
    requiredDailyPace: null,
    projectedRate: null,
    acknowledgement: input.acknowledgements?.get(pairKey(e.id, e.unitCode, DUTY_PROGRAM)) ?? null,
  };
}

/** The digest's Treasury section: the largest differences first (by |difference|), bounded. */
function treasurySectionOf(input: PolicyInput): TreasurySection {
  const abs = (x: bigint) => (x < 0n ? -x : x);
  const all = [...(input.treasuryDifferences ?? [])].sort(
    (a, b) =>
      (abs(b.difference) > abs(a.difference) ? 1 : abs(b.difference) < abs(a.difference) ? -1 : 0) ||
      (a.unitCode < b.unitCode ? -1 : a.unitCode > b.unitCode ? 1 : 0) ||
      (a.program < b.program ? -1 : a.program > b.program ? 1 : 0),
  );
  const items = all.slice(0, DIGEST_TREASURY_LIMIT).map(
    (d): TreasuryDifferenceSnapshot => ({
      unitCode: d.unitCode,
      unitName: input.units.get(d.unitCode)?.name ?? d.unitCode,
      program: d.program,
      programName: input.programNames.get(d.program) ?? d.program,
      planYear: d.planYear,
      carriedOverFrom: d.carriedOverFrom,
      source: d.source,
      capitalType: d.capitalType,
      treasury: d.treasury,
      reported: d.reported,
      difference: d.difference,
      statementAsOf: d.asOf,
      documentRef: d.documentRef,
      ageDays: d.ageDays,
    }),
  );
  return { total: all.length, items };
}

/** A warned pair at risk again after staying recovered long enough (a shorter recovery is a flap). */
function rewarnDue({ watch, asOf, policy }: PolicyInput, key: string): boolean {
  const w = watch?.get(key);
  if (!w?.recoveredOn || asOf < w.updatedOn) return false;
  return daysBetween(w.recoveredOn, asOf) >= policy.rewarnAfterRecoveredDays;
}

/**
 * The pair watch after this run, for the pairs whose watch changes: warned pairs (before or in
 * this run) start their recovery on the first day seen on track or met, and lose it when at risk
 * or missed again. Only real runs write it; a run for a day before the watch's last change
 * leaves it alone. On a non-working day a pair at risk keeps its recovery: a re-warning due
 * then is only deferred to the next working day, not lost.
 */
export function nextPairWatch(input: PolicyInput, intents: readonly AlertIntent[]): PairWatchUpdate[] {
  const { asOf, plan, calendar: cal } = input;
  const warnedNow = new Set(
    intents
      .filter((i) => i.outcome === "queued" && warningNumber(i.key.stage) !== null)
      .map((i) => pairKey(i.key.milestoneId, i.key.unitCode, i.key.program)),
  );
  const working = cal.isWorkingDay(asOf);
  const out: PairWatchUpdate[] = [];
  const seen = new Set<string>();
  for (const e of input.evaluations) {
    if (e.status === "not_applicable") continue;
    const key = pairKey(e.id, e.unitCode, e.program);
    if (seen.has(key) || !(warnedNow.has(key) || (input.warnings.get(key) ?? 0) > 0)) continue;
    seen.add(key);
    const cur = input.watch?.get(key);
    if (cur && asOf < cur.updatedOn) continue;
    const recovering = e.status === "on_track" || e.status === "met";
    if (!recovering && !working && !warnedNow.has(key)) continue;
    const recoveredOn = warnedNow.has(key) || !recovering ? null : (cur?.recoveredOn ?? asOf);
    if (cur && cur.recoveredOn === recoveredOn) continue;
    out.push({
      planYear: plan.year,
      milestoneId: e.id,
      unitCode: e.unitCode,
      program: e.program,
      recoveredOn,
      updatedOn: asOf,
    });
  }
  return out;
}

/** Orders pairs for the digest's list: the largest shortfall first, then the earliest due. */
function comparePressing(a: PairEvaluation, b: PairEvaluation): number {
  if (a.shortfall !== b.shortfall) return a.shortfall > b.shortfall ? -1 : 1;
  const ka = [a.dueOn, a.unitCode, a.id, a.program];
  const kb = [b.dueOn, b.unitCode, b.id, b.program];
  for (let k = 0; k < ka.length; k++) if (ka[k] !== kb[k]) return ka[k]! < kb[k]! ? -1 : 1;
  return a.planYear - b.planYear;
}

/** Orders duties for the digest's list: overdue first, then the earliest due. */
function compareDuties(a: DutyEvaluation, b: DutyEvaluation): number {
  if (a.status !== b.status) return a.status === "missed" ? -1 : 1;
  const ka = [a.dueOn, a.unitCode, a.id];
  const kb = [b.dueOn, b.unitCode, b.id];
  for (let k = 0; k < ka.length; k++) if (ka[k] !== kb[k]) return ka[k]! < kb[k]! ? -1 : 1;
  return 0;
}

/** The first `limit` of a stream in `compare`'s order, holding at most twice that many at a time. */
function firstOf<T>(limit: number, compare: (a: T, b: T) => number) {
  let kept: T[] = [];
  return {
    add(x: T) {
      kept.push(x);
      if (kept.length >= 2 * limit) kept = kept.sort(compare).slice(0, limit);
    },
    done: (): T[] => kept.sort(compare).slice(0, limit),
  };
}

/**
 * The digest of asOf's week, on its day or a later working day of the week, if anything open is
 * at risk or missed. It counts every such pair and duty, and lists the most pressing of each
 * (DIGEST_PAIR_LIMIT, DIGEST_DUTY_LIMIT): a country's 100,000 pairs make no e-mail anyone reads,
 * nor one a mail server takes, and their snapshots held at once took a national run's heap.
 */
export function decideDigest(input: PolicyInput): AlertIntent[] {
  const { policy, asOf, plan, calendar: cal } = input;
  if (input.admins.length === 0 || !cal.isWorkingDay(asOf)) return [];
  const day = digestDayOfWeek(asOf, policy.digestWeekday, cal);
  if (!day || asOf < day.sendOn) return [];
  const milestones = new Map(plan.milestones.map((m) => [m.id, m]));
  const programs = new Map<string, DigestTally["programs"][number]>();
  const pairs = firstOf<PairEvaluation>(DIGEST_PAIR_LIMIT, comparePressing);
  for (const e of input.evaluations) {
    // A closed milestone's verdict is final: the digest lists only what can still change.
    if (!(e.status === "at_risk" || e.status === "missed") || input.closed?.has(e.id)) continue;
    let p = programs.get(e.program);
    if (!p) {
      p = {
        program: e.program,
        programName: input.programNames.get(e.program) ?? e.program,
        missed: 0,
        atRisk: 0,
      };
      programs.set(e.program, p);
    }
    if (e.status === "missed") p.missed++;
    else p.atRisk++;
    pairs.add(e);
  }
  const duties = firstOf<DutyEvaluation>(DIGEST_DUTY_LIMIT, compareDuties);
  const dutyCount = { missed: 0, atRisk: 0 };
  for (const e of input.duties ?? []) {
    if (!(e.status === "at_risk" || e.status === "missed")) continue;
    if (e.status === "missed") dutyCount.missed++;
    else dutyCount.atRisk++;
    duties.add(e);
  }
  const moneySnapshots = pairs.done().map((e) => {
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
  const dutySnapshots = duties
    .done()
    .map((e) => dutySnapshotOf(e, input, input.units.get(e.unitCode)?.name ?? e.unitCode));
  const snapshots = [...moneySnapshots, ...dutySnapshots];
  const treasury = treasurySectionOf(input);
  if (snapshots.length === 0 && treasury.total === 0) return [];
  const tally: DigestTally = { programs: [...programs.values()], duties: dutyCount };
  return input.admins.map((admin) => ({
    key: {
      planYear: plan.year,
      milestoneId: DIGEST_MILESTONE,
      unitCode: "*",
      program: "*",
      stage: `digest:${day.weekOf}`,
      recipient: admin.toLowerCase(),
    },
    outcome: "queued" as const,
    route: { kind: "digest" as const, to: admin, toName: admin, cc: [], weekOf: day.weekOf },
    snapshots,
    tally,
    ...(treasury.total > 0 ? { treasury } : {}),
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
    workingDaysLeft: input.calendar.workingDaysBetween(input.asOf, e.dueOn),
    requiredDailyPace: e.requiredDailyPace,
    projectedRate: e.projectedRate,
    acknowledgement: input.acknowledgements?.get(pairKey(e.id, e.unitCode, e.program)) ?? null,
    ...(e.lapsed === undefined ? {} : { lapsed: e.lapsed }),
  };
}
