import { describe, expect, it } from "vitest";
import { z } from "zod";
import { decodeIdCursor, encodeIdCursor, pageQuery, readIdPage } from "./paging.js";

describe("readIdPage", () => {
  it("asks for limit + 1 rows after the cursor's id", async () => {
    const rows = [1n, 2n, 3n, 4n, 5n].map((id) => ({ id }));
    const read = async (after: bigint | undefined, take: number) =>
      rows.filter((r) => after === undefined || r.id > after).slice(0, take);
    const first = await readIdPage({ limit: 2 }, read);
    expect(first.items.map((r) => r.id)).toEqual([1n, 2n]);
    const second = await readIdPage({ limit: 2, cursor: decodeIdCursor(first.nextCursor!) }, read);
    expect(second.items.map((r) => r.id)).toEqual([3n, 4n]);
    const last = await readIdPage({ limit: 2, cursor: decodeIdCursor(second.nextCursor!) }, read);
    expect(last).toEqual({ items: [{ id: 5n }], nextCursor: null });
  });
});

describe("id cursors", () => {
  it("round-trips an id through an opaque token", () => {
    for (const id of [1n, 42n, 9_223_372_036_854_775_807n]) {
      const token = encodeIdCursor(id);
      expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodeIdCursor(token)).toBe(id);
    }
  });

  it("still reads a plain decimal id, as these lists handed out before", () => {
    expect(decodeIdCursor("17")).toBe(17n);
  });

  it("refuses what this service could not have made", () => {
    const b64 = (s: string) => Buffer.from(s).toString("base64url");
    for (const c of [
      "",
      "0",
      "01",
      "0x10",
      "abc",
      "9223372036854775808",
      b64('{"id":"9223372036854775808"}'),
      b64('{"id":"0"}'),
      b64('{"id":17}'),
      b64('{ "id":"17"}'),
      b64("null"),
      `${encodeIdCursor(17n)}=`,
    ])
      expect(decodeIdCursor(c), c).toBeUndefined();
  });

  it("names the cursor in a query that carries a forged one", () => {
    const q = z.strictObject(pageQuery);
    expect(q.parse({ cursor: encodeIdCursor(5n) })).toEqual({ limit: 100, cursor: 5n });
    const r = q.safeParse({ cursor: "AAAA" });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(["cursor"]);
  });
});
