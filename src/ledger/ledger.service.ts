// Posting and reading the ledger. Every movement of money, whoever writes it (a post, an import,
// a reallocation approval, a carry-forward, a refund), is admitted here by the ledger's rules
// (src/domain/ledger-rules.ts, entry-dates.ts, closed-period.ts): its dates and closed periods,
// then the ledger it would leave at every date, judged on the scopes as read under their locks
// (or, for a post alone in its transaction, as read just before or kept from this process's last
// read or write of them, and found unchanged once the locks are held: writeAlone). The database's
// guard checks the same at COMMIT.
import { actorOf, assertCanReadUnit, assertCanWriteUnit, type Principal } from "../access/principal.js";
import type { AuditRepository } from "../audit/audit.repository.js";
import type { RawSql } from "../db/database.js";
import { closedBy, closedPeriodIssue } from "../domain/closed-period.js";
import type { ClosingsReader, Restatement } from "../domain/closing.js";
import { dateIssues } from "../domain/entry-dates.js";
import {
  BusyError,
  type FieldIssue,
  ForbiddenError,
  NotFoundError,
  RuleViolationError,
  refuseIf,
} from "../domain/errors.js";
import { admissionIssues, correctionIssues, type MovementKind } from "../domain/ledger-rules.js";
import type { LocalDate } from "../domain/local-date.js";
import type { Plan } from "../domain/plan.js";
import {
  type AdmissionContext,
  createAdmissionContexts,
  StaleAdmissionContext,
} from "./admission-contexts.js";
import { createKeptScopes } from "./kept-scopes.js";
import {
  type Db,
  type Inserted,
  LedgerGuardError,
  type LedgerRepository,
  type ScopeSnapshot,
  sortedKeys,
} from "./ledger.repository.js";
import type {
  AllocationEntry,
  AllocationInput,
  DisbursementEntry,
  DisbursementInput,
  EntryFilter,
  EntryKind,
  LedgerScope,
} from "./ledger.types.js";
import { ledgerTotal } from "./ledger.types.js";

type Deps = {
  repo: LedgerRepository;
  catalog: {
    existingUnitCodes(c: string[]): Promise<string[]>;
    existingProgramCodes(c: string[]): Promise<string[]>;
  };
  today: () => LocalDate;
  plans: { planFor(asOf: LocalDate, year?: number): Promise<Plan> };
  closings: ClosingsReader;
  audit: Pick<AuditRepository, "record">;
};

/** A movement as the ledger's rules see it, and where it stands in its request. */
export type Admission = LedgerScope & {
  kind: MovementKind;
  date: LocalDate;
  amount: bigint;
  /** The entry's index in its post (0 for a single entry). */
  entry: number;
  /** The request field that carries the date, named when the date breaks a rule. */
  dateField: string;
  restatement?: Restatement | undefined;
};

/** A checked write: in the caller's transaction, or in one of its own (fewer round trips). */
export type Prepared<R> = { inTransaction(tx: Db): Promise<R[]>; alone(): Promise<R[]> };

/** How many times a post is admitted again when the plans or closings change under it. */
const STALE_ATTEMPTS = 5;

// createManyAndReturn binds one parameter per column and row; PostgreSQL allows 65,535.
const INSERT_CHUNK = 1000;

/**
 * An entry as admission sees it, built field by field, not from a spread scope: V8 copies spreads
 * through a slow generic path (3.5% of a CPU profile of batch posts on PostgreSQL).
 */
function admissionOf(
  e: AllocationInput | DisbursementInput,
  kind: MovementKind,
  date: LocalDate,
  entry: number,
  dateField: string,
): Admission {
  return {
    unitCode: e.unitCode,
    program: e.program,
    planYear: e.planYear,
    carriedOverFrom: e.carriedOverFrom,
    source: e.source,
    capitalType: e.capitalType,
    kind,
    date,
    amount: e.amount,
    entry,
    dateField,
    restatement: e.restatement,
  };
}

const allocationAdmissions = (entries: AllocationInput[]): Admission[] =>
  entries.map((e, entry) => admissionOf(e, "allocation", e.decidedOn, entry, "decidedOn"));

