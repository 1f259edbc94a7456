// The ledger's tables. Sums happen in SQL; rows are only ever inserted (a trigger rejects the rest).

import type { RawSql } from "../db/database.js";
import { releasePrismaDebugHistory } from "../db/prisma-debug-history.js";
import { DomainError } from "../domain/errors.js";
import { type CorrectedEntry, type Movement, scopeKey, unitYearOf } from "../domain/ledger-rules.js";
import type { LocalDate } from "../domain/local-date.js";
import { localDateToUtcDate, utcDateToLocalDate } from "../domain/local-date.js";
import { Prisma, type PrismaClient } from "../generated/prisma/client.js";
import type {
  AllocationEntry,
  AllocationInput,
  DisbursementEntry,
  DisbursementInput,
  EntryFilter,
  EntryKind,
  LedgerLine,
  LedgerScope,
} from "./ledger.types.js";

export type Db = PrismaClient | Prisma.TransactionClient;

/** The database's guard refused a write (migration ..._ledger_guard). */
export class LedgerGuardError extends Error {
  constructor(
    readonly rule: string,
    message: string,
  ) {
    super(message);
  }
}

/** The guard's refusal carried by a database error (the trigger's RAISE, at COMMIT), or null. */
function guardRefusal(e: unknown): LedgerGuardError | null {
  if (e instanceof DomainError || e instanceof LedgerGuardError) return null;
  const guard = /ledger guard: ([a-z_]+)(.*)/.exec(String((e as Error | undefined)?.message ?? ""));
  // The pure rules admitted what the guard refuses: a writer outside the service, or a bug.
  return guard ? new LedgerGuardError(guard[1]!, guard[0].trim()) : null;
}

type Row = {
  id: bigint;
  unitCode: string;
  programCode: string;
  planYear: number;
  carriedOverFrom: number | null;
  source: LedgerScope["source"];
  capitalType: LedgerScope["capitalType"];
  amount: bigint;
  correctsId: bigint | null;
  note: string | null;
  postedBy: string;
  postedAt: Date;
};

/**
 * What an INSERT alone in its transaction waits for and checks first: its scopes' locks, then
 * that nothing changed since `seen` was read. An uncorrelated subquery is evaluated once, before
 * the first row; when the check fails, no row is inserted.
 */
function unchangedSince(seen: ScopeSnapshot | undefined) {
  if (!seen) return { head: Prisma.empty, where: Prisma.empty, tx: Prisma.empty };
  return {
    head: Prisma.sql`WITH admitted AS MATERIALIZED (
      SELECT ledger_lock_scopes_unchanged(${seen.keys}::text[], ${seen.changed.map(String)}::bigint[],
                                          ${seen.admissionEpoch.toString()}::bigint) AS ok)`,
    where: Prisma.sql`WHERE (SELECT ok FROM admitted)`,
    // The stamp the figures' triggers give the scopes this statement writes (src/ledger/kept-scopes.ts).
    tx: Prisma.sql`, txid_current()::text AS "tx"`,
  };
}

/** Rows an INSERT returned, and with `seen` the transaction that wrote them (null: none written). */
export type Inserted<R> = { rows: R[]; tx: bigint | null };

function inserted<T extends { id: bigint; tx?: string }, R>(rows: T[], to: (r: T) => R): Inserted<R> {
  const tx = rows[0]?.tx;
  return {
    rows: rows.sort((x, y) => (x.id < y.id ? -1 : 1)).map(to),
    tx: tx === undefined ? null : BigInt(tx),
  };
}

/** The scope columns of an entry row, as the ledger's rules name them. */
function scopeOfRow(r: Row): LedgerScope {
  return {
    unitCode: r.unitCode,
    program: r.programCode,
    planYear: r.planYear,
    carriedOverFrom: r.carriedOverFrom,
    source: r.source,
    capitalType: r.capitalType,
  };
}

