// Reallocation requests: a unit offers capital it cannot disburse in time (before 10/11 in the
// 2022 plan); an admin approves part or all of it for named receiving units, or rejects it.
// Approval writes the adjustments through the ledger's own checks, in one transaction.
import { actorOf, assertCanWriteUnit, assertRole, type Principal } from "../access/principal.js";
import type { AuditRepository } from "../audit/audit.repository.js";
import { closedBy, closedPeriodIssue } from "../domain/closed-period.js";
import type { ClosingsReader, Restatement } from "../domain/closing.js";
import { dateIssues, decisionDateIssues } from "../domain/entry-dates.js";
import { ConflictError, type FieldIssue, NotFoundError, refuseIf } from "../domain/errors.js";
import { headroomFrom, scopeKey } from "../domain/ledger-rules.js";
import type { LocalDate } from "../domain/local-date.js";
import {
  type ApprovedLine,
  approvalAdjustments,
  approvalIssues,
  type Decision,
} from "../domain/reallocation.js";
import type { LedgerRepository } from "../ledger/ledger.repository.js";
import type { LedgerService } from "../ledger/ledger.service.js";
import type { NewRequest, ReallocationRepository, RequestState } from "./reallocation.repository.js";

type Deps = {
  repo: ReallocationRepository;
  audit: AuditRepository;
  ledger: Pick<LedgerService, "writeAllocations" | "transaction" | "planOf" | "admissionContext">;
  ledgerRepo: Pick<LedgerRepository, "scopeHistories" | "client">;
  closings: ClosingsReader;
  catalog: {
    existingUnitCodes(c: string[]): Promise<string[]>;
    existingProgramCodes(c: string[]): Promise<string[]>;
  };
  today: () => LocalDate;
};

export function createReallocationService(d: Deps) {
  async function mustFind(id: bigint) {
    const r = await d.repo.find(id);
    if (!r) throw new NotFoundError(`no reallocation request ${id}`);
    return r;
  }

  return {
    async submit(input: NewRequest & { restatement?: Restatement | undefined }, by: Principal) {
      assertCanWriteUnit(by, input.unitCode);
      const issues: FieldIssue[] = [];
      if ((await d.catalog.existingUnitCodes([input.unitCode])).length === 0)
        issues.push({
          field: "unitCode",
          rule: "unknown_unit",
          message: `no unit with code ${input.unitCode}`,
        });
      const programs = new Set(await d.catalog.existingProgramCodes(input.lines.map((l) => l.program)));
      const seen = new Set<string>();
      input.lines.forEach((l, i) => {
        if (!programs.has(l.program))
          issues.push({
            field: `lines.${i}.program`,
            rule: "unknown_program",
            message: `no program ${l.program}`,
          });
        const key = `${l.program}|${l.source}|${l.capitalType}`;
        if (seen.has(key))
          issues.push({ field: `lines.${i}`, rule: "unique_line", message: `${key} is offered twice` });
        seen.add(key);
      });
      // A request belongs to its plan year, is never dated in the future, and a closed REQ
      // milestone's period is restated only by an admin.
      const [plan, closings] = await Promise.all([
        d.ledger.planOf(input.planYear),
        d.closings.closedMilestones(input.planYear),
      ]);
      const dated = {
        kind: "request" as const,
        planYear: input.planYear,
        carriedOverFrom: null,
        date: input.sentOn,
        field: "sentOn",
      };
      issues.push(...dateIssues(dated, d.today(), plan));
      const closed = input.lines.flatMap((l) => closedBy({ ...dated, program: l.program }, closings));
      if (closed.length > 0) {
        if (by.role !== "admin" || !input.restatement)
          issues.push(closedPeriodIssue({ ...dated, program: input.lines[0]!.program }, closed)!);
      }
      refuseIf(issues);
      // A request may offer only what is unused from its sending date on (ledger-rules.ts).
      const scopes = input.lines.map((l) => ({
        unitCode: input.unitCode,
        program: l.program,
        planYear: input.planYear,
        carriedOverFrom: null,
        source: l.source,
        capitalType: l.capitalType,
      }));
      const history = await d.ledgerRepo.scopeHistories(d.ledgerRepo.client, scopes);
      scopes.forEach((sc, i) => {
        const free = headroomFrom(history.get(scopeKey(sc)) ?? [], input.sentOn);
        if (input.lines[i]!.amount > free)
          issues.push({
            field: `lines.${i}.amount`,
            rule: "at_most_undisbursed",
            message: `only ${free} đồng of this capital is unused from ${input.sentOn} on`,
            date: input.sentOn,
          });
      });
      refuseIf(issues);
      const { restatement, ...request } = input;
      return d.ledger.transaction(async (tx) => {
        const created = await d.repo.create(tx, request, actorOf(by));
        await d.audit.record(tx, {
          entity: "reallocation_request",
          entityId: created.id,
          action: closed.length > 0 ? "submitted_restating" : "submitted",
          actor: actorOf(by),
          document: input.documentRef,
          details: {
            sentOn: input.sentOn,
            reason: input.reason,
            lines: input.lines,
            ...(closed.length > 0 && restatement
              ? { restatement, milestones: [...new Set(closed.map((c) => c.milestoneId))] }
              : {}),
          },
        });
        return created;
      });
    },

    async approve(
      id: bigint,
      body: Decision & {
        note?: string | undefined;
        lines: ApprovedLine[];
        restatement?: Restatement | undefined;
      },
      by: Principal,
    ) {
      assertRole(by, ["admin"]);
      const request = await mustFind(id);
      if (request.state !== "submitted") throw new ConflictError(`request ${id} is already ${request.state}`);
      const issues = [
        ...decisionDateIssues(request.sentOn, body.decidedOn, d.today()),
        ...approvalIssues(request.unitCode, request.lines, body.lines),
      ];
      const receivers = [...new Set(body.lines.flatMap((l) => l.recipients.map((r) => r.unitCode)))];
      const known = new Set(await d.catalog.existingUnitCodes(receivers));
      for (const [i, l] of body.lines.entries()) {
        for (const [j, r] of l.recipients.entries()) {
          if (!known.has(r.unitCode))
            issues.push({
              field: `lines.${i}.recipients.${j}.unitCode`,
              rule: "unknown_unit",
              message: `no unit with code ${r.unitCode}`,
            });
        }
      }
      refuseIf(issues);
      const entries = approvalAdjustments(request.unitCode, body.lines).map((a) => ({
        ...a,
        planYear: request.planYear,
        carriedOverFrom: null,
        decisionRef: body.decisionRef,
        decidedOn: body.decidedOn,
        reallocationId: id,
        note: `điều chuyển vốn theo đề xuất số ${request.documentRef}`,
        restatement: body.restatement,
      }));
      const ctx = await d.ledger.admissionContext([request.planYear]);
      return d.ledger.transaction(async (tx) => {
        if (!(await d.repo.decide(tx, id, "approved", body, actorOf(by))))
          throw new ConflictError(`request ${id} was decided meanwhile`);
        // The ledger's own rules: dates, closed periods, and every scope at every date.
        const written = await d.ledger.writeAllocations(tx, entries, by, ctx);
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
