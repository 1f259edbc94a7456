// Reallocation requests: a unit offers capital it cannot disburse in time (before 10/11 in the
// 2022 plan); an admin approves part or all of it for named receiving units, or rejects it.
// Approval writes the adjustments through the ledger's own checks, in one transaction.
import { actorOf, assertCanWriteUnit, assertRole, type Principal } from "../access/principal.js";
import type { AuditRepository } from "../audit/audit.repository.js";
import { ConflictError, type FieldIssue, NotFoundError, RuleViolationError } from "../domain/errors.js";
import type { LocalDate } from "../domain/local-date.js";
import {
  type ApprovedLine,
  approvalAdjustments,
  approvalIssues,
  type Decision,
} from "../domain/reallocation.js";
import type { LedgerRepository } from "../ledger/ledger.repository.js";
import type { LedgerService } from "../ledger/ledger.service.js";
import { scopeKey } from "../ledger/ledger.types.js";
import type { NewRequest, ReallocationRepository, RequestState } from "./reallocation.repository.js";

type Deps = {
  repo: ReallocationRepository;
  audit: AuditRepository;
  ledger: Pick<LedgerService, "writeAllocations" | "transaction">;
  ledgerRepo: Pick<LedgerRepository, "scopeTotals">;
  catalog: {
    existingUnitCodes(c: string[]): Promise<string[]>;
    existingProgramCodes(c: string[]): Promise<string[]>;
  };
  today: () => LocalDate;
};

const fail = (issues: FieldIssue[]): never => {
  throw new RuleViolationError(issues[0]?.message ?? "invalid request", issues);
};

