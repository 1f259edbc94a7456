// Treasury statements, their lines and confirmations: written once, never changed (the tables'
// triggers refuse UPDATE and DELETE). The comparison with the ledger reads the figures the ledger
// keeps (ledger_figures, migration ..._ledger_figures): one binary search per scope at the
// statement's date, so a comparison costs the same whatever the number of entries.
import { type LocalDate, localDateToUtcDate, utcDateToLocalDate } from "../domain/local-date.js";
import { Prisma, type PrismaClient } from "../generated/prisma/client.js";
import type { CapitalSource, CapitalType, LedgerScope } from "../ledger/ledger.types.js";

type Db = PrismaClient | Prisma.TransactionClient;

export type StatementRecord = {
  id: bigint;
  asOf: LocalDate;
  documentRef: string;
  fileName: string;
  fileSha256: string;
  importedBy: string;
  importedAt: Date;
  lineCount: number;
};

export type StatementLine = LedgerScope & { lineNo: number; disbursed: bigint };

export type NewStatement = Omit<StatementRecord, "id" | "lineCount"> & { lines: StatementLine[] };

/** One scope of a statement beside the ledger at the statement's date. */
export type ScopeComparison = LedgerScope & {
  /** The Treasury's cumulative disbursed; 0 when the statement lacks the scope. */
  treasury: bigint;
  inStatement: boolean;
  /** The ledger's cumulative disbursed (net of corrections) up to the statement's date. */
  reported: bigint;
  /** treasury − reported */
  difference: bigint;
};

/** One scope in two statements: null where a statement lacks it. */
export type StatementsComparison = LedgerScope & {
  earlier: bigint | null;
  later: bigint | null;
  change: bigint;
};

export type ConfirmationRecord = {
  id: bigint;
  unitCode: string;
  planYear: number;
  confirmedUntil: LocalDate;
  statementId: bigint;
  note: string | null;
  createdBy: string;
  createdAt: Date;
};

export type UnitYear = { unitCode: string; planYear: number };

const scopeColumns = (a: string, b: string) =>
  Prisma.raw(
    ["unit_code", "program_code", "plan_year", "carried_over_from", "source", "capital_type"]
      .map((c) => `COALESCE(${a}.${c}, ${b}.${c}) AS ${c}`)
      .join(", "),
  );

// Scopes are equal when all six columns are; carried_over_from may be null on both sides (a FULL
// JOIN needs an equality, hence the COALESCE; no plan year is 0).
const sameScope = (a: string, b: string) =>
  Prisma.raw(
    `${a}.unit_code = ${b}.unit_code AND ${a}.program_code = ${b}.program_code AND ${a}.plan_year = ${b}.plan_year
     AND COALESCE(${a}.carried_over_from, 0) = COALESCE(${b}.carried_over_from, 0)
     AND ${a}.source = ${b}.source AND ${a}.capital_type = ${b}.capital_type`,
  );

const ORDER = Prisma.raw(
  "ORDER BY unit_code, program_code, plan_year, carried_over_from NULLS FIRST, source, capital_type",
);

type ScopeRow = {
  unit_code: string;
  program_code: string;
  plan_year: number;
  carried_over_from: number | null;
  source: CapitalSource;
  capital_type: CapitalType;
};
const scopeOfRow = (r: ScopeRow): LedgerScope => ({
  unitCode: r.unit_code,
  program: r.program_code,
  planYear: r.plan_year,
  carriedOverFrom: r.carried_over_from,
  source: r.source,
  capitalType: r.capital_type,
});

const toStatement = (r: {
  id: bigint;
  asOf: Date;
  documentRef: string;
  fileName: string;
  fileSha256: string;
  importedBy: string;
  importedAt: Date;
  _count: { lines: number };
}): StatementRecord => ({
  id: r.id,
  asOf: utcDateToLocalDate(r.asOf),
  documentRef: r.documentRef,
  fileName: r.fileName,
  fileSha256: r.fileSha256,
  importedBy: r.importedBy,
  importedAt: r.importedAt,
  lineCount: r._count.lines,
});

const toConfirmation = (r: Omit<ConfirmationRecord, "confirmedUntil"> & { confirmedUntil: Date }) => ({
  ...r,
  confirmedUntil: utcDateToLocalDate(r.confirmedUntil),
});

const withCount = { _count: { select: { lines: true } } } as const;