// Entries are built field by field, not from spread parts: V8 copies spreads through a slow
// generic path, and a batch answer builds hundreds of entries.
const toAllocation = (r: Row & { decisionRef: string; decidedOn: Date }): AllocationEntry => ({
  unitCode: r.unitCode,
  program: r.programCode,
  planYear: r.planYear,
  carriedOverFrom: r.carriedOverFrom,
  source: r.source,
  capitalType: r.capitalType,
  amount: r.amount,
  decisionRef: r.decisionRef,
  decidedOn: utcDateToLocalDate(r.decidedOn),
  id: r.id,
  corrects: r.correctsId,
  note: r.note,
  postedBy: r.postedBy,
  postedAt: r.postedAt,
});

const toDisbursement = (r: Row & { reference: string; disbursedOn: Date }): DisbursementEntry => ({
  unitCode: r.unitCode,
  program: r.programCode,
  planYear: r.planYear,
  carriedOverFrom: r.carriedOverFrom,
  source: r.source,
  capitalType: r.capitalType,
  amount: r.amount,
  reference: r.reference,
  disbursedOn: utcDateToLocalDate(r.disbursedOn),
  id: r.id,
  corrects: r.correctsId,
  note: r.note,
  postedBy: r.postedBy,
  postedAt: r.postedAt,
});

/**
 * The scope columns of a batch, one array each: an INSERT from unnest of arrays is one statement
 * text whatever the batch's size. Prisma's createManyAndReturn wrote a statement per size, and
 * each real import of 2,000 rows left about 4 MB more heap behind (its statements and values),
 * until a 20,000-row import ran the service out of its 160 MB.
 */
function scopeArrays(rows: readonly LedgerScope[]) {
  return {
    units: rows.map((r) => r.unitCode),
    programs: rows.map((r) => r.program),
    years: rows.map((r) => r.planYear),
    carried: rows.map((r) => r.carriedOverFrom),
    sources: rows.map((r) => r.source as string),
    types: rows.map((r) => r.capitalType as string),
  };
}

const SCOPE_COLUMNS = `id, unit_code AS "unitCode", program_code AS "programCode", plan_year AS "planYear",
  carried_over_from AS "carriedOverFrom", source::text AS "source", capital_type::text AS "capitalType", amount,
  corrects_id AS "correctsId", note, posted_by AS "postedBy", posted_at AS "postedAt"`;
const ALLOCATION_COLUMNS = Prisma.raw(
  `${SCOPE_COLUMNS}, decision_ref AS "decisionRef", decided_on AS "decidedOn", reallocation_id AS "reallocationId"`,
);
const DISBURSEMENT_COLUMNS = Prisma.raw(`${SCOPE_COLUMNS}, reference, disbursed_on AS "disbursedOn"`);

function entryWhere(f: EntryFilter, dateField: "decidedOn" | "disbursedOn") {
  return {
    ...(f.unitCodes ? { unitCode: { in: f.unitCodes } } : {}),
    ...(f.program ? { programCode: f.program } : {}),
    ...(f.planYear ? { planYear: f.planYear } : {}),
    ...(f.from || f.to
      ? {
          [dateField]: {
            ...(f.from ? { gte: localDateToUtcDate(f.from) } : {}),
            ...(f.to ? { lte: localDateToUtcDate(f.to) } : {}),
          },
        }
      : {}),
    ...(f.afterId ? { id: { gt: f.afterId } } : {}),
  };
}

/**
 * The scopes' kept figures ($1: the scope keys, sorted) as text, exact whatever the server's
 * DateStyle, with the stamp of the transaction that last changed each and the admission epoch
 * (migration ..._admission_epoch), in one round trip: ledger_scope_rows (migration ..._scope_rows),
 * a PL/pgSQL function so that its plan is kept.
 *
 * Under the scopes' locks: what a write in a transaction is admitted against.
 */
export const LOCK_SCOPE_HISTORIES_SQL = "SELECT * FROM ledger_scope_rows($1::text[], true)";