const disbursementAdmissions = (entries: DisbursementInput[]): Admission[] =>
  entries.map((e, entry) => admissionOf(e, "disbursement", e.disbursedOn, entry, "disbursedOn"));

export function createLedgerService(d: Deps) {
  const { repo, catalog, today } = d;

  /** The current plan of a year, or null when none exists (its windows then take their defaults). */
  async function planOf(year: number): Promise<Plan | null> {
    try {
      return await d.plans.planFor(today(), year);
    } catch (e) {
      if (e instanceof NotFoundError) return null;
      throw e;
    }
  }

  /** A year's plan and closings, as admission reads them. */
  const admissionYear = async (y: number) => {
    const [plan, closings] = await Promise.all([planOf(y), d.closings.closedMilestones(y)]);
    return { plan, closings };
  };

  /** Posts' admission contexts, kept while the admission epoch stands. */
  const contexts = createAdmissionContexts({ epoch: repo.admissionEpoch, year: admissionYear }, today);

  /** The scopes this process last read or wrote for a post alone, with their stamps. */
  const keptScopes = createKeptScopes();

  /**
   * What admission reads besides the scopes: today, the years' plans and closings, read now for
   * one write (imports, reallocations, year-end movements). Read before the write's transaction
   * opens: PGlite has one connection, so nothing inside a transaction may wait on another query.
   */
  async function admissionContext(years: Iterable<number>): Promise<AdmissionContext> {
    const ys = [...new Set(years)];
    const read = await Promise.all(ys.map(async (y) => [y, await admissionYear(y)] as const));
    return {
      today: today(),
      plans: new Map(read.map(([y, v]) => [y, v.plan])),
      closings: new Map(read.map(([y, v]) => [y, v.closings])),
      epoch: null,
    };
  }

  /**
   * What rests on no scope's movements: each date can be (not in the future, inside its plan
   * year's window) and lies outside every closed period unless an admin restates it. Returns the
   * issues, and the closed milestones each restating movement rewrites (for the audit trail).
   */
  function datesAndPeriods(moves: Admission[], by: Principal, ctx: AdmissionContext) {
    const issues: FieldIssue[] = [];
    const restated = new Map<number, string[]>();
    for (const m of moves) {
      const dated = dateIssues(
        {
          kind: m.kind,
          planYear: m.planYear,
          carriedOverFrom: m.carriedOverFrom,
          date: m.date,
          field: m.dateField,
          entry: m.entry,
        },
        ctx.today,
        ctx.plans.get(m.planYear) ?? null,
      );
      for (const issue of dated) issues.push(issue);
      if (dated.length > 0) continue;
      const hit = closedBy(m, ctx.closings.get(m.planYear) ?? []);
      if (hit.length === 0) continue;
      if (m.restatement)
        restated.set(
          m.entry,
          hit.map((c) => c.milestoneId),
        );
      else issues.push(closedPeriodIssue({ ...m, field: m.dateField }, hit)!);
    }
    if (moves.some((m) => m.restatement) && by.role !== "admin")
      throw new ForbiddenError("only an admin can restate a closed period", [
        { field: "restatement", rule: "admin_only", message: "officers cannot restate a closed period" },
      ]);
    return { issues, restated };
  }

  /**
   * The whole admission of a write, inside the caller's transaction: under the scopes' locks (the
   * same ones the database guard takes), once the plans and closings it was given are known to be
   * current, its dates and closed periods, then the ledger it would leave at every date. Throws
   * the issues, each naming its entry.
   */
  async function admit(
    tx: Db,
    moves: Admission[],
    by: Principal,
    ctx: AdmissionContext,
  ): Promise<Map<number, string[]>> {
    const { histories, admissionEpoch } = await repo.lockScopeHistories(tx, moves);
    contexts.check(ctx, admissionEpoch);
    const { issues, restated } = datesAndPeriods(moves, by, ctx);
    refuseIf(issues);
    refuseIf(admissionIssues(histories, moves));
    return restated;
  }

  /**
   * A transaction of ledger writes. The database's own guard checks what it wrote at COMMIT, and
   * refuses only what the rules above admitted wrongly (a writer outside the service, or a bug):
   * still a 422, naming the guard's rule, and nothing is written.
   */
  async function transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await guarded(() => repo.transaction(fn));
      } catch (e) {
        // A post admitted on kept plans or closings that have since changed: again, on fresh ones.
        if (!(e instanceof StaleAdmissionContext)) throw e;
        if (attempt >= STALE_ATTEMPTS)
          throw new BusyError("the plans or closings kept changing while the write was admitted; retry");
        await contexts.load(e.years);
      }
    }
  }

  /** The guard's refusal as a 422 naming its rule. */
  async function guarded<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (e) {
      if (!(e instanceof LedgerGuardError)) throw e;
      throw new RuleViolationError(`the ledger's guard refused the write: ${e.message}`, [
        { field: "", rule: e.rule, message: e.message },
      ]);
    }
  }

  /**
   * A write that shares its transaction with nothing (no Idempotency-Key, no restatement), in one
   * or two round trips where a transaction makes four. Its scopes as this process knows them
   * (src/ledger/kept-scopes.ts), or else as read, with every scope of their units and years,
   * without their locks; the write judged on them as `admit` judges it; then one statement takes
   * the locks and inserts only if no writer changed those scopes, nor the plans and closings,
   * since; it commits alone, under the database's guard. When a writer did, or the kept plans and
   * closings are not current, the write is admitted again: on a fresh read, then under the locks
   * (`inTransaction`), as every other one.
   */
  async function writeAlone<R>(
    moves: Admission[],
    by: Principal,
    years: number[],
    insert: (db: RawSql, seen: ScopeSnapshot) => Promise<Inserted<R>>,
    inTransaction: (tx: Db) => Promise<R[]>,
  ): Promise<R[]> {
    if (moves.length > INSERT_CHUNK || moves.some((m) => m.restatement)) return transaction(inTransaction);
    let ctx: AdmissionContext;
    try {
      ctx = contexts.current(years);
    } catch (e) {
      if (e instanceof StaleAdmissionContext) return transaction(inTransaction);
      throw e;
    }
    const keys = sortedKeys(moves);
    const known = ctx.epoch === null ? null : keptScopes.take(keys, moves);
    // Only an admission is acted on kept figures: any refusal is judged again on a fresh read.
    if (
      known &&
      datesAndPeriods(moves, by, ctx).issues.length === 0 &&
      admissionIssues(known.histories, moves).length === 0
    ) {
      const rows = await insertAlone({ ...known, keys, admissionEpoch: ctx.epoch! }, moves, insert);
      if (rows) return rows;
    }
    // What the read finds replaces what was kept of these units' years (keptScopes.read).
    const seen = await repo.unitScopes(moves);
    if (seen.admissionEpoch !== ctx.epoch) return transaction(inTransaction);
    keptScopes.read(seen.unitYears, seen.rows);
    refuseIf(datesAndPeriods(moves, by, ctx).issues);
    refuseIf(admissionIssues(seen.histories, moves));
    // No row: a writer moved a scope (or the epoch) between the read and the locks.
    return (await insertAlone(seen, moves, insert)) ?? transaction(inTransaction);
  }

  /** The INSERT of a write alone judged on `seen`: its rows, or null when it found `seen` stale. */
  async function insertAlone<R>(
    seen: ScopeSnapshot,
    moves: Admission[],
    insert: (db: RawSql, seen: ScopeSnapshot) => Promise<Inserted<R>>,
  ): Promise<R[] | null> {
    let written: Inserted<R>;
    try {
      written = await guarded(() => repo.alone((db) => insert(db, seen)));
    } catch (e) {
      keptScopes.forget(moves);
      throw e;
    }
    if (written.tx === null) {
      keptScopes.forget(moves);
      return null;
    }
    keptScopes.wrote(seen.keys, seen.histories, moves, written.tx);
    return written.rows;
  }

  /** An admin's restatement of a closed period, one audit row per entry that rewrites it. */
  async function recordRestatements(
    tx: Db,
    entity: string,
    rows: { id: bigint }[],
    moves: Admission[],
    restated: Map<number, string[]>,
    by: Principal,
  ) {
    for (const [entry, milestones] of restated) {
      const m = moves[entry]!;
      await d.audit.record(tx, {
        entity,
        entityId: rows[entry]!.id,
        action: "restated",
        actor: actorOf(by),
        document: m.restatement!.document,
        details: { reason: m.restatement!.reason, date: m.date, amount: m.amount, milestones },
      });
    }
  }

  /** Units, programs, the writer's right to the unit, and what a correction names. */
  async function referenceIssues(
    kind: EntryKind,
    entries: (LedgerScope & { corrects?: bigint | undefined; amount: bigint })[],
    dates: LocalDate[],
    by: Principal,
  ): Promise<FieldIssue[]> {
    for (const e of entries) assertCanWriteUnit(by, e.unitCode);
    const issues: FieldIssue[] = [];
    const [unitCodes, programCodes] = await Promise.all([
      catalog.existingUnitCodes([...new Set(entries.map((e) => e.unitCode))]),
      catalog.existingProgramCodes([...new Set(entries.map((e) => e.program))]),
    ]);
    const units = new Set(unitCodes);
    const programs = new Set(programCodes);
    entries.forEach((e, entry) => {
      if (!units.has(e.unitCode))
        issues.push({
          entry,
          field: "unitCode",
          rule: "unknown_unit",
          message: `no unit with code ${e.unitCode}`,
        });
      if (!programs.has(e.program))
        issues.push({ entry, field: "program", rule: "unknown_program", message: `no program ${e.program}` });
      if (e.carriedOverFrom !== null && e.carriedOverFrom >= e.planYear)
        issues.push({
          entry,
          field: "carriedOverFrom",
          rule: "before_plan_year",
          message: `capital carried over into ${e.planYear} must come from an earlier year`,
        });
      if (kind === "disbursement" && e.amount < 0n && !e.corrects)
        issues.push({
          entry,
          field: "corrects",
          rule: "required_for_negative",
          message: "a negative disbursement is a correction and must name the entry it corrects",
        });
    });
    const ids = entries.flatMap((e) => (e.corrects ? [e.corrects] : []));
    if (ids.length > 0) {
      const corrected = await repo.findEntries(kind, ids);
      // An officer may correct only its own units' entries; another unit's id reads as unknown.
      if (by.role === "officer")
        for (const [id, t] of corrected) if (!by.unitCodes.includes(t.unitCode)) corrected.delete(id);
      const dateField = kind === "allocation" ? "decidedOn" : "disbursedOn";
      issues.push(
        ...correctionIssues(
          entries.map((e, entry) => ({ ...e, date: dates[entry]!, entry })),
          corrected,
          kind,
          dateField,
        ),
      );
    }
    return issues;
  }

  async function inChunks<I, O>(items: I[], insert: (chunk: I[]) => Promise<O[]>): Promise<O[]> {
    const out: O[] = [];
    for (let i = 0; i < items.length; i += INSERT_CHUNK)
      out.push(...(await insert(items.slice(i, i + INSERT_CHUNK))));
    return out;
  }

  /** Admits and inserts allocations inside the caller's transaction (posts, imports, reallocations). */
  async function writeAllocations(tx: Db, entries: AllocationInput[], by: Principal, ctx: AdmissionContext) {
    const moves = allocationAdmissions(entries);
    const restated = await admit(tx, moves, by, ctx);
    const rows = await inChunks(
      entries,
      async (c) => (await repo.insertAllocations(tx, c, actorOf(by))).rows,
    );
    await recordRestatements(tx, "allocation", rows, moves, restated, by);
    return rows;
  }

  /** Admits and inserts disbursements inside the caller's transaction (posts, imports). */
  async function writeDisbursements(
    tx: Db,
    entries: DisbursementInput[],
    by: Principal,
    ctx: AdmissionContext,
  ) {
    const moves = disbursementAdmissions(entries);
    const restated = await admit(tx, moves, by, ctx);
    const rows = await inChunks(
      entries,
      async (c) => (await repo.insertDisbursements(tx, c, actorOf(by))).rows,
    );
    await recordRestatements(tx, "disbursement", rows, moves, restated, by);
    return rows;
  }

  /**
   * Checks what needs no lock (units, programs, the writer's rights, corrections) and reads the
   * years' plans and closings unless they are kept, then returns the write itself, which answers
   * the saved entries: in the caller's transaction (a route runs it once per Idempotency-Key,
   * src/http/idempotent.ts, and again when the kept plans or closings turn out stale), or alone.
   */
  async function prepareAllocations(
    entries: AllocationInput[],
    by: Principal,
  ): Promise<Prepared<AllocationEntry>> {
    refuseIf(
      await referenceIssues(
        "allocation",
        entries,
        entries.map((e) => e.decidedOn),
        by,
      ),
    );
    const years = entries.map((e) => e.planYear);
    await contexts.ensure(years);
    const inTransaction = (tx: Db) => writeAllocations(tx, entries, by, contexts.current(years));
    const insert = (db: RawSql, seen: ScopeSnapshot) =>
      repo.insertAllocations(db, entries, actorOf(by), seen);
    return {
      inTransaction,
      alone: () => writeAlone(allocationAdmissions(entries), by, years, insert, inTransaction),
    };
  }

  /** As prepareAllocations, for disbursements. */
  async function prepareDisbursements(
    entries: DisbursementInput[],
    by: Principal,
  ): Promise<Prepared<DisbursementEntry>> {
    refuseIf(
      await referenceIssues(
        "disbursement",
        entries,
        entries.map((e) => e.disbursedOn),
        by,
      ),
    );
    const years = entries.map((e) => e.planYear);
    await contexts.ensure(years);
    const inTransaction = (tx: Db) => writeDisbursements(tx, entries, by, contexts.current(years));
    const insert = (db: RawSql, seen: ScopeSnapshot) =>
      repo.insertDisbursements(db, entries, actorOf(by), seen);
    return {
      inTransaction,
      alone: () => writeAlone(disbursementAdmissions(entries), by, years, insert, inTransaction),
    };
  }

  return {
    planOf,
    prepareAllocations,
    prepareDisbursements,
    admissionContext,
    datesAndPeriods,
    admit,
    recordRestatements,
    writeAllocations,
    writeDisbursements,
    transaction,

    /** Units, programs, rights and corrections of allocations, before any lock. */
    allocationReferenceIssues: (entries: AllocationInput[], by: Principal) =>
      referenceIssues(
        "allocation",
        entries,
        entries.map((e) => e.decidedOn),
        by,
      ),

    /** Posts allocations in a transaction of their own (jobs, scripts): the saved entries. */
    async postAllocations(entries: AllocationInput[], by: Principal) {
      return (await prepareAllocations(entries, by)).alone();
    },

    /** Posts disbursements in a transaction of their own (jobs, scripts): the saved entries. */
    async postDisbursements(entries: DisbursementInput[], by: Principal) {
      return (await prepareDisbursements(entries, by)).alone();
    },

    listAllocations: (f: EntryFilter, by: Principal) => repo.listAllocations(restrict(f, by)),
    listDisbursements: (f: EntryFilter, by: Principal) => repo.listDisbursements(restrict(f, by)),

    async unitLedger(unitCode: string, asOf: LocalDate, by: Principal, knownAt?: Date) {
      assertCanReadUnit(by, unitCode);
      if ((await catalog.existingUnitCodes([unitCode])).length === 0)
        throw new NotFoundError(`no unit with code ${unitCode}`);
      const lines = await repo.ledgerLines(unitCode, asOf, knownAt);
      return { unitCode, asOf, lines, total: ledgerTotal(lines) };
    },
  };
}

/** Officers read only their own units' entries; admins and viewers read all. */
function restrict(f: EntryFilter, by: Principal): EntryFilter {
  if (by.role !== "officer") return f;
  const own = f.unitCodes ? f.unitCodes.filter((c) => by.unitCodes.includes(c)) : by.unitCodes;
  if (f.unitCodes && own.length === 0)
    throw new ForbiddenError(`this key may not read unit ${f.unitCodes.join(", ")}`);
  return { ...f, unitCodes: own };
}

export type LedgerService = ReturnType<typeof createLedgerService>;
