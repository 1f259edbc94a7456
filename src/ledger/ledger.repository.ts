// The ledger's tables. Sums happen in SQL; rows are only ever inserted (a trigger rejects the rest).
import type { LocalDate } from "../domain/local-date.js";
import { localDateToUtcDate, utcDateToLocalDate } from "../domain/local-date.js";
import type { Prisma, PrismaClient } from "../generated/prisma/client.js";
import type {
  AllocationEntry,
  AllocationInput,
  DisbursementEntry,
  DisbursementInput,
  EntryFilter,
  EntryKind,
  LedgerLine,
  LedgerScope,
  ScopeTotals,
} from "./ledger.types.js";
import { scopeKey } from "./ledger.types.js";

export type Db = PrismaClient | Prisma.TransactionClient;

/** An entry the ledger would not take: its index in the post and the scope totals it would reach. */
export type RefusedEntry = { index: number; allocated: bigint; disbursed: bigint };

// A row of post_disbursements: a refused entry (no id) or an inserted one (every column).
type PostRow = Omit<Row, "id"> & {
  ord: bigint | null;
  wouldAllocate: bigint | null;
  wouldDisburse: bigint | null;
  id: bigint | null;
  reference: string;
  disbursedOn: Date;
};

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

function scopeOf(r: Row): LedgerScope {
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

const scopeColumns = (s: LedgerScope) => ({
  unitCode: s.unitCode,
  programCode: s.program,
  planYear: s.planYear,
  carriedOverFrom: s.carriedOverFrom,
  source: s.source,
  capitalType: s.capitalType,
});

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

export function createLedgerRepository(prisma: PrismaClient) {
  return {
    /** The client itself, for work that needs no transaction of its own. */
    client: prisma as Db,
    transaction: <T>(fn: (tx: Prisma.TransactionClient) => Promise<T>) =>
      prisma.$transaction(fn, { timeout: 60_000, maxWait: 10_000 }),

    /**
     * Serialises writers of the same scopes until the transaction ends, so two concurrent posts
     * cannot both pass the over-disbursement check. Sorted to avoid lock-order deadlocks.
     */
    async lockScopes(tx: Db, scopes: LedgerScope[]): Promise<void> {
      const keys = [...new Set(scopes.map(scopeKey))].sort();
      if (keys.length === 0) return;
      // One round trip for all of them; unnest yields the sorted keys in order, one lock at a time.
      await tx.$executeRaw`
        SELECT pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest(${keys}::text[]) WITH ORDINALITY AS t(k, i)`;
    },

    /** All-time totals per scope (the checks that keep disbursed within allocated). */
    async scopeTotals(tx: Db, scopes: LedgerScope[]): Promise<Map<string, ScopeTotals>> {
      const out = new Map<string, ScopeTotals>();
      for (const s of scopes) out.set(scopeKey(s), { allocated: 0n, disbursed: 0n });
      const units = [...new Set(scopes.map((s) => s.unitCode))];
      const rows = await tx.$queryRaw<(Omit<LedgerLine, "remaining"> & { unitCode: string })[]>`
        SELECT unit_code AS "unitCode", program_code AS "program", plan_year AS "planYear",
               carried_over_from AS "carriedOverFrom", source::text AS "source", capital_type::text AS "capitalType",
               SUM(allocated)::bigint AS "allocated", SUM(disbursed)::bigint AS "disbursed"
        FROM (
          SELECT unit_code, program_code, plan_year, carried_over_from, source, capital_type, amount AS allocated, 0::bigint AS disbursed
            FROM allocation WHERE unit_code = ANY(${units})
          UNION ALL
          SELECT unit_code, program_code, plan_year, carried_over_from, source, capital_type, 0::bigint, amount
            FROM disbursement WHERE unit_code = ANY(${units})
        ) e
        GROUP BY 1, 2, 3, 4, 5, 6`;
      for (const r of rows) {
        const key = scopeKey(r);
        if (out.has(key)) out.set(key, { allocated: r.allocated, disbursed: r.disbursed });
      }
      return out;
    },

    async findEntries(
      kind: EntryKind,
      ids: bigint[],
    ): Promise<Map<bigint, LedgerScope & { amount: bigint }>> {
      const where = { id: { in: ids } };
      const rows: Row[] =
        kind === "allocation"
          ? await prisma.allocation.findMany({ where })
          : await prisma.disbursement.findMany({ where });
      return new Map(rows.map((r) => [r.id, { ...scopeOf(r), amount: r.amount }]));
    },

    async insertAllocations(tx: Db, inputs: AllocationInput[], postedBy: string): Promise<AllocationEntry[]> {
      const rows = await tx.allocation.createManyAndReturn({
        data: inputs.map((a) => ({
          ...scopeColumns(a),
          amount: a.amount,
          decisionRef: a.decisionRef,
          decidedOn: localDateToUtcDate(a.decidedOn),
          correctsId: a.corrects ?? null,
          reallocationId: a.reallocationId ?? null,
          note: a.note ?? null,
          postedBy,
        })),
      });
      return rows.sort((x, y) => (x.id < y.id ? -1 : 1)).map(toAllocation);
    },

    /**
     * Locks, checks and inserts in one call of `post_disbursements` (prisma/migrations, ..._post_disbursements):
     * one round trip, so a post needs no transaction of its own. Either every entry is inserted, or
     * none is and the entries that would break their scope come back with the totals they would reach.
     * Arrays, one per column, keep the parameters to a dozen whatever the batch size; enums travel
     * as text (the PGlite adapter cannot serialise an enum array parameter).
     */
    async postDisbursements(
      db: Db,
      inputs: DisbursementInput[],
      postedBy: string,
    ): Promise<{ inserted: DisbursementEntry[]; refused: RefusedEntry[] }> {
      const col = <T>(f: (d: DisbursementInput) => T) => inputs.map(f);
      const keys = [...new Set(inputs.map(scopeKey))].sort();
      const rows = await db.$queryRaw<PostRow[]>`
        SELECT ord, would_allocate AS "wouldAllocate", would_disburse AS "wouldDisburse", id,
               unit_code AS "unitCode", program_code AS "programCode", plan_year AS "planYear",
               carried_over_from AS "carriedOverFrom", source, capital_type AS "capitalType", amount,
               disbursed_on AS "disbursedOn", reference, corrects_id AS "correctsId", note,
               posted_by AS "postedBy", posted_at AS "postedAt"
        FROM post_disbursements(${keys}::text[], ${[...new Set(inputs.map((d) => d.unitCode))]}::text[],
               ${col((d) => d.unitCode)}::text[], ${col((d) => d.program)}::text[],
               ${col((d) => d.planYear)}::int[], ${col((d) => d.carriedOverFrom)}::int[],
               ${col((d) => d.source)}::text[], ${col((d) => d.capitalType)}::text[],
               ${col((d) => d.amount.toString())}::bigint[], ${col((d) => d.disbursedOn)}::date[],
               ${col((d) => d.reference)}::text[], ${col((d) => d.corrects?.toString() ?? null)}::bigint[],
               ${col((d) => d.note ?? null)}::text[], ${postedBy})`;
      const refused = rows.flatMap((r) =>
        r.id === null
          ? [{ index: Number(r.ord) - 1, allocated: r.wouldAllocate!, disbursed: r.wouldDisburse! }]
          : [],
      );
      if (refused.length) return { inserted: [], refused };
      return { inserted: (rows as (PostRow & { id: bigint })[]).map(toDisbursement), refused };
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
    async ledgerLines(unitCode: string, asOf: LocalDate): Promise<LedgerLine[]> {
      const rows = await prisma.$queryRaw<Omit<LedgerLine, "remaining">[]>`
        SELECT program_code AS "program", plan_year AS "planYear", carried_over_from AS "carriedOverFrom",
               source::text AS "source", capital_type::text AS "capitalType",
               SUM(allocated)::bigint AS "allocated", SUM(disbursed)::bigint AS "disbursed"
        FROM (
          SELECT program_code, plan_year, carried_over_from, source, capital_type, amount AS allocated, 0::bigint AS disbursed
            FROM allocation WHERE unit_code = ${unitCode} AND decided_on <= ${asOf}::date
          UNION ALL
          SELECT program_code, plan_year, carried_over_from, source, capital_type, 0::bigint, amount
            FROM disbursement WHERE unit_code = ${unitCode} AND disbursed_on <= ${asOf}::date
        ) e
        GROUP BY 1, 2, 3, 4, 5
        ORDER BY 1, 2, 3 NULLS FIRST, 4, 5`;
      return rows.map((r) => ({ ...r, remaining: r.allocated - r.disbursed }));
    },

    /** Claims an idempotency key inside the transaction; null when another request holds it. */
    async claimIdempotencyKey(tx: Db, scope: string, key: string, requestHash: string): Promise<boolean> {
      const n = await tx.$executeRaw`
        INSERT INTO idempotency_record (scope, key, request_hash, status_code, response_body)
        VALUES (${scope}, ${key}, ${requestHash}, 0, '') ON CONFLICT DO NOTHING`;
      return n === 1;
    },
    async findIdempotencyRecord(tx: Db, scope: string, key: string) {
      return tx.idempotencyRecord.findUnique({ where: { scope_key: { scope, key } } });
    },
    async completeIdempotencyKey(
      tx: Db,
      scope: string,
      key: string,
      statusCode: number,
      responseBody: string,
    ) {
      await tx.idempotencyRecord.update({
        where: { scope_key: { scope, key } },
        data: { statusCode, responseBody },
      });
    },
  };
}

export type LedgerRepository = ReturnType<typeof createLedgerRepository>;
