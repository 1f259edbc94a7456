// The at-risk pager's token: the sort key of the last item handed out, and a fingerprint of the
// list it came from (date, plan year, filters, knownAt), as base64url of a small JSON. A token is
// checked whole before it is used: one this service could not have made is refused, and so is one
// of another list (its place would mean nothing in this one).
import { createHash } from "node:crypto";
import { z } from "zod";
import type { AtRiskFilter, AtRiskKey } from "../domain/at-risk.js";
import type { DutyKey } from "../domain/duty-views.js";
import { isValidLocalDate, type LocalDate } from "../domain/local-date.js";

/** The list a page belongs to: the answer's own asOf and plan year, and the query's filters. */
export type AtRiskListId = {
  asOf: LocalDate;
  planYear: number;
  filter: AtRiskFilter;
  knownAt?: Date | undefined;
};

export type AtRiskCursor = { key: AtRiskKey; list: string };

// A shortfall is whole đồng, never negative; 30 digits is far past any sum a ledger holds.
const token = z.strictObject({
  v: z.literal(1),
  l: z.string().regex(/^[A-Za-z0-9_-]{12}$/),
  s: z.string().regex(/^(0|[1-9]\d{0,29})$/),
  u: z.string().min(1).max(64),
  p: z.string().min(1).max(64),
  d: z.string().refine(isValidLocalDate),
  m: z.string().min(1).max(16),
});

/** 72 bits of a hash: enough to tell lists apart, short enough to keep the token small. */
export function atRiskListFingerprint(list: AtRiskListId): string {
  const { milestone, program, kind } = list.filter;
  const id = [list.asOf, list.planYear, milestone ?? null, program ?? null, kind ?? null];
  return createHash("sha256")
    .update(JSON.stringify([...id, list.knownAt?.toISOString() ?? null]))
    .digest("base64url")
    .slice(0, 12);
}

export function encodeAtRiskCursor(key: AtRiskKey, list: AtRiskListId): string {
  const t: z.input<typeof token> = {
    v: 1,
    l: atRiskListFingerprint(list),
    s: key.shortfall.toString(),
    u: key.unitCode,
    p: key.program,
    d: key.dueOn,
    m: key.id,
  };
  return writeToken(t);
}

/** The position a token names, or undefined when it is not one this service could have made. */
export function decodeAtRiskCursor(text: string): AtRiskCursor | undefined {
  const r = readToken(text, token);
  if (!r) return undefined;
  const { l, s, u, p, d, m } = r;
  return { key: { shortfall: BigInt(s), unitCode: u, program: p, dueOn: d, id: m }, list: l };
}

const writeToken = (t: object) => Buffer.from(JSON.stringify(t), "utf8").toString("base64url");

/** A token's fields when it is base64url of JSON that the schema accepts whole. */
function readToken<T extends z.ZodType>(text: string, schema: T): z.output<T> | undefined {
  if (!/^[A-Za-z0-9_-]{1,512}$/.test(text)) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
  const r = schema.safeParse(json);
  return r.success ? r.data : undefined;
}

/** The duties section's token: the last (duty, unit) handed out, and the list's fingerprint. */
export type DutyCursor = { key: DutyKey; list: string };

const dutyToken = z.strictObject({
  v: z.literal(1),
  k: z.literal("duty"),
  l: z.string().regex(/^[A-Za-z0-9_-]{12}$/),
  t: z.enum(["missed", "at_risk", "on_track", "met", "not_applicable"]),
  d: z.string().refine(isValidLocalDate),
  u: z.string().min(1).max(64),
  m: z.string().min(1).max(64),
});

export function encodeDutyCursor(key: DutyKey, list: AtRiskListId): string {
  const t: z.input<typeof dutyToken> = {
    v: 1,
    k: "duty",
    l: atRiskListFingerprint(list),
    t: key.status,
    d: key.dueOn,
    u: key.unitCode,
    m: key.id,
  };
  return writeToken(t);
}

export function decodeDutyCursor(text: string): DutyCursor | undefined {
  const r = readToken(text, dutyToken);
  if (!r) return undefined;
  const { l, t, d, u, m } = r;
  return { key: { status: t, dueOn: d, unitCode: u, id: m }, list: l };
}
