// Imports of allocations and of disbursement reports. Every row is checked first (the dry run's
// answer); a real run then repeats the planning inside one transaction that holds the ledger's
// scope locks, and writes every row or none. Duty submissions are read here and planned and
// written by their own service (src/duties/submission-import.service.ts).
import type { Principal } from "../access/principal.js";
import { ImportRejectedError, RuleViolationError } from "../domain/errors.js";
import { type LedgerScope, scopeOf } from "../domain/ledger-rules.js";
import type { LocalDate } from "../domain/local-date.js";
import type { SubmissionImportService } from "../duties/submission-import.service.js";
import type { AdmissionContext } from "../ledger/admission-contexts.js";
import type { Db, LedgerRepository } from "../ledger/ledger.repository.js";
import type { LedgerService } from "../ledger/ledger.service.js";
import { planAllocations, toAllocationInput } from "./allocation-planner.js";
import type { ImportKind, LedgerImportKind } from "./columns.js";
import { planDisbursements, toDisbursementInput } from "./disbursement-planner.js";
import { readImportFile } from "./import-file.js";
import { type HeaderMap, locate, type RowError } from "./import-header.js";
import { DEFAULT_IMPORT_LIMITS, type ImportLimits, UnreadableFileError } from "./import-limits.js";
import { type AllocationRow, type DisbursementRow, validateRows } from "./import-row-schemas.js";
import type { ImportsRepository } from "./imports.repository.js";
import { issueToRowError, type RowPlan, type RowStatus } from "./row-plan.js";
import type { FileFormat } from "./sheet-row.js";

type Deps = {
  db: Db;
  repo: ImportsRepository;
  ledger: Pick<
    LedgerService,
    "writeAllocations" | "writeDisbursements" | "transaction" | "datesAndPeriods" | "admissionContext"
  >;
  ledgerRepo: Pick<LedgerRepository, "lockScopes" | "scopeHistories">;
  catalog: {
    existingUnitCodes(c: string[]): Promise<string[]>;
    existingProgramCodes(c: string[]): Promise<string[]>;
  };
  /** kind=duty-submissions. */
  dutySubmissions: Pick<SubmissionImportService, "run">;
  today: () => LocalDate;
  /** What one file may hold; the defaults where left out. */
  limits?: Partial<ImportLimits>;
};

export type ReportRow = Partial<LedgerScope> & {
  row: number;
  status: RowStatus;
  /** kind=duty-submissions: the duty the row records a document for. */
  dutyId?: string;
  amount?: bigint;
  date?: LocalDate;
  reference?: string;
  cumulative?: bigint | null;
  recorded?: bigint | null;
  entryId?: bigint | null;
};

export type ImportReport = {
  kind: ImportKind;
  format: FileFormat | null;
  dryRun: boolean;
  valid: boolean;
  written: number;
  totals: { rows: number; write: number; unchanged: number; error: number; amount: bigint };
  rows: ReportRow[];
  errors: RowError[];
};

/** A real run found errors after taking the locks: rolls the transaction back. */
class Rejected extends Error {
  constructor(
    readonly errors: RowError[],
    readonly plans: RowPlan[],
  ) {
    super("import rejected");
  }
}

