import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { principalOf, READERS, WRITERS } from "../access/auth.plugin.js";
import { type LocalDate, todayIn } from "../domain/local-date.js";
import { idempotencyRecordsIn } from "../http/idempotency-records.js";
import { sendIdempotent } from "../http/idempotent.js";
import { pageOut, readIdPage } from "../http/paging.js";
import { code, errorResponses, knownAt, queryDate } from "../http/schemas.js";
import {
  allocationIn,
  allocationOut,
  disbursementIn,
  disbursementOut,
  entryQuery,
  idempotencyHeaders,
  ledgerOut,
  oneOrBatch,
} from "./ledger.schemas.js";
import type { LedgerService } from "./ledger.service.js";
import type { AllocationInput, DisbursementInput, EntryFilter } from "./ledger.types.js";

function splitBatch<E>(body: unknown): { batch: boolean; entries: E[] } {
  return Array.isArray(body) ? { batch: true, entries: body as E[] } : { batch: false, entries: [body as E] };
}

/** A post's answer: the entry itself, or `{ entries }` for a batch. */
const answerOf = <T>(batch: boolean, saved: T[]) => (batch ? { entries: saved } : saved[0]);

type Opts = { ledger: LedgerService; maxBatchSize: number; today: () => LocalDate };

const errors = errorResponses(400, 401, 403, 404, 409, 422);

function toFilter(q: z.output<typeof entryQuery>, afterId: bigint | undefined, limit: number): EntryFilter {
  return {
    unitCodes: q.unit ? [q.unit] : undefined,
    program: q.program,
    planYear: q.planYear,
    from: q.from,
    to: q.to,
    afterId,
    limit,
  };
}

export const ledgerRoutes: FastifyPluginAsyncZod<Opts> = async (app, { ledger, maxBatchSize, today }) => {
  const allocations = oneOrBatch(allocationIn, maxBatchSize);
  const disbursements = oneOrBatch(disbursementIn, maxBatchSize);
  // A post's first answer per Idempotency-Key is kept in the ledger's own transaction.
  const records = idempotencyRecordsIn(ledger.transaction);

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
      const by = principalOf(req);
      const write = await ledger.prepareAllocations(entries, by);
      const key = req.headers["idempotency-key"];
      return sendIdempotent(
        reply,
        records,
        { scope: `allocations:${by.keyId}`, key, body: req.body },
        async (tx) => answerOf(batch, await write.inTransaction(tx)),
        async () => answerOf(batch, await write.alone()),
      );
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
      const by = principalOf(req);
      const write = await ledger.prepareDisbursements(entries, by);
      const key = req.headers["idempotency-key"];
      return sendIdempotent(
        reply,
        records,
        { scope: `disbursements:${by.keyId}`, key, body: req.body },
        async (tx) => answerOf(batch, await write.inTransaction(tx)),
        async () => answerOf(batch, await write.alone()),
      );
    },
  );

  app.get(
    "/allocations",
    {
      config: { roles: READERS },
      schema: {
        tags: ["ledger"],
        querystring: entryQuery,
        response: { 200: pageOut(allocationOut), ...errors },
      },
    },
    (req) =>
      readIdPage(req.query, (afterId, take) =>
        ledger.listAllocations(toFilter(req.query, afterId, take), principalOf(req)),
      ),
  );

  app.get(
    "/disbursements",
    {
      config: { roles: READERS },
      schema: {
        tags: ["ledger"],
        querystring: entryQuery,
        response: { 200: pageOut(disbursementOut), ...errors },
      },
    },
    (req) =>
      readIdPage(req.query, (afterId, take) =>
        ledger.listDisbursements(toFilter(req.query, afterId, take), principalOf(req)),
      ),
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
