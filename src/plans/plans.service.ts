// Plans as data: the built-in 2022 plan until an admin stores a version, then every version kept.
import { actorOf, type Principal } from "../access/principal.js";
import type { AuditRepository } from "../audit/audit.repository.js";
import type { ClosingsReader, Restatement } from "../domain/closing.js";
import {
  ConflictError,
  type FieldIssue,
  NotFoundError,
  RuleViolationError,
  refuseIf,
} from "../domain/errors.js";
import type { LocalDate } from "../domain/local-date.js";
import { judgedDueOn, nonWorkingDueDateFlag } from "../domain/non-working-due-date.js";
import { DEFAULT_PLAN_2022, type Plan, planSchema } from "../domain/plan.js";
import {
  type AmendingAct,
  closedMilestonesRewritten,
  describeChanges,
  isRuleChange,
  planChanges,
} from "../domain/plan-amendment.js";
import { WEEKENDS_ONLY, type WorkingCalendar } from "../domain/working-days.js";
import type { PlansRepository, PlanVersionRecord } from "./plans.repository.js";

const BUILT_IN: ReadonlyMap<number, Plan> = new Map([[DEFAULT_PLAN_2022.year, DEFAULT_PLAN_2022]]);

/** A plan as GET shows it (`year` optional, equal to the path's), with what justifies a change. */
export type PlanInput = Omit<Plan, "year"> & {
  year?: number | undefined;
  /** The legal act behind a change to what the plan judges (see plan-amendment.ts). */
  amendment?: { act: AmendingAct; reason: string } | undefined;
  /** An admin's rewrite of a closed milestone's rules: kept in the audit trail. */
  restatement?: Restatement | undefined;
};

type Deps = {
  repo: PlansRepository;
  /** Closed milestones keep their verdicts: an amendment may change them only as a restatement. */
  closings: ClosingsReader;
  audit: Pick<AuditRepository, "record">;
  /** For the plan view's flags on due dates that fall on non-working days; weekends only by default. */
  calendar?: { workingCalendar(): Promise<WorkingCalendar> };
};

function builtInVersion(plan: Plan): PlanVersionRecord {
  return {
    year: plan.year,
    version: 0,
    plan,
    act: null,
    reason: "built-in default",
    createdBy: "system",
    createdAt: new Date(0),
  };
}

