// Reconciliation with the State Treasury (Kho bạc Nhà nước): its statements of cumulative
// disbursement are imported and kept as they came, compared with the ledger at their date, and a
// unit's figures that agree can be marked confirmed by the Treasury up to a date.
import { actorOf, type Principal } from "../access/principal.js";
import {
  ConflictError,
  ImportRejectedError,
  InvalidInputError,
  NotFoundError,
  RuleViolationError,
} from "../domain/errors.js";
import { scopeKey } from "../domain/ledger-rules.js";
import { addDays, daysBetween, type LocalDate, todayIn } from "../domain/local-date.js";
import type { LedgerRepository } from "../ledger/ledger.repository.js";
import { DEFAULT_IMPORT_LIMITS, type ImportLimits } from "../spreadsheets/import-limits.js";
import type {
  ConfirmationRecord,
  ScopeComparison,
  StatementLine,
  StatementRecord,
  StatementsComparison,
  TreasuryRepository,
} from "./treasury.repository.js";
import { describeScope, readStatementFile, referenceErrors, sha256Of } from "./treasury-statement.js";

type Deps = {
  repo: TreasuryRepository;
  ledgerRepo: Pick<LedgerRepository, "lockScopes">;
  catalog: {
    existingUnitCodes(c: string[]): Promise<string[]>;
    existingProgramCodes(c: string[]): Promise<string[]>;
  };
  now: () => Date;
  today: () => LocalDate;
  limits?: Partial<ImportLimits>;
};

export type Comparison = {
  asOf: LocalDate;
  /** Scopes compared: the statement's, and the ledger's it lacks among the units and years it covers. */
  scopes: number;
  agreed: number;
  /** Treasury and ledger figures that differ, with difference = treasury − reported. */
  differences: (ScopeComparison & { asOf: LocalDate })[];
};

export type ImportOutcome =
  | { kind: "existing"; statement: StatementRecord }
  | { kind: "created"; statement: StatementRecord; comparison: Comparison };

export type UnresolvedDifference = ScopeComparison & {
  asOf: LocalDate;
  statementId: bigint;
  /** The statement's document reference, as imported. */
  documentRef: string;
  importedAt: Date;
  /** Whole days since the statement that shows the difference was imported. */
  ageDays: number;
};

export type NewConfirmation = {
  unit: string;
  planYear: number;
  confirmedUntil: LocalDate;
  statementId: bigint;
  note?: string | undefined;
};

const comparisonOf = (asOf: LocalDate, rows: ScopeComparison[]): Comparison => {
  const differences = rows.filter((r) => r.difference !== 0n).map((r) => ({ ...r, asOf }));
  return { asOf, scopes: rows.length, agreed: rows.length - differences.length, differences };
};

