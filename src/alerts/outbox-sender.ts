// Moves outbox messages to the mailer: claim, send, then sent | retry (capped exponential
// backoff) | dead. At-least-once by design: a crash between the SMTP answer and markSent
// resends the same Message-ID after the lease, which receivers can recognise.
import type { OutboxConfig } from "../config.js";
import { MailError, type Mailer } from "./alert.types.js";
import type { OutboxRepository } from "./outbox.repository.js";

export type SendObserver = {
  sent(ms: number): void;
  failed(temporary: boolean): void;
  /** A message given up on: permanent failure, or temporary ones until maxAttempts. */
  dead?(permanent: boolean): void;
};

type Deps = {
  repo: OutboxRepository;
  mailer: Mailer;
  config: OutboxConfig;
  observer?: SendObserver;
  /** Where a dead message is reported, with its reason (the service's logger, as a warning). */
  log?: (msg: string, meta: object) => void;
  /** How many messages are in flight at once (the SMTP pool size). */
  concurrency?: number;
};

export function retryDelayMs(attempts: number, c: Pick<OutboxConfig, "retryBaseMs" | "retryMaxMs">): number {
  return Math.min(c.retryMaxMs, c.retryBaseMs * 2 ** Math.max(0, attempts - 1));
}

export function createOutboxSender({ repo, mailer, config, observer, log, concurrency = 5 }: Deps) {
  async function sendOne(m: Awaited<ReturnType<OutboxRepository["claim"]>>[number]) {
    const t0 = performance.now();
    try {
      await mailer.send(m);
      await repo.markSent(m.id);
      observer?.sent(performance.now() - t0);
    } catch (err) {
      const temporary = err instanceof MailError ? err.temporary : true;
      const text = err instanceof Error ? err.message : String(err);
      observer?.failed(temporary);
      if (!temporary || m.attempts >= config.maxAttempts) {
        const reason = temporary ? `gave up after ${m.attempts} attempts: ${text}` : text;
        await repo.markDead(m.id, reason, !temporary);
        observer?.dead?.(!temporary);
        log?.("outbox message dead", {
          id: String(m.id),
          messageId: m.messageId,
          to: m.to,
          attempts: m.attempts,
          permanent: !temporary,
          reason,
        });
      } else {
        await repo.markRetry(m.id, text, retryDelayMs(m.attempts, config));
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
        const batch = await repo.claim(Math.min(concurrency, maxMessages - handled), config.leaseMs);
        if (batch.length === 0) break;
        await Promise.all(batch.map(sendOne));
        handled += batch.length;
      }
      return handled;
    },
  };
}

export type OutboxSender = ReturnType<typeof createOutboxSender>;
