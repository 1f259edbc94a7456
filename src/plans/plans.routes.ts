import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { ADMINS, principalOf, READERS } from "../access/auth.plugin.js";
import { dutySchema } from "../domain/duties.js";
import { milestoneSchema, planSchema } from "../domain/plan.js";
import { VERDICT_FIGURES } from "../domain/treasury-reading.js";
import { errorResponses, localDate, planYear, queryPlanYear, storedJson, text } from "../http/schemas.js";
import type { PlansService } from "./plans.service.js";

const year = queryPlanYear;
// The plan exactly as GET shows it (every milestone kind, `year` included), plus what justifies
// a change; the service checks the plan as a whole (ids, references, the year) and the amendment.
const planBody = z.strictObject({
  year: planYear.optional().describe("Optional; must be the year in the path"),
  title: text(500),
  projectionWindowDays: z.number().int().min(1).max(366).default(30),
  milestones: z.array(milestoneSchema).min(1).max(50),
  duties: z
    .array(dutySchema)
    .max(50)
    .optional()
    .describe("documents units owe by a date (reports, guidance); ids differ from the milestones'"),
  verdictFigures: z
    .enum(VERDICT_FIGURES)
    .optional()
    .describe(
      "which figures verdicts rest on where a Treasury statement lists the unit: `reported` (the units' figures, " +
        "the Treasury's shown beside them) or `treasury_once_stated` (default: the units' figures until a statement " +
        "confirms or contradicts them, then the statement's figures plus what was reported disbursed after its date)",
    ),
  amendment: z
    .strictObject({
      act: z.strictObject({ document: text(500), issuedOn: localDate.nullable() }),
      reason: text(2000),
    })
    .optional()
    .describe(
      "Required when a change alters what the plan judges (a due date, threshold, comparison, kind, scope or " +
        "whom a milestone or duty applies to, a milestone or duty added or removed, what a duty asks for, the " +
        "projection window, the figures verdicts rest on): the act that made it",
    ),
  restatement: z
    .strictObject({ reason: text(2000), document: text(500) })
    .optional()
    .describe(
      "Required when the amendment changes the rules of a closed milestone; recorded in the audit trail",
    ),
});
const errors = errorResponses(400, 401, 403, 404, 409, 422);

const planOut = storedJson(planSchema, "the plan as stored: what GET shows, and PUT takes back");
const amendingAct = z.object({ document: z.string(), issuedOn: z.string().nullable() });
const planChange = z
  .object({
    milestone: z.string().optional().describe("the milestone changed; absent for a duty or the plan itself"),
    duty: z.string().optional().describe("the duty changed; absent for a milestone or the plan itself"),
    change: z.enum(["added", "removed", "modified"]),
    field: z.string().optional().describe("the field modified"),
    from: z.unknown().optional().describe("the field's value before (absent fields read as their default)"),
    to: z.unknown().optional().describe("the field's value after"),
  })
  .describe("one difference from the version before");
const planVersion = {
  plan: planOut,
  version: z.number().describe("0: the built-in plan; then 1, 2, … per stored version"),
};

export const plansRoutes: FastifyPluginAsyncZod<{ plans: PlansService }> = async (app, { plans }) => {
  app.get(
    "/plans",
    {
      config: { roles: READERS },
      schema: { tags: ["plans"], response: { 200: z.object({ years: z.array(z.number()) }) } },
    },
    async () => ({ years: await plans.years() }),
  );
  app.get(
    "/plans/:year",
    {
      config: { roles: READERS },
      schema: {
        tags: ["plans"],
        summary: "The current plan of a year, with every earlier version and the act behind each change",
        params: z.object({ year }),
        response: {
          200: z.object({
            ...planVersion,
            history: z
              .array(
                z.object({
                  version: z.number(),
                  createdAt: z.date(),
                  createdBy: z.string(),
                  act: amendingAct.nullable().describe("the act that made the change; null for none"),
                  reason: z.string().nullable(),
                  changes: z.array(planChange).describe("against the version before; empty for the first"),
                }),
              )
              .describe("every version, oldest first"),
            dueDates: z
              .array(
                z.object({
                  id: z.string(),
                  dueOn: z.string(),
                  judgedOn: z.string().describe("the day the milestone is judged on (dueOn unless moved)"),
                  dueOnNonWorkingDay: z
                    .object({
                      reason: z
                        .string()
                        .describe('why the day is not worked ("Thứ Bảy", a holiday, a day off)'),
                      movesTo: z
                        .string()
                        .nullable()
                        .describe(
                          "the next working day when the milestone's nonWorkingDueDate moves it; null: kept",
                        ),
                    })
                    .nullable(),
                }),
              )
              .describe(
                "each milestone's due date on the working calendar; not part of the plan sent back by PUT",
              ),
          }),
          ...errors,
        },
      },
    },
    (req) => plans.viewPlan(req.params.year),
  );
  app.put(
    "/plans/:year",
    {
      config: { roles: ADMINS },
      schema: {
        tags: ["plans"],
        summary: "Create or amend a year's plan; a new version is kept beside the old ones",
        params: z.object({ year }),
        body: planBody,
        response: {
          200: z.object({
            ...planVersion,
            changes: z
              .array(planChange)
              .describe("what this put changed; empty: nothing, the version is the same"),
          }),
          ...errors,
        },
      },
    },
    (req) => plans.putPlan(req.params.year, req.body, principalOf(req)),
  );
};
