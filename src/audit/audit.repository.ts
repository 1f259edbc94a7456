// The audit trail: every state change of a request, approval, carry-forward and refund, with who,
// when, what and the document behind it. Rows are only inserted (a trigger rejects the rest).
import { toJsonValue } from "../alerts/alert-ledger.repository.js";
import type { Prisma, PrismaClient } from "../generated/prisma/client.js";

type Db = PrismaClient | Prisma.TransactionClient;

export type AuditInput = {
  /** reallocation_request, carry_forward, refund, allocation, disbursement, plan, milestone, … */
  entity: string;
  entityId: bigint | string;
  action: string;
  actor: string;
  document?: string | null;
  details: unknown;
};

export function createAuditRepository(prisma: PrismaClient) {
  return {
    /** Pass the transaction that made the change, so the change and its record commit together. */
    async record(tx: Db, e: AuditInput): Promise<void> {
      await tx.auditEvent.create({
        data: {
          entity: e.entity,
          entityId: String(e.entityId),
          action: e.action,
          actor: e.actor,
          document: e.document ?? null,
          details: toJsonValue(e.details),
        },
      });
    },
    async list(f: {
      entity?: string | undefined;
      entityId?: string | undefined;
      limit: number;
      afterId?: bigint | undefined;
    }) {
      return prisma.auditEvent.findMany({
        where: {
          ...(f.entity ? { entity: f.entity } : {}),
          ...(f.entityId ? { entityId: f.entityId } : {}),
          ...(f.afterId ? { id: { gt: f.afterId } } : {}),
        },
        orderBy: { id: "asc" },
        take: f.limit,
      });
    },
  };
}

export type AuditRepository = ReturnType<typeof createAuditRepository>;
