import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { ADMINS, principalOf, READERS, WRITERS } from "../access/auth.plugin.js";
import {
  amountOut,
  capitalType,
  code,
  errorBody,
  localDate,
  planYear,
  positiveAmount,
  queryPlanYear,
  restatement,
  source,
  text,
} from "../http/schemas.js";
import type { YearEndService } from "./year-end.service.js";

const scope = {
  unitCode: code,
  program: code,
  planYear,
  carriedOverFrom: planYear
    .nullable()
    .default(null)
    .describe("set for capital carried over from an earlier year"),
  source,
  capitalType,
  amount: positiveAmount,
  restatement: restatement.optional(),
};
const row = z.looseObject({
  id: amountOut,
  unitCode: z.string(),
  program: z.string(),
  planYear: z.number(),
  amount: amountOut,
});
const listQuery = z.strictObject({
  unit: code.optional(),
  planYear: queryPlanYear.optional(),
});
const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 422: errorBody };

export const yearEndRoutes: FastifyPluginAsyncZod<{ yearEnd: YearEndService }> = async (app, { yearEnd }) => {
  app.post(
    "/carry-forwards",
    {
      config: { roles: ADMINS },
      schema: {
        tags: ["year-end"],
        summary: "Record an approved carry-forward (chuyển nguồn): kept for next year, not refunded",
        body: z.strictObject({ ...scope, legalBasis: text(500), approvedOn: localDate }),
        response: { 201: row, ...errors },
      },
    },
    async (req, reply) =>
      reply.status(201).send(await yearEnd.recordCarryForward(req.body, principalOf(req))),
  );
  app.get(
    "/carry-forwards",
    {
      config: { roles: READERS },
      schema: {
        tags: ["year-end"],
        querystring: listQuery,
        response: { 200: z.object({ items: z.array(row) }), ...errors },
      },
    },
    async (req) => ({
      items: await yearEnd.list(
        "carry-forwards",
        { unitCode: req.query.unit, planYear: req.query.planYear },
        principalOf(req),
      ),
    }),
  );
  app.post(
    "/refunds",
    {
      config: { roles: WRITERS },
      schema: {
        tags: ["year-end"],
        summary: "Record a refund of undisbursed capital to the higher-level budget",
        body: z.strictObject({ ...scope, refundedOn: localDate, reference: text(200) }),
        response: { 201: row, ...errors },
      },
    },
    async (req, reply) => reply.status(201).send(await yearEnd.recordRefund(req.body, principalOf(req))),
  );
  app.get(
    "/refunds",
    {
      config: { roles: READERS },
      schema: {
        tags: ["year-end"],
        querystring: listQuery,
        response: { 200: z.object({ items: z.array(row) }), ...errors },
      },
    },
    async (req) => ({
      items: await yearEnd.list(
        "refunds",
        { unitCode: req.query.unit, planYear: req.query.planYear },
        principalOf(req),
      ),
    }),
  );
};
