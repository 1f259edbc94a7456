// Closing a milestone records every (unit, program)'s verdict as of its due date, so that what was
// announced stays on record: later readings show it beside today's, and the ledger refuses to
// rewrite the closed period except as an admin's restatement.
import { actorOf, type Principal } from "../access/principal.js";
import type { AuditRepository } from "../audit/audit.repository.js";
import type { RecordedVerdict } from "../domain/closing.js";
import { ConflictError, NotFoundError, RuleViolationError } from "../domain/errors.js";
import type { Evaluation } from "../domain/evaluation-table.js";
import { addDays, type LocalDate } from "../domain/local-date.js";
import { withJudgedDueDates } from "../domain/non-working-due-date.js";
import type { Milestone, Plan } from "../domain/plan.js";
import { planNarrowedTo } from "../domain/plan-evaluation.js";
import type { StatusCounts } from "../domain/summary.js";
import { WEEKENDS_ONLY, type WorkingCalendar } from "../domain/working-days.js";
import type { ClosingRecord, ClosingsRepository } from "./closings.repository.js";

type Deps = {
  repo: Pick<
    ClosingsRepository,
    "transaction" | "closedMilestones" | "recordedVerdicts" | "insertClosing" | "insertVerdicts"
  >;
  plans: {
    getPlan(year: number): Promise<{ plan: Plan; version: number }>;
    years(): Promise<number[]>;
  };
  rules: { evaluate(plan: Plan, asOf: LocalDate): Promise<Evaluation> };
  audit: Pick<AuditRepository, "record">;
  today: () => LocalDate;
  /** A milestone the plan moves off a non-working day is due, and closed, on the moved date. */
  calendar?: { workingCalendar(): Promise<WorkingCalendar> };
};

export type CloseInput = { document: string; reason: string };
export type ClosingResult = ClosingRecord & {
  counts: StatusCounts;
  verdicts: Omit<RecordedVerdict, "milestoneId">[];
};

/** The plan's own setting; off when absent (as in the built-in 2022 plan). */
const autoCloseAfterDays = (m: Milestone): number | undefined => m.autoCloseAfterDays;

const SYSTEM = "system";

function countStatuses(verdicts: readonly { status: keyof StatusCounts }[]): StatusCounts {
  const c: StatusCounts = { not_applicable: 0, met: 0, on_track: 0, at_risk: 0, missed: 0 };
  for (const v of verdicts) c[v.status] += 1;
  return c;
}

