// Acknowledgement links: signing them into unit heads' messages, opening them, and recording the
// one acknowledgement a recipient makes of a message. The link is its own authority and grants
// nothing but this: it names one message, and shows and acknowledges only that.
import type { AckLink, AlertStage } from "../alerts/alert.types.js";
import type { AckLinkSigner } from "../alerts/alerts.service.js";
import { DomainError, InvalidInputError } from "../domain/errors.js";
import { addDays, isValidLocalDate, type LocalDate, maxDate } from "../domain/local-date.js";
import type { MilestoneStatus } from "../domain/milestone-status.js";
import { checkAckToken, parseAckToken, signAckToken } from "./ack-token.js";
import type { AcknowledgementRecord, AcknowledgementsRepository } from "./acknowledgements.repository.js";

type Deps = {
  repo: Pick<
    AcknowledgementsRepository,
    "findUnitMessage" | "alertsOf" | "find" | "insert" | "ofMessages" | "recentForUnit"
  >;
  /** The HMAC key (src/acknowledgements/ack-secret.ts), loaded once. */
  secret: () => Promise<string>;
  now: () => Date;
  today: () => LocalDate;
  /** PUBLIC_BASE_URL without a trailing slash. */
  baseUrl: string;
  validDays: number;
};

/** Why a link does not open: the page says only this, nothing that helps forge one. */
export class AckLinkError extends DomainError {
  constructor(readonly reason: "malformed" | "forged" | "expired") {
    super(
      reason === "expired"
        ? "this acknowledgement link has expired"
        : reason === "malformed"
          ? "this is not an acknowledgement link"
          : "this acknowledgement link is not valid",
    );
  }
}

/** One line of the message as the page lists it, from the alert's snapshot. */
export type AckPageItem = {
  stage: AlertStage;
  unitName: string;
  programName: string;
  milestoneTitle: string;
  status: MilestoneStatus | null;
  shortfall: bigint | null;
  dueOn: LocalDate | null;
  deadlineText: string | null;
};

export type AckView = {
  subject: string;
  expiresOn: LocalDate;
  today: LocalDate;
  items: AckPageItem[];
  acknowledgement: AcknowledgementRecord | null;
};

export type AckInput = { plannedAction: string | null; plannedOn: LocalDate | null };

/** A remedy planned further ahead than this is a typing mistake more often than a plan. */
export const MAX_PLANNED_DAYS_AHEAD = 730;

const str = (v: unknown): string | null => (typeof v === "string" ? v : null);