/** The same without the locks, all from one snapshot: what imports and reallocations read in their own transactions. */
export const SCOPE_SNAPSHOT_SQL = "SELECT * FROM ledger_scope_rows($1::text[], false)";

/**
 * Every scope the given units have in the given plan years ($1 units, $2 years, pairwise), as
 * kept, with each row's "unit|year", without locks, from one snapshot: what a write alone on
 * scopes this process does not know is judged on (src/ledger/kept-scopes.ts, migration
 * ..._unit_scope_rows), before ledger_lock_scopes_unchanged checks that no stamp (nor the epoch)
 * moved since. bench/lib/ledger-load.ts sends it too.
 */
export const UNIT_SCOPE_ROWS_SQL = "SELECT * FROM ledger_unit_scope_rows($1::text[], $2::int[])";

/** A scope as UNIT_SCOPE_ROWS_SQL read it. */
export type UnitScopeRow = { unitYear: string; key: string; changed: bigint; moves: Movement[] };

/** UNIT_SCOPE_ROWS_SQL's answer: the write's own scopes, and every scope of its units and years. */
export type UnitScopes = ScopeSnapshot & { unitYears: string[]; rows: UnitScopeRow[] };

/** What a write alone was judged on: its scopes (sorted), the stamp of each (-1: no figures yet), the epoch. */
export type ScopeSnapshot = {
  histories: Map<string, Movement[]>;
  keys: string[];
  changed: bigint[];
  admissionEpoch: bigint;
};

type FiguresRow = {
  key: string | null;
  changed: string;
  allocationDays: string | null;
  allocationTotals: string | null;
  disbursementDays: string | null;
  disbursementTotals: string | null;
  refundDays: string | null;
  refundTotals: string | null;
  carryForwardDays: string | null;
  carryForwardTotals: string | null;
};

/** A kind's running totals turned back into each date's movement. */
function pushMovements(into: Movement[], kind: Movement["kind"], days: string | null, totals: string | null) {
  if (!days || !totals || totals === "{}") return;
  const ds = JSON.parse(days) as string[];
  const ts = totals.slice(1, -1).split(",");
  let before = 0n;
  for (let i = 0; i < ds.length; i++) {
    const total = BigInt(ts[i]!);
    into.push({ kind, date: ds[i]!, amount: total - before });
    before = total;
  }
}

/** Each scope's movements per kind and date: what the ledger's rules judge a write against. */
function historiesByScope(rows: FiguresRow[]): Map<string, Movement[]> {
  const out = new Map<string, Movement[]>();
  for (const r of rows) {
    if (r.key === null) continue;
    const moves: Movement[] = [];
    pushMovements(moves, "allocation", r.allocationDays, r.allocationTotals);
    pushMovements(moves, "disbursement", r.disbursementDays, r.disbursementTotals);
    pushMovements(moves, "refund", r.refundDays, r.refundTotals);
    pushMovements(moves, "carryForward", r.carryForwardDays, r.carryForwardTotals);
    if (moves.length > 0) out.set(r.key, moves);
  }
  return out;
}

/** The scopes' keys, each once, sorted: every locker takes them in this order (no deadlock). */
export const sortedKeys = (scopes: LedgerScope[]) => [...new Set(scopes.map(scopeKey))].sort();

/**
 * `direct` answers the statements a write alone sends (its read and its INSERT): the Prisma client
 * by default, the database's pool without Prisma in the service (src/db/database.ts).
 */
