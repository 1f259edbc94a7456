// Outbox rows: created beside their alerts, then moved pending → sending → sent | retry | dead.
// Every time comparison uses the database clock, so instances on machines whose clocks disagree
// still agree on leases and retry times.
import type { Prisma, PrismaClient } from "../generated/prisma/client.js";
import type { OutgoingMail, RenderedMessage } from "./alert.types.js";
import type { MessageKind } from "./alert-messages.js";

type Db = PrismaClient | Prisma.TransactionClient;

export type ClaimedMessage = OutgoingMail & { id: bigint; attempts: number };

/** A message as it is queued: rendered, named, addressed. */
export type NewOutboxMessage = RenderedMessage & {
  kind: MessageKind;
  recipient: string;
  cc: string[];
  headerMessageId: string;
};

export function createOutboxRepository(prisma: PrismaClient) {
  return {
    /** Queues a message (pending, due now); inside the transaction that writes its alert rows. */
    async create(m: NewOutboxMessage, tx: Db = prisma): Promise<bigint> {
      const row = await tx.outboxMessage.create({ data: m, select: { id: true } });
      return row.id;
    },

    /**
     * Claims due messages: pending or retry whose time has come, and sending whose lease ran out
     * (the instance sending them died). SKIP LOCKED lets several senders claim disjoint rows.
     */
    async claim(limit: number, leaseMs: number): Promise<ClaimedMessage[]> {
      const rows = await prisma.$queryRaw<
        {
          id: bigint;
          recipient: string;
          cc: string[];
          subject: string;
          html: string;
          text: string;
          headerMessageId: string;
          attempts: number;
        }[]
      >`
        UPDATE outbox_message SET status = 'sending', attempts = attempts + 1,
               lease_until = now() + make_interval(secs => ${leaseMs / 1000}::float8)
        WHERE id IN (
          SELECT id FROM outbox_message
          WHERE (status IN ('pending', 'retry') AND next_attempt_at <= now())
             OR (status = 'sending' AND lease_until < now())
          ORDER BY next_attempt_at, id
          LIMIT ${limit}
          FOR UPDATE SKIP LOCKED)
        RETURNING id, recipient, cc, subject, html, text, header_message_id AS "headerMessageId", attempts`;
      return rows.map((r) => ({ ...r, to: r.recipient, messageId: r.headerMessageId }));
    },

    async markSent(id: bigint): Promise<void> {
      await prisma.$executeRaw`
        UPDATE outbox_message SET status = 'sent', sent_at = now(), lease_until = NULL, last_error = NULL
        WHERE id = ${id} AND status = 'sending'`;
    },

    async markRetry(id: bigint, error: string, delayMs: number): Promise<void> {
      await prisma.$executeRaw`
        UPDATE outbox_message SET status = 'retry', last_error = ${error}, lease_until = NULL,
               temporary_failures = temporary_failures + 1,
               next_attempt_at = now() + make_interval(secs => ${delayMs / 1000}::float8)
        WHERE id = ${id} AND status = 'sending'`;
    },

    async markDead(id: bigint, error: string, permanent: boolean): Promise<void> {
      await prisma.$executeRaw`
        UPDATE outbox_message SET status = 'dead', last_error = ${error}, lease_until = NULL,
               permanent_failures = permanent_failures + ${permanent ? 1 : 0},
               temporary_failures = temporary_failures + ${permanent ? 0 : 1}
        WHERE id = ${id} AND status = 'sending'`;
    },

    /**
     * Puts a message back in the queue with its Message-ID unchanged. False when it is still
     * queued (pending, or being sent): queuing it twice would only send it twice.
     */
    async requeue(id: bigint): Promise<boolean> {
      const n = await prisma.$executeRaw`
        UPDATE outbox_message SET status = 'pending', next_attempt_at = now(), attempts = 0, lease_until = NULL
        WHERE id = ${id} AND status IN ('sent', 'dead', 'retry')`;
      return n === 1;
    },

    async countsByStatus(): Promise<Record<string, number>> {
      const rows = await prisma.outboxMessage.groupBy({ by: ["status"], _count: { _all: true } });
      return Object.fromEntries(rows.map((r) => [r.status, r._count._all]));
    },

    async failureTotals(): Promise<{ temporary: number; permanent: number }> {
      const r = await prisma.outboxMessage.aggregate({
        _sum: { temporaryFailures: true, permanentFailures: true },
      });
      return { temporary: r._sum.temporaryFailures ?? 0, permanent: r._sum.permanentFailures ?? 0 };
    },
  };
}

export type OutboxRepository = ReturnType<typeof createOutboxRepository>;
