// The outbox: what a message is called (its Message-ID), what it says (rendered here, from the
// templates), its queuing beside its alerts, its resend, and its moves from pending to sent,
// retry or dead. The sender drives the moves; the alert ledger's write path queues.
import { createHash } from "node:crypto";
import { ConflictError, NotFoundError } from "../domain/errors.js";
import type { LocalDate } from "../domain/local-date.js";
import type { AckLink, AlertMessage, RenderedMessage } from "./alert.types.js";
import type { AlertLedgerRepository } from "./alert-ledger.repository.js";
import { buildMessage, ccOf, type MessageGroup } from "./alert-messages.js";
import type { OutboxRepository } from "./outbox.repository.js";
import { type AlertKey, keyString } from "./policy.js";

export type AckLinkSigner = (headerMessageId: string, recipient: string, asOf: LocalDate) => AckLink;

/** A message ready to queue or show: its Message-ID and its rendering. */
export type ComposedMessage = RenderedMessage & { headerMessageId: string };
/** Composes the messages of one day (see composer). */
export type Composer = (group: MessageGroup) => ComposedMessage;

type Tx = Parameters<OutboxRepository["create"]>[1];

type Deps = {
  repo: OutboxRepository;
  ledger: Pick<AlertLedgerRepository, "messageOf">;
  render: (m: AlertMessage) => RenderedMessage;
  /** Signs the acknowledgement link a unit head's message carries (src/acknowledgements); async once, for the key. */
  ackLinks?: () => Promise<AckLinkSigner>;
};

/**
 * The RFC 5322 Message-ID of the message carrying these alerts: derived from their keys only, so
 * the same on every resend, every instance and every dry run or preview of the same alerts.
 */
export function headerMessageIdOf(keys: readonly AlertKey[]): string {
  const digest = createHash("sha256")
    .update(keys.map(keyString).sort().join("\n"))
    .digest("hex")
    .slice(0, 32);
  return `<alert.${digest}@disbursement-monitor.invalid>`;
}

export function createOutboxService(d: Deps) {
  return {
    /**
     * The composer of asOf's messages, as a real run sends them (a dry run and a preview too):
     * named from their alerts' keys, a unit head's carrying its acknowledgement link. Made before
     * any transaction: loading the link key reads the database.
     */
    async composer(asOf: LocalDate): Promise<Composer> {
      const sign = d.ackLinks ? await d.ackLinks() : null;
      return (group) => {
        const headerMessageId = headerMessageIdOf(group.intents.map((i) => i.key));
        const m = buildMessage(asOf, group);
        const message =
          m.kind === "unit" && sign
            ? { ...m, ack: sign(headerMessageId, m.recipient.email.toLowerCase(), asOf) }
            : m;
        return { headerMessageId, ...d.render(message) };
      };
    },

    /** Queues the message of a group, in the transaction that writes its alert rows. */
    async enqueue(group: MessageGroup, compose: Composer, tx: Tx): Promise<{ id: bigint } & ComposedMessage> {
      const composed = compose(group);
      const id = await d.repo.create(
        { kind: group.kind, recipient: group.to, cc: ccOf(group), ...composed },
        tx,
      );
      return { id, ...composed };
    },

    /** Queues an alert's message again, under the same Message-ID; returns the message's id. */
    async resend(alertId: bigint): Promise<bigint> {
      const messageId = await d.ledger.messageOf(alertId);
      if (messageId === null)
        throw new NotFoundError(`alert ${alertId} has no message (unknown, or recorded as skipped)`);
      if (!(await d.repo.requeue(messageId))) {
        const message = `the message of alert ${alertId} is already queued; it goes out without a resend`;
        throw new ConflictError(message, [{ field: "params.id", rule: "already_queued", message }]);
      }
      return messageId;
    },

    // The sender's moves (see outbox.repository.ts for what each guarantees).
    claim: d.repo.claim,
    markSent: d.repo.markSent,
    markRetry: d.repo.markRetry,
    markDead: d.repo.markDead,
    countsByStatus: d.repo.countsByStatus,
  };
}

export type OutboxService = ReturnType<typeof createOutboxService>;
