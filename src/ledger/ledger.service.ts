// Posting and reading the ledger. Every post is all-or-nothing: checks run first, then one
// transaction locks the touched scopes, re-checks the totals and inserts.
import { createHash } from "node:crypto";
import { actorOf, assertCanWriteUnit, type Principal } from "../access/principal.js";
import {
  ConflictError,
  type FieldIssue,
  ForbiddenError,
  NotFoundError,
  RuleViolationError,
} from "../domain/errors.js";
import type { LocalDate } from "../domain/local-date.js";
import { stringifyJson } from "../http/json.js";
import type { Db, LedgerRepository } from "./ledger.repository.js";
import {
  type AllocationInput,
  type DisbursementInput,
  type EntryFilter,
  type EntryKind,
  type LedgerScope,
  scopeKey,
} from "./ledger.types.js";

type Deps = {
  repo: LedgerRepository;
  catalog: {
    existingUnitCodes(c: string[]): Promise<string[]>;
    existingProgramCodes(c: string[]): Promise<string[]>;
  };
  today: () => LocalDate;
};

export type Posting<T> = {
  entries: T[];
  idempotency?: { key: string; body: unknown } | undefined;
  batch: boolean;
};
export type PostResult = { statusCode: number; body: string; replayed: boolean };

/** A post's answer: the entry itself, or `{ entries }` for a batch. */
const answerOf = <T>(p: Posting<T>, rows: unknown[]) => (p.batch ? { entries: rows } : rows[0]);

const pathOf = (batch: boolean, i: number, field: string) => (batch ? `body.${i}.${field}` : `body.${field}`);