export function createLedgerRepository(prisma: PrismaClient, direct: RawSql = prisma) {
  return {
    /** The client itself, for work that needs no transaction of its own. */
    client: prisma as Db,
    /**
     * A transaction of ledger writes. The database's guards are deferred: they run at COMMIT (no
     * statement of their own before it, one round trip fewer per write), and their refusal comes
     * back as a LedgerGuardError naming the rule.
     */
    async transaction<T>(fn: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
      try {
        return await prisma.$transaction(fn, { timeout: 60_000, maxWait: 10_000 });
      } catch (e) {
        throw guardRefusal(e) ?? e;
      } finally {
        // A batch's or an import's rows went through Prisma, whose debug log would keep them.
        releasePrismaDebugHistory();
      }
    },

    /**
     * Serialises writers of the same scopes until the transaction ends, so two concurrent posts
     * cannot both pass the over-disbursement check. Sorted to avoid lock-order deadlocks.
     */
    async lockScopes(tx: Db, scopes: LedgerScope[]): Promise<void> {
      const keys = sortedKeys(scopes);
      if (keys.length === 0) return;
      // One round trip for all of them; unnest yields the sorted keys in order, one lock at a time.
      await tx.$executeRaw`
        SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest(${keys}::text[]) WITH ORDINALITY AS t(k, i)`;
    },

    /**
     * lockScopes, then scopeHistories read under the locks, and the admission epoch, in one round
     * trip: what a write is admitted against (src/ledger/ledger.service.ts).
     */
    async lockScopeHistories(
      tx: Db,
      scopes: LedgerScope[],
    ): Promise<{ histories: Map<string, Movement[]>; admissionEpoch: bigint }> {
      const rows = await tx.$queryRawUnsafe<(FiguresRow & { epoch: string })[]>(
        LOCK_SCOPE_HISTORIES_SQL,
        sortedKeys(scopes),
      );
      return { histories: historiesByScope(rows), admissionEpoch: BigInt(rows[0]!.epoch) };
    },

    /** The scopes' units in the scopes' plan years, as UNIT_SCOPE_ROWS_SQL reads them, in one round trip. */
    async unitScopes(scopes: LedgerScope[]): Promise<UnitScopes> {
      const keys = sortedKeys(scopes);
      const pairs = new Map(scopes.map((s) => [unitYearOf(s), s]));
      const rows = await direct.$queryRawUnsafe<(FiguresRow & { epoch: string; unitYear: string | null })[]>(
        UNIT_SCOPE_ROWS_SQL,
        [...pairs.values()].map((s) => s.unitCode),
        [...pairs.values()].map((s) => s.planYear),
      );
      const histories = historiesByScope(rows);
      const read: UnitScopeRow[] = [];
      for (const r of rows)
        if (r.key !== null && r.unitYear !== null)
          read.push({
            unitYear: r.unitYear,
            key: r.key,
            changed: BigInt(r.changed),
            moves: histories.get(r.key) ?? [],
          });
      const stamps = new Map(read.map((r) => [r.key, r.changed]));
      return {
        histories,
        keys,
        changed: keys.map((k) => stamps.get(k) ?? -1n),
        admissionEpoch: BigInt(rows[0]!.epoch),
        unitYears: [...pairs.keys()],
        rows: read,
      };
    },

    /**
     * A write in a transaction of its own, its statements sent on the client itself (one round
     * trip each, each committed alone), with the guard's refusal named as in `transaction`.
     */
    async alone<T>(fn: (db: RawSql) => Promise<T>): Promise<T> {
      try {
        return await fn(direct);
      } catch (e) {
        throw guardRefusal(e) ?? e;
      }
    },

    /** The admission epoch now: what posts keep the plans and closings by (src/ledger/admission-contexts.ts). */
    async admissionEpoch(): Promise<bigint> {
      const v = await prisma.ledgerVersion.findUniqueOrThrow({
        where: { id: 1 },
        select: { admissionEpoch: true },
      });
      return v.admissionEpoch;
    },

    async findEntries(kind: EntryKind, ids: bigint[]): Promise<Map<bigint, CorrectedEntry>> {
      const where = { id: { in: ids } };
      const rows: (Row & { date: Date })[] =
        kind === "allocation"
          ? (await prisma.allocation.findMany({ where })).map((r) => ({ ...r, date: r.decidedOn }))
          : (await prisma.disbursement.findMany({ where })).map((r) => ({ ...r, date: r.disbursedOn }));
      return new Map(rows.map((r) => [r.id, { ...scopeOfRow(r), date: utcDateToLocalDate(r.date) }]));
    },

    /**
     * Inserts the allocations; with `seen` (a write alone, on the client), only once their scopes'
     * locks are held and nothing changed since `seen` was read: none is inserted otherwise.
     */
    async insertAllocations(
      tx: RawSql,
      inputs: AllocationInput[],
      postedBy: string,
      seen?: ScopeSnapshot,
    ): Promise<Inserted<AllocationEntry>> {
      const c = scopeArrays(inputs);
      const u = unchangedSince(seen);
      const rows = await tx.$queryRaw<(Row & { decisionRef: string; decidedOn: Date; tx?: string })[]>`
        ${u.head}
        INSERT INTO allocation (unit_code, program_code, plan_year, carried_over_from, source, capital_type,
                                amount, decision_ref, decided_on, corrects_id, reallocation_id, note, posted_by)
        SELECT u, p, y, co, s::"CapitalSource", ct::"CapitalType", a, r, d, k, re, n, ${postedBy}
        FROM unnest(${c.units}::text[], ${c.programs}::text[], ${c.years}::int[], ${c.carried}::int[],
                    ${c.sources}::text[], ${c.types}::text[], ${inputs.map((a) => a.amount.toString())}::bigint[],
                    ${inputs.map((a) => a.decisionRef)}::text[], ${inputs.map((a) => a.decidedOn)}::date[],
                    ${inputs.map((a) => a.corrects?.toString() ?? null)}::bigint[],
                    ${inputs.map((a) => a.reallocationId?.toString() ?? null)}::bigint[],
                    ${inputs.map((a) => a.note ?? null)}::text[])
             WITH ORDINALITY AS t(u, p, y, co, s, ct, a, r, d, k, re, n, i)
        ${u.where}
        ORDER BY i
        RETURNING ${ALLOCATION_COLUMNS} ${u.tx}`;
      return inserted(rows, toAllocation);
    },

    /** As insertAllocations, for disbursements. */
    async insertDisbursements(
      tx: RawSql,
      inputs: DisbursementInput[],
      postedBy: string,
      seen?: ScopeSnapshot,
    ): Promise<Inserted<DisbursementEntry>> {
      const c = scopeArrays(inputs);
      const u = unchangedSince(seen);
      const rows = await tx.$queryRaw<(Row & { reference: string; disbursedOn: Date; tx?: string })[]>`
        ${u.head}
        INSERT INTO disbursement (unit_code, program_code, plan_year, carried_over_from, source, capital_type,
                                  amount, disbursed_on, reference, corrects_id, note, posted_by)
        SELECT u, p, y, co, s::"CapitalSource", ct::"CapitalType", a, d, r, k, n, ${postedBy}
        FROM unnest(${c.units}::text[], ${c.programs}::text[], ${c.years}::int[], ${c.carried}::int[],
                    ${c.sources}::text[], ${c.types}::text[], ${inputs.map((d) => d.amount.toString())}::bigint[],
                    ${inputs.map((d) => d.disbursedOn)}::date[], ${inputs.map((d) => d.reference)}::text[],
                    ${inputs.map((d) => d.corrects?.toString() ?? null)}::bigint[],
                    ${inputs.map((d) => d.note ?? null)}::text[])
             WITH ORDINALITY AS t(u, p, y, co, s, ct, a, d, r, k, n, i)
        ${u.where}
        ORDER BY i
        RETURNING ${DISBURSEMENT_COLUMNS} ${u.tx}`;
      return inserted(rows, toDisbursement);
    },

    /**
     * Every movement of the scopes, summed per kind and date: what the ledger's rules judge a post
     * against (src/domain/ledger-rules.ts). Read from the figures the ledger keeps, one row per
     * scope, so the cost follows the dates that have movements, never the number of entries.
     */
    async scopeHistories(tx: Db, scopes: LedgerScope[]): Promise<Map<string, Movement[]>> {
      const keys = [...new Set(scopes.map(scopeKey))];
      if (keys.length === 0) return new Map();
      return historiesByScope(await tx.$queryRawUnsafe<FiguresRow[]>(SCOPE_SNAPSHOT_SQL, keys));
    },

    async listAllocations(f: EntryFilter): Promise<AllocationEntry[]> {
      const rows = await prisma.allocation.findMany({
        where: entryWhere(f, "decidedOn"),
        orderBy: { id: "asc" },
        take: f.limit,
      });
      return rows.map(toAllocation);
    },

    async listDisbursements(f: EntryFilter): Promise<DisbursementEntry[]> {
      const rows = await prisma.disbursement.findMany({
        where: entryWhere(f, "disbursedOn"),
        orderBy: { id: "asc" },
        take: f.limit,
      });
      return rows.map(toDisbursement);
    },

    /** A unit's allocated and disbursed per scope, counting entries dated on or before asOf. */
    /** With knownAt: only entries posted by then (a reading as the service gave it at that moment). */
    async ledgerLines(unitCode: string, asOf: LocalDate, knownAt?: Date): Promise<LedgerLine[]> {
      const known = knownAt ? knownAt.toISOString() : null;
      // Every movement counted at its own date: what is left is neither disbursed, refunded nor
      // carried forward (src/domain/ledger-rules.ts).
      const rows = await prisma.$queryRaw<
        (Omit<LedgerLine, "remaining"> & { kind: string; amount: string })[]
      >`
        SELECT program_code AS "program", plan_year AS "planYear", carried_over_from AS "carriedOverFrom",
               source::text AS "source", capital_type::text AS "capitalType", kind, SUM(amount)::text AS "amount"
        FROM (
          SELECT program_code, plan_year, carried_over_from, source, capital_type, 'allocated' AS kind, amount
            FROM allocation WHERE unit_code = ${unitCode} AND decided_on <= ${asOf}::date
              AND posted_at <= COALESCE(${known}::timestamptz, 'infinity')
          UNION ALL
          SELECT program_code, plan_year, carried_over_from, source, capital_type, 'disbursed', amount
            FROM disbursement WHERE unit_code = ${unitCode} AND disbursed_on <= ${asOf}::date
              AND posted_at <= COALESCE(${known}::timestamptz, 'infinity')
          UNION ALL
          SELECT program_code, plan_year, carried_over_from, source, capital_type, 'refunded', amount
            FROM refund WHERE unit_code = ${unitCode} AND refunded_on <= ${asOf}::date
              AND created_at <= COALESCE(${known}::timestamptz, 'infinity')
          UNION ALL
          SELECT program_code, plan_year, carried_over_from, source, capital_type, 'carriedForward', amount
            FROM carry_forward WHERE unit_code = ${unitCode} AND approved_on <= ${asOf}::date
              AND created_at <= COALESCE(${known}::timestamptz, 'infinity')
        ) e
        GROUP BY 1, 2, 3, 4, 5, 6
        ORDER BY 1, 2, 3 NULLS FIRST, 4, 5`;
      const lines = new Map<string, LedgerLine>();
      for (const r of rows) {
        const key = scopeKey({ ...r, unitCode });
        let line = lines.get(key);
        if (!line) {
          line = {
            program: r.program,
            planYear: r.planYear,
            carriedOverFrom: r.carriedOverFrom,
            source: r.source,
            capitalType: r.capitalType,
            allocated: 0n,
            disbursed: 0n,
            refunded: 0n,
            carriedForward: 0n,
            remaining: 0n,
          };
          lines.set(key, line);
        }
        line[r.kind as "allocated" | "disbursed" | "refunded" | "carriedForward"] = BigInt(r.amount);
        line.remaining = line.allocated - line.disbursed - line.refunded - line.carriedForward;
      }
      return [...lines.values()];
    },
  };
}

export type LedgerRepository = ReturnType<typeof createLedgerRepository>;
