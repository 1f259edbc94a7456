// Field schemas a plan's milestones and duties share (plan.ts, duties.ts): one rule for a legal
// basis, a date or a plan's free text, wherever it appears. Kept apart so duties.ts need not
// import plan.ts, which imports it.
import { z } from "zod";
import { isValidLocalDate, type LocalDate } from "./local-date.js";
import { isStorableText } from "./text.js";

export const UNIT_KINDS = ["department", "district"] as const;
/** department: a provincial department (sở, ban, ngành); district: a district-level locality. */
export type UnitKind = (typeof UNIT_KINDS)[number];

export interface LegalBasis {
  document: string;
  issuedOn: LocalDate | null;
  note?: string;
}

export const localDateSchema = z
  .string()
  .refine(isValidLocalDate, { message: "Expected a valid date YYYY-MM-DD" });

/** Free text of a plan, kept in jsonb: no NUL, no unpaired surrogate (saving would fail with a 500). */
export const storable = {
  message: "must not contain NUL characters or unpaired surrogates",
  params: { rule: "storable_text" },
};
export const planText = (max?: number) =>
  (max === undefined ? z.string().trim().min(1) : z.string().trim().min(1).max(max)).refine(
    isStorableText,
    storable,
  );

export const legalBasisSchema = z.strictObject({
  document: planText(),
  issuedOn: localDateSchema.nullable(),
  note: z.string().refine(isStorableText, storable).optional(),
});

export const uniqueItems = <T>(items: readonly T[]) => new Set(items).size === items.length;

/** Ids of milestones and duties: short, upper-case, so they read well in messages and exports. */
export const PLAN_ITEM_ID_PATTERN = /^[A-Z][A-Z0-9_]{1,15}$/;
