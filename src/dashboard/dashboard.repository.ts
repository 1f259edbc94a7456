// The two reads the dashboard needs that no other module has: a unit's cumulative daily series
// and its ledger entries latest first. Both are single SQL statements.
import type { LocalDate } from "../domain/local-date.js";
import { Prisma, type PrismaClient } from "../generated/prisma/client.js";
import type { CapitalSource, CapitalType } from "../ledger/ledger.types.js";

export type SeriesRow = { program: string; date: LocalDate; allocated: bigint; disbursed: bigint };

export type EntryKind = "allocation" | "disbursement";
export type EntryRow = {
  kind: EntryKind;
  id: bigint;
  date: LocalDate;
  program: string;
  carriedOverFrom: number | null;
  source: CapitalSource;
  capitalType: CapitalType;
  amount: bigint;
  reference: string;
  corrects: bigint | null;
  note: string | null;
  postedBy: string;
  postedAt: Date;
};

/** Position after which the next page of entries starts (entries run latest first). */
export type EntryCursor = { date: LocalDate; kind: EntryKind; id: bigint };

export function createDashboardRepository(prisma: PrismaClient) {
  return {
    /**
     * Per program, one row per day from `from` to `to`: allocated and disbursed of the plan
     * year's own capital, cumulative up to and including that day. Entries dated before `from`
     * count on the first day, so the series starts at the right level.
     */
    async cumulativeDaily(unitCode: string, planYear: number, from: LocalDate, to: LocalDate) {
      if (to < from) return [];
      return prisma.$queryRaw<SeriesRow[]>`
        WITH e AS (
          SELECT program_code AS program, decided_on AS d, amount AS a, 0::bigint AS b FROM allocation
            WHERE unit_code = ${unitCode} AND plan_year = ${planYear} AND carried_over_from IS NULL
              AND decided_on <= ${to}::date
          UNION ALL
          SELECT program_code, disbursed_on, 0::bigint, amount FROM disbursement
            WHERE unit_code = ${unitCode} AND plan_year = ${planYear} AND carried_over_from IS NULL
              AND disbursed_on <= ${to}::date
        ),
        daily AS (
          SELECT program, GREATEST(d, ${from}::date) AS day, SUM(a) AS a, SUM(b) AS b FROM e GROUP BY 1, 2
        ),
        grid AS (
          SELECT p.program, g::date AS day
          FROM (SELECT DISTINCT program FROM e) p
          CROSS JOIN generate_series(${from}::date, ${to}::date, interval '1 day') g
        )
        SELECT grid.program, to_char(grid.day, 'YYYY-MM-DD') AS date,
               (SUM(COALESCE(daily.a, 0)) OVER w)::bigint AS allocated,
               (SUM(COALESCE(daily.b, 0)) OVER w)::bigint AS disbursed
        FROM grid LEFT JOIN daily ON daily.program = grid.program AND daily.day = grid.day
        WINDOW w AS (PARTITION BY grid.program ORDER BY grid.day)
        ORDER BY grid.program, grid.day`;
    },

    /** Allocations and disbursements of the plan year dated up to asOf, latest first. */
    async entries(
      unitCode: string,
      planYear: number,
      asOf: LocalDate,
      limit: number,
      after?: EntryCursor,
    ): Promise<EntryRow[]> {
      const page = after
        ? Prisma.sql`WHERE (x.date, x.kind, x.id) < (${after.date}::date, ${after.kind}, ${after.id})`
        : Prisma.empty;
      const rows = await prisma.$queryRaw<(Omit<EntryRow, "date"> & { date: string })[]>`
        SELECT kind, id, to_char(date, 'YYYY-MM-DD') AS date, program, "carriedOverFrom", source,
               "capitalType", amount, reference, corrects, note, "postedBy", "postedAt"
        FROM (
          SELECT 'allocation' AS kind, id, decided_on AS date, program_code AS program,
                 carried_over_from AS "carriedOverFrom", source::text AS source,
                 capital_type::text AS "capitalType", amount, decision_ref AS reference,
                 corrects_id AS corrects, note, posted_by AS "postedBy", posted_at AS "postedAt"
            FROM allocation
            WHERE unit_code = ${unitCode} AND plan_year = ${planYear} AND decided_on <= ${asOf}::date
          UNION ALL
          SELECT 'disbursement', id, disbursed_on, program_code, carried_over_from, source::text,
                 capital_type::text, amount, reference, corrects_id, note, posted_by, posted_at
            FROM disbursement
            WHERE unit_code = ${unitCode} AND plan_year = ${planYear} AND disbursed_on <= ${asOf}::date
        ) x
        ${page}
        ORDER BY x.date DESC, x.kind DESC, x.id DESC
        LIMIT ${limit}`;
      return rows.map((r) => ({ ...r, kind: r.kind as EntryKind }));
    },

    /** How many entries `entries` pages through. */
    async countEntries(unitCode: string, planYear: number, asOf: LocalDate) {
      const [row] = await prisma.$queryRaw<{ allocations: bigint; disbursements: bigint }[]>`
        SELECT
          (SELECT COUNT(*) FROM allocation
            WHERE unit_code = ${unitCode} AND plan_year = ${planYear} AND decided_on <= ${asOf}::date)::bigint
            AS allocations,
          (SELECT COUNT(*) FROM disbursement
            WHERE unit_code = ${unitCode} AND plan_year = ${planYear} AND disbursed_on <= ${asOf}::date)::bigint
            AS disbursements`;
      return { allocations: Number(row?.allocations ?? 0n), disbursements: Number(row?.disbursements ?? 0n) };
    },
  };
}

export type DashboardRepository = ReturnType<typeof createDashboardRepository>;
