// Moves outbox messages to the mailer: claim, send, then sent | retry (capped exponential
// backoff) | dead. At-least-once by design: a crash between the SMTP answer and markSent
// resends the same Message-ID after the lease, which receivers can recognise.
import type { OutboxConfig } from "../config.js";
import { MailError, type Mailer } from "./alert.types.js";
import type { ClaimedMessage } from "./outbox.repository.js";
import type { OutboxService } from "./outbox.service.js";

export type SendObserver = {
  sent(ms: number): void;
  failed(temporary: boolean): void;
  /** A message given up on: permanent failure, or temporary ones until maxAttempts. */
  dead?(permanent: boolean): void;
};

/** The service's logger (a pino logger fits): each outcome at info, a dead message as a warning. */
export type SenderLog = {
  info(meta: object, msg: string): void;
  warn(meta: object, msg: string): void;
};

/** A logger of one level, `(msg, meta)`, as the mailers take it: every outcome at that level. */
export const senderLogOf = (log: (msg: string, meta: object) => void): SenderLog => ({
  info: (meta, msg) => log(msg, meta),
  warn: (meta, msg) => log(msg, meta),
});

type Deps = {
  outbox: Pick<OutboxService, "claim" | "markSent" | "markRetry" | "markDead">;
  mailer: Mailer;
  config: OutboxConfig;
  observer?: SendObserver;
  /** Where each send outcome is logged: sent, retry, dead (with its reason). */
  log?: SenderLog;
  /** How many messages are in flight at once (the SMTP pool size). */
  concurrency?: number;
};

export function retryDelayMs(attempts: number, c: Pick<OutboxConfig, "retryBaseMs" | "retryMaxMs">): number {
  return Math.min(c.retryMaxMs, c.retryBaseMs * 2 ** Math.max(0, attempts - 1));
}

/**
 * What a log line says of a message: which one (row and Message-ID) and which attempt, and the
 * recipient's domain at most: addresses, subjects and bodies stay out of the logs.
 */
const described = (m: ClaimedMessage) => ({
  id: String(m.id),
  messageId: m.messageId,
  attempts: m.attempts,
  domain: m.to.slice(m.to.lastIndexOf("@") + 1).toLowerCase(),
});

export function createOutboxSender({ outbox, mailer, config, observer, log, concurrency = 5 }: Deps) {
  async function sendOne(m: ClaimedMessage) {
    const t0 = performance.now();
    try {
      await mailer.send(m);
      await outbox.markSent(m.id);
      const ms = performance.now() - t0;
      observer?.sent(ms);
      log?.info({ ...described(m), ms: Math.round(ms) }, "outbox message sent");
    } catch (err) {
      const temporary = err instanceof MailError ? err.temporary : true;
      const text = err instanceof Error ? err.message : String(err);
      observer?.failed(temporary);
      if (!temporary || m.attempts >= config.maxAttempts) {
        const reason = temporary ? `gave up after ${m.attempts} attempts: ${text}` : text;
        await outbox.markDead(m.id, reason, !temporary);
        observer?.dead?.(!temporary);
        log?.warn({ ...described(m), permanent: !temporary, reason }, "outbox message dead");
      } else {
        const delayMs = retryDelayMs(m.attempts, config);
        await outbox.markRetry(m.id, text, delayMs);
        log?.info({ ...described(m), delayMs, reason: text }, "outbox message to retry");
      }
    }
  }

  return {
    /** Sends everything due now; returns how many messages it handled. */
    async drain(maxMessages = Number.POSITIVE_INFINITY): Promise<number> {
      let handled = 0;
      while (handled < maxMessages) {
        // Claim only what goes out at once: a claimed message waiting behind others could outlive
        // its lease while this process still holds it (a slow mail server), and another instance
        // would then send it too. The lease now covers one send, bounded by the SMTP timeout.
        const batch = await outbox.claim(Math.min(concurrency, maxMessages - handled), config.leaseMs);
        if (batch.length === 0) break;
        await Promise.all(batch.map(sendOne));
        handled += batch.length;
      }
      return handled;
    },
  };
}

export type OutboxSender = ReturnType<typeof createOutboxSender>;
