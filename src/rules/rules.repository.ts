// The figures the rules need; the ledger rows themselves never leave the database. Two sources
// give the same figures: the figures the ledger keeps as it moves (ledger_figures, migration
// ..._ledger_figures: one row per scope, so a read costs the same at 100,000 entries as at
// 3,000,000), and the entries themselves, read only for an answer as known at a past moment
// (knownAt filters rows by when they were recorded, which the kept figures do not remember).
// National reads of the kept figures come from their copy in memory when one is given
// (figures-replica.ts); a few units' come from their indexed rows here.
import type { RawSql } from "../db/database.js";
import {
  NO_FIGURES,
  ownCapitalTotalsOf,
  type PlacedPair,
  type PlanFigures,
  placeOf,
  planFiguresOf,
  refundFiguresOf,
} from "../domain/figure-histories.js";

import { addDays, type LocalDate } from "../domain/local-date.js";
import { figuresWindow } from "../domain/milestone-status.js";
import { isRateLike, type Plan, type RateMilestone } from "../domain/plan.js";
import type { UnitProgram } from "../domain/plan-evaluation.js";
import type { RefundFigures } from "../domain/refund.js";
import type { PairTotals } from "../domain/summary.js";
import { rowKey, type StatementOnFile } from "../domain/treasury-reading.js";
import { Prisma, type PrismaClient } from "../generated/prisma/client.js";
import type { FiguresReplica } from "./figures-replica.js";

export type { PlanFigures };

const unitFilter = (units?: string[]) => (units ? Prisma.sql`AND unit_code = ANY(${units})` : Prisma.empty);

/**
 * Only rows recorded by knownAt (`column` is when the row was written: posted_at of a ledger
 * entry, created_at of the rest), so a reading answers as the service would have then.
 */
const knownBy = (column: "posted_at" | "created_at" | "r.created_at" | "s.imported_at", knownAt?: Date) =>
  knownAt ? Prisma.sql`AND ${Prisma.raw(column)} <= ${knownAt.toISOString()}::timestamptz` : Prisma.empty;

/** A milestone's scope: own or carried-over capital, and its program, source and capital-type filters. */
function scopeFilter(m: RateMilestone): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  parts.push(
    m.scope.kind === "own"
      ? Prisma.sql`carried_over_from IS NULL`
      : Prisma.sql`carried_over_from = ${m.scope.fromYear}`,
  );
  if (m.program) parts.push(Prisma.sql`program_code = ${m.program}`);
  if (m.source) parts.push(Prisma.sql`source = ${m.source}::"CapitalSource"`);
  if (m.appliesTo?.sources)
    parts.push(Prisma.sql`source = ANY(${m.appliesTo.sources}::text[]::"CapitalSource"[])`);
  if (m.capitalType) parts.push(Prisma.sql`capital_type = ${m.capitalType}::"CapitalType"`);
  return Prisma.sql`(${Prisma.join(parts, " AND ")})`;
}

type FigureKind = "allocation" | "disbursement" | "refund" | "carry_forward";

/** A kind's running total at the end of date d: one binary search in the scope's kept dates. */
const totalAt = (kind: FigureKind, d: LocalDate) =>
  Prisma.sql`COALESCE(${Prisma.raw(`${kind}_totals`)}[width_bucket(${d}::date, ${Prisma.raw(`${kind}_days`)})], 0)`;

/**
 * The running totals a grouped read of ledger_figures needs, each looked up once per scope row in
 * an inner query (t0, t1, ...), so that the grouping works on narrow rows of scalars. Grouping the
 * wide rows themselves (their date and total arrays) sorted them to disk, and repeated each binary
 * search in every sum that used it: 370 against 190 ms for the national read of 61,428 scopes.
 */
function lookupSet() {
  const lookups = new Map<string, { alias: string; sql: Prisma.Sql }>();
  return {
    /** The inner column holding the kind's total at the end of d. */
    at(kind: FigureKind, d: LocalDate): Prisma.Sql {
      const key = `${kind}|${d}`;
      let l = lookups.get(key);
      if (!l) {
        const alias = `t${lookups.size}`;
        l = { alias, sql: Prisma.sql`${totalAt(kind, d)} AS ${Prisma.raw(alias)}` };
        lookups.set(key, l);
      }
      return Prisma.raw(l.alias);
    },
    /** Movements of a kind dated in [from, to]: the difference of two running totals. */
    movedIn(kind: FigureKind, from: LocalDate, to: LocalDate): Prisma.Sql {
      return Prisma.sql`(${this.at(kind, to)} - ${this.at(kind, addDays(from, -1))})`;
    },
    /** The inner query's lookup columns (at least one, so the list is never empty). */
    sql: () =>
      lookups.size > 0 ? Prisma.join([...lookups.values()].map((l) => l.sql)) : Prisma.sql`0 AS t_`,
  };
}

