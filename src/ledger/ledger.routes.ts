import type { FastifyReply } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { principalOf, READERS, WRITERS } from "../access/auth.plugin.js";
import { type LocalDate, todayIn } from "../domain/local-date.js";
import { code, errorBody, knownAt, queryDate } from "../http/schemas.js";
import {
  allocationIn,
  allocationOut,
  disbursementIn,
  disbursementOut,
  entryQuery,
  idempotencyHeaders,
  ledgerOut,
  oneOrBatch,
  page,
} from "./ledger.schemas.js";
import type { LedgerService, PostResult } from "./ledger.service.js";
import type { AllocationInput, DisbursementInput, EntryFilter } from "./ledger.types.js";

function splitBatch<E>(body: unknown): { batch: boolean; entries: E[] } {
  return Array.isArray(body) ? { batch: true, entries: body as E[] } : { batch: false, entries: [body as E] };
}

type Opts = { ledger: LedgerService; maxBatchSize: number; today: () => LocalDate };

const errors = {
  400: errorBody,
  401: errorBody,
  403: errorBody,
  404: errorBody,
  409: errorBody,
  422: errorBody,
};

function sendPosted(reply: FastifyReply, r: PostResult) {
  if (r.replayed) reply.header("idempotent-replayed", "true");
  // Already serialised (and, for a replay, stored): send the exact first answer.
  return reply
    .status(r.statusCode)
    .type("application/json; charset=utf-8")
    .serializer((s: string) => s)
    .send(r.body);
}

function toFilter(q: z.infer<typeof entryQuery>): EntryFilter {
  return {
    unitCodes: q.unit ? [q.unit] : undefined,
    program: q.program,
    planYear: q.planYear,
    from: q.from,
    to: q.to,
    afterId: q.cursor ? BigInt(q.cursor) : undefined,
    limit: q.limit,
  };
}

const nextCursor = (items: { id: bigint }[], limit: number) =>
  items.length === limit ? String(items.at(-1)?.id) : null;

export const ledgerRoutes: FastifyPluginAsyncZod<Opts> = async (app, { ledger, maxBatchSize, today }) => {
  const allocations = oneOrBatch(allocationIn, maxBatchSize);
  const disbursements = oneOrBatch(disbursementIn, maxBatchSize);

  app.post(
    "/allocations",
    {
      config: { roles: WRITERS },
      schema: {
        tags: ["ledger"],
        summary: "Post an allocation, an adjustment (negative amount), or a batch of them",
        headers: idempotencyHeaders,
        body: allocations,
        response: { 201: z.union([allocationOut, z.object({ entries: z.array(allocationOut) })]), ...errors },
      },
    },
    async (req, reply) => {
      const { batch, entries } = splitBatch<AllocationInput>(req.body);
      const key = req.headers["idempotency-key"];
      const result = await ledger.postAllocations(
        { entries, batch, idempotency: key ? { key, body: req.body } : undefined },
        principalOf(req),
      );
      return sendPosted(reply, result);
    },
  );

  app.post(
    "/disbursements",
    {
      config: { roles: WRITERS },
      schema: {
        tags: ["ledger"],
        summary: "Post a disbursement, a correction (negative amount naming `corrects`), or a batch",
        headers: idempotencyHeaders,
        body: disbursements,
        response: {
          201: z.union([disbursementOut, z.object({ entries: z.array(disbursementOut) })]),
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const { batch, entries } = splitBatch<DisbursementInput>(req.body);
      const key = req.headers["idempotency-key"];
      const result = await ledger.postDisbursements(
        { entries, batch, idempotency: key ? { key, body: req.body } : undefined },
        principalOf(req),
      );
      return sendPosted(reply, result);
    },
  );

  app.get(
    "/allocations",
    {
      config: { roles: READERS },
      schema: {
        tags: ["ledger"],
        querystring: entryQuery,
        response: { 200: page(allocationOut), ...errors },
      },
    },
    async (req) => {
      const items = await ledger.listAllocations(toFilter(req.query), principalOf(req));
      return { items, nextCursor: nextCursor(items, req.query.limit) };
    },
  );

  app.get(
    "/disbursements",
    {
      config: { roles: READERS },
      schema: {
        tags: ["ledger"],
        querystring: entryQuery,
        response: { 200: page(disbursementOut), ...errors },
      },
    },
    async (req) => {
      const items = await ledger.listDisbursements(toFilter(req.query), principalOf(req));
      return { items, nextCursor: nextCursor(items, req.query.limit) };
    },
  );

  app.get(
    "/units/:code/ledger",
    {
      config: { roles: READERS },
      schema: {
        tags: ["ledger"],
        summary: "Allocated, disbursed and remaining per scope, counting entries dated on or before asOf",
        params: z.object({ code }),
        querystring: z.strictObject({
          asOf: queryDate.optional(),
          knownAt: knownAt.optional().describe("answer as at this moment: only entries posted by then"),
        }),
        response: { 200: ledgerOut, ...errors },
      },
    },
    (req) => {
      const { asOf, knownAt: at } = req.query;
      return ledger.unitLedger(req.params.code, asOf ?? (at ? todayIn(at) : today()), principalOf(req), at);
    },
  );
};
