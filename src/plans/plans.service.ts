// Plans as data: the built-in 2022 plan until an admin stores a version, then every version kept.
import { actorOf, type Principal } from "../access/principal.js";
import { ConflictError, NotFoundError, RuleViolationError } from "../domain/errors.js";
import type { LocalDate } from "../domain/local-date.js";
import { DEFAULT_PLAN_2022, type Plan, planSchema } from "../domain/plan.js";
import { type AmendingAct, movedDueDates, planChanges } from "../domain/plan-amendment.js";
import type { PlansRepository, PlanVersionRecord } from "./plans.repository.js";

const BUILT_IN: ReadonlyMap<number, Plan> = new Map([[DEFAULT_PLAN_2022.year, DEFAULT_PLAN_2022]]);

export type PlanInput = Omit<Plan, "year"> & { amendment?: { act: AmendingAct; reason: string } | undefined };

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

export function createPlansService({ repo }: { repo: PlansRepository }) {
  async function current(year: number): Promise<PlanVersionRecord | null> {
    const stored = await repo.latest(year);
    if (stored) return stored;
    const builtIn = BUILT_IN.get(year);
    return builtIn ? builtInVersion(builtIn) : null;
  }

  async function years(): Promise<number[]> {
    return [...new Set([...BUILT_IN.keys(), ...(await repo.years())])].sort((a, b) => a - b);
  }

  return {
    years,

    async getPlan(year: number) {
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
    },

    /** The plan judged on asOf: the given year, else the latest plan year not after asOf's year. */
    async planFor(asOf: LocalDate, year?: number): Promise<Plan> {
      const all = await years();
      const wanted = year ?? all.filter((y) => y <= Number(asOf.slice(0, 4))).at(-1) ?? all[0] ?? 0;
      const cur = await current(wanted);
      if (!cur) throw new NotFoundError(`no plan for ${wanted}`);
      return cur.plan;
    },

    async putPlan(year: number, input: PlanInput, by: Principal) {
      const { amendment, ...rest } = input;
      const parsed = planSchema.safeParse({ ...rest, year });
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => ({
          path: ["body", ...i.path.map(String)].join("."),
          rule: i.code,
          message: i.message,
        }));
        throw new RuleViolationError(issues[0]?.message ?? "invalid plan", issues);
      }
      const next = parsed.data as Plan;
      const prev = await current(year);
      const changes = prev ? planChanges(prev.plan, next) : [];
      if (prev && changes.length === 0 && prev.version > 0)
        return { plan: prev.plan, version: prev.version, changes };
      const moved = movedDueDates(changes);
      if (moved.length > 0 && !amendment)
        throw new RuleViolationError(
          `moving the due date of ${moved.join(", ")} needs the legal act that moved it`,
          [
            {
              path: "body.amendment",
              rule: "act_required",
              message: "give amendment.act { document, issuedOn } and a reason",
            },
          ],
        );
      const version = (prev?.version ?? 0) + 1;
      const ok = await repo.insert({
        year,
        version,
        plan: next,
        act: amendment?.act ?? null,
        reason: amendment?.reason ?? null,
        createdBy: actorOf(by),
      });
      if (!ok) throw new ConflictError(`plan ${year} was amended concurrently; read it again and retry`);
      return { plan: next, version, changes };
    },
  };
}

export type PlansService = ReturnType<typeof createPlansService>;
