import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { ADMINS, principalOf, READERS } from "../access/auth.plugin.js";
import { milestoneSchema } from "../domain/plan.js";
import { amountOut, errorResponses, queryPlanYear, searchText, storedJson, text } from "../http/schemas.js";
import { statusCounts } from "../rules/rules.schemas.js";
import type { ClosingsService } from "./closings.service.js";

const year = queryPlanYear;
const status = z.enum(["not_applicable", "met", "on_track", "at_risk", "missed"]);

const closingOut = z.object({
  planYear: z.number(),
  milestoneId: z.string(),
  milestone: storedJson(milestoneSchema, "the milestone as it stood when closed"),
  planVersion: z.number().describe("the plan version the verdicts were judged on (0: built-in)"),
  dueOn: z.string(),
  closedAt: z.date(),
  closedBy: z.string().describe('the admin key ("admin:<keyId>"), or "system" for an automatic close'),
  document: z.string(),
  reason: z.string(),
  automatic: z.boolean(),
  counts: statusCounts.describe("(unit, program) pairs by recorded verdict"),
});
const verdictOut = z.object({
  unitCode: z.string(),
  program: z.string(),
  status,
  allocated: amountOut,
  disbursed: amountOut,
  rate: z.number().nullable(),
  shortfall: amountOut,
});
const errors = errorResponses(400, 401, 403, 404, 409, 422);

export const closingsRoutes: FastifyPluginAsyncZod<{ closings: ClosingsService }> = async (
  app,
  { closings },
) => {
  app.post(
    "/plans/:year/milestones/:id/close",
    {
      config: { roles: ADMINS },
      schema: {
        tags: ["plans"],
        summary:
          "Close a milestone after its due date: every (unit, program)'s verdict and figures as of the due date are recorded",
        params: z.object({ year, id: searchText(32) }),
        body: z.strictObject({
          document: text(500).describe("the act or minutes under which the verdicts are closed"),
          reason: text(2000),
        }),
        response: { 201: closingOut.extend({ verdicts: z.array(verdictOut) }), ...errors },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(await closings.close(req.params.year, req.params.id, req.body, principalOf(req))),
  );

  app.get(
    "/plans/:year/closings",
    {
      config: { roles: READERS },
      schema: {
        tags: ["plans"],
        summary: "The plan year's closed milestones, due date first",
        params: z.object({ year }),
        response: { 200: z.object({ planYear: z.number(), items: z.array(closingOut) }), ...errors },
      },
    },
    (req) => closings.list(req.params.year),
  );
};
