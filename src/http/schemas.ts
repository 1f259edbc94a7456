// Field schemas shared by every route, so one rule reads the same wherever it applies.
import { z } from "zod";
import { isValidLocalDate } from "../domain/local-date.js";
import { hasUnpairedSurrogate, isStorableText } from "../domain/text.js";

export const localDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date as YYYY-MM-DD")
  // PostgreSQL's calendar has no year 0: "0000-01-01" would fail in the database with a 500.
  .refine((s) => isValidLocalDate(s) && s >= "0001-01-01", {
    message: "must be a real calendar date",
    params: { rule: "real_date" },
  })
  .meta({ format: "date", example: "2022-09-30" });

export const code = z
  .string()
  .min(1)
  .max(32)
  .regex(/^[A-Z0-9][A-Z0-9_-]*$/, "must be upper-case letters, digits, '-' or '_'");

export const planYear = z.number().int().min(2000).max(2100);

/**
 * Whole đồng in JSON as an integer; within 2^53 so no float ever rounds it. What a scope may hold
 * (10^15) is the ledger's rule, answered with a 422 naming the date and figures.
 */
export const amount = z
  .number()
  .int("must be a whole number of đồng")
  .refine(Number.isSafeInteger, {
    message: "must be at most 9007199254740991 in magnitude",
    params: { rule: "safe_integer" },
  })
  .refine((n) => n !== 0, { message: "must not be zero", params: { rule: "not_zero" } })
  .transform((n) => BigInt(n))
  .meta({ type: "integer", format: "int64" });

/** Positive whole đồng (requests, refunds, carry-forward): no sign to carry a meaning. */
export const positiveAmount = z
  .number()
  .int("must be a whole number of đồng")
  .positive("must be above zero")
  .refine(Number.isSafeInteger, {
    message: "must be at most 9007199254740991",
    params: { rule: "safe_integer" },
  })
  .transform((n) => BigInt(n))
  .meta({ type: "integer", format: "int64" });

/** Amounts on the way out: BigInt, written as exact JSON integers by src/http/json.ts. */
export const amountOut = z.bigint().meta({ type: "integer", format: "int64" });
/** Row ids (bigserial) on the way out, written like amounts. */
export const idOut = z.bigint().meta({ type: "integer", format: "int64" });

export const source = z.enum(["central", "provincial", "district", "other"]);
export const capitalType = z.enum(["investment", "recurrent"]);
// PostgreSQL text cannot hold NUL: refuse it here, or the insert fails with a 500.
export const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine((s) => !s.includes("\u0000"), {
      message: "must not contain NUL characters",
      params: { rule: "no_nul" },
    })
    .refine((s) => !hasUnpairedSurrogate(s), {
      message: "must be valid Unicode (no unpaired surrogate)",
      params: { rule: "well_formed" },
    });

/** An admin's explicit rewrite of a closed period: why, and on the strength of which document. */
export const restatement = z
  .strictObject({ reason: text(2000), document: text(500) })
  .describe(
    "admins only: restate a closed period (entries dated on or before a closed milestone's due date)",
  );

/** A filter or id from a path or query string that is compared in SQL, where NUL cannot go. */
export const searchText = (max: number) =>
  z
    .string()
    .max(max)
    .refine(isStorableText, {
      message: "must not contain NUL characters or unpaired surrogates",
      params: { rule: "no_nul" },
    });

export const errorBody = z.object({
  error: z.string(),
  message: z.string(),
  issues: z
    .array(
      z.object({
        path: z.string(),
        rule: z.string(),
        message: z.string(),
        entry: z.number().int().optional().describe("index of the entry in a batch"),
        date: z.string().optional().describe("the local date at which a ledger rule breaks"),
        figures: z
          .record(z.string(), z.bigint().meta({ type: "integer", format: "int64" }))
          .optional()
          .describe("the scope's figures at that date, whole đồng"),
      }),
    )
    .optional(),
  requestId: z.string(),
});

/** The statuses an error answer may have: each is described by errorBody in the OpenAPI document. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 503;

/** A route's error answers, `{ 400: errorBody, … }`, for `schema.response`. */
export function errorResponses<const S extends readonly ErrorStatus[]>(
  ...statuses: S
): { [K in S[number]]: typeof errorBody } {
  return Object.fromEntries(statuses.map((s) => [s, errorBody])) as { [K in S[number]]: typeof errorBody };
}

/** The dates a query string may name: the README states this range; no plan lies outside it. */
export const QUERY_DATE_MIN = "2000-01-01";
export const QUERY_DATE_MAX = "2100-12-31";

/**
 * A date in a query string (asOf, from, to). Bounded, because the rules reach back from asOf (a
 * projection window of 30 days) and "0001-01-01" minus 30 days is outside PostgreSQL's calendar.
 */
export const queryDate = localDate
  .refine((s) => s >= QUERY_DATE_MIN && s <= QUERY_DATE_MAX, {
    message: `must be between ${QUERY_DATE_MIN} and ${QUERY_DATE_MAX}`,
    params: { rule: "date_range" },
  })
  .meta({
    format: "date",
    example: "2022-09-30",
    description: `a date from ${QUERY_DATE_MIN} to ${QUERY_DATE_MAX}`,
  });

/**
 * An integer in a query string or path: decimal digits only, so "0x7E6", "2e3", " 1" and "1.0"
 * are refused (z.coerce.number() would read them all as numbers).
 */
export const queryInt = (min: number, max: number) =>
  z
    .string()
    .regex(/^(0|-?[1-9]\d{0,15})$/, "must be a whole number in decimal digits")
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .meta({ type: "integer", minimum: min, maximum: max });

/** A plan year in a query string or path. */
export const queryPlanYear = queryInt(2000, 2100);

export const INT8_MAX = 9_223_372_036_854_775_807n;

/** A row id (PostgreSQL bigint) in a path or cursor: decimal, 1 to 2^63 − 1, read as a BigInt. */
export const bigintId = (message: string) =>
  z
    .string()
    .regex(/^[1-9]\d{0,18}$/, message)
    // A larger id would fail in the database with a 500, not here.
    .refine((s) => !/^\d+$/.test(s) || BigInt(s) <= INT8_MAX, { message, params: { rule: "int8_range" } })
    .meta({ type: "string", pattern: "^[1-9][0-9]{0,18}$" });

/**
 * A moment, ISO 8601 with its offset ("2023-01-05T10:00:00+07:00" or "…Z"): readings answer as
 * the service would have then. A "+" left unescaped in a URL arrives as a space; it is read back.
 */
export const knownAt = z
  .string()
  .max(40)
  .transform((s) => s.replace(/ (\d{2}:\d{2})$/, "+$1"))
  .pipe(
    z.iso
      .datetime({
        offset: true,
        message: "must be an ISO 8601 timestamp with an offset, e.g. 2023-01-05T10:00:00+07:00",
      })
      .refine((s) => s >= "0001", { message: "must be a real moment", params: { rule: "real_date" } }),
  )
  .transform((s) => new Date(s))
  .meta({ type: "string", format: "date-time", example: "2023-01-05T10:00:00+07:00" });

/**
 * JSON the service stored after checking it with `schema` (a plan, a milestone as it stood),
 * answered as stored and documented by that schema. Not parsed again on the way out: a value
 * written under an older rule must still read back unchanged, not fail with a 500.
 */
export function storedJson(schema: z.ZodType, description: string) {
  const { $schema: _, ...shape } = z.toJSONSchema(schema, {
    target: "openapi-3.0",
    io: "output",
    unrepresentable: "any",
  }) as Record<string, unknown>;
  return z.unknown().meta({ ...shape, description });
}
