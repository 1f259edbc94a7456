// Calendar feeds and their token hashes. A feed is created once and revoked once; nothing here
// deletes a row, so the list keeps who made each feed and when it was revoked.
import type { PrismaClient } from "../generated/prisma/client.js";

export type CalendarFeedRecord = {
  id: bigint;
  /** null: the province's feed. */
  unitCode: string | null;
  label: string;
  createdBy: string;
  createdAt: Date;
  revokedAt: Date | null;
};

const select = {
  id: true,
  unitCode: true,
  label: true,
  createdBy: true,
  createdAt: true,
  revokedAt: true,
} as const;

export function createCalendarFeedsRepository(prisma: PrismaClient) {
  return {
    async create(f: {
      unitCode: string | null;
      tokenHash: string;
      label: string;
      createdBy: string;
    }): Promise<CalendarFeedRecord> {
      return prisma.calendarFeed.create({ data: f, select });
    },

    /** The active feed behind a token's hash; read on every fetch, so a revocation holds at once everywhere. */
    findActiveByHash: (tokenHash: string): Promise<CalendarFeedRecord | null> =>
      prisma.calendarFeed.findFirst({ where: { tokenHash, revokedAt: null }, select }),

    findById: (id: bigint): Promise<CalendarFeedRecord | null> =>
      prisma.calendarFeed.findUnique({ where: { id }, select }),

    /** Every feed, or those of the given units (never the province's); oldest first. */
    list(unitCodes?: readonly string[]): Promise<CalendarFeedRecord[]> {
      return prisma.calendarFeed.findMany({
        where: unitCodes ? { unitCode: { in: [...unitCodes] } } : {},
        orderBy: { id: "asc" },
        select,
      });
    },

    /** True when this call revoked it; false when it was revoked already (or never was). */
    async revoke(id: bigint, at: Date): Promise<boolean> {
      const res = await prisma.calendarFeed.updateMany({
        where: { id, revokedAt: null },
        data: { revokedAt: at },
      });
      return res.count === 1;
    },
  };
}

export type CalendarFeedsRepository = ReturnType<typeof createCalendarFeedsRepository>;
