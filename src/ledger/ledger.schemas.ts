import { z } from "zod";
import { pageQuery } from "../http/paging.js";
import {
  amount,
  amountOut,
  capitalType,
  code,
  localDate,
  planYear,
  queryDate,
  queryPlanYear,
  restatement,
  source,
  text,
} from "../http/schemas.js";

const entryId = z
  .number()
  .int()
  .positive()
  .refine(Number.isSafeInteger, "must be an entry id")
  .transform((n) => BigInt(n))
  .meta({ type: "integer", format: "int64" });

const scopeIn = {
  unitCode: code,
  program: code,
  planYear,
  carriedOverFrom: planYear.nullable().default(null),
  source,
  capitalType,
  amount,
  corrects: entryId.optional(),
  note: text(1000).optional(),
  restatement: restatement.optional(),
};

export const allocationIn = z.strictObject({ ...scopeIn, decisionRef: text(200), decidedOn: localDate });
export const disbursementIn = z.strictObject({ ...scopeIn, disbursedOn: localDate, reference: text(200) });

/** One entry, or a batch that is written whole or not at all. */
export const oneOrBatch = <T extends z.ZodType>(entry: T, maxBatch: number) =>
  z.union([
    z
      .array(entry)
      .min(1, "a batch needs at least one entry")
      .max(maxBatch, `a batch holds at most ${maxBatch} entries`),
    entry,
  ]);

const scopeOut = {
  id: amountOut,
  unitCode: z.string(),
  program: z.string(),
  planYear: z.number(),
  carriedOverFrom: z.number().nullable(),
  source,
  capitalType,
  amount: amountOut,
  corrects: amountOut.nullable(),
  note: z.string().nullable(),
  postedBy: z.string(),
  postedAt: z.date(),
};
export const allocationOut = z.object({ ...scopeOut, decisionRef: z.string(), decidedOn: z.string() });
export const disbursementOut = z.object({ ...scopeOut, disbursedOn: z.string(), reference: z.string() });

export const entryQuery = z.strictObject({
  unit: code.optional(),
  program: code.optional(),
  planYear: queryPlanYear.optional(),
  from: queryDate.optional(),
  to: queryDate.optional(),
  ...pageQuery,
});

export const ledgerOut = z.object({
  unitCode: z.string(),
  asOf: z.string(),
  lines: z.array(
    z.object({
      program: z.string(),
      planYear: z.number(),
      carriedOverFrom: z.number().nullable(),
      source,
      capitalType,
      allocated: amountOut,
      disbursed: amountOut,
      refunded: amountOut,
      carriedForward: amountOut,
      remaining: amountOut.describe("allocated − disbursed − refunded − carried forward"),
    }),
  ),
  total: z.object({
    allocated: amountOut,
    disbursed: amountOut,
    refunded: amountOut,
    carriedForward: amountOut,
    remaining: amountOut,
  }),
});

export const idempotencyHeaders = z.object({
  "idempotency-key": z
    .string()
    .min(1)
    .max(200)
    .regex(/^[\x21-\x7e]+$/, "must be printable ASCII")
    .optional(),
});