/** Snapshots are stored JSON (amounts as decimal strings); read them without trusting their shape. */
function pageItems(
  rows: { stage: string; unitCode: string; program: string; milestoneId: string; snapshot: unknown }[],
): AckPageItem[] {
  return rows.flatMap((r) => {
    const snapshots = Array.isArray(r.snapshot) ? r.snapshot : [r.snapshot];
    return snapshots.map((raw): AckPageItem => {
      const s = (raw && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
      const shortfall = str(s.shortfall);
      const dueOn = str(s.dueOn);
      return {
        stage: r.stage as AlertStage,
        unitName: str(s.unitName) ?? r.unitCode,
        programName: str(s.programName) ?? r.program,
        milestoneTitle: str(s.milestoneTitle) ?? r.milestoneId,
        status: (str(s.status) as MilestoneStatus | null) ?? null,
        shortfall: shortfall && /^-?\d{1,30}$/.test(shortfall) ? BigInt(shortfall) : null,
        dueOn: dueOn && isValidLocalDate(dueOn) ? dueOn : null,
        deadlineText: str(s.deadlineText),
      };
    });
  });
}

/** What the alert ledger and the dashboard show of an acknowledgement. */
export function acknowledgementOut(a: AcknowledgementRecord) {
  return {
    at: a.acknowledgedAt,
    on: a.acknowledgedOn,
    plannedAction: a.plannedAction,
    plannedOn: a.plannedOn,
  };
}

export function createAcknowledgementsService(d: Deps) {
  /** The message behind a valid link, and whom it was sent to; throws AckLinkError otherwise. */
  async function resolve(token: string) {
    const parsed = parseAckToken(token);
    if (!parsed) throw new AckLinkError("malformed");
    const [message, secret] = await Promise.all([d.repo.findUnitMessage(parsed.headerMessageId), d.secret()]);
    // An unknown message reads as a forgery: the page never says whether a message exists.
    if (!message) throw new AckLinkError("forged");
    const recipient = message.recipient.toLowerCase();
    const check = checkAckToken(secret, parsed, recipient, d.today());
    if (check !== "valid") throw new AckLinkError(check);
    return { message, recipient, expiresOn: parsed.expiresOn };
  }

  async function viewOf(token: string): Promise<AckView & { messageId: bigint; recipient: string }> {
    const { message, recipient, expiresOn } = await resolve(token);
    const [alerts, acknowledgement] = await Promise.all([
      d.repo.alertsOf(message.id),
      d.repo.find(message.id, recipient),
    ]);
    return {
      messageId: message.id,
      recipient,
      subject: message.subject,
      expiresOn,
      today: d.today(),
      items: pageItems(alerts),
      acknowledgement,
    };
  }

  function checkInput(input: AckInput, today: LocalDate): void {
    const on = input.plannedOn;
    if (on !== null && on < today)
      throw new InvalidInputError(`plannedOn ${on} is before today (${today})`, [
        { field: "plannedOn", rule: "not_before_today", message: "must be today or later", date: today },
      ]);
    const latest = addDays(today, MAX_PLANNED_DAYS_AHEAD);
    if (on !== null && on > latest)
      throw new InvalidInputError(`plannedOn ${on} is more than ${MAX_PLANNED_DAYS_AHEAD} days ahead`, [
        { field: "plannedOn", rule: "too_far_ahead", message: `must be on or before ${latest}`, date: today },
      ]);
  }

  return {
    /** The signer the alerts service puts into every unit head's message. */
    async signer(): Promise<AckLinkSigner> {
      const secret = await d.secret();
      return (headerMessageId, recipient, asOf): AckLink => {
        // A catch-up run for a past date still gives its reader the full validity.
        const expiresOn = addDays(maxDate(asOf, d.today()), d.validDays);
        const token = signAckToken(secret, { headerMessageId, recipient, expiresOn });
        return { url: `${d.baseUrl}/ack/${token}`, expiresOn };
      };
    },

    /** What the link's page shows. Reads only. */
    async open(token: string): Promise<AckView> {
      const { messageId: _m, recipient: _r, ...view } = await viewOf(token);
      return view;
    },

    /**
     * Records the acknowledgement once per (message, recipient). A second one writes nothing and
     * answers with the first (created: false), whatever it said.
     */
    async acknowledge(token: string, input: AckInput): Promise<{ view: AckView; created: boolean }> {
      const { messageId, recipient, ...view } = await viewOf(token);
      if (view.acknowledgement) return { view, created: false };
      checkInput(input, view.today);
      const inserted = await d.repo.insert({
        messageId,
        recipient,
        plannedAction: input.plannedAction,
        plannedOn: input.plannedOn,
        acknowledgedAt: d.now(),
        acknowledgedOn: view.today,
      });
      // Null: a concurrent request acknowledged between the read and the insert; show its answer.
      const acknowledgement = inserted ?? (await d.repo.find(messageId, recipient));
      return { view: { ...view, acknowledgement }, created: inserted !== null };
    },

    /**
     * The alert ledger's rows with, where the row's recipient acknowledged the row's message,
     * that acknowledgement.
     */
    async attachTo<T extends { messageId: bigint | null; recipient: string }>(
      rows: T[],
    ): Promise<(T & { acknowledgement: ReturnType<typeof acknowledgementOut> | null })[]> {
      const acks = await d.repo.ofMessages(rows.flatMap((r) => (r.messageId === null ? [] : [r.messageId])));
      const byKey = new Map(acks.map((a) => [`${a.messageId}|${a.recipient}`, a]));
      return rows.map((r) => {
        const a = r.messageId === null ? undefined : byKey.get(`${r.messageId}|${r.recipient.toLowerCase()}`);
        return { ...r, acknowledgement: a ? acknowledgementOut(a) : null };
      });
    },

    /** The unit page's list: latest first. */
    async recentForUnit(unitCode: string, planYear: number, asOf: LocalDate, limit = 50) {
      const rows = await d.repo.recentForUnit(unitCode, planYear, asOf, limit);
      return rows.map((r) => ({
        ...acknowledgementOut(r),
        recipient: r.recipient,
        subject: r.subject,
        alerts: r.alerts,
      }));
    },
  };
}

export type AcknowledgementsService = ReturnType<typeof createAcknowledgementsService>;
