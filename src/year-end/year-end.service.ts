// After the plan year: admins record approved carry-forward (chuyển nguồn), officers record
// refunds to the higher-level budget. Neither may exceed what is left undisbursed.
import { actorOf, assertCanWriteUnit, assertRole, type Principal } from "../access/principal.js";
import type { AuditRepository } from "../audit/audit.repository.js";
import { type FieldIssue, ForbiddenError, RuleViolationError } from "../domain/errors.js";
import type { LocalDate } from "../domain/local-date.js";
import type {
  CarryForwardInput,
  RefundInput,
  YearEndRepository,
  YearEndScope,
} from "./year-end.repository.js";

type Deps = {
  repo: YearEndRepository;
  audit: AuditRepository;
  transaction: <T>(fn: (tx: Parameters<YearEndRepository["lock"]>[0]) => Promise<T>) => Promise<T>;
  catalog: {
    existingUnitCodes(c: string[]): Promise<string[]>;
    existingProgramCodes(c: string[]): Promise<string[]>;
  };
  today: () => LocalDate;
};

export function createYearEndService(d: Deps) {
  async function checkScope(s: YearEndScope, dated: { field: string; date: LocalDate }) {
    const issues: FieldIssue[] = [];
    if ((await d.catalog.existingUnitCodes([s.unitCode])).length === 0)
      issues.push({
        path: "body.unitCode",
        rule: "unknown_unit",
        message: `no unit with code ${s.unitCode}`,
      });
    if ((await d.catalog.existingProgramCodes([s.program])).length === 0)
      issues.push({ path: "body.program", rule: "unknown_program", message: `no program ${s.program}` });
    if (dated.date > d.today())
      issues.push({
        path: `body.${dated.field}`,
        rule: "not_in_future",
        message: `${dated.date} is after today`,
      });
    if (issues.length) throw new RuleViolationError(issues[0]!.message, issues);
  }

  /** The part of a scope still free to carry forward or refund. */
  async function free(tx: Parameters<YearEndRepository["lock"]>[0], s: YearEndScope) {
    await d.repo.lock(tx, s);
    const r = await d.repo.remaining(tx, s);
    return r.undisbursed - r.carriedForward - r.refunded;
  }

  const tooMuch = (amount: bigint, left: bigint) =>
    new RuleViolationError(
      `only ${left} đồng of this capital is left undisbursed, not carried forward and not refunded`,
      [
        {
          path: "body.amount",
          rule: "at_most_undisbursed",
          message: `at most ${left} đồng, asked ${amount}`,
        },
      ],
    );

  return {
    async recordCarryForward(input: CarryForwardInput, by: Principal) {
      assertRole(by, ["admin"]);
      await checkScope(input, { field: "approvedOn", date: input.approvedOn });
      return d.transaction(async (tx) => {
        const left = await free(tx, input);
        if (input.amount > left) throw tooMuch(input.amount, left);
        const row = await d.repo.insertCarryForward(tx, input, actorOf(by));
        await d.audit.record(tx, {
          entity: "carry_forward",
          entityId: row.id,
          action: "recorded",
          actor: actorOf(by),
          document: input.legalBasis,
          details: input,
        });
        return row;
      });
    },

    async recordRefund(input: RefundInput, by: Principal) {
      assertCanWriteUnit(by, input.unitCode);
      await checkScope(input, { field: "refundedOn", date: input.refundedOn });
      return d.transaction(async (tx) => {
        const left = await free(tx, input);
        if (input.amount > left) throw tooMuch(input.amount, left);
        const row = await d.repo.insertRefund(tx, input, actorOf(by));
        await d.audit.record(tx, {
          entity: "refund",
          entityId: row.id,
          action: "recorded",
          actor: actorOf(by),
          document: input.reference,
          details: input,
        });
        return row;
      });
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
