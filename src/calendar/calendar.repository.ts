// The days off and swapped working days the government announces each year, as admins enter
// them (table calendar_year; a trigger bumps the ledger version on any change).
import type { NamedDay } from "../domain/working-days.js";
import type { Prisma, PrismaClient } from "../generated/prisma/client.js";

type Db = PrismaClient | Prisma.TransactionClient;

export type CalendarYearRecord = {
  year: number;
  daysOff: NamedDay[];
  workingDays: NamedDay[];
  sourceDocument: string;
  sourceUrl: string | null;
  updatedBy: string;
  updatedAt: Date;
};

export type CalendarYearInput = Omit<CalendarYearRecord, "updatedAt">;

const toRecord = (r: {
  year: number;
  daysOff: unknown;
  workingDays: unknown;
  sourceDocument: string;
  sourceUrl: string | null;
  updatedBy: string;
  updatedAt: Date;
}): CalendarYearRecord => ({
  year: r.year,
  daysOff: r.daysOff as NamedDay[],
  workingDays: r.workingDays as NamedDay[],
  sourceDocument: r.sourceDocument,
  sourceUrl: r.sourceUrl,
  updatedBy: r.updatedBy,
  updatedAt: r.updatedAt,
});

export function createCalendarRepository(prisma: PrismaClient) {
  return {
    transaction: <T>(fn: (tx: Prisma.TransactionClient) => Promise<T>) => prisma.$transaction(fn),

    async findYear(year: number, tx: Db = prisma): Promise<CalendarYearRecord | null> {
      const row = await tx.calendarYear.findUnique({ where: { year } });
      return row ? toRecord(row) : null;
    },

    /**
     * Serialises writers of one year until the transaction ends: each judges "does this change
     * the past?" against the row the other wrote, never against the row both read before.
     */
    async lockYear(tx: Db, year: number): Promise<void> {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`calendar_year:${year}`}, 0))`;
    },

    /** Every year entered: a row per year, a few dozen days each, so reading all is cheap. */
    async allYears(): Promise<CalendarYearRecord[]> {
      return (await prisma.calendarYear.findMany({ orderBy: { year: "asc" } })).map(toRecord);
    },

    /** When each year was last changed: whether a calendar built earlier is still current. */
    yearStamps: (): Promise<{ year: number; updatedAt: Date }[]> =>
      prisma.calendarYear.findMany({ select: { year: true, updatedAt: true }, orderBy: { year: "asc" } }),

    /** Replaces the year's data whole: what the admin sends is the year as announced. */
    async upsertYear(tx: Db, y: CalendarYearInput): Promise<CalendarYearRecord> {
      const data = {
        daysOff: y.daysOff as unknown as Prisma.InputJsonValue,
        workingDays: y.workingDays as unknown as Prisma.InputJsonValue,
        sourceDocument: y.sourceDocument,
        sourceUrl: y.sourceUrl,
        updatedBy: y.updatedBy,
        updatedAt: new Date(),
      };
      return toRecord(
        await tx.calendarYear.upsert({
          where: { year: y.year },
          create: { year: y.year, ...data },
          update: data,
        }),
      );
    },
  };
}

export type CalendarRepository = ReturnType<typeof createCalendarRepository>;
