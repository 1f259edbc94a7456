import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { ADMINS, principalOf, READERS, WRITERS } from "../access/auth.plugin.js";
import {
  amountOut,
  capitalType,
  code,
  errorResponses,
  idOut,
  localDate,
  planYear,
  positiveAmount,
  queryPlanYear,
  restatement,
  source,
  text,
} from "../http/schemas.js";
import type { YearEndRepository } from "./year-end.repository.js";
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
const movement = {
  id: idOut,
  unitCode: z.string(),
  program: z.string(),
  planYear: z.number(),
  amount: amountOut,
  carriedOverFrom: z.number().nullable().describe("set for capital carried over from an earlier year"),
  source,
  capitalType,
  createdBy: z.string(),
  createdAt: z.date(),
};
const carryForwardOut = z.object({
  ...movement,
  legalBasis: z.string().describe("the decision that approved the carry-forward"),
  approvedOn: z.string(),
});
const refundOut = z.object({
  ...movement,
  refundedOn: z.string(),
  reference: z.string().describe("the reference of the refund (its payment order or decision)"),
});
/** YearEndService.list answers by its kind; its declared type is the union of both lists. */
type Listed<K extends "listCarryForwards" | "listRefunds"> = Awaited<ReturnType<YearEndRepository[K]>>;
const listQuery = z.strictObject({
  unit: code.optional(),
  planYear: queryPlanYear.optional(),
});
const errors = errorResponses(400, 401, 403, 404, 422);

export const yearEndRoutes: FastifyPluginAsyncZod<{ yearEnd: YearEndService }> = async (app, { yearEnd }) => {
  app.post(
    "/carry-forwards",
    {
      config: { roles: ADMINS },
      schema: {
        tags: ["year-end"],
        summary: "Record an approved carry-forward (chuyển nguồn): kept for next year, not refunded",
        body: z.strictObject({ ...scope, legalBasis: text(500), approvedOn: localDate }),
        response: { 201: carryForwardOut, ...errors },
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
        response: { 200: z.object({ items: z.array(carryForwardOut) }), ...errors },
      },
    },
    async (req) => ({
      items: (await yearEnd.list(
        "carry-forwards",
        { unitCode: req.query.unit, planYear: req.query.planYear },
        principalOf(req),
      )) as Listed<"listCarryForwards">,
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
        response: { 201: refundOut, ...errors },
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
        response: { 200: z.object({ items: z.array(refundOut) }), ...errors },
      },
    },
    async (req) => ({
      items: (await yearEnd.list(
        "refunds",
        { unitCode: req.query.unit, planYear: req.query.planYear },
        principalOf(req),
      )) as Listed<"listRefunds">,
    }),
  );
};