export function createTreasuryRepository(prisma: PrismaClient) {
  return {
    transaction: <T>(fn: (tx: Prisma.TransactionClient) => Promise<T>) =>
      prisma.$transaction(fn, { timeout: 60_000, maxWait: 10_000 }),

    async findStatement(id: bigint): Promise<StatementRecord | null> {
      const r = await prisma.treasuryStatement.findUnique({ where: { id }, include: withCount });
      return r ? toStatement(r) : null;
    },

    async findStatementBySha(sha: string, db: Db = prisma): Promise<StatementRecord | null> {
      const r = await db.treasuryStatement.findUnique({ where: { fileSha256: sha }, include: withCount });
      return r ? toStatement(r) : null;
    },

    /** Newest statement date first. */
    async listStatements(): Promise<StatementRecord[]> {
      const rows = await prisma.treasuryStatement.findMany({
        include: withCount,
        orderBy: [{ asOf: "desc" }, { id: "desc" }],
      });
      return rows.map(toStatement);
    },

    async statementLines(id: bigint): Promise<StatementLine[]> {
      const rows = await prisma.treasuryStatementLine.findMany({
        where: { statementId: id },
        orderBy: { lineNo: "asc" },
      });
      return rows.map((r) => ({
        lineNo: r.lineNo,
        unitCode: r.unitCode,
        program: r.programCode,
        planYear: r.planYear,
        carriedOverFrom: r.carriedOverFrom,
        source: r.source,
        capitalType: r.capitalType,
        disbursed: r.disbursed,
      }));
    },

    /**
     * Writes the statement and its lines, or nothing when a statement of the same file exists
     * (the unique sha256 decides, so two concurrent imports of one file write it once): null then.
     */
    async insertStatement(tx: Db, s: NewStatement): Promise<bigint | null> {
      const inserted = await tx.$queryRaw<{ id: bigint }[]>`
        INSERT INTO treasury_statement (as_of, document_ref, file_name, file_sha256, imported_by, imported_at)
        VALUES (${localDateToUtcDate(s.asOf)}::date, ${s.documentRef}, ${s.fileName}, ${s.fileSha256},
                ${s.importedBy}, ${s.importedAt}::timestamptz)
        ON CONFLICT (file_sha256) DO NOTHING
        RETURNING id`;
      const id = inserted[0]?.id;
      if (id === undefined) return null;
      const l = s.lines;
      // One statement for any number of lines: arrays, not a parameter per value.
      await tx.$executeRaw`
        INSERT INTO treasury_statement_line (statement_id, line_no, unit_code, program_code, plan_year,
                                             carried_over_from, source, capital_type, disbursed)
        SELECT ${id}, t.line_no, t.unit_code, t.program_code, t.plan_year, t.carried_over_from,
               t.source::"CapitalSource", t.capital_type::"CapitalType", t.disbursed::bigint
        FROM unnest(${l.map((x) => x.lineNo)}::int[], ${l.map((x) => x.unitCode)}::text[],
                    ${l.map((x) => x.program)}::text[], ${l.map((x) => x.planYear)}::int[],
                    ${l.map((x) => x.carriedOverFrom)}::int[], ${l.map((x) => x.source)}::text[],
                    ${l.map((x) => x.capitalType)}::text[], ${l.map((x) => x.disbursed.toString())}::text[])
          AS t(line_no, unit_code, program_code, plan_year, carried_over_from, source, capital_type, disbursed)`;
      return id;
    },

    /**
     * The statement's scopes beside the ledger's cumulative disbursed at `asOf`, and the ledger's
     * scopes the statement lacks (with a figure other than 0) among the units and plan years it
     * covers. With `only`, those units and plan years; with `differencesOnly`, scopes that differ.
     */
    async compareWithLedger(
      statementId: bigint,
      asOf: LocalDate,
      o: { only?: UnitYear[]; differencesOnly?: boolean; db?: Db } = {},
    ): Promise<ScopeComparison[]> {
      const only = o.only
        ? Prisma.sql`AND (unit_code, plan_year) IN (
            SELECT * FROM unnest(${o.only.map((p) => p.unitCode)}::text[], ${o.only.map((p) => p.planYear)}::int[]))`
        : Prisma.empty;
      const differ = o.differencesOnly ? Prisma.sql`AND treasury <> reported` : Prisma.empty;
      const rows = await (o.db ?? prisma).$queryRaw<
        (ScopeRow & { treasury: bigint; in_statement: boolean; reported: bigint; difference: bigint })[]
      >`
        WITH t AS (
          SELECT unit_code, program_code, plan_year, carried_over_from, source, capital_type, disbursed
          FROM treasury_statement_line WHERE statement_id = ${statementId} ${only}
        ), covered AS (
          SELECT DISTINCT unit_code, plan_year FROM t
        ), l AS (
          SELECT f.unit_code, f.program_code, f.plan_year, f.carried_over_from, f.source, f.capital_type,
                 COALESCE(f.disbursement_totals[width_bucket(${asOf}::date, f.disbursement_days)], 0) AS disbursed
          FROM ledger_figures f JOIN covered c ON c.unit_code = f.unit_code AND c.plan_year = f.plan_year
        ), j AS (
          SELECT ${scopeColumns("t", "l")},
                 COALESCE(t.disbursed, 0) AS treasury, t.unit_code IS NOT NULL AS in_statement,
                 COALESCE(l.disbursed, 0) AS reported
          FROM t FULL JOIN l ON ${sameScope("t", "l")}
        )
        SELECT *, (treasury - reported)::bigint AS difference FROM j
        WHERE (in_statement OR reported <> 0) ${differ}
        ${ORDER}`;
      return rows.map((r) => ({
        ...scopeOfRow(r),
        treasury: r.treasury,
        inStatement: r.in_statement,
        reported: r.reported,
        difference: r.difference,
      }));
    },

    /** Per scope, the figures of two statements (earlier and later as the caller orders them). */
    async compareStatements(earlierId: bigint, laterId: bigint): Promise<StatementsComparison[]> {
      const rows = await prisma.$queryRaw<(ScopeRow & { earlier: bigint | null; later: bigint | null })[]>`
        WITH a AS (SELECT * FROM treasury_statement_line WHERE statement_id = ${earlierId}),
             b AS (SELECT * FROM treasury_statement_line WHERE statement_id = ${laterId})
        SELECT ${scopeColumns("a", "b")}, a.disbursed AS earlier, b.disbursed AS later
        FROM a FULL JOIN b ON ${sameScope("a", "b")}
        ${ORDER}`;
      return rows.map((r) => ({
        ...scopeOfRow(r),
        earlier: r.earlier,
        later: r.later,
        change: (r.later ?? 0n) - (r.earlier ?? 0n),
      }));
    },

    /**
     * For each unit and plan year any statement lists, the latest such statement (by its date,
     * then the last imported), when it was imported before `importedBefore`.
     */
    async latestStatementPerUnitYear(
      importedBefore: Date,
    ): Promise<(UnitYear & { statementId: bigint; asOf: LocalDate; importedAt: Date })[]> {
      const rows = await prisma.$queryRaw<
        { unit_code: string; plan_year: number; id: bigint; as_of: string; imported_at: Date }[]
      >`
        SELECT * FROM (
          SELECT DISTINCT ON (l.unit_code, l.plan_year) l.unit_code, l.plan_year, s.id,
                 s.as_of::text AS as_of, s.imported_at
          FROM treasury_statement_line l JOIN treasury_statement s ON s.id = l.statement_id
          ORDER BY l.unit_code, l.plan_year, s.as_of DESC, s.id DESC
        ) latest
        WHERE imported_at < ${importedBefore}::timestamptz
        ORDER BY unit_code, plan_year`;
      return rows.map((r) => ({
        unitCode: r.unit_code,
        planYear: r.plan_year,
        statementId: r.id,
        asOf: r.as_of,
        importedAt: r.imported_at,
      }));
    },

    async findConfirmation(
      c: Pick<ConfirmationRecord, "unitCode" | "planYear" | "confirmedUntil" | "statementId">,
      db: Db = prisma,
    ): Promise<ConfirmationRecord | null> {
      const r = await db.treasuryConfirmation.findFirst({
        where: {
          unitCode: c.unitCode,
          planYear: c.planYear,
          confirmedUntil: localDateToUtcDate(c.confirmedUntil),
          statementId: c.statementId,
        },
        orderBy: { id: "asc" },
      });
      return r ? toConfirmation(r) : null;
    },

    async insertConfirmation(
      tx: Db,
      c: Omit<ConfirmationRecord, "id" | "createdAt">,
      createdAt: Date,
    ): Promise<ConfirmationRecord> {
      const r = await tx.treasuryConfirmation.create({
        data: { ...c, confirmedUntil: localDateToUtcDate(c.confirmedUntil), createdAt },
      });
      return toConfirmation(r);
    },

    /** A unit's confirmations (or every unit's), latest date first. */
    async listConfirmations(unitCode?: string): Promise<ConfirmationRecord[]> {
      const rows = await prisma.treasuryConfirmation.findMany({
        where: unitCode ? { unitCode } : {},
        orderBy: [{ unitCode: "asc" }, { confirmedUntil: "desc" }, { id: "desc" }],
      });
      return rows.map(toConfirmation);
    },
  };
}

export type TreasuryRepository = ReturnType<typeof createTreasuryRepository>;
