// The unit view's entry pager: a position (date, kind, id) handed out as an opaque token. The
// client only returns what it was given; anything else is refused here, before any SQL runs
// (a "2022-02-31" or an id past int8 would otherwise fail in PostgreSQL with a 500).
import { isValidLocalDate } from "../domain/local-date.js";
import { QUERY_DATE_MAX, QUERY_DATE_MIN } from "../http/schemas.js";
import type { EntryCursor } from "./dashboard.repository.js";

const INT8_MAX = 9_223_372_036_854_775_807n;

export const encodeEntryCursor = (c: EntryCursor): string =>
  Buffer.from(`${c.date}.${c.kind === "allocation" ? "a" : "d"}.${c.id}`, "utf8").toString("base64url");

/** The position a token names, or undefined when it is not one this service could have made. */
export function decodeEntryCursor(token: string): EntryCursor | undefined {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(token)) return undefined;
  const m = /^(\d{4}-\d{2}-\d{2})\.([ad])\.([1-9]\d{0,18})$/.exec(
    Buffer.from(token, "base64url").toString("utf8"),
  );
  if (!m) return undefined;
  const [, date, kind, id] = m as unknown as [string, string, string, string];
  if (!isValidLocalDate(date) || date < QUERY_DATE_MIN || date > QUERY_DATE_MAX || BigInt(id) > INT8_MAX)
    return undefined;
  return { date, kind: kind === "a" ? "allocation" : "disbursement", id: BigInt(id) };
}
