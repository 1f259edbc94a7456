// Field schemas shared by every route, so one rule reads the same wherever it applies.
import { z } from "zod";
import { isValidLocalDate } from "../domain/local-date.js";

export const localDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date as YYYY-MM-DD")
  .refine(isValidLocalDate, "must be a real calendar date")
  .meta({ format: "date", example: "2022-09-30" });

export const code = z
  .string()
  .min(1)
  .max(32)
  .regex(/^[A-Z0-9][A-Z0-9_-]*$/, "must be upper-case letters, digits, '-' or '_'");

export const planYear = z.number().int().min(2000).max(2100);

/** Whole đồng in JSON as an integer; within 2^53 so no float ever rounds it. */
export const amount = z
  .number()
  .int("must be a whole number of đồng")
  .refine(Number.isSafeInteger, "must be at most 9007199254740991 in magnitude")
  .refine((n) => n !== 0, "must not be zero")
  .transform((n) => BigInt(n))
  .meta({ type: "integer", format: "int64" });

/** Amounts on the way out: BigInt, written as exact JSON integers by src/http/json.ts. */
export const amountOut = z.bigint().meta({ type: "integer", format: "int64" });

export const source = z.enum(["central", "provincial", "district", "other"]);
export const capitalType = z.enum(["investment", "recurrent"]);
export const text = (max: number) => z.string().trim().min(1).max(max);

export const errorBody = z.object({
  error: z.string(),
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), rule: z.string(), message: z.string() })).optional(),
  requestId: z.string(),
});

export const cursorQuery = {
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z
    .string()
    .regex(/^\d{1,19}$/, "must be the nextCursor of a previous page")
    .optional(),
};
