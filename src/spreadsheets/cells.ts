// One zod schema per kind of cell: each turns what a spreadsheet holds (text, an Excel number, an
// Excel date) into the value the ledger takes, or fails with a rule name and a message in the
// words of someone filling in a sheet.
import { z } from "zod";
import { fromDayNumber, isValidLocalDate, type LocalDate } from "../domain/local-date.js";
import { code as codePattern } from "../http/schemas.js";
import { CAPITAL_TYPE_VALUES, normalizeLabel, SOURCE_VALUES } from "./columns.js";
import type { Cell } from "./sheet-row.js";

type Ctx = z.core.$RefinementCtx<unknown>;
const fail = (ctx: Ctx, rule: string, message: string) => {
  ctx.addIssue({ code: "custom", message, params: { rule } });
  return z.NEVER;
};

const isBlank = (v: Cell | undefined): v is null | undefined | "" =>
  v === null || v === undefined || (typeof v === "string" && v.trim() === "");

const cell = z.custom<Cell | undefined>(() => true);

/** A cell that must hold something; blank fails as `required`. */
function required<T>(parse: (v: Exclude<Cell, null>, ctx: Ctx) => T) {
  return cell.transform((v, ctx): T => {
    if (isBlank(v)) return fail(ctx, "required", "is required");
    return parse(v, ctx);
  });
}

/** A cell that may be blank (null then). */
function optional<T>(parse: (v: Exclude<Cell, null>, ctx: Ctx) => T) {
  return cell.transform((v, ctx): T | null => (isBlank(v) ? null : parse(v, ctx)));
}

function asText(v: Exclude<Cell, null>): string {
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return String(v).trim();
}

export const codeCell = required((v, ctx) => {
  const s = asText(v).toUpperCase();
  const r = codePattern.safeParse(s);
  if (!r.success) return fail(ctx, "bad_code", "must be a code of letters, digits, '-' or '_' (e.g. TAM_KY)");
  return s;
});

export const textCell = (max: number) =>
  required((v, ctx) => {
    const s = asText(v);
    if (s.length > max) return fail(ctx, "too_long", `must be at most ${max} characters`);
    if (s.includes("\u0000")) return fail(ctx, "no_nul", "must not contain NUL characters");
    return s;
  });

export const optionalTextCell = (max: number) =>
  optional((v, ctx) => {
    const s = asText(v);
    if (s.length > max) return fail(ctx, "too_long", `must be at most ${max} characters`);
    if (s.includes("\u0000")) return fail(ctx, "no_nul", "must not contain NUL characters");
    return s;
  });

function parseYear(v: Exclude<Cell, null>, ctx: Ctx): number {
  const n = typeof v === "number" ? v : /^\d{4}$/.test(asText(v)) ? Number(asText(v)) : Number.NaN;
  if (!Number.isInteger(n) || n < 2000 || n > 2100)
    return fail(ctx, "bad_year", "must be a year between 2000 and 2100");
  return n;
}
export const yearCell = required(parseYear);
export const optionalYearCell = optional(parseYear);

function vocabularyCell<T extends string>(values: Map<string, T>, what: string, examples: string) {
  return required((v, ctx): T => {
    const found = values.get(normalizeLabel(asText(v)));
    if (!found)
      return fail(
        ctx,
        `unknown_${what}`,
        `unknown ${what.replace("_", " ")} "${asText(v)}": use ${examples}`,
      );
    return found;
  });
}

export const sourceCell = vocabularyCell(
  SOURCE_VALUES,
  "source",
  "Ngân sách trung ương, Ngân sách tỉnh, Ngân sách huyện/xã đối ứng, Nguồn vốn huy động khác (or central, provincial, district, other)",
);
export const capitalTypeCell = vocabularyCell(
  CAPITAL_TYPE_VALUES,
  "capital_type",
  "Vốn đầu tư phát triển or Vốn sự nghiệp (or investment, recurrent)",
);