/** The scope columns a milestone's scope filter reads, passed through the inner query. */
const SCOPE_COLUMNS = Prisma.raw("unit_code, program_code, carried_over_from, source, capital_type");

/** A column of a grouped read: one SUM per distinct expression, whatever the milestones sharing it. */
function columnSet() {
  const columns = new Map<string, { alias: string; sql: Prisma.Sql }>();
  return {
    add(sum: Prisma.Sql): string {
      const key = JSON.stringify([sum.text, sum.values]);
      let c = columns.get(key);
      if (!c) {
        const alias = `s${columns.size}`;
        // Sums are numeric (no order of rows can overflow them); only the group's total is cast
        // back, and the ledger's bound on a scope keeps it within bigint.
        c = { alias, sql: Prisma.sql`COALESCE(${sum}, 0)::bigint AS ${Prisma.raw(alias)}` };
        columns.set(key, c);
      }
      return c.alias;
    },
    sql: () => Prisma.join([...columns.values()].map((c) => c.sql)),
  };
}

type MilestoneAliases = { id: string; a: string; d: string; r: string };

function planRows(rows: Record<string, bigint | string>[], aliases: MilestoneAliases[]): PlanFigures {
  const pairs: PlacedPair[] = rows.map((r, place) => ({
    unitCode: r.unitCode as string,
    program: r.program as string,
    place,
  }));
  return {
    pairs,
    figuresOf(milestoneId, pair) {
      const r = rows[placeOf(pairs, pair)]!;
      const m = aliases.find((x) => x.id === milestoneId);
      return (
        m && { allocated: r[m.a] as bigint, disbursed: r[m.d] as bigint, recentDisbursed: r[m.r] as bigint }
      );
    },
  };
}

/** A scope that had any allocation or disbursement dated up to asOf: its pair is listed, as the entries would list it. */
const hadMovementBy = (asOf: LocalDate) =>
  Prisma.sql`(allocation_days[1] <= ${asOf}::date OR disbursement_days[1] <= ${asOf}::date)`;

/**
 * The rules' figures from what the ledger keeps: rows grow with scopes, never with entries.
 * Each answer is the same as `entriesSource` gives for the same question (test/ledger-figures.test.ts).
 */
function figuresSource(prisma: PrismaClient, replica?: FiguresReplica) {
  return {
    async planFigures(plan: Plan, asOf: LocalDate, units?: string[]): Promise<PlanFigures> {
      // National reads from the copy in memory; a few units' from their indexed rows.
      if (replica && !units) return planFiguresOf(await replica.figures(plan.year), plan, asOf);
      const rateLike = plan.milestones.filter(isRateLike);
      if (rateLike.length === 0) return NO_FIGURES;
      const t = lookupSet();
      const columns = columnSet();
      const aliases = rateLike.map((m) => {
        const { cutoff, windowStart } = figuresWindow(m, asOf, plan.projectionWindowDays);
        const inScope = scopeFilter(m);
        return {
          id: m.id,
          a: columns.add(Prisma.sql`SUM(${t.at("allocation", cutoff)}) FILTER (WHERE ${inScope})`),
          d: columns.add(Prisma.sql`SUM(${t.at("disbursement", cutoff)}) FILTER (WHERE ${inScope})`),
          r: columns.add(
            Prisma.sql`SUM(${t.movedIn("disbursement", windowStart, cutoff)}) FILTER (WHERE ${inScope})`,
          ),
        };
      });
      // OFFSET 0 keeps the inner query from being folded into the grouping.
      const rows = await prisma.$queryRaw<Record<string, bigint | string>[]>`
        SELECT unit_code AS "unitCode", program_code AS "program", ${columns.sql()}
        FROM (
          SELECT ${SCOPE_COLUMNS}, ${hadMovementBy(asOf)} AS moved, ${t.sql()}
          FROM ledger_figures WHERE plan_year = ${plan.year} ${unitFilter(units)} OFFSET 0
        ) f
        GROUP BY 1, 2
        HAVING bool_or(moved)`;
      return planRows(rows, aliases);
    },

    async refundFigures(
      plan: Plan,
      m: RateMilestone,
      asOf: LocalDate,
      units?: string[],
    ): Promise<Map<string, RefundFigures>> {
      if (replica && !units) return refundFiguresOf(await replica.figures(plan.year), plan, m, asOf);
      const { cutoff, windowStart } = figuresWindow(m, asOf, plan.projectionWindowDays);
      const t = lookupSet();
      const rows = await prisma.$queryRaw<(UnitProgram & RefundFigures)[]>`
        SELECT unit_code AS "unitCode", program_code AS "program",
               SUM(${t.at("carry_forward", cutoff)})::bigint AS "carriedForward",
               SUM(${t.at("refund", cutoff)})::bigint AS "refunded",
               SUM(${t.movedIn("refund", windowStart, cutoff)})::bigint AS "recentRefunded"
        FROM (
          SELECT ${SCOPE_COLUMNS}, ${t.sql()}
          FROM ledger_figures
          WHERE plan_year = ${plan.year} AND ${scopeFilter(m)} ${unitFilter(units)}
            AND (cardinality(carry_forward_days) > 0 OR cardinality(refund_days) > 0)
          OFFSET 0
        ) f
        GROUP BY 1, 2`;
      return new Map(rows.map(({ unitCode, program, ...f }) => [`${unitCode}|${program}`, f]));
    },

    async ownCapitalTotals(year: number, asOf: LocalDate): Promise<PairTotals[]> {
      if (replica) return ownCapitalTotalsOf(await replica.figures(year), asOf);
      return prisma.$queryRaw<PairTotals[]>`
        SELECT unit_code AS "unitCode", program_code AS "program",
               SUM(a)::bigint AS "allocated", SUM(d)::bigint AS "disbursed"
        FROM (
          SELECT unit_code, program_code, ${totalAt("allocation", asOf)} AS a, ${totalAt("disbursement", asOf)} AS d,
                 ${hadMovementBy(asOf)} AS moved
          FROM ledger_figures WHERE plan_year = ${year} AND carried_over_from IS NULL OFFSET 0
        ) f
        GROUP BY 1, 2
        HAVING bool_or(moved)`;
    },
  };
}

