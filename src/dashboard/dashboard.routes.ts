// One answer per dashboard view: GET /api/v1/dashboard/overview, /dashboard/at-risk and
// /dashboard/units/{code}.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { principalOf, READERS } from "../access/auth.plugin.js";
import type { Role } from "../access/principal.js";
import type { LocalDate } from "../domain/local-date.js";
import { opaqueCursor, pageOut } from "../http/paging.js";
import {
  amountOut,
  capitalType,
  code,
  errorResponses,
  queryDate,
  queryInt,
  queryPlanYear,
  source,
} from "../http/schemas.js";
import { sendSliced } from "../http/sliced-reply.js";
import { ledgerOut } from "../ledger/ledger.schemas.js";
import { atRiskPage, atRiskQuery, dutyOut, milestoneOut, summaryOut } from "../rules/rules.schemas.js";
import type { DashboardService } from "./dashboard.service.js";
import { decodeEntryCursor } from "./entry-cursor.js";

// The province views, like /at-risk and /reports/summary; officers may open their own units' pages.
const PROVINCE_READERS: readonly Role[] = ["admin", "viewer"];

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
      deadline: z
        .string()
        .describe(
          'the deadline as the plan words it ("gửi trước ngày 10/11/2022", "đến hết ngày 30/09/2022")',
        ),
      threshold: z.number().nullable(),
      comparison: z.enum(["gt", "gte"]).nullable(),
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
const entriesPage = pageOut(entry).shape;

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

const acknowledgement = z.object({
  at: z.date(),
  on: z.string(),
  plannedAction: z.string().nullable(),
  plannedOn: z.string().nullable(),
  recipient: z.string(),
  subject: z.string().describe("the acknowledged message's subject"),
  alerts: z
    .array(z.object({ milestoneId: z.string(), program: z.string(), stage: z.string() }))
    .describe("what the message said about this unit"),
});

const viewQuery = {
  asOf: queryDate.optional(),
  planYear: queryPlanYear.optional(),
};
// Opaque: the nextCursor of a previous page, checked whole (date, kind and id) before any SQL.
const cursor = opaqueCursor(decodeEntryCursor);
const errors = errorResponses(400, 401, 403, 404);

const overview = z.object({
  ...viewHeader,
  summary: summaryOut,
  atRisk: z
    .object(atRiskPage)
    .describe("the first atRiskLimit items, largest shortfall first; nextCursor continues on /at-risk"),
});
// A page holds up to 1,000 items (half a megabyte): it leaves in slices (src/http/sliced-reply.ts).
const atRiskView = z.object({ ...viewHeader, ...atRiskPage });

export const dashboardRoutes: FastifyPluginAsyncZod<{
  dashboard: DashboardService;
  today: () => LocalDate;
}> = async (app, { dashboard, today }) => {
  app.get(
    "/dashboard/overview",
    {
      config: { roles: PROVINCE_READERS, rateClass: "evaluation" },
      schema: {
        tags: ["dashboard"],
        summary:
          "The overview in one answer: the summary, and the at-risk list's totals and largest shortfalls",
        querystring: z.strictObject({
          ...viewQuery,
          atRiskLimit: queryInt(1, 100).default(10).describe("at-risk items to include"),
        }),
        response: { 200: overview, ...errors },
      },
    },
    (req) =>
      dashboard.overview(req.query.asOf ?? today(), req.query.planYear, {
        atRiskLimit: req.query.atRiskLimit,
      }),
  );

  app.get(
    "/dashboard/at-risk",
    {
      config: { roles: PROVINCE_READERS, rateClass: "evaluation" },
      schema: {
        tags: ["dashboard"],
        summary:
          "The at-risk view in one answer: the view's header and a page of /at-risk (the same filters, pages and cursors)",
        querystring: z.strictObject({ ...viewQuery, ...atRiskQuery }),
        response: { 200: atRiskView, ...errors },
      },
    },
    async (req, reply) => {
      const { milestone, program, kind, limit, cursor, dutiesLimit, dutiesCursor } = req.query;
      return sendSliced(
        reply,
        atRiskView,
        await dashboard.atRisk(
          req.query.asOf ?? today(),
          req.query.planYear,
          { milestone, program, kind },
          { limit, cursor, dutiesLimit, dutiesCursor },
        ),
      );
    },
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
          entriesLimit: queryInt(1, 500).default(50),
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
            milestones: z.array(milestoneOut),
            duties: z.array(dutyOut).describe("each duty of the plan that asks the unit, with its status"),
            ledger: ledgerOut.pick({ lines: true, total: true }),
            series,
            entries: z.object({ ...entriesPage, allocations: z.number(), disbursements: z.number() }),
            alerts: z.array(alert),
            acknowledgements: z
              .array(acknowledgement)
              .describe("unit heads' acknowledgements of the unit's alerts, latest first"),
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
          limit: queryInt(1, 500).default(50),
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
