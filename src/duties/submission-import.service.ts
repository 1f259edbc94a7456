// Spreadsheet imports of duty submissions (POST /imports?kind=duty-submissions): the rows the
// spreadsheets' reader found, planned by src/duties/submission-import.ts, then written in one
// transaction or not at all. recordSubmission writes no audit event (each row of duty_submission
// is its own record: who, when, append-only), so neither does an import.
import { actorOf, type Principal } from "../access/principal.js";
import type { Unit } from "../catalog/catalog.repository.js";
import type { Duty, DutyUnit } from "../domain/duties.js";
import { NotFoundError } from "../domain/errors.js";
import type { LocalDate } from "../domain/local-date.js";
import type { Plan } from "../domain/plan.js";
import { COLUMNS } from "../spreadsheets/columns.js";
import type { HeaderMap, RowError } from "../spreadsheets/import-header.js";
import { parseSheetRows } from "../spreadsheets/import-row-schemas.js";
import type { ImportReport, ReportRow } from "../spreadsheets/imports.service.js";
import type { FileFormat, SheetRow } from "../spreadsheets/sheet-row.js";
import type { Db, DutiesRepository } from "./duties.repository.js";
import {
  type PlannedSubmission,
  planSubmissions,
  type SubmissionImportRow,
  submissionImportRow,
} from "./submission-import.js";

type Deps = {
  db: Db;
  repo: Pick<DutiesRepository, "transaction" | "lockSubmissionYears" | "submissionsIn" | "insertSubmissions">;
  plans: { getPlan(year: number): Promise<{ plan: Plan }> };
  units: { listUnits(kind?: undefined, codes?: string[]): Promise<Unit[]> };
  today: () => LocalDate;
  now: () => Date;
};

/** What the spreadsheets' reader hands over: the header found and the non-blank rows below it. */
export type ReadSheet = { format: FileFormat; header: HeaderMap; data: SheetRow[] };

/** A real run found errors once inside the transaction: rolls it back. */
class Rejected extends Error {
  constructor(
    readonly errors: RowError[],
    readonly plans: PlannedSubmission[],
  ) {
    super("import rejected");
  }
}

function report(
  format: FileFormat,
  dryRun: boolean,
  rowNumbers: number[],
  plans: PlannedSubmission[],
  errors: RowError[],
  ids: bigint[] = [],
): ImportReport {
  const byRow = new Map(plans.map((p) => [p.row, p]));
  const errorRows = new Set(errors.map((e) => e.row));
  const idOf = new Map(
    plans.filter((p) => p.status === "write").flatMap((p, i) => (ids[i] ? [[p.row, ids[i]] as const] : [])),
  );
  const rows = rowNumbers.map((row): ReportRow => {
    const p = byRow.get(row);
    if (!p) return { row, status: "error" };
    return {
      row,
      status: errorRows.has(row) ? "error" : p.status,
      planYear: p.planYear,
      dutyId: p.dutyId,
      unitCode: p.unitCode,
      date: p.submittedOn,
      reference: p.documentNumber,
      entryId: idOf.get(row) ?? null,
    };
  });
  const count = (s: ReportRow["status"]) => rows.filter((r) => r.status === s).length;
  return {
    kind: "duty-submissions",
    format,
    dryRun,
    valid: errors.length === 0,
    written: ids.length,
    totals: {
      rows: rows.length,
      write: count("write"),
      unchanged: count("unchanged"),
      error: count("error"),
      amount: 0n,
    },
    rows,
    errors: errors.sort((a, b) => a.row - b.row),
  };
}

export function createSubmissionImportService(d: Deps) {
  /** Each plan year's duties (the current version, as recordSubmission reads them); no plan: absent. */
  async function dutiesOf(years: number[]): Promise<Map<number, readonly Duty[]>> {
    const found = new Map<number, readonly Duty[]>();
    for (const year of years) {
      try {
        found.set(year, (await d.plans.getPlan(year)).plan.duties ?? []);
      } catch (e) {
        if (!(e instanceof NotFoundError)) throw e;
      }
    }
    return found;
  }

  return {
    async run(read: ReadSheet, dryRun: boolean, by: Principal): Promise<ImportReport> {
      const parsed = parseSheetRows(COLUMNS["duty-submissions"], submissionImportRow, read.header, read.data);
      const rows: SubmissionImportRow[] = parsed.rows;
      const years = [...new Set(rows.map((r) => r.planYear))].sort((a, b) => a - b);
      const codes = [...new Set(rows.map((r) => r.unit))];
      // Read before the transaction: PGlite has one connection, so nothing inside may wait on another.
      const [duties, units] = await Promise.all([dutiesOf(years), d.units.listUnits(undefined, codes)]);
      const today = d.today();
      const context = {
        header: read.header,
        duties,
        units: new Map<string, DutyUnit>(units.map((u) => [u.code, u])),
        today,
        writableUnits: by.role === "admin" ? null : new Set(by.unitCodes),
      };
      const plan = async (db: Db) =>
        planSubmissions(rows, { ...context, recorded: await d.repo.submissionsIn(db, years, codes) });

      const first = await plan(d.db);
      const errors = [...parsed.errors, ...first.errors];
      if (dryRun || errors.length > 0)
        return report(read.format, dryRun, parsed.rowNumbers, first.plans, errors);
      if (!first.plans.some((p) => p.status === "write"))
        return report(read.format, false, parsed.rowNumbers, first.plans, []);

      try {
        const { plans, ids } = await d.repo.transaction(async (tx) => {
          // Plan again under the lock: a submission another import committed meanwhile is not new.
          await d.repo.lockSubmissionYears(tx, years);
          const again = await plan(tx);
          if (again.errors.length) throw new Rejected(again.errors, again.plans);
          const createdBy = actorOf(by);
          const createdAt = d.now();
          const ids = await d.repo.insertSubmissions(
            tx,
            again.plans
              .filter((p) => p.status === "write")
              .map((p) => ({
                planYear: p.planYear,
                dutyId: p.dutyId,
                unitCode: p.unitCode,
                documentNumber: p.documentNumber,
                submittedOn: p.submittedOn,
                note: p.note,
                createdBy,
                createdAt,
              })),
          );
          return { plans: again.plans, ids };
        });
        return report(read.format, false, parsed.rowNumbers, plans, [], ids);
      } catch (e) {
        if (e instanceof Rejected) return report(read.format, false, parsed.rowNumbers, e.plans, e.errors);
        throw e;
      }
    },
  };
}

export type SubmissionImportService = ReturnType<typeof createSubmissionImportService>;
