import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { ADMINS, principalOf, READERS, WRITERS } from "../access/auth.plugin.js";
import { auditEventOut } from "../audit/audit.routes.js";
import { pageOut, pageQuery, readIdPage } from "../http/paging.js";
import {
  amountOut,
  bigintId,
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
import type { ReallocationService } from "./reallocation.service.js";

const lineKey = { program: code, source, capitalType };
const submitBody = z.strictObject({
  unitCode: code,
  planYear,
  reason: text(4000),
  documentRef: text(200).describe("number of the unit's written request (văn bản đề xuất)"),
  sentOn: localDate.describe("the date the request was sent"),
  lines: z
    .array(z.strictObject({ ...lineKey, amount: positiveAmount }))
    .min(1)
    .max(50),
  restatement: restatement.optional(),
});
const decision = { decisionRef: text(200), decidedOn: localDate, note: text(4000).optional() };
const approveBody = z.strictObject({
  ...decision,
  restatement: restatement.optional(),
  lines: z
    .array(
      z.strictObject({
        ...lineKey,
        approvedAmount: positiveAmount,
        recipients: z
          .array(z.strictObject({ unitCode: code, amount: positiveAmount }))
          .min(1)
          .max(100),
      }),
    )
    .min(1)
    .max(50),
});

const requestOut = z.object({
  id: idOut,
  unitCode: z.string(),
  planYear: z.number(),
  reason: z.string(),
  documentRef: z.string().describe("number of the unit's written request (văn bản đề xuất)"),
  sentOn: z.string(),
  state: z.enum(["submitted", "approved", "rejected"]),
  createdBy: z.string(),
  createdAt: z.date(),
  decision: z
    .object({
      decisionRef: z.string(),
      decidedOn: z.string().nullable(),
      decidedBy: z.string().nullable(),
      note: z.string().nullable(),
    })
    .nullable()
    .describe("the approval or rejection; null while submitted"),
  lines: z.array(
    z.object({
      program: z.string(),
      source,
      capitalType,
      amount: amountOut.describe("requested, whole đồng"),
      approvedAmount: amountOut.nullable().describe("approved, whole đồng; null unless approved"),
      recipients: z
        .array(z.object({ unitCode: z.string(), amount: amountOut }))
        .describe("the receiving units of the approved amount"),
    }),
  ),
});
const idParam = z.object({
  id: bigintId("must be a request id").transform((s) => BigInt(s)),
});
const errors = errorResponses(400, 401, 403, 404, 409, 422);

export const reallocationRoutes: FastifyPluginAsyncZod<{ reallocation: ReallocationService }> = async (
  app,
  { reallocation },
) => {
  app.post(
    "/reallocation-requests",
    {
      config: { roles: WRITERS },
      schema: {
        tags: ["reallocation"],
        summary: "A unit's written request to hand capital it cannot disburse to other units",
        body: submitBody,
        response: { 201: requestOut, ...errors },
      },
    },
    async (req, reply) => reply.status(201).send(await reallocation.submit(req.body, principalOf(req))),
  );
  app.get(
    "/reallocation-requests",
    {
      config: { roles: READERS },
      schema: {
        tags: ["reallocation"],
        querystring: z.strictObject({
          unit: code.optional(),
          planYear: queryPlanYear.optional(),
          state: z.enum(["submitted", "approved", "rejected"]).optional(),
          ...pageQuery,
        }),
        response: {
          200: pageOut(requestOut),
          ...errors,
        },
      },
    },
    (req) => {
      const q = req.query;
      return readIdPage(q, (afterId, limit) =>
        reallocation.list(
          { unitCode: q.unit, planYear: q.planYear, state: q.state, limit, afterId },
          principalOf(req),
        ),
      );
    },
  );
  app.get(
    "/reallocation-requests/:id",
    {
      config: { roles: READERS },
      schema: {
        tags: ["reallocation"],
        summary: "A request with its state and history",
        params: idParam,
        response: {
          200: requestOut.extend({
            history: z.array(auditEventOut).describe("the request's audit trail, oldest first"),
          }),
          ...errors,
        },
      },
    },
    (req) => reallocation.get(req.params.id, principalOf(req)),
  );
  app.post(
    "/reallocation-requests/:id/approve",
    {
      config: { roles: ADMINS },
      schema: {
        tags: ["reallocation"],
        summary: "Approve all or part of a request for named receiving units; writes the adjustments",
        params: idParam,
        body: approveBody,
        response: { 200: requestOut, ...errors },
      },
    },
    (req) => reallocation.approve(req.params.id, req.body, principalOf(req)),
  );
  app.post(
    "/reallocation-requests/:id/reject",
    {
      config: { roles: ADMINS },
      schema: {
        tags: ["reallocation"],
        params: idParam,
        body: z.strictObject(decision),
        response: { 200: requestOut, ...errors },
      },
    },
    (req) => reallocation.reject(req.params.id, req.body, principalOf(req)),
  );
};