export function createLedgerService({ repo, catalog, today }: Deps) {
  async function checkReferences(
    kind: EntryKind,
    entries: (LedgerScope & { corrects?: bigint | undefined })[],
    batch: boolean,
    by: Principal,
  ) {
    entries.forEach((e) => {
      assertCanWriteUnit(by, e.unitCode);
    });
    const issues: FieldIssue[] = [];
    const units = new Set(await catalog.existingUnitCodes([...new Set(entries.map((e) => e.unitCode))]));
    const programs = new Set(await catalog.existingProgramCodes([...new Set(entries.map((e) => e.program))]));
    entries.forEach((e, i) => {
      if (!units.has(e.unitCode))
        issues.push({
          path: pathOf(batch, i, "unitCode"),
          rule: "unknown_unit",
          message: `no unit with code ${e.unitCode}`,
        });
      if (!programs.has(e.program))
        issues.push({
          path: pathOf(batch, i, "program"),
          rule: "unknown_program",
          message: `no program ${e.program}`,
        });
      if (e.carriedOverFrom !== null && e.carriedOverFrom >= e.planYear)
        issues.push({
          path: pathOf(batch, i, "carriedOverFrom"),
          rule: "before_plan_year",
          message: `capital carried over into ${e.planYear} must come from an earlier year`,
        });
    });
    const correctedIds = entries.flatMap((e) => (e.corrects ? [e.corrects] : []));
    const corrected = correctedIds.length > 0 ? await repo.findEntries(kind, correctedIds) : new Map();
    entries.forEach((e, i) => {
      if (!e.corrects) return;
      const target = corrected.get(e.corrects);
      if (!target)
        issues.push({
          path: pathOf(batch, i, "corrects"),
          rule: "unknown_entry",
          message: `no ${kind} with id ${e.corrects}`,
        });
      else if (scopeKey(target) !== scopeKey(e))
        issues.push({
          path: pathOf(batch, i, "corrects"),
          rule: "same_scope",
          message: `a correction must have the unit, program, year, source and capital type of ${kind} ${e.corrects}`,
        });
    });
    return issues;
  }

  /** Runs a write once per idempotency key: a retry with the same body gets the first answer. */
  async function once(
    scopeName: string,
    by: Principal,
    idem: Posting<unknown>["idempotency"],
    write: (tx: Db) => Promise<unknown>,
  ): Promise<PostResult> {
    const scope = `${scopeName}:${by.keyId}`;
    const requestHash = idem ? createHash("sha256").update(stringifyJson(idem.body)).digest("hex") : "";
    return repo.transaction(async (tx) => {
      if (idem && !(await repo.claimIdempotencyKey(tx, scope, idem.key, requestHash))) {
        // The unique key made us wait until the first request committed; answer as it did.
        const first = await repo.findIdempotencyRecord(tx, scope, idem.key);
        if (!first || first.requestHash !== requestHash)
          throw new ConflictError("this Idempotency-Key was already used with a different body", [
            {
              path: "headers.idempotency-key",
              rule: "same_body",
              message: "use a new key for a different request",
            },
          ]);
        return { statusCode: first.statusCode, body: first.responseBody, replayed: true };
      }
      const body = stringifyJson(await write(tx));
      if (idem) await repo.completeIdempotencyKey(tx, scope, idem.key, 201, body);
      return { statusCode: 201, body, replayed: false };
    });
  }

  /** Cutting an allocation may not take it below what its scope has already disbursed. */
  function allocationIssues(
    totals: Map<string, { allocated: bigint; disbursed: bigint }>,
    entries: AllocationInput[],
    batch: boolean,
  ): FieldIssue[] {
    const issues: FieldIssue[] = [];
    entries.forEach((e, i) => {
      const t = totals.get(scopeKey(e)) ?? { allocated: 0n, disbursed: 0n };
      t.allocated += e.amount;
      totals.set(scopeKey(e), t);
      if (t.allocated < t.disbursed)
        issues.push({
          path: pathOf(batch, i, "amount"),
          rule: "allocation_below_disbursed",
          message: `the allocation would fall to ${t.allocated}, below the ${t.disbursed} already disbursed in this scope`,
        });
    });
    return issues;
  }

  /** Locks the scopes, re-checks the totals and inserts, inside the caller's transaction. */
  async function writeAllocations(tx: Db, entries: AllocationInput[], by: Principal, batch: boolean) {
    await repo.lockScopes(tx, entries);
    const after = allocationIssues(await repo.scopeTotals(tx, entries), entries, batch);
    if (after.length) throw new RuleViolationError(after[0]!.message, after);
    return repo.insertAllocations(tx, entries, actorOf(by));
  }

  /**
   * Disbursements: never above the scope's allocation, never below zero. Locked, checked and
   * inserted by the database in one call; on `db` alone (no transaction) that is one round trip.
   */
  async function writeDisbursements(db: Db, entries: DisbursementInput[], by: Principal, batch: boolean) {
    const { inserted, refused } = await repo.postDisbursements(db, entries, actorOf(by));
    if (refused.length === 0) return inserted;
    const issues = refused.map(({ index, allocated, disbursed }): FieldIssue => {
      const path = pathOf(batch, index, "amount");
      return disbursed < 0n
        ? { path, rule: "disbursed_below_zero", message: "a correction cannot take disbursed below zero" }
        : {
            path,
            rule: "disbursed_above_allocation",
            message: `disbursed would reach ${disbursed}, above the ${allocated} allocated in this scope`,
          };
    });
    throw new RuleViolationError(issues[0]!.message, issues);
  }

  return {
    writeAllocations,
    writeDisbursements,
    transaction: repo.transaction,

    async postAllocations(p: Posting<AllocationInput>, by: Principal): Promise<PostResult> {
      const issues = await checkReferences("allocation", p.entries, p.batch, by);
      if (issues.length) throw new RuleViolationError(issues[0]!.message, issues);
      return once("allocations", by, p.idempotency, async (tx) => {
        return answerOf(p, await writeAllocations(tx, p.entries, by, p.batch));
      });
    },

    async postDisbursements(p: Posting<DisbursementInput>, by: Principal): Promise<PostResult> {
      const issues = await checkReferences("disbursement", p.entries, p.batch, by);
      const now = today();
      p.entries.forEach((e, i) => {
        if (e.disbursedOn > now)
          issues.push({
            path: pathOf(p.batch, i, "disbursedOn"),
            rule: "not_in_future",
            message: `${e.disbursedOn} is after today (${now} in Asia/Ho_Chi_Minh)`,
          });
        if (e.amount < 0n && !e.corrects)
          issues.push({
            path: pathOf(p.batch, i, "corrects"),
            rule: "required_for_negative",
            message: "a negative disbursement is a correction and must name the entry it corrects",
          });
      });
      if (issues.length) throw new RuleViolationError(issues[0]!.message, issues);
      if (!p.idempotency) {
        // Nothing else to keep atomic with the entries: one statement, no transaction to open.
        const rows = await writeDisbursements(repo.client, p.entries, by, p.batch);
        return { statusCode: 201, body: stringifyJson(answerOf(p, rows)), replayed: false };
      }
      return once("disbursements", by, p.idempotency, async (tx) => {
        return answerOf(p, await writeDisbursements(tx, p.entries, by, p.batch));
      });
    },

    listAllocations: (f: EntryFilter, by: Principal) => repo.listAllocations(restrict(f, by)),
    listDisbursements: (f: EntryFilter, by: Principal) => repo.listDisbursements(restrict(f, by)),

    async unitLedger(unitCode: string, asOf: LocalDate, by: Principal) {
      assertCanReadUnit(by, unitCode);
      if ((await catalog.existingUnitCodes([unitCode])).length === 0)
        throw new NotFoundError(`no unit with code ${unitCode}`);
      const lines = await repo.ledgerLines(unitCode, asOf);
      const total = lines.reduce(
        (t, l) => ({ allocated: t.allocated + l.allocated, disbursed: t.disbursed + l.disbursed }),
        { allocated: 0n, disbursed: 0n },
      );
      return { unitCode, asOf, lines, total: { ...total, remaining: total.allocated - total.disbursed } };
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

export function assertCanReadUnit(by: Principal, unitCode: string): void {
  if (by.role === "officer" && !by.unitCodes.includes(unitCode))
    throw new ForbiddenError(`this key may not read unit ${unitCode}`);
}

export type LedgerService = ReturnType<typeof createLedgerService>;
