// One pager for every list: the repository is asked for one row more than the page, so whether a
// next page exists is known without a second query, and a full last page hands out no cursor to
// an empty one. Cursors are opaque tokens; the client only sends back what it was given.
import { z } from "zod";
import { type Page, pageOf } from "../domain/page.js";
import { INT8_MAX, queryInt } from "./schemas.js";

const ID = /^[1-9]\d{0,18}$/;

/** The token naming the last row of a page by its id: base64url of `{"id":"<decimal>"}`. */
export const encodeIdCursor = (id: bigint): string =>
  Buffer.from(JSON.stringify({ id: String(id) }), "utf8").toString("base64url");

/**
 * The id a cursor names, or undefined when it is not one this service could have made. A plain
 * decimal id is still read: it is what these lists handed out before their cursors were tokens.
 */
export function decodeIdCursor(cursor: string): bigint | undefined {
  if (ID.test(cursor)) return BigInt(cursor) <= INT8_MAX ? BigInt(cursor) : undefined;
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(cursor)) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
  const id = (v as { id?: unknown } | null)?.id;
  if (typeof id !== "string" || !ID.test(id) || BigInt(id) > INT8_MAX) return undefined;
  // Only the exact token we hand out: no second spelling of the same position.
  return encodeIdCursor(BigInt(id)) === cursor ? BigInt(id) : undefined;
}

/** A cursor in a query string, checked whole before any SQL; a forged one is a 400 naming it. */
export const opaqueCursor = (decode: (cursor: string) => unknown) =>
  z
    .string()
    .refine((s) => decode(s) !== undefined, {
      message: "must be the nextCursor of a previous page",
      params: { rule: "cursor" },
    })
    .describe("the nextCursor of the previous page, sent back as received");

/** `limit` and `cursor` of a list paged by row id; `cursor` arrives decoded to the id after which to read. */
export const pageQuery = {
  limit: queryInt(1, 1000).default(100),
  cursor: opaqueCursor(decodeIdCursor)
    .transform((s) => decodeIdCursor(s) as bigint)
    .optional(),
};

/** The answer of a paged list, for `schema.response`. */
export const pageOut = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    nextCursor: z
      .string()
      .nullable()
      .describe("opaque: send it back as `cursor` for the next page; null on the last"),
  });

/** Reads one page of a list kept in id order: `read` gets the id to start after and how many rows to take. */
export async function readIdPage<T extends { id: bigint }>(
  q: { limit: number; cursor?: bigint | undefined },
  read: (afterId: bigint | undefined, take: number) => Promise<T[]>,
): Promise<Page<T>> {
  return pageOf(await read(q.cursor, q.limit + 1), q.limit, (last) => encodeIdCursor(last.id));
}
