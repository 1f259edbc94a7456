// After the plan year: admins record approved carry-forward (chuyển nguồn), officers record
// refunds to the higher-level budget. Both are movements of the ledger and are admitted by its
// rules (src/ledger/ledger.service.ts `admit`): neither may take more than is left unused at its
// date or at any later date.
import { actorOf, assertCanWriteUnit, assertRole, type Principal } from "../access/principal.js";
import type { AuditRepository } from "../audit/audit.repository.js";
import { type FieldIssue, ForbiddenError, refuseIf } from "../domain/errors.js";
import { scopeOf } from "../domain/ledger-rules.js";
import type { Admission, LedgerService } from "../ledger/ledger.service.js";
import type {
  CarryForwardInput,
  RefundInput,
  YearEndRepository,
  YearEndScope,
} from "./year-end.repository.js";

type Deps = {
  repo: YearEndRepository;
  audit: AuditRepository;
  ledger: Pick<LedgerService, "admit" | "admissionContext" | "recordRestatements" | "transaction">;
  catalog: {
    existingUnitCodes(c: string[]): Promise<string[]>;
    existingProgramCodes(c: string[]): Promise<string[]>;
  };
};

/** A carry-forward or refund as the ledger's rules see it: a movement of its scope at its date. */
const movement = (
  input: CarryForwardInput | RefundInput,
  kind: "carryForward" | "refund",
  dateField: string,
  date: string,
): Admission => ({
  ...scopeOf(input),
  kind,
  date,
  amount: input.amount,
  entry: 0,
  dateField,
  restatement: input.restatement,
});

export function createYearEndService(d: Deps) {
  async function checkScope(s: YearEndScope) {
    const issues: FieldIssue[] = [];
    if ((await d.catalog.existingUnitCodes([s.unitCode])).length === 0)
      issues.push({ field: "unitCode", rule: "unknown_unit", message: `no unit with code ${s.unitCode}` });
    if ((await d.catalog.existingProgramCodes([s.program])).length === 0)
      issues.push({ field: "program", rule: "unknown_program", message: `no program ${s.program}` });
    if (s.carriedOverFrom !== null && s.carriedOverFrom >= s.planYear)
      issues.push({
        field: "carriedOverFrom",
        rule: "before_plan_year",
        message: `capital carried over into ${s.planYear} must come from an earlier year`,
      });
    refuseIf(issues);
  }

  /** Admits the movement, inserts it and records it (and any restatement) in one transaction. */
  async function record<T extends { id: bigint }>(
    move: Admission,
    by: Principal,
    entity: "carry_forward" | "refund",
    document: string,
    details: unknown,
    insert: (tx: Parameters<Parameters<LedgerService["transaction"]>[0]>[0]) => Promise<T>,
  ): Promise<T> {
    const ctx = await d.ledger.admissionContext([move.planYear]);
    return d.ledger.transaction(async (tx) => {
      const restated = await d.ledger.admit(tx, [move], by, ctx);
      const row = await insert(tx);
      await d.ledger.recordRestatements(tx, entity, [row], [move], restated, by);
      await d.audit.record(tx, {
        entity,
        entityId: row.id,
        action: "recorded",
        actor: actorOf(by),
        document,
        details,
      });
      return row;
    });
  }

  return {
    async recordCarryForward(input: CarryForwardInput, by: Principal) {
      assertRole(by, ["admin"]);
      await checkScope(input);
      const move = movement(input, "carryForward", "approvedOn", input.approvedOn);
      return record(move, by, "carry_forward", input.legalBasis, input, (tx) =>
        d.repo.insertCarryForward(tx, input, actorOf(by)),
      );
    },

    async recordRefund(input: RefundInput, by: Principal) {
      assertCanWriteUnit(by, input.unitCode);
      await checkScope(input);
      const move = movement(input, "refund", "refundedOn", input.refundedOn);
      return record(move, by, "refund", input.reference, input, (tx) =>
        d.repo.insertRefund(tx, input, actorOf(by)),
      );
    },

    list(
      kind: "carry-forwards" | "refunds",
      f: { unitCode?: string | undefined; planYear?: number | undefined },
      by: Principal,
    ) {
      if (by.role === "officer" && f.unitCode && !by.unitCodes.includes(f.unitCode))
        throw new ForbiddenError(`this key may not read unit ${f.unitCode}`);
      const unitCodes =
        by.role === "officer"
          ? f.unitCode
            ? [f.unitCode]
            : by.unitCodes
          : f.unitCode
            ? [f.unitCode]
            : undefined;
      return kind === "refunds"
        ? d.repo.listRefunds({ ...f, unitCodes })
        : d.repo.listCarryForwards({ ...f, unitCodes });
    },
  };
}

export type YearEndService = ReturnType<typeof createYearEndService>;
