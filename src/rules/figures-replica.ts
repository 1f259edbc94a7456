// A copy of plan years' kept figures (ledger_figures) in this process, for the national reads:
// grouping 60,000 scope rows in SQL and converting the result took 400-600 ms per question
// (10,000 units); the copy answers a new question with no query but the version's.
//
// It is brought up to date before each read, whoever changed the ledger (another instance, a
// script, SQL): the ledger's version is read first (one indexed row) and, when it moved, the rows
// written since the copy's last read are read again. Each row carries the transaction that wrote
// it (changed_tx, migration ..._figures_replica), and every transaction the last read could not
// see has an id at or above that read's snapshot xmin, so `changed_tx >= xmin` misses none; rows
// already seen are read again harmlessly. The read and its version come from one statement, so
// one snapshot. A rebuild of the figures bumps their epoch and the copy reloads whole. The service
// reads them on the pool without Prisma (Database.direct): 61,000 rows of text need no conversion.

import type { RawSql } from "../db/database.js";
import { FigureHistories, type ScopeHistory } from "../domain/figure-histories.js";
import type { CapitalType, FundingSource } from "../domain/plan.js";
import { Prisma } from "../generated/prisma/client.js";

type Head = { version: bigint; epoch: bigint; xmin: string; dates: bigint | null };
type Row = Head & {
  key: string | null;
  unitCode: string;
  program: string;
  carriedOverFrom: number | null;
  source: FundingSource;
  capitalType: CapitalType;
  /** Per kind, "days|totals", each comma-separated: one string per row converts far faster than eight arrays. */
  figures: string;
};

type Copy = { histories: FigureHistories; version: bigint; epoch: bigint; xmin: bigint };

/**
 * Rows read per statement on a whole load. PGlite's memory grows with the rows of a statement
 * (and never shrinks), then this process holds them as text. The PGlite service's peak over its
 * first national read: at 1,000,000 entries, 303 MB with 5,000 rows a statement, 282-296 MB with
 * 1,000 (266-273 MB once FigureHistories.reserve sized the copy up front); at 3,000,000, 303 and
 * 307 MB with 1,000, 285-288 MB with 250, 291 MB with 100.
 */
const CHUNK = 250;

/** A kind's dates as day numbers since 1970-01-01 (toDayNumber's), then its totals. */
const kindText = (kind: string) =>
  Prisma.raw(
    `array_to_string(ARRAY(SELECT x - DATE '1970-01-01' FROM unnest(f.${kind}_days) AS x), ',') || '|' || array_to_string(f.${kind}_totals, ',')`,
  );

/**
 * Rows of a year with the version they make: those written by transactions at or after `since`,
 * or (since null) the next CHUNK by scope key after `after`.
 */
function readSql(year: number, since: bigint | null, after: string, chunk: number): Prisma.Sql {
  const which =
    since === null
      ? Prisma.sql`AND f.scope_key > ${after} ORDER BY f.scope_key LIMIT ${chunk}`
      : Prisma.sql`AND f.changed_tx >= ${since}`;
  // The first statement of a whole load also counts the year's dates, for FigureHistories.reserve.
  const dates =
    since === null && after === ""
      ? Prisma.sql`(SELECT SUM(cardinality(allocation_days) + cardinality(disbursement_days) + cardinality(refund_days)
                                + cardinality(carry_forward_days))
                    FROM ledger_figures WHERE plan_year = ${year})::bigint`
      : Prisma.sql`NULL::bigint`;
  return Prisma.sql`
    SELECT v.version, v.figures_epoch AS epoch, pg_snapshot_xmin(pg_current_snapshot())::text AS xmin,
           ${dates} AS dates, r.*
    FROM ledger_version v
    LEFT JOIN LATERAL (
      SELECT f.scope_key AS key, f.unit_code AS "unitCode", f.program_code AS program,
             f.carried_over_from AS "carriedOverFrom", f.source::text AS source, f.capital_type::text AS "capitalType",
             concat_ws(';', ${kindText("allocation")}, ${kindText("disbursement")}, ${kindText("refund")},
                       ${kindText("carry_forward")}) AS figures
      FROM ledger_figures f
      WHERE f.plan_year = ${year} ${which}
    ) r ON true
    WHERE v.id = 1`;
}

const numbers = (text: string) => (text === "" ? [] : text.split(",").map(Number));
const bigints = (text: string) => (text === "" ? [] : text.split(",").map(BigInt));