export function createReallocationService(d: Deps) {
  async function mustFind(id: bigint) {
    const r = await d.repo.find(id);
    if (!r) throw new NotFoundError(`no reallocation request ${id}`);
    return r;
  }

  return {
    async submit(input: NewRequest, by: Principal) {
      assertCanWriteUnit(by, input.unitCode);
      const issues: FieldIssue[] = [];
      if ((await d.catalog.existingUnitCodes([input.unitCode])).length === 0)
        issues.push({
          path: "body.unitCode",
          rule: "unknown_unit",
          message: `no unit with code ${input.unitCode}`,
        });
      const programs = new Set(await d.catalog.existingProgramCodes(input.lines.map((l) => l.program)));
      const seen = new Set<string>();
      input.lines.forEach((l, i) => {
        if (!programs.has(l.program))
          issues.push({
            path: `body.lines.${i}.program`,
            rule: "unknown_program",
            message: `no program ${l.program}`,
          });
        const key = `${l.program}|${l.source}|${l.capitalType}`;
        if (seen.has(key))
          issues.push({ path: `body.lines.${i}`, rule: "unique_line", message: `${key} is offered twice` });
        seen.add(key);
      });
      if (input.sentOn > d.today())
        issues.push({
          path: "body.sentOn",
          rule: "not_in_future",
          message: `${input.sentOn} is after today`,
        });
      if (issues.length) fail(issues);
      return d.ledger.transaction(async (tx) => {
        // A request may offer only what is still undisbursed of the year's own capital.
        const scopes = input.lines.map((l) => ({
          ...l,
          unitCode: input.unitCode,
          planYear: input.planYear,
          carriedOverFrom: null,
        }));
        const totals = await d.ledgerRepo.scopeTotals(tx, scopes);
        scopes.forEach((l, i) => {
          const t = totals.get(scopeKey(l)) ?? { allocated: 0n, disbursed: 0n };
          const undisbursed = t.allocated - t.disbursed;
          if (l.amount > undisbursed)
            issues.push({
              path: `body.lines.${i}.amount`,
              rule: "at_most_undisbursed",
              message: `only ${undisbursed} đồng of this capital is still undisbursed`,
            });
        });
        if (issues.length) fail(issues);
        const created = await d.repo.create(tx, input, actorOf(by));
        await d.audit.record(tx, {
          entity: "reallocation_request",
          entityId: created.id,
          action: "submitted",
          actor: actorOf(by),
          document: input.documentRef,
          details: { sentOn: input.sentOn, reason: input.reason, lines: input.lines },
        });
        return created;
      });
    },

    async approve(
      id: bigint,
      body: Decision & { note?: string | undefined; lines: ApprovedLine[] },
      by: Principal,
    ) {
      assertRole(by, ["admin"]);
      const request = await mustFind(id);
      if (request.state !== "submitted") throw new ConflictError(`request ${id} is already ${request.state}`);
      const issues = approvalIssues(request.unitCode, request.lines, body.lines);
      const receivers = [...new Set(body.lines.flatMap((l) => l.recipients.map((r) => r.unitCode)))];
      const known = new Set(await d.catalog.existingUnitCodes(receivers));
      for (const [i, l] of body.lines.entries()) {
        for (const [j, r] of l.recipients.entries()) {
          if (!known.has(r.unitCode))
            issues.push({
              path: `body.lines.${i}.recipients.${j}.unitCode`,
              rule: "unknown_unit",
              message: `no unit with code ${r.unitCode}`,
            });
        }
      }
      if (issues.length) fail(issues);
      const entries = approvalAdjustments(request.unitCode, body.lines).map((a) => ({
        ...a,
        planYear: request.planYear,
        carriedOverFrom: null,
        decisionRef: body.decisionRef,
        decidedOn: body.decidedOn,
        reallocationId: id,
        note: `điều chuyển vốn theo đề xuất số ${request.documentRef}`,
      }));
      return d.ledger.transaction(async (tx) => {
        if (!(await d.repo.decide(tx, id, "approved", body, actorOf(by))))
          throw new ConflictError(`request ${id} was decided meanwhile`);
        // The ledger's own checks: the giver's allocation may not fall below what it disbursed.
        const written = await d.ledger.writeAllocations(tx, entries, by, true);
        await d.repo.recordApproval(tx, id, body.lines);
        await d.audit.record(tx, {
          entity: "reallocation_request",
          entityId: id,
          action: "approved",
          actor: actorOf(by),
          document: body.decisionRef,
          details: {
            decidedOn: body.decidedOn,
            note: body.note ?? null,
            lines: body.lines,
            allocationIds: written.map((w) => w.id),
          },
        });
        return (await d.repo.find(id, tx))!;
      });
    },

    async reject(id: bigint, body: Decision & { note?: string | undefined }, by: Principal) {
      assertRole(by, ["admin"]);
      const request = await mustFind(id);
      if (request.state !== "submitted") throw new ConflictError(`request ${id} is already ${request.state}`);
      return d.ledger.transaction(async (tx) => {
        if (!(await d.repo.decide(tx, id, "rejected", body, actorOf(by))))
          throw new ConflictError(`request ${id} was decided meanwhile`);
        await d.audit.record(tx, {
          entity: "reallocation_request",
          entityId: id,
          action: "rejected",
          actor: actorOf(by),
          document: body.decisionRef,
          details: { decidedOn: body.decidedOn, note: body.note ?? null },
        });
        return (await d.repo.find(id, tx))!;
      });
    },

    async get(id: bigint, by: Principal) {
      const r = await mustFind(id);
      if (by.role === "officer" && !by.unitCodes.includes(r.unitCode))
        throw new NotFoundError(`no reallocation request ${id}`);
      const history = await d.audit.list({
        entity: "reallocation_request",
        entityId: String(id),
        limit: 1000,
      });
      return { ...r, history };
    },

    list(
      f: {
        unitCode?: string | undefined;
        planYear?: number | undefined;
        state?: RequestState | undefined;
        limit: number;
        afterId?: bigint | undefined;
      },
      by: Principal,
    ) {
      const unitCodes =
        by.role === "officer"
          ? f.unitCode
            ? by.unitCodes.filter((c) => c === f.unitCode)
            : by.unitCodes
          : f.unitCode
            ? [f.unitCode]
            : undefined;
      return d.repo.list({ ...f, unitCodes });
    },
  };
}

export type ReallocationService = ReturnType<typeof createReallocationService>;