/** The rules' figures summed from the entries recorded by knownAt (when given). */
function entriesSource(prisma: PrismaClient) {
  return {
    /**
     * One grouped pass over the plan year's entries dated up to asOf: every pair that has one,
     * with, per milestone, allocated and disbursed up to the milestone's cutoff and disbursed in
     * its projection window (conditional sums, so more milestones cost no extra scan).
     */
    async planFigures(plan: Plan, asOf: LocalDate, units?: string[], knownAt?: Date): Promise<PlanFigures> {
      const rateLike = plan.milestones.filter(isRateLike);
      if (rateLike.length === 0) return NO_FIGURES;
      // FILTER rather than CASE: a row feeds only the sums it belongs to (about 30% faster).
      const columns = columnSet();
      const column = (kind: "a" | "d", inScope: Prisma.Sql, cutoff: LocalDate, windowStart?: LocalDate) => {
        const conds = [kind === "a" ? Prisma.sql`is_allocation` : Prisma.sql`NOT is_allocation`, inScope];
        // Every row is dated up to asOf already; a cutoff at asOf needs no test.
        if (cutoff < asOf) conds.push(Prisma.sql`d <= ${cutoff}::date`);
        if (windowStart) conds.push(Prisma.sql`d >= ${windowStart}::date`);
        return columns.add(Prisma.sql`SUM(amount) FILTER (WHERE ${Prisma.join(conds, " AND ")})`);
      };
      const aliases = rateLike.map((m) => {
        const { cutoff, windowStart } = figuresWindow(m, asOf, plan.projectionWindowDays);
        const inScope = scopeFilter(m);
        return {
          id: m.id,
          a: column("a", inScope, cutoff),
          d: column("d", inScope, cutoff),
          r: column("d", inScope, cutoff, windowStart),
        };
      });
      // The pass is hashed when every group's sums fit in work_mem; at the default 4 MB, 30,000
      // pairs were sorted and spilled to disk instead (about twice as slow). A transaction of our
      // own with the service's time limit: a batch one is held to Prisma's 5 s, and this pass over
      // 3,000,000 entries on PGlite took 3.5 s (p50) and once 5.1 s (bench/RESULTS.md, part 8).
      const rows = await prisma.$transaction(
        async (tx) => {
          await tx.$executeRaw`SET LOCAL work_mem = '32MB'`;
          return tx.$queryRaw<Record<string, bigint | string>[]>`
        SELECT unit_code AS "unitCode", program_code AS "program", ${columns.sql()}
        FROM (
          SELECT true AS is_allocation, unit_code, program_code, carried_over_from, source, capital_type, amount, decided_on AS d
            FROM allocation WHERE plan_year = ${plan.year} AND decided_on <= ${asOf}::date ${unitFilter(units)}
              ${knownBy("posted_at", knownAt)}
          UNION ALL
          SELECT false, unit_code, program_code, carried_over_from, source, capital_type, amount, disbursed_on
            FROM disbursement WHERE plan_year = ${plan.year} AND disbursed_on <= ${asOf}::date ${unitFilter(units)}
              ${knownBy("posted_at", knownAt)}
        ) e
        GROUP BY 1, 2`;
        },
        { timeout: 60_000, maxWait: 10_000 },
      );
      return planRows(rows, aliases);
    },

    /** Per pair, for a refund milestone: approved carry-forward and refunds up to its cutoff. */
    async refundFigures(
      plan: Plan,
      m: RateMilestone,
      asOf: LocalDate,
      units?: string[],
      knownAt?: Date,
    ): Promise<Map<string, RefundFigures>> {
      const { cutoff, windowStart } = figuresWindow(m, asOf, plan.projectionWindowDays);
      // scopeFilter: own capital or the one year carried over, as for allocations and disbursements.
      const filter = Prisma.sql`plan_year = ${plan.year} AND ${scopeFilter(m)} ${unitFilter(units)} ${knownBy("created_at", knownAt)}`;
      const rows = await prisma.$queryRaw<(UnitProgram & RefundFigures)[]>`
        SELECT unit_code AS "unitCode", program_code AS "program",
               SUM(cf)::bigint AS "carriedForward", SUM(r)::bigint AS "refunded", SUM(recent)::bigint AS "recentRefunded"
        FROM (
          SELECT unit_code, program_code, amount AS cf, 0::bigint AS r, 0::bigint AS recent
            FROM carry_forward WHERE ${filter} AND approved_on <= ${cutoff}::date
          UNION ALL
          SELECT unit_code, program_code, 0::bigint, amount,
                 CASE WHEN refunded_on >= ${windowStart}::date THEN amount ELSE 0::bigint END
            FROM refund WHERE ${filter} AND refunded_on <= ${cutoff}::date
        ) e
        GROUP BY 1, 2`;
      return new Map(rows.map(({ unitCode, program, ...f }) => [`${unitCode}|${program}`, f]));
    },

    /** The plan year's own capital per pair as of asOf, for the roll-ups. */
    async ownCapitalTotals(year: number, asOf: LocalDate, knownAt?: Date): Promise<PairTotals[]> {
      return prisma.$queryRaw<PairTotals[]>`
        SELECT unit_code AS "unitCode", program_code AS "program",
               SUM(allocated)::bigint AS "allocated", SUM(disbursed)::bigint AS "disbursed"
        FROM (
          SELECT unit_code, program_code, amount AS allocated, 0::bigint AS disbursed FROM allocation
            WHERE plan_year = ${year} AND carried_over_from IS NULL AND decided_on <= ${asOf}::date
              ${knownBy("posted_at", knownAt)}
          UNION ALL
          SELECT unit_code, program_code, 0::bigint, amount FROM disbursement
            WHERE plan_year = ${year} AND carried_over_from IS NULL AND disbursed_on <= ${asOf}::date
              ${knownBy("posted_at", knownAt)}
        ) e
        GROUP BY 1, 2`;
    },
  };
}

