import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { atRiskListFingerprint, decodeAtRiskCursor, encodeAtRiskCursor } from "./at-risk-cursor.js";

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64url");
const key = { shortfall: 10n ** 25n, unitCode: "TAM_KY", program: "NTM", dueOn: "2022-09-30", id: "M60" };
const list = { asOf: "2022-09-20", planYear: 2022, filter: {} };

describe("at-risk cursor", () => {
  it("reads back what it hands out, as URL-safe text", () => {
    const token = encodeAtRiskCursor(key, list);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeAtRiskCursor(token)).toEqual({ key, list: atRiskListFingerprint(list) });
  });

  it("reads back any key the list could hold", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 30n - 1n }),
        fc.string({ minLength: 1, maxLength: 64 }),
        fc.string({ minLength: 1, maxLength: 64 }),
        fc.string({ minLength: 1, maxLength: 16 }),
        (shortfall, unitCode, program, id) => {
          const k = { shortfall, unitCode, program, dueOn: "2022-12-31", id };
          expect(decodeAtRiskCursor(encodeAtRiskCursor(k, list))?.key).toEqual(k);
        },
      ),
    );
  });

  it("tells lists apart: date, plan year, each filter and knownAt", () => {
    const prints = [
      list,
      { ...list, asOf: "2022-09-21" },
      { ...list, planYear: 2023 },
      { ...list, filter: { milestone: "M60" } },
      { ...list, filter: { program: "M60" } },
      { ...list, filter: { kind: "district" as const } },
      { ...list, knownAt: new Date("2022-12-31T00:00:00Z") },
    ].map(atRiskListFingerprint);
    expect(new Set(prints).size).toBe(prints.length);
    // Filters left out and filters given as undefined are the same list.
    expect(atRiskListFingerprint({ ...list, filter: { milestone: undefined } })).toBe(prints[0]);
  });

  it("refuses what it could not have made", () => {
    const good = JSON.parse(Buffer.from(encodeAtRiskCursor(key, list), "base64url").toString("utf8"));
    for (const token of [
      "",
      "%%%",
      "A".repeat(513),
      b64("[]"),
      b64("null"),
      b64("{"),
      b64("2022-09-30.d.1"),
      b64(JSON.stringify({ ...good, v: 2 })),
      b64(JSON.stringify({ ...good, l: "short" })),
      b64(JSON.stringify({ ...good, s: "-1" })),
      b64(JSON.stringify({ ...good, s: "01" })),
      b64(JSON.stringify({ ...good, s: "1e3" })),
      b64(JSON.stringify({ ...good, s: 5 })),
      b64(JSON.stringify({ ...good, s: "1".repeat(31) })),
      b64(JSON.stringify({ ...good, u: "" })),
      b64(JSON.stringify({ ...good, p: "x".repeat(65) })),
      b64(JSON.stringify({ ...good, d: "2022-02-30" })),
      b64(JSON.stringify({ ...good, m: "M".repeat(17) })),
      b64(JSON.stringify({ ...good, more: 1 })),
    ])
      expect(decodeAtRiskCursor(token), token).toBeUndefined();
  });
});
