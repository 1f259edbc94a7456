// One answer per dashboard view: GET /api/v1/dashboard/overview and /dashboard/units/{code}.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { principalOf, READERS } from "../access/auth.plugin.js";
import type { Role } from "../access/principal.js";
import type { LocalDate } from "../domain/local-date.js";
import { amountOut, capitalType, code, errorBody, localDate, source } from "../http/schemas.js";
import type { DashboardService } from "./dashboard.service.js";

// The province views, like /at-risk and /reports/summary; officers may open their own units' pages.
const PROVINCE_READERS: readonly Role[] = ["admin", "viewer"];

const status = z.enum(["not_applicable", "met", "on_track", "at_risk", "missed"]);
const comparison = z.enum(["gt", "gte"]);
const rate = z.number().nullable().describe("percent, rounded to 2 decimals for display");

// Milestone kinds grow (rate, refund, request, ...): kept open here so the views show what comes.
const evaluation = z.object({
  id: z.string(),
  kind: z.string().optional(),
  program: z.string(),
  planYear: z.number(),
  dueOn: z.string(),
  status,
  allocated: amountOut,
  disbursed: amountOut,
  rate,
  threshold: z.number(),
  comparison,
  shortfall: amountOut,
  daysLeft: z.number(),
  requiredDailyPace: amountOut.nullable(),
  projectedRate: z.number().nullable(),
  projectedDisbursed: amountOut.nullable(),
  requestSentOn: z.string().nullable().optional().describe("request milestones: when the request was sent"),
  advisory: z.boolean().optional().describe("request milestones: only advised"),
});
const atRiskItem = evaluation.extend({
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
const totals = { allocated: amountOut, disbursed: amountOut, rate };

const plan = z.object({
  year: z.number(),
  title: z.string(),
  projectionWindowDays: z.number(),
  milestones: z.array(
    z.object({
      id: z.string(),
      kind: z.string(),
      title: z.string(),
      dueOn: z.string(),
      threshold: z.number().nullable(),
      comparison: comparison.nullable(),
      scope: z.string().nullable().describe('"own", or "carriedOver:YEAR"'),
      program: z.string().nullable(),
      charted: z.boolean().describe("drawn as a line on the unit chart (own capital of the whole program)"),
    }),
  ),
});

const viewHeader = {
  asOf: z.string(),
  today: z.string().describe("today in Asia/Ho_Chi_Minh, the default asOf"),
  planYear: z.number(),
  planYears: z.array(z.number()),
  plan,
  programs: z.array(z.object({ code: z.string(), name: z.string() })),
};

const summary = z.object({
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
      kind: z.string().optional(),
      threshold: z.number().nullable(),
      comparison: comparison.nullable(),
      total: z.object(totals),
      counts,
      unitCounts: counts,
      byProgram: z.array(z.object({ program: z.string(), ...totals, counts })),
    }),
  ),
});

const entry = z.object({
  kind: z.enum(["allocation", "disbursement"]),
  id: amountOut.describe("entry id"),
  date: z.string().describe("decidedOn of an allocation, disbursedOn of a disbursement"),
  program: z.string(),
  carriedOverFrom: z.number().nullable(),
  source,
  capitalType,
  amount: amountOut,
  reference: z.string().describe("decisionRef of an allocation, reference of a disbursement"),
  corrects: amountOut.nullable(),
  note: z.string().nullable(),
  postedBy: z.string(),
  postedAt: z.date(),
});
const entriesPage = { items: z.array(entry), nextCursor: z.string().nullable() };

const column = z.array(amountOut);
const series = z
  .object({
    dates: z.array(z.string()),
    total: z.object({ allocated: column, disbursed: column }),
    byProgram: z.array(z.object({ program: z.string(), allocated: column, disbursed: column })),
  })
  .describe("own capital of the plan year, cumulative per day from 1 January to asOf");

const alert = z.object({
  id: amountOut,
  asOf: z.string(),
  createdAt: z.date(),
  milestoneId: z.string(),
  program: z.string(),
  stage: z.string(),
  recipient: z.string(),
  outcome: z.enum(["queued", "skipped"]),
  skipReason: z.string().nullable(),
  message: z
    .object({ status: z.string(), attempts: z.number(), sentAt: z.date().nullable(), subject: z.string() })
    .nullable(),
});

const viewQuery = {
  asOf: localDate.optional(),
  planYear: z.coerce.number().int().min(2000).max(2100).optional(),
};
const cursor = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}\.[ad]\.\d{1,19}$/, "must be the nextCursor of a previous page");
const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody };

export const dashboardRoutes: FastifyPluginAsyncZod<{
  dashboard: DashboardService;
  today: () => LocalDate;
}> = async (app, { dashboard, today }) => {
  app.get(
    "/dashboard/overview",
    {
      config: { roles: PROVINCE_READERS },
      schema: {
        tags: ["dashboard"],
        summary: "The overview and at-risk views in one answer: the summary and every at-risk item",
        querystring: z.strictObject(viewQuery),
        response: {
          200: z.object({ ...viewHeader, summary, atRisk: z.array(atRiskItem) }),
          ...errors,
        },
      },
    },
    (req) => dashboard.overview(req.query.asOf ?? today(), req.query.planYear),
  );

  app.get(
    "/dashboard/units/:code",
    {
      config: { roles: READERS },
      schema: {
        tags: ["dashboard"],
        summary:
          "The unit view in one answer: milestones, ledger lines, daily cumulative series, latest entries, alerts",
        params: z.object({ code }),
        querystring: z.strictObject({
          ...viewQuery,
          entriesLimit: z.coerce.number().int().min(1).max(500).default(50),
        }),
        response: {
          200: z.object({
            ...viewHeader,
            unit: z.object({
              code: z.string(),
              name: z.string(),
              kind: z.enum(["department", "district"]),
              headName: z.string(),
            }),
            milestones: z.array(evaluation),
            ledger: z.object({
              lines: z.array(
                z.object({
                  program: z.string(),
                  planYear: z.number(),
                  carriedOverFrom: z.number().nullable(),
                  source,
                  capitalType,
                  allocated: amountOut,
                  disbursed: amountOut,
                  remaining: amountOut,
                }),
              ),
              total: z.object({ allocated: amountOut, disbursed: amountOut, remaining: amountOut }),
            }),
            series,
            entries: z.object({ ...entriesPage, allocations: z.number(), disbursements: z.number() }),
            alerts: z.array(alert),
          }),
          ...errors,
        },
      },
    },
    (req) =>
      dashboard.unit(
        req.params.code,
        req.query.asOf ?? today(),
        req.query.planYear,
        { entriesLimit: req.query.entriesLimit },
        principalOf(req),
      ),
  );

  app.get(
    "/dashboard/units/:code/entries",
    {
      config: { roles: READERS },
      schema: {
        tags: ["dashboard"],
        summary: "Further pages of a unit's entries, latest first (the unit view holds the first page)",
        params: z.object({ code }),
        querystring: z.strictObject({
          ...viewQuery,
          limit: z.coerce.number().int().min(1).max(500).default(50),
          cursor: cursor.optional(),
        }),
        response: {
          200: z.object({ asOf: z.string(), planYear: z.number(), ...entriesPage }),
          ...errors,
        },
      },
    },
    (req) =>
      dashboard.unitEntries(
        req.params.code,
        req.query.asOf ?? today(),
        req.query.planYear,
        { limit: req.query.limit, cursor: req.query.cursor },
        principalOf(req),
      ),
  );
};
