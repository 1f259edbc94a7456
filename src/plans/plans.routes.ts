import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { ADMINS, principalOf, READERS } from "../access/auth.plugin.js";
import { rateMilestoneSchema } from "../domain/plan.js";
import { errorBody, localDate, text } from "../http/schemas.js";
import type { PlansService } from "./plans.service.js";

const year = z.coerce.number().int().min(2000).max(2100);
const planBody = z.strictObject({
  title: text(500),
  projectionWindowDays: z.number().int().min(1).max(366).default(30),
  milestones: z.array(rateMilestoneSchema).min(1).max(50),
  amendment: z
    .strictObject({
      act: z.strictObject({ document: text(500), issuedOn: localDate.nullable() }),
      reason: text(2000),
    })
    .optional()
    .describe("Required when a due date moves: the legal act that moved it"),
});
const errors = {
  400: errorBody,
  401: errorBody,
  403: errorBody,
  404: errorBody,
  409: errorBody,
  422: errorBody,
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
          200: z.looseObject({ plan: z.unknown(), version: z.number(), history: z.array(z.unknown()) }),
          ...errors,
        },
      },
    },
    (req) => plans.getPlan(req.params.year),
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
          200: z.looseObject({ plan: z.unknown(), version: z.number(), changes: z.array(z.unknown()) }),
          ...errors,
        },
      },
    },
    (req) => plans.putPlan(req.params.year, req.body, principalOf(req)),
  );
};