function historyOf(r: Row & { key: string }): ScopeHistory {
  const days: number[][] = [];
  const totals: bigint[][] = [];
  for (const kind of r.figures.split(";")) {
    const [d = "", t = ""] = kind.split("|");
    days.push(numbers(d));
    totals.push(bigints(t));
  }
  return {
    key: r.key,
    unitCode: r.unitCode,
    program: r.program,
    carriedOverFrom: r.carriedOverFrom,
    source: r.source,
    capitalType: r.capitalType,
    days,
    totals,
  };
}

export type FiguresReplicaOptions = {
  /** Plan years kept at once; the least recently read goes first. */
  maxYears?: number;
  /** Rows per statement of a whole load (CHUNK). */
  chunk?: number;
};

export function createFiguresReplica(
  db: RawSql,
  { maxYears = 2, chunk = CHUNK }: FiguresReplicaOptions = {},
) {
  const copies = new Map<number, Copy>();
  // One refresh of a year at a time. A reader arriving during one waits for it, then checks the
  // version again: the one under way may have read before the reader's own post committed.
  const queues = new Map<number, Promise<unknown>>();
  let reloads = 0;
  let refreshes = 0;

  const read = (year: number, since: bigint | null, after = "") =>
    db.$queryRaw<Row[]>(readSql(year, since, after, chunk));

  /** Applies rows read after the copy's snapshot; false when the figures were rebuilt meanwhile. */
  async function catchUp(year: number, copy: Copy): Promise<boolean> {
    const rows = await read(year, copy.xmin);
    const head = rows[0];
    if (!head || head.epoch !== copy.epoch) return false;
    for (const r of rows) if (r.key !== null) copy.histories.put(historyOf(r as Row & { key: string }));
    copy.version = head.version;
    copy.xmin = BigInt(head.xmin);
    return true;
  }

  /**
   * The whole year, CHUNK rows per statement. Each statement has its own snapshot, so a row
   * written meanwhile may be missing from an earlier chunk: the catch-up from the first chunk's
   * xmin reads every such row again.
   */
  async function load(year: number): Promise<Copy> {
    for (;;) {
      const histories = new FigureHistories();
      let copy: Copy | undefined;
      let after = "";
      let rebuilt = false;
      for (;;) {
        const rows = await read(year, null, after);
        const head = rows[0];
        if (!head) throw new Error("ledger_version has no row: the migrations have not run");
        if (!copy) {
          copy = { histories, version: head.version, epoch: head.epoch, xmin: BigInt(head.xmin) };
          // Rows written between this statement and the next may add a few dates: room for them.
          if (head.dates !== null) histories.reserve(Math.ceil(Number(head.dates) * 1.01) + 1024);
        }
        if (head.epoch !== copy.epoch) {
          rebuilt = true;
          break;
        }
        for (const r of rows) if (r.key !== null) histories.put(historyOf(r as Row & { key: string }));
        const last = rows.at(-1)?.key;
        if (rows.length < chunk || !last) break;
        after = last;
      }
      if (!rebuilt && copy && (await catchUp(year, copy))) {
        histories.trim();
        return copy;
      }
    }
  }

  async function refreshed(year: number): Promise<FigureHistories> {
    const copy = copies.get(year);
    // Most recently read last, so that the oldest year is dropped first.
    copies.delete(year);
    if (copy) {
      copies.set(year, copy);
      const [now] = await db.$queryRaw<{ version: bigint; epoch: bigint }[]>`
        SELECT version, figures_epoch AS epoch FROM ledger_version WHERE id = 1`;
      if (now && now.version === copy.version && now.epoch === copy.epoch) return copy.histories;
      if (now?.epoch === copy.epoch && (await catchUp(year, copy))) {
        refreshes++;
        return copy.histories;
      }
      copies.delete(year);
    }
    reloads++;
    while (copies.size >= maxYears) copies.delete(copies.keys().next().value!);
    const loaded = await load(year);
    copies.set(year, loaded);
    return loaded.histories;
  }

  return {
    /** The year's figures as the ledger holds them now (as of the version read at the start). */
    async figures(year: number): Promise<FigureHistories> {
      const before = queues.get(year) ?? Promise.resolve();
      const mine = before.catch(() => undefined).then(() => refreshed(year));
      queues.set(year, mine);
      try {
        return await mine;
      } finally {
        if (queues.get(year) === mine) queues.delete(year);
      }
    },

    /** Whole reloads and incremental refreshes so far. */
    stats: () => ({ reloads, refreshes, years: [...copies.keys()] }),
  };
}

export type FiguresReplica = ReturnType<typeof createFiguresReplica>;
