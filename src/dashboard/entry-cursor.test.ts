import { describe, expect, it } from "vitest";
import { decodeEntryCursor, encodeEntryCursor } from "./entry-cursor.js";

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64url");

describe("entry cursor", () => {
  it("reads back what it hands out", () => {
    const c = { date: "2022-09-30", kind: "disbursement" as const, id: 9_223_372_036_854_775_807n };
    expect(decodeEntryCursor(encodeEntryCursor(c))).toEqual(c);
    expect(encodeEntryCursor(c)).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it("refuses the old plain form, impossible dates, ids past int8 and junk", () => {
    for (const token of [
      "2022-09-30.d.1",
      b64("2022-02-31.d.1"),
      b64("0001-01-01.a.1"),
      b64("2022-09-30.d.9223372036854775808"),
      b64("2022-09-30.d.0"),
      b64("2022-09-30.x.1"),
      b64("2022-09-30.d.1 "),
      "",
      "%%%",
      "A".repeat(65),
    ])
      expect(decodeEntryCursor(token), token).toBeUndefined();
  });
});