export function createClosingsService(d: Deps) {
  /** The plan with the due dates it judges on (a moved milestone closes after the moved date). */
  const judgedPlan = async (year: number) => {
    const [{ plan, version }, calendar] = await Promise.all([
      d.plans.getPlan(year),
      d.calendar?.workingCalendar() ?? WEEKENDS_ONLY,
    ]);
    return { plan: withJudgedDueDates(plan, calendar), version };
  };

  const alreadyClosed = (c: { milestoneId: string; planYear: number; closedAt: Date; closedBy: string }) =>
    new ConflictError(
      `${c.milestoneId} of plan ${c.planYear} is already closed (at ${c.closedAt.toISOString()} by ${c.closedBy})`,
      [{ field: "params.id", rule: "already_closed", message: "a milestone is closed once" }],
    );

  /**
   * Judges the milestone the day after its due date (figures cut at the due date, the verdict
   * final), then writes the closing, its verdicts and the audit event in one transaction. Null
   * when the milestone is closed already, by an earlier call or a concurrent one.
   */
  async function closeOnce(
    year: number,
    plan: Plan,
    version: number,
    m: Milestone,
    input: CloseInput & { closedBy: string; automatic: boolean },
  ): Promise<ClosingResult | null> {
    // Only the milestone and those its verdict rests on are evaluated (a request rests on its rate).
    const evals = await d.rules.evaluate(planNarrowedTo(plan, m.id), addDays(m.dueOn, 1));
    const verdicts: Omit<RecordedVerdict, "milestoneId">[] = [];
    for (const e of evals)
      if (e.id === m.id)
        verdicts.push({
          unitCode: e.unitCode,
          program: e.program,
          status: e.status,
          allocated: e.allocated,
          disbursed: e.disbursed,
          rate: e.rate,
          shortfall: e.shortfall,
        });
    const counts = countStatuses(verdicts);
    return d.repo.transaction(async (tx) => {
      const closing = await d.repo.insertClosing(tx, {
        planYear: year,
        milestoneId: m.id,
        milestone: m,
        planVersion: version,
        dueOn: m.dueOn,
        closedBy: input.closedBy,
        document: input.document,
        reason: input.reason,
        automatic: input.automatic,
      });
      if (!closing) return null;
      await d.repo.insertVerdicts(tx, closing.id, verdicts);
      await d.audit.record(tx, {
        entity: "milestone",
        entityId: `${year}:${m.id}`,
        action: "closed",
        actor: input.closedBy,
        document: input.document,
        details: {
          planYear: year,
          milestoneId: m.id,
          planVersion: version,
          dueOn: m.dueOn,
          reason: input.reason,
          automatic: input.automatic,
          pairs: verdicts.length,
          counts,
        },
      });
      return { ...closing, counts, verdicts };
    });
  }

  return {
    closedMilestones: d.repo.closedMilestones,
    recordedVerdicts: d.repo.recordedVerdicts,

    /** An admin closes a milestone once its due date has passed. */
    async close(year: number, milestoneId: string, input: CloseInput, by: Principal): Promise<ClosingResult> {
      const { plan, version } = await judgedPlan(year);
      const m = plan.milestones.find((x) => x.id === milestoneId);
      if (!m) throw new NotFoundError(`plan ${year} has no milestone ${milestoneId}`);
      const today = d.today();
      if (today <= m.dueOn)
        throw new RuleViolationError(
          `${m.id} is due on ${m.dueOn}: it can be closed from ${addDays(m.dueOn, 1)}, when its verdict is final`,
          [{ field: "params.id", rule: "not_yet_due", message: `${m.id} is due on ${m.dueOn}`, date: today }],
        );
      const earlier = (await d.repo.closedMilestones(year)).find((c) => c.milestoneId === m.id);
      if (earlier) throw alreadyClosed(earlier);
      const closed = await closeOnce(year, plan, version, m, {
        ...input,
        closedBy: actorOf(by),
        automatic: false,
      });
      if (closed) return closed;
      // Another request closed it between the check and the insert.
      const winner = (await d.repo.closedMilestones(year)).find((c) => c.milestoneId === m.id);
      throw alreadyClosed(
        winner ?? { milestoneId: m.id, planYear: year, closedAt: new Date(), closedBy: "?" },
      );
    },

    async list(year: number) {
      await d.plans.getPlan(year);
      const [closings, verdicts] = await Promise.all([
        d.repo.closedMilestones(year),
        d.repo.recordedVerdicts(year),
      ]);
      return {
        planYear: year,
        items: closings.map((c) => ({
          ...c,
          counts: countStatuses(verdicts.filter((v) => v.milestoneId === c.milestoneId)),
        })),
      };
    },

    /**
     * Closes every milestone whose plan says to, `autoCloseAfterDays` days after its due date.
     * Idempotent: the closing's unique key makes a rerun, or a second instance, a no-op.
     */
    async autoClose(today: LocalDate): Promise<{ planYear: number; milestoneId: string }[]> {
      const done: { planYear: number; milestoneId: string }[] = [];
      for (const year of await d.plans.years()) {
        const { plan, version } = await judgedPlan(year);
        const due = plan.milestones.filter((m) => {
          const days = autoCloseAfterDays(m);
          return days !== undefined && today > m.dueOn && today >= addDays(m.dueOn, days);
        });
        if (due.length === 0) continue;
        const closed = new Set((await d.repo.closedMilestones(year)).map((c) => c.milestoneId));
        for (const m of due) {
          if (closed.has(m.id)) continue;
          const days = autoCloseAfterDays(m)!;
          const r = await closeOnce(year, plan, version, m, {
            document: `plan ${year} version ${version}: autoCloseAfterDays ${days}`,
            reason: `closed automatically ${days} days after the due date ${m.dueOn}`,
            closedBy: SYSTEM,
            automatic: true,
          });
          if (r) done.push({ planYear: year, milestoneId: m.id });
        }
      }
      return done;
    },
  };
}

export type ClosingsService = ReturnType<typeof createClosingsService>;
