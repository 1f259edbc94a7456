// The vocabulary of alerting, shared by the policy, the ledger, the templates and the sender.
import type { LocalDate } from "../domain/local-date.js";
import type { MilestoneStatus } from "../domain/milestone-status.js";

/** Reminder stages are named by days before the due date: reminder_30, reminder_14, ... */
export type ReminderStage = `reminder_${number}`;
/** at_risk, then at_risk_2, at_risk_3 … when a pair that had recovered is at risk again. */
export type WarningStage = "at_risk" | `at_risk_${number}`;
export type UnitStage = ReminderStage | WarningStage | "missed" | "recovered";
/** unacknowledged: a missed notice no one acknowledged within the policy's working days, escalated again. */
export type AdminStage = "escalation" | "unacknowledged" | "digest";
export type AlertStage = UnitStage | AdminStage;

/** Figures of one (unit, program, milestone) at the time the alert was decided. */
export type AlertSnapshot = {
  asOf: LocalDate;
  planYear: number;
  milestoneId: string;
  milestoneTitle: string;
  /**
   * rate: disbursed ÷ allocated; refund: refunded ÷ due back; request: a written request filed;
   * duty: a document the unit owes (src/domain/duties.ts), with no money figures (all zero).
   */
  milestoneKind?: "rate" | "refund" | "request" | "duty";
  /** Duties: the document due, in the plan's words. */
  document?: string;
  /** Request milestones: when the request was sent, and whether it is only advised. */
  requestSentOn?: LocalDate | null;
  advisory?: boolean;
  /** Vietnamese advice from the plan: what the unit can still do (e.g. file a reallocation request). */
  guidance: string | null;
  dueOn: LocalDate;
  /** The plan's own words for the deadline ("gửi trước ngày 10/11/2022"); worded by formatDeadline. */
  deadlineText?: string | null;
  unitCode: string;
  unitName: string;
  program: string;
  programName: string;
  status: MilestoneStatus;
  allocated: bigint;
  disbursed: bigint;
  /** Display rate in percent, 2 decimals, or null. */
  rate: number | null;
  threshold: number;
  comparison: "gt" | "gte";
  shortfall: bigint;
  daysLeft: number;
  /** Working days from asOf to the due date (src/domain/working-days.ts); absent in old snapshots. */
  workingDaysLeft?: number;
  requiredDailyPace: bigint | null;
  projectedRate: number | null;
  /** The unit head's acknowledgement of the pair's latest unit notice (digest and escalations show it). */
  acknowledgement?: Acknowledgement | null;
  /** "unacknowledged" items: when the missed notice was sent, and the working days it waited. */
  missedNoticeSentOn?: LocalDate;
  unacknowledgedAfterWorkingDays?: number;
  /** Refund milestones, for a unit the refund does not concern: capital that lapses, not a refund owed. */
  lapsed?: bigint | null;
};

/** What a unit head answered through the link: read on a day, and optionally what they will do by when. */
export type Acknowledgement = { on: LocalDate; plannedAction: string | null; plannedOn: LocalDate | null };

/** One line of a message: why this recipient hears about this unit, program and milestone. */
export type AlertItem = { stage: AlertStage; snapshot: AlertSnapshot };

/** The signed link a unit head opens to acknowledge a message (src/acknowledgements). */
export type AckLink = { url: string; expiresOn: LocalDate };

/** A message to a unit head: every item of every unit they head, in one e-mail per run. */
export type UnitAlertMessage = {
  kind: "unit";
  asOf: LocalDate;
  recipient: { name: string; email: string };
  items: AlertItem[];
  /** Absent only where no link can be made (a preview of a message whose id is not decided). */
  ack?: AckLink;
};

/** A message to an admin: the missed units to escalate, in one e-mail per run. */
export type EscalationMessage = {
  kind: "escalation";
  asOf: LocalDate;
  recipient: { email: string };
  items: AlertItem[];
};

/** A difference between a Treasury statement and the ledger left unresolved for days (src/treasury). */
export type TreasuryDifferenceSnapshot = {
  unitCode: string;
  unitName: string;
  program: string;
  programName: string;
  planYear: number;
  carriedOverFrom: number | null;
  source: string;
  capitalType: string;
  /** The Treasury's cumulative disbursed, the ledger's, and treasury − reported. */
  treasury: bigint;
  reported: bigint;
  difference: bigint;
  /** The statement's date and document reference. */
  statementAsOf: LocalDate;
  documentRef: string;
  ageDays: number;
};

/** The digest's Treasury section: the largest differences, and how many there are in all. */
export type TreasurySection = { total: number; items: TreasuryDifferenceSnapshot[] };

/** How many pairs (by programme) and duties a digest counts at risk or missed, listed or not. */
export type DigestTally = {
  programs: { program: string; programName: string; missed: number; atRisk: number }[];
  duties: { missed: number; atRisk: number };
};

/** The weekly digest to an admin: the units at risk or missed, grouped by program. */
export type DigestMessage = {
  kind: "digest";
  asOf: LocalDate;
  /** The Monday the digest is for. */
  weekOf: LocalDate;
  recipient: { email: string };
  /** The most pressing, when there are more than a digest lists (src/alerts/policy.ts). */
  items: AlertItem[];
  /** Unresolved Treasury differences older than the policy's days; absent or empty: none. */
  treasury?: TreasurySection;
  /** Everything at risk or missed, counted; absent: the items are all there is. */
  tally?: DigestTally;
};

/**
 * Everything an admin hears in one run: escalations and, on digest day, the weekly digest,
 * in one e-mail (one message per recipient per run).
 */
export type AdminMessage = {
  kind: "admin";
  asOf: LocalDate;
  recipient: { email: string };
  escalation: AlertItem[];
  digest: { weekOf: LocalDate; items: AlertItem[]; treasury?: TreasurySection; tally?: DigestTally } | null;
};

export type AlertMessage = UnitAlertMessage | EscalationMessage | DigestMessage | AdminMessage;

export type RenderedMessage = { subject: string; html: string; text: string };

/** What the outbox hands to a mailer. */
export type OutgoingMail = {
  to: string;
  cc: string[];
  subject: string;
  html: string;
  text: string;
  /** Stable per outbox row, so a resend after a crash is recognisable as the same message. */
  messageId: string;
};

/** A mailer's failure says whether trying again later can help (SMTP 4xx, timeouts) or not (5xx). */
export class MailError extends Error {
  constructor(
    message: string,
    readonly temporary: boolean,
    readonly responseCode?: number,
  ) {
    super(message);
    this.name = "MailError";
  }
}

export type Mailer = {
  send(mail: OutgoingMail): Promise<void>;
  close(): Promise<void>;
};