/**
 * `source: "entries"` reads the entries for every answer: only to show that both sources agree
 * (test/ledger-figures.test.ts) and to measure the difference (bench).
 */
export function createRulesRepository(
  prisma: PrismaClient,
  opts: {
    source?: "figures" | "entries";
    replica?: FiguresReplica;
    /**
     * The pool without Prisma (Database.direct), for the one-row reads every national answer makes
     * first (the ledger's version): 0.30 ms against Prisma's 0.63 ms, p50, in a probe.
     */
    direct?: RawSql;
  } = {},
) {
  const entries = entriesSource(prisma);
  const rows: RawSql = opts.direct ?? prisma;
  const figures = opts.source === "entries" ? entries : figuresSource(prisma, opts.replica);
  return {
    planFigures: (plan: Plan, asOf: LocalDate, units?: string[], knownAt?: Date) =>
      knownAt ? entries.planFigures(plan, asOf, units, knownAt) : figures.planFigures(plan, asOf, units),

    refundFigures: (plan: Plan, m: RateMilestone, asOf: LocalDate, units?: string[], knownAt?: Date) =>
      knownAt
        ? entries.refundFigures(plan, m, asOf, units, knownAt)
        : figures.refundFigures(plan, m, asOf, units),

    ownCapitalTotals: (year: number, asOf: LocalDate, knownAt?: Date) =>
      knownAt ? entries.ownCapitalTotals(year, asOf, knownAt) : figures.ownCapitalTotals(year, asOf),

    /** Moves with every change to the units (migration ..._units_epoch). */
    async unitsEpoch(): Promise<bigint> {
      const [row] = await rows.$queryRaw<
        { units_epoch: bigint }[]
      >`SELECT units_epoch FROM ledger_version WHERE id = 1`;
      return row?.units_epoch ?? 0n;
    },

    /** Bumped by every change an evaluation can see (src/rules/answer-cache.ts). */
    async ledgerVersion(): Promise<bigint> {
      const [row] = await rows.$queryRaw<
        { version: bigint }[]
      >`SELECT version FROM ledger_version WHERE id = 1`;
      return row?.version ?? 0n;
    },

    /**
     * The Treasury statements dated on or before asOf (any date without it) that list any unit (of
     * those named) in the plan year, with those units; imported by knownAt when given.
     */
    async treasuryStatements(
      year: number,
      asOf: LocalDate | undefined,
      units?: string[],
      knownAt?: Date,
    ): Promise<StatementOnFile[]> {
      const rows = await prisma.$queryRaw<
        { id: bigint; asOf: string; documentRef: string; unitCodes: string[] }[]
      >`
        SELECT s.id, s.as_of::text AS "asOf", s.document_ref AS "documentRef",
               array_agg(DISTINCT l.unit_code) AS "unitCodes"
        FROM treasury_statement s JOIN treasury_statement_line l ON l.statement_id = s.id
        WHERE l.plan_year = ${year} ${asOf === undefined ? Prisma.empty : Prisma.sql`AND s.as_of <= ${asOf}::date`}
          ${knownBy("s.imported_at", knownAt)}
          ${units ? Prisma.sql`AND l.unit_code = ANY(${units})` : Prisma.empty}
        GROUP BY s.id
        ORDER BY s.as_of, s.id`;
      return rows.map((r) => ({ ...r, unitCodes: new Set(r.unitCodes) }));
    },

    /**
     * Per pair of the units named, each rate milestone's disbursement as the statement states it:
     * the sum of its lines in the milestone's scope (the ledger's scope filter: the columns are
     * the same). Keys: rowKey(milestone, unit, program).
     */
    async statedFigures(plan: Plan, statementId: bigint, units: string[]): Promise<Map<string, bigint>> {
      const rateLike = plan.milestones.filter(isRateLike);
      if (rateLike.length === 0 || units.length === 0) return new Map();
      const columns = columnSet();
      const aliases = rateLike.map((m) => ({
        id: m.id,
        d: columns.add(Prisma.sql`SUM(disbursed) FILTER (WHERE ${scopeFilter(m)})`),
      }));
      const rows = await prisma.$queryRaw<Record<string, bigint | string>[]>`
        SELECT unit_code AS "unitCode", program_code AS "program", ${columns.sql()}
        FROM treasury_statement_line
        WHERE statement_id = ${statementId} AND plan_year = ${plan.year} ${unitFilter(units)}
        GROUP BY 1, 2`;
      const out = new Map<string, bigint>();
      for (const r of rows)
        for (const a of aliases)
          out.set(rowKey(a.id, r.unitCode as string, r.program as string), r[a.d] as bigint);
      return out;
    },

    /** Per pair: the earliest reallocation request covering it, sent on or before asOf (without it, ever). */
    async requestsSentOn(
      year: number,
      asOf: LocalDate | undefined,
      units?: string[],
      knownAt?: Date,
    ): Promise<Map<string, LocalDate>> {
      const rows = await prisma.$queryRaw<{ key: string; sentOn: string }[]>`
        SELECT r.unit_code || '|' || l.program_code AS key, to_char(MIN(r.sent_on), 'YYYY-MM-DD') AS "sentOn"
        FROM reallocation_request r JOIN reallocation_line l ON l.request_id = r.id
        WHERE r.plan_year = ${year} ${asOf === undefined ? Prisma.empty : Prisma.sql`AND r.sent_on <= ${asOf}::date`}
          ${knownBy("r.created_at", knownAt)}
          ${units ? Prisma.sql`AND r.unit_code = ANY(${units})` : Prisma.empty}
        GROUP BY 1`;
      return new Map(rows.map((r) => [r.key, r.sentOn]));
    },
  };
}

export type RulesRepository = ReturnType<typeof createRulesRepository>;
