// Acknowledgements of unit heads' messages, and the little of the outbox and alert ledger the
// link's page reads. A message is acknowledged once per recipient: the unique key decides.
import { type LocalDate, localDateToUtcDate, utcDateToLocalDate } from "../domain/local-date.js";
import type { PrismaClient } from "../generated/prisma/client.js";

export type AcknowledgementRecord = {
  messageId: bigint;
  recipient: string;
  plannedAction: string | null;
  plannedOn: LocalDate | null;
  acknowledgedAt: Date;
  acknowledgedOn: LocalDate;
};

export type NewAcknowledgement = Omit<AcknowledgementRecord, "acknowledgedAt"> & { acknowledgedAt: Date };

/** A message carries one alert row per (unit, program, milestone, stage); a run holds a few hundred at most. */
const MAX_ITEMS = 1000;

function toRecord(r: {
  messageId: bigint;
  recipient: string;
  plannedAction: string | null;
  plannedOn: Date | null;
  acknowledgedAt: Date;
  acknowledgedOn: Date;
}): AcknowledgementRecord {
  return {
    messageId: r.messageId,
    recipient: r.recipient,
    plannedAction: r.plannedAction,
    plannedOn: r.plannedOn ? utcDateToLocalDate(r.plannedOn) : null,
    acknowledgedAt: r.acknowledgedAt,
    acknowledgedOn: utcDateToLocalDate(r.acknowledgedOn),
  };
}

export function createAcknowledgementsRepository(prisma: PrismaClient) {
  return {
    /** The unit head's message behind a link; admins' messages carry no link and are never found. */
    async findUnitMessage(headerMessageId: string) {
      return prisma.outboxMessage.findFirst({
        where: { headerMessageId, kind: "unit" },
        select: { id: true, recipient: true, subject: true, createdAt: true },
      });
    },

    /** The alert rows the message carried: their snapshots are what the e-mail said. */
    async alertsOf(messageId: bigint) {
      return prisma.alertRecord.findMany({
        where: { messageId },
        select: { stage: true, unitCode: true, program: true, milestoneId: true, snapshot: true },
        orderBy: { id: "asc" },
        take: MAX_ITEMS,
      });
    },

    async find(messageId: bigint, recipient: string): Promise<AcknowledgementRecord | null> {
      const r = await prisma.alertAcknowledgement.findUnique({
        where: { messageId_recipient: { messageId, recipient } },
      });
      return r ? toRecord(r) : null;
    },

    /** Null when (message, recipient) is acknowledged already, by an earlier or a concurrent request. */
    async insert(a: NewAcknowledgement): Promise<AcknowledgementRecord | null> {
      const [row] = await prisma.alertAcknowledgement.createManyAndReturn({
        data: [
          {
            messageId: a.messageId,
            recipient: a.recipient,
            plannedAction: a.plannedAction,
            plannedOn: a.plannedOn ? localDateToUtcDate(a.plannedOn) : null,
            acknowledgedAt: a.acknowledgedAt,
            acknowledgedOn: localDateToUtcDate(a.acknowledgedOn),
          },
        ],
        skipDuplicates: true,
      });
      return row ? toRecord(row) : null;
    },

    /** Every acknowledgement of these messages (a page of the alert ledger names at most a few hundred). */
    async ofMessages(messageIds: readonly bigint[]): Promise<AcknowledgementRecord[]> {
      if (messageIds.length === 0) return [];
      const rows = await prisma.alertAcknowledgement.findMany({
        where: { messageId: { in: [...new Set(messageIds)] } },
      });
      return rows.map(toRecord);
    },

    /**
     * The latest acknowledgements of messages that carried the unit's alerts of a plan year, made
     * by `until`, with what each message said about the unit.
     */
    async recentForUnit(unitCode: string, planYear: number, until: LocalDate, limit: number) {
      const rows = await prisma.alertAcknowledgement.findMany({
        where: {
          acknowledgedOn: { lte: localDateToUtcDate(until) },
          message: { alerts: { some: { unitCode, planYear } } },
        },
        orderBy: [{ acknowledgedAt: "desc" }, { id: "desc" }],
        take: limit,
        include: {
          message: {
            select: {
              subject: true,
              alerts: {
                where: { unitCode, planYear },
                select: { milestoneId: true, program: true, stage: true },
                orderBy: { id: "asc" },
                take: 100,
              },
            },
          },
        },
      });
      return rows.map((r) => ({
        ...toRecord(r),
        subject: r.message.subject,
        alerts: r.message.alerts,
      }));
    },
  };
}

export type AcknowledgementsRepository = ReturnType<typeof createAcknowledgementsRepository>;