const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Whole đồng: an Excel number, or text with '.' (Vietnamese) or ',' thousands separators, spaces,
 * and an optional "đ"/"đồng"/"VND". A decimal part is refused rather than rounded.
 */
function parseAmount(v: Exclude<Cell, null>, ctx: Ctx): bigint {
  if (v instanceof Date) return fail(ctx, "not_a_number", "must be a whole number of đồng, not a date");
  if (typeof v === "number") {
    if (!Number.isFinite(v)) return fail(ctx, "not_a_number", "must be a whole number of đồng");
    if (!Number.isInteger(v)) return fail(ctx, "whole_dong", `must be a whole number of đồng (got ${v})`);
    if (!Number.isSafeInteger(v))
      return fail(ctx, "safe_integer", "is too large for an exact spreadsheet number: write it as text");
    return BigInt(v);
  }
  const s = v
    .replace(/[\s\u00a0\u202f]/g, "")
    .replace(/(đồng|đ|vnđ|vnd)$/i, "")
    .replace(/^\((.*)\)$/, "-$1");
  let digits: string | null = null;
  if (/^-?\d+$/.test(s)) digits = s;
  else if (/^-?\d{1,3}(\.\d{3})+$/.test(s)) digits = s.replace(/\./g, "");
  else if (/^-?\d{1,3}(,\d{3})+$/.test(s)) digits = s.replace(/,/g, "");
  if (digits === null) {
    if (/^-?[\d.,]+$/.test(s))
      return fail(ctx, "whole_dong", `must be a whole number of đồng (got "${v.trim()}")`);
    return fail(ctx, "not_a_number", `must be a whole number of đồng (got "${v.trim()}")`);
  }
  const n = BigInt(digits);
  if (n > MAX_EXACT || n < -MAX_EXACT)
    return fail(ctx, "safe_integer", "must be at most 9007199254740991 in magnitude");
  return n;
}
export const amountCell = required(parseAmount);
export const nonNegativeAmountCell = required((v, ctx) => {
  const n = parseAmount(v, ctx);
  if (typeof n === "bigint" && n < 0n) return fail(ctx, "not_negative", "must not be negative");
  return n;
});

const MS_PER_DAY = 86_400_000;
// Day 0 of Excel's 1900 date system as Excel counts (with its phantom 29/02/1900).
const EXCEL_EPOCH_DAY = -25_569;

/** A date: an Excel date cell, an Excel serial number, "dd/mm/yyyy" or "YYYY-MM-DD". */
function parseDate(v: Exclude<Cell, null>, ctx: Ctx): LocalDate {
  let d: string | null = null;
  if (v instanceof Date) {
    // exceljs gives dates as UTC instants; a serial's float may land a little off midnight.
    const days = v.getTime() / MS_PER_DAY;
    const near = Math.round(days);
    d = fromDayNumber(Math.abs(days - near) < 1 / 86_400 ? near : Math.floor(days));
  } else if (typeof v === "number") {
    if (Number.isInteger(v) && v > 36_000 && v < 75_000) d = fromDayNumber(EXCEL_EPOCH_DAY + v);
  } else {
    const s = v.trim();
    const vn = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s);
    const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
    const pad = (x: string) => x.padStart(2, "0");
    if (vn) d = `${vn[3]}-${pad(vn[2]!)}-${pad(vn[1]!)}`;
    else if (iso) d = `${iso[1]}-${pad(iso[2]!)}-${pad(iso[3]!)}`;
  }
  if (d === null)
    return fail(ctx, "bad_date", `must be a date as dd/mm/yyyy or YYYY-MM-DD (got "${asText(v)}")`);
  if (!isValidLocalDate(d) || d < "2000-01-01" || d > "2100-12-31")
    return fail(ctx, "real_date", `must be a real calendar date (got "${asText(v)}")`);
  return d;
}
export const dateCell = required(parseDate);