export function createTreasuryService(d: Deps) {
  const limits: ImportLimits = { ...DEFAULT_IMPORT_LIMITS, ...d.limits };

  async function statementOrThrow(id: bigint, field = "params.id"): Promise<StatementRecord> {
    const s = await d.repo.findStatement(id);
    if (!s)
      throw new NotFoundError(`no Treasury statement ${id}`, [
        { field, rule: "unknown_statement", message: `no Treasury statement ${id}` },
      ]);
    return s;
  }

  async function knownReferences(units: string[], programs: string[]) {
    return {
      units: new Set(await d.catalog.existingUnitCodes([...new Set(units)])),
      programs: new Set(await d.catalog.existingProgramCodes([...new Set(programs)])),
    };
  }

  return {
    limits,

    /**
     * Imports a statement: every row valid or nothing written; the same file again writes nothing
     * and answers the statement it made the first time.
     */
    async importStatement(
      body: Buffer,
      meta: { asOf: LocalDate; documentRef: string; fileName?: string | undefined },
      by: Principal,
    ): Promise<ImportOutcome> {
      if (meta.asOf > d.today())
        throw new InvalidInputError(`the statement's date ${meta.asOf} is after today`, [
          {
            field: "query.asOf",
            rule: "not_in_future",
            message: `${meta.asOf} is after today (${d.today()})`,
          },
        ]);
      const sha = sha256Of(body);
      const existing = await d.repo.findStatementBySha(sha);
      if (existing) return sameFile(existing, meta.asOf);

      const file = await readStatementFile(body, limits);
      const errors = [...file.errors];
      if (file.header && file.rows.length > 0)
        errors.push(
          ...referenceErrors(
            file.header,
            file.rows,
            await knownReferences(
              file.rows.map((r) => r.unitCode),
              file.rows.map((r) => r.program),
            ),
          ),
        );
      if (errors.length > 0)
        throw new ImportRejectedError(
          { format: file.format, errors: errors.sort((a, b) => a.row - b.row) },
          "statement_rejected",
        );

      const lines: StatementLine[] = file.rows.map(({ row, ...r }) => ({ ...r, lineNo: row }));
      const importedAt = d.now();
      const id = await d.repo.transaction((tx) =>
        d.repo.insertStatement(tx, {
          asOf: meta.asOf,
          documentRef: meta.documentRef,
          fileName: meta.fileName ?? `sao-ke-kbnn-${meta.asOf}.${file.format ?? "csv"}`,
          fileSha256: sha,
          importedBy: actorOf(by),
          importedAt,
          lines,
        }),
      );
      // Another import of the same file committed first: that one is the statement.
      if (id === null) return sameFile((await d.repo.findStatementBySha(sha))!, meta.asOf);
      const statement = (await d.repo.findStatement(id))!;
      return {
        kind: "created",
        statement,
        comparison: comparisonOf(meta.asOf, await d.repo.compareWithLedger(id, meta.asOf)),
      };
    },

    listStatements: () => d.repo.listStatements(),

    async statementWithLines(id: bigint) {
      const statement = await statementOrThrow(id);
      return { ...statement, lines: await d.repo.statementLines(id) };
    },

    /** The statement against the ledger as it stands now, at the statement's date. */
    async differences(id: bigint): Promise<{ statement: StatementRecord; comparison: Comparison }> {
      const statement = await statementOrThrow(id);
      return {
        statement,
        comparison: comparisonOf(statement.asOf, await d.repo.compareWithLedger(id, statement.asOf)),
      };
    },

    /** Two statements scope by scope, the earlier (by date, then import) first. */
    async compareStatements(
      id: bigint,
      otherId: bigint,
    ): Promise<{ earlier: StatementRecord; later: StatementRecord; scopes: StatementsComparison[] }> {
      const a = await statementOrThrow(id);
      const b = await statementOrThrow(otherId, "params.otherId");
      const [earlier, later] = a.asOf < b.asOf || (a.asOf === b.asOf && a.id <= b.id) ? [a, b] : [b, a];
      return { earlier, later, scopes: await d.repo.compareStatements(earlier.id, later.id) };
    },

    /**
     * Marks a unit's figures of a plan year confirmed by the Treasury up to a date, on the strength
     * of a statement dated on or after it whose lines for the unit agree with the ledger. The check
     * and the write hold the scopes' locks, so no ledger write of those scopes slips between them.
     */
    async confirm(
      c: NewConfirmation,
      by: Principal,
    ): Promise<{ created: boolean; confirmation: ConfirmationRecord }> {
      const statement = await statementOrThrow(c.statementId, "statementId");
      const known = await knownReferences([c.unit], []);
      if (!known.units.has(c.unit))
        throw new RuleViolationError(`no unit with code ${c.unit}`, [
          { field: "unit", rule: "unknown_unit", message: `no unit with code ${c.unit}` },
        ]);
      if (c.confirmedUntil > statement.asOf)
        throw new RuleViolationError(
          `statement ${statement.id} is as of ${statement.asOf}: it cannot confirm figures up to ${c.confirmedUntil}`,
          [
            {
              field: "confirmedUntil",
              rule: "after_statement",
              message: `must be on or before the statement's date ${statement.asOf}`,
            },
          ],
        );
      const key = {
        unitCode: c.unit,
        planYear: c.planYear,
        confirmedUntil: c.confirmedUntil,
        statementId: statement.id,
      };
      const existing = await d.repo.findConfirmation(key);
      if (existing) return { created: false, confirmation: existing };

      const only = [{ unitCode: c.unit, planYear: c.planYear }];
      return d.repo.transaction(async (tx) => {
        const before = await d.repo.compareWithLedger(statement.id, statement.asOf, { only, db: tx });
        await d.ledgerRepo.lockScopes(tx, before);
        // Read again under the locks: a write committed meanwhile counts.
        const rows = await d.repo.compareWithLedger(statement.id, statement.asOf, { only, db: tx });
        if (!rows.some((r) => r.inStatement))
          throw new RuleViolationError(
            `statement ${statement.id} has no line of unit ${c.unit} in plan year ${c.planYear}`,
            [
              {
                field: "unit",
                rule: "not_in_statement",
                message: `statement ${statement.id} does not list ${c.unit} for ${c.planYear}`,
              },
            ],
          );
        const differ = rows.filter((r) => r.difference !== 0n);
        if (differ.length > 0)
          throw new ConflictError(
            `the ledger differs from statement ${statement.id} in ${differ.length} scope(s) of ${c.unit} as of ${statement.asOf}: nothing confirmed`,
            differ.map((r) => ({
              field: "statementId",
              rule: "treasury_difference",
              message: `${describeScope(r)}: Treasury ${r.treasury} đ, ledger ${r.reported} đ, difference ${r.difference} đ`,
              date: statement.asOf,
              figures: { treasury: r.treasury, reported: r.reported, difference: r.difference },
            })),
          );
        const again = await d.repo.findConfirmation(key, tx);
        if (again) return { created: false, confirmation: again };
        const confirmation = await d.repo.insertConfirmation(
          tx,
          { ...key, note: c.note ?? null, createdBy: actorOf(by) },
          d.now(),
        );
        return { created: true, confirmation };
      });
    },

    listConfirmations: (unit?: string) => d.repo.listConfirmations(unit),

    /**
     * Differences still standing that the Treasury showed more than `olderThanDays` days ago
     * (for the admins' digest). For each unit and plan year only its latest statement counts: a
     * later statement supersedes an earlier one, and the ledger as it stands now is compared, so
     * a correction or a later agreeing statement resolves a difference.
     */
    async unresolvedDifferences(olderThanDays: number, today: LocalDate): Promise<UnresolvedDifference[]> {
      // Imported before the start of (today − N) in Vietnam: at least N whole days old.
      const cutoffDay = addDays(today, -olderThanDays + 1);
      const latest = await d.repo.latestStatementPerUnitYear(new Date(`${cutoffDay}T00:00:00+07:00`));
      const byStatement = new Map<bigint, typeof latest>();
      for (const l of latest) byStatement.set(l.statementId, [...(byStatement.get(l.statementId) ?? []), l]);
      const out: UnresolvedDifference[] = [];
      for (const [statementId, pairs] of byStatement) {
        const { asOf, importedAt } = pairs[0]!;
        const rows = await d.repo.compareWithLedger(statementId, asOf, {
          only: pairs,
          differencesOnly: true,
        });
        const ageDays = daysBetween(todayIn(importedAt), today);
        const documentRef =
          rows.length > 0 ? ((await d.repo.findStatement(statementId))?.documentRef ?? "") : "";
        for (const r of rows) out.push({ ...r, asOf, statementId, documentRef, importedAt, ageDays });
      }
      return out.sort((a, b) => (scopeKey(a) < scopeKey(b) ? -1 : scopeKey(a) > scopeKey(b) ? 1 : 0));
    },
  };

  function sameFile(existing: StatementRecord, asOf: LocalDate): ImportOutcome {
    if (existing.asOf !== asOf)
      throw new ConflictError(
        `this file was imported as statement ${existing.id}, as of ${existing.asOf}, not ${asOf}`,
        [
          {
            field: "query.asOf",
            rule: "same_file_other_date",
            message: `the same file is statement ${existing.id} as of ${existing.asOf}`,
          },
        ],
      );
    return { kind: "existing", statement: existing };
  }
}

export type TreasuryService = ReturnType<typeof createTreasuryService>;