export function createPlansService({ repo, closings, audit, calendar }: Deps) {
  /** With knownAt: the version in force then (the built-in version 0 always was). */
  async function current(year: number, knownAt?: Date): Promise<PlanVersionRecord | null> {
    const stored = await repo.latest(year, knownAt);
    if (stored) return stored;
    const builtIn = BUILT_IN.get(year);
    return builtIn ? builtInVersion(builtIn) : null;
  }

  async function years(knownAt?: Date): Promise<number[]> {
    return [...new Set([...BUILT_IN.keys(), ...(await repo.years(knownAt))])].sort((a, b) => a - b);
  }

  /** The latest plan year not after asOf's year, else the first (the years read only when asked). */
  async function yearOf(asOf: LocalDate, knownAt?: Date): Promise<number> {
    const all = await years(knownAt);
    return all.filter((y) => y <= Number(asOf.slice(0, 4))).at(-1) ?? all[0] ?? 0;
  }

  async function getPlan(year: number) {
    const cur = await current(year);
    if (!cur) throw new NotFoundError(`no plan for ${year}`);
    const stored = await repo.history(year);
    const builtIn = BUILT_IN.get(year);
    const versions = builtIn ? [builtInVersion(builtIn), ...stored] : stored;
    const history = versions.map((v, i) => ({
      version: v.version,
      createdAt: v.createdAt,
      createdBy: v.createdBy,
      act: v.act,
      reason: v.reason,
      changes: i === 0 ? [] : planChanges(versions[i - 1]!.plan, v.plan),
    }));
    return { plan: cur.plan, version: cur.version, history };
  }

  return {
    years,
    getPlan,

    /**
     * The plan as GET shows it, and beside it each milestone's due date: the day it is judged on,
     * and, for a due date on a non-working day, why and whether the plan moves it.
     */
    async viewPlan(year: number) {
      const [view, cal] = await Promise.all([getPlan(year), calendar?.workingCalendar() ?? WEEKENDS_ONLY]);
      const dueDates = view.plan.milestones.map((m) => ({
        id: m.id,
        dueOn: m.dueOn,
        judgedOn: judgedDueOn(m, cal),
        dueOnNonWorkingDay: nonWorkingDueDateFlag(m, cal),
      }));
      return { ...view, dueDates };
    },

    /**
     * The plan judged on asOf: the given year, else the latest plan year not after asOf's year;
     * with knownAt, as it stood at that moment.
     */
    async planFor(asOf: LocalDate, year?: number, knownAt?: Date): Promise<Plan> {
      const wanted = year ?? (await yearOf(asOf, knownAt));
      const cur = await current(wanted, knownAt);
      if (!cur) throw new NotFoundError(`no plan for ${wanted}`);
      return cur.plan;
    },

    async putPlan(year: number, input: PlanInput, by: Principal) {
      const { amendment, restatement, year: bodyYear, ...rest } = input;
      if (bodyYear !== undefined && bodyYear !== year)
        throw new RuleViolationError(`the plan is for ${bodyYear}, not ${year}`, [
          {
            field: "year",
            rule: "year_mismatch",
            message: `must be ${year}, the year in the path, or left out`,
          },
        ]);
      const parsed = planSchema.safeParse({ ...rest, year });
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => ({
          field: i.path.map(String).join("."),
          rule: i.code,
          message: i.message,
        }));
        throw new RuleViolationError(issues[0]?.message ?? "invalid plan", issues);
      }
      const next = parsed.data as Plan;
      const prev = await current(year);
      const changes = prev ? planChanges(prev.plan, next) : [];
      // The plan as GET shows it comes back unchanged: nothing to store, the same version.
      if (prev && changes.length === 0) return { plan: prev.plan, version: prev.version, changes };

      const issues: FieldIssue[] = [];
      const ruled = changes.filter(isRuleChange);
      if (ruled.length > 0 && !amendment)
        issues.push({
          field: "amendment",
          rule: "act_required",
          message: `changing ${describeChanges(ruled)} changes what the plan judges: give amendment { act: { document, issuedOn }, reason }`,
        });
      const closed = prev && ruled.length > 0 ? await closings.closedMilestones(year) : [];
      const rewritten = prev
        ? closedMilestonesRewritten(prev.plan, changes, new Set(closed.map((c) => c.milestoneId)))
        : [];
      if (!restatement)
        for (const r of rewritten) {
          const c = closed.find((x) => x.milestoneId === r.milestone)!;
          issues.push({
            field: "restatement",
            rule: "closed_milestone",
            message: `${r.milestone} is closed (${c.document}); changing ${describeChanges(r.changes)} would rewrite its recorded verdicts: give restatement { reason, document }`,
          });
        }
      refuseIf(issues);

      const version = (prev?.version ?? 0) + 1;
      const actor = actorOf(by);
      const ok = await repo.transaction(async (tx) => {
        const inserted = await repo.insert(
          {
            year,
            version,
            plan: next,
            act: amendment?.act ?? null,
            reason: amendment?.reason ?? null,
            createdBy: actor,
          },
          tx,
        );
        // A restatement is recorded only when it rewrites a closed milestone.
        if (inserted && restatement && rewritten.length > 0)
          await audit.record(tx, {
            entity: "plan",
            entityId: String(year),
            action: "restated",
            actor,
            document: restatement.document,
            details: {
              version,
              reason: restatement.reason,
              act: amendment?.act ?? null,
              milestones: rewritten,
            },
          });
        return inserted;
      });
      if (!ok) throw new ConflictError(`plan ${year} was amended concurrently; read it again and retry`);
      return { plan: next, version, changes };
    },
  };
}

export type PlansService = ReturnType<typeof createPlansService>;
