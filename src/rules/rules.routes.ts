import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { principalOf, READERS } from "../access/auth.plugin.js";
import type { Role } from "../access/principal.js";
import type { LocalDate } from "../domain/local-date.js";
import { amountOut, code, errorBody, localDate } from "../http/schemas.js";
import type { RulesService } from "./rules.service.js";

// Province-wide views; officers see their own units through /units/{code}/status.
const PROVINCE_READERS: readonly Role[] = ["admin", "viewer"];

const status = z.enum(["not_applicable", "met", "on_track", "at_risk", "missed"]);
export const milestoneOut = z.object({
  id: z.string(),
  kind: z.enum(["rate", "refund", "request"]),
  program: z.string(),
  planYear: z.number(),
  dueOn: z.string(),
  status,
  allocated: amountOut,
  disbursed: amountOut,
  rate: z
    .number()
    .nullable()
    .describe("percent, rounded to 2 decimals for display; the status is decided exactly"),
  threshold: z.number(),
  comparison: z.enum(["gt", "gte"]),
  shortfall: amountOut.describe("the fewest whole đồng that, disbursed more, would meet the milestone"),
  daysLeft: z.number(),
  requiredDailyPace: amountOut.nullable(),
  projectedRate: z.number().nullable(),
  projectedDisbursed: amountOut.nullable(),
  requestSentOn: z
    .string()
    .nullable()
    .optional()
    .describe("request milestones: the date the unit's request was sent"),
  advisory: z
    .boolean()
    .optional()
    .describe("request milestones: only advised (met the first rate, at risk for the next)"),
});
const atRiskItem = milestoneOut.extend({
  unitCode: z.string(),
  unitName: z.string(),
  unitKind: z.enum(["department", "district"]),
});
const counts = z.object({
  not_applicable: z.number(),
  met: z.number(),
  on_track: z.number(),
  at_risk: z.number(),
  missed: z.number(),
});
const totals = { allocated: amountOut, disbursed: amountOut, rate: z.number().nullable() };

const asOfQuery = {
  asOf: localDate.optional(),
  planYear: z.coerce.number().int().min(2000).max(2100).optional(),
};
const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody };

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
        summary: "Every milestone of the plan for one unit, per program, on asOf",
        params: z.object({ code }),
        querystring: z.strictObject(asOfQuery),
        response: {
          200: z.object({
            unitCode: z.string(),
            asOf: z.string(),
            planYear: z.number(),
            milestones: z.array(milestoneOut),
          }),
          ...errors,
        },
      },
    },
    (req) =>
      rules.unitStatus(req.params.code, req.query.asOf ?? today(), req.query.planYear, principalOf(req)),
  );

  app.get(
    "/at-risk",
    {
      config: { roles: PROVINCE_READERS },
      schema: {
        tags: ["rules"],
        summary: "Every (unit, program, milestone) at risk or missed on asOf, largest shortfall first",
        querystring: z.strictObject({
          ...asOfQuery,
          milestone: z.string().max(16).optional(),
          program: code.optional(),
          kind: z.enum(["department", "district"]).optional(),
        }),
        response: {
          200: z.object({ asOf: z.string(), planYear: z.number(), items: z.array(atRiskItem) }),
          ...errors,
        },
      },
    },
    (req) =>
      rules.atRisk(req.query.asOf ?? today(), req.query.planYear, {
        milestone: req.query.milestone,
        program: req.query.program,
        kind: req.query.kind,
      }),
  );

  app.get(
    "/reports/summary",
    {
      config: { roles: PROVINCE_READERS },
      schema: {
        tags: ["rules"],
        summary: "Province-wide totals and rates per program, unit kind and milestone, with status counts",
        querystring: z.strictObject(asOfQuery),
        response: {
          200: z.object({
            asOf: z.string(),
            planYear: z.number(),
            total: z.object(totals),
            byProgram: z.array(z.object({ program: z.string(), ...totals })),
            byUnitKind: z.array(z.object({ kind: z.string(), ...totals })),
            byMilestone: z.array(
              z.object({
                id: z.string(),
                title: z.string(),
                dueOn: z.string(),
                kind: z.enum(["rate", "refund", "request"]),
                threshold: z.number().nullable(),
                comparison: z.enum(["gt", "gte"]).nullable(),
                total: z.object(totals),
                counts,
                unitCounts: counts,
                byProgram: z.array(z.object({ program: z.string(), ...totals, counts })),
              }),
            ),
          }),
          ...errors,
        },
      },
    },
    (req) => rules.summary(req.query.asOf ?? today(), req.query.planYear),
  );
};
