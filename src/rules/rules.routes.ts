import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { principalOf, READERS } from "../access/auth.plugin.js";
import type { Role } from "../access/principal.js";
import { type LocalDate, todayIn } from "../domain/local-date.js";
import { code, errorResponses, knownAt, queryDate, queryPlanYear } from "../http/schemas.js";
import { sendSliced } from "../http/sliced-reply.js";
import { atRiskPage, atRiskQuery, dutyOut, milestoneOut, summaryOut } from "./rules.schemas.js";
import type { RulesService } from "./rules.service.js";

// Province-wide views; officers see their own units through /units/{code}/status.
const PROVINCE_READERS: readonly Role[] = ["admin", "viewer"];

const asOfQuery = {
  asOf: queryDate.optional(),
  planYear: queryPlanYear.optional(),
  knownAt: knownAt
    .optional()
    .describe(
      "answer as the service would have at this moment: entries, plan version and closings recorded by then",
    ),
};

/** asOf defaults to today, or, for a reading as known at a moment, to that moment's local date. */
const asOfOf = (q: { asOf?: LocalDate | undefined; knownAt?: Date | undefined }, today: () => LocalDate) =>
  q.asOf ?? (q.knownAt ? todayIn(q.knownAt) : today());
const errors = errorResponses(400, 401, 403, 404);

// A page holds up to 1,000 items (half a megabyte): it leaves in slices (src/http/sliced-reply.ts).
const atRiskOut = z.object({ asOf: z.string(), planYear: z.number(), ...atRiskPage });

export const rulesRoutes: FastifyPluginAsyncZod<{ rules: RulesService; today: () => LocalDate }> = async (
  app,
  { rules, today },
) => {
  app.get(
    "/units/:code/status",
    {
      config: { roles: READERS },
      schema: {
        tags: ["rules"],
        summary: "Every milestone of the plan for one unit, per program, and every duty asked of it, on asOf",
        params: z.object({ code }),
        querystring: z.strictObject(asOfQuery),
        response: {
          200: z.object({
            unitCode: z.string(),
            asOf: z.string(),
            planYear: z.number(),
            milestones: z.array(milestoneOut),
            duties: z.array(dutyOut).describe("each duty of the plan that asks the unit"),
          }),
          ...errors,
        },
      },
    },
    (req) =>
      rules.unitStatus(
        req.params.code,
        asOfOf(req.query, today),
        req.query.planYear,
        principalOf(req),
        req.query.knownAt,
      ),
  );

  app.get(
    "/at-risk",
    {
      config: { roles: PROVINCE_READERS, rateClass: "evaluation" },
      schema: {
        tags: ["rules"],
        summary:
          "The (unit, program, milestone) items at risk or missed on asOf, largest shortfall first, a page at a time",
        querystring: z.strictObject({ ...asOfQuery, ...atRiskQuery }),
        response: { 200: atRiskOut, ...errors },
      },
    },
    async (req, reply) => {
      const { milestone, program, kind, limit, cursor, dutiesLimit, dutiesCursor } = req.query;
      return sendSliced(
        reply,
        atRiskOut,
        await rules.atRiskPage(
          asOfOf(req.query, today),
          req.query.planYear,
          { milestone, program, kind },
          { limit, cursor, dutiesLimit, dutiesCursor },
          req.query.knownAt,
        ),
      );
    },
  );

  app.get(
    "/reports/summary",
    {
      config: { roles: PROVINCE_READERS, rateClass: "evaluation" },
      schema: {
        tags: ["rules"],
        summary: "Province-wide totals and rates per program, unit kind and milestone, with status counts",
        querystring: z.strictObject(asOfQuery),
        response: {
          200: summaryOut,
          ...errors,
        },
      },
    },
    (req) => rules.summary(asOfOf(req.query, today), req.query.planYear, req.query.knownAt),
  );
};