export function createImportsService(d: Deps) {
  const limits: ImportLimits = { ...DEFAULT_IMPORT_LIMITS, ...d.limits };

  /** Units an officer may not post for, and unknown units and programs, as row errors. */
  async function checkReferences(h: HeaderMap, rows: (AllocationRow | DisbursementRow)[], by: Principal) {
    const errors: RowError[] = [];
    const units = new Set(await d.catalog.existingUnitCodes([...new Set(rows.map((r) => r.unitCode))]));
    const programs = new Set(await d.catalog.existingProgramCodes([...new Set(rows.map((r) => r.program))]));
    const ok = rows.filter((r) => {
      let good = true;
      if (by.role !== "admin" && !by.unitCodes.includes(r.unitCode)) {
        // Before any lookup of the unit's figures: an officer learns nothing of other units.
        errors.push({
          row: r.row,
          ...locate(h, "unitCode"),
          rule: "not_your_unit",
          message: `this key may not post for unit ${r.unitCode}`,
        });
        return false;
      }
      if (!units.has(r.unitCode)) {
        errors.push({
          row: r.row,
          ...locate(h, "unitCode"),
          rule: "unknown_unit",
          message: `no unit with code ${r.unitCode}`,
        });
        good = false;
      }
      if (!programs.has(r.program)) {
        errors.push({
          row: r.row,
          ...locate(h, "program"),
          rule: "unknown_program",
          message: `no program ${r.program}`,
        });
        good = false;
      }
      return good;
    });
    return { ok, errors };
  }

  async function plan(
    kind: LedgerImportKind,
    db: Db,
    h: HeaderMap,
    rows: (AllocationRow | DisbursementRow)[],
    by: Principal,
    ctx: AdmissionContext,
  ) {
    const scopes = rows.map(scopeOf);
    const history = await d.ledgerRepo.scopeHistories(db, scopes);
    const planned =
      kind === "allocations"
        ? planAllocations(rows as AllocationRow[], {
            header: h,
            history,
            decisions: await d.repo.allocationDecisions(db, scopes),
          })
        : planDisbursements(rows as DisbursementRow[], { header: h, history, today: d.today() });
    // Dates that can be and closed periods: the same admission the ledger applies when writing.
    const writing = planned.plans.filter((p) => p.status === "write");
    const { issues } = d.ledger.datesAndPeriods(
      writing.map((p, entry) => ({
        ...scopeOf(p),
        kind: kind === "allocations" ? "allocation" : "disbursement",
        date: p.date,
        amount: p.amount,
        entry,
        dateField: kind === "allocations" ? "decidedOn" : "disbursedOn",
      })),
      by,
      ctx,
    );
    for (const i of issues) {
      writing[i.entry!]!.status = "error";
      planned.errors.push(issueToRowError(h, writing, i, kind));
    }
    return planned;
  }

  /** Writes the planned entries inside the transaction; the ledger admits them again. */
  async function write(
    kind: LedgerImportKind,
    tx: Db,
    h: HeaderMap,
    plans: RowPlan[],
    by: Principal,
    ctx: AdmissionContext,
  ) {
    const toWrite = plans.filter((p) => p.status === "write");
    const ids = new Map<number, bigint>();
    try {
      const written =
        kind === "allocations"
          ? await d.ledger.writeAllocations(tx, toWrite.map(toAllocationInput), by, ctx)
          : await d.ledger.writeDisbursements(tx, toWrite.map(toDisbursementInput), by, ctx);
      written.forEach((e, i) => {
        ids.set(toWrite[i]!.row, e.id);
      });
    } catch (e) {
      if (e instanceof RuleViolationError)
        throw new Rejected(
          e.issues.map((issue) => issueToRowError(h, toWrite, issue, kind)),
          plans,
        );
      throw e;
    }
    return ids;
  }

  function report(
    kind: ImportKind,
    format: FileFormat | null,
    dryRun: boolean,
    rowNumbers: number[],
    plans: RowPlan[],
    errors: RowError[],
    ids = new Map<number, bigint>(),
  ): ImportReport {
    const byRow = new Map(plans.map((p) => [p.row, p]));
    const errorRows = new Set(errors.map((e) => e.row));
    const rows = rowNumbers.map((row): ReportRow => {
      const p = byRow.get(row);
      const status: RowStatus = errorRows.has(row) ? "error" : (p?.status ?? "error");
      if (!p) return { row, status };
      return {
        row,
        status,
        ...scopeOf(p),
        amount: p.amount,
        date: p.date,
        reference: p.reference,
        ...(kind === "disbursements" ? { cumulative: p.cumulative, recorded: p.recorded } : {}),
        entryId: ids.get(row) ?? null,
      };
    });
    const count = (s: RowStatus) => rows.filter((r) => r.status === s).length;
    const valid = errors.length === 0;
    return {
      kind,
      format,
      dryRun,
      valid,
      written: ids.size,
      totals: {
        rows: rows.length,
        write: count("write"),
        unchanged: count("unchanged"),
        error: count("error"),
        amount: rows.reduce((s, r) => (r.status === "write" && r.amount ? s + r.amount : s), 0n),
      },
      rows,
      errors: errors.sort((a, b) => a.row - b.row),
    };
  }

  /** The report of a file, valid or not. */
  async function importFile(
    kind: ImportKind,
    body: Buffer,
    dryRun: boolean,
    by: Principal,
  ): Promise<ImportReport> {
    const fileError = (e: UnreadableFileError): ImportReport =>
      report(
        kind,
        null,
        dryRun,
        [],
        [],
        [{ row: e.row ?? 1, column: null, header: null, field: null, rule: e.rule, message: e.message }],
      );
    let read: Awaited<ReturnType<typeof readImportFile>>;
    try {
      read = await readImportFile(kind, body, limits);
    } catch (e) {
      if (e instanceof UnreadableFileError) return fileError(e);
      throw e;
    }
    if ("errors" in read) return report(kind, read.format, dryRun, [], [], read.errors);
    // Non-blank rows below the header, at most limits.maxRows (the reading stopped past it).
    const { header, data } = read;
    if (data.length === 0)
      return fileError(
        new UnreadableFileError("the file has no data rows below the header", "no_rows", header.headerRow),
      );
    if (kind === "duty-submissions") return d.dutySubmissions.run(read, dryRun, by);

    const parsed = validateRows(kind, header, data);
    const refs = await checkReferences(header, parsed.rows, by);
    const ctx = await d.ledger.admissionContext(refs.ok.map((r) => r.planYear));
    const first = await plan(kind, d.db, header, refs.ok, by, ctx);
    const rowNumbers = parsed.rowNumbers;
    const errors = [...parsed.errors, ...refs.errors, ...first.errors];
    if (dryRun || errors.length > 0)
      return report(kind, read.format, dryRun, rowNumbers, first.plans, errors);

    try {
      const { plans, ids } = await d.ledger.transaction(async (tx) => {
        // Plan again under the scope locks: what another writer committed meanwhile counts.
        await d.ledgerRepo.lockScopes(tx, refs.ok.map(scopeOf));
        const again = await plan(kind, tx, header, refs.ok, by, ctx);
        if (again.errors.length) throw new Rejected(again.errors, again.plans);
        return { plans: again.plans, ids: await write(kind, tx, header, again.plans, by, ctx) };
      });
      return report(kind, read.format, false, rowNumbers, plans, [], ids);
    } catch (e) {
      if (e instanceof Rejected) return report(kind, read.format, false, rowNumbers, e.plans, e.errors);
      throw e;
    }
  }

  return {
    limits,

    /**
     * Reads, checks and (unless a dry run) writes a file: the report of a valid file, or an
     * ImportRejectedError carrying the report of one with row errors (nothing was written).
     */
    async run(kind: ImportKind, body: Buffer, dryRun: boolean, by: Principal): Promise<ImportReport> {
      const r = await importFile(kind, body, dryRun, by);
      if (!r.valid) throw new ImportRejectedError(r);
      return r;
    },
  };
}

export type ImportsService = ReturnType<typeof createImportsService>;
