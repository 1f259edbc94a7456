import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jsonSlices, stringifyJson } from "./json.js";

async function text(v: unknown): Promise<string> {
  let s = "";
  for await (const piece of jsonSlices(v)) s += piece;
  return s;
}

/** Any value a JSON writer may be handed; BigInts only when asked for (JSON.stringify throws on them). */
function jsonValue({ bigints, maxLength }: { bigints: boolean; maxLength: number }) {
  return fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: "small" },
      bigints ? fc.bigInt() : fc.string(),
      fc.string(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
      fc.date({ noInvalidDate: true }),
      fc.array(tie("node"), { maxLength }),
      fc.dictionary(fc.string(), tie("node"), { maxKeys: 5 }),
    ),
  })).node;
}

describe("stringifyJson", () => {
  it("writes what JSON.stringify writes, where JSON.stringify can", () => {
    const value = jsonValue({ bigints: false, maxLength: 20 });
    fc.assert(
      fc.property(value, (v) => {
        expect(stringifyJson(v)).toBe(JSON.stringify(v) ?? "null");
      }),
      { numRuns: 500 },
    );
  });

  it("writes big integers as plain integers", () => {
    expect(stringifyJson({ a: 2n ** 70n, b: [-1n, { c: 0n }] })).toBe(`{"a":${2n ** 70n},"b":[-1,{"c":0}]}`);
  });
});

describe("jsonSlices", () => {
  it("writes exactly what stringifyJson writes, big integers included", async () => {
    const value = jsonValue({ bigints: true, maxLength: 150 });
    await fc.assert(
      fc.asyncProperty(value, async (v) => {
        expect(await text(v)).toBe(stringifyJson(v));
      }),
      { numRuns: 200 },
    );
  });

  it("hands a long list over in several slices", async () => {
    const items = Array.from({ length: 20_000 }, (_, i) => ({
      unitCode: `U${i}`,
      shortfall: 10n ** 18n + BigInt(i),
    }));
    const pieces: string[] = [];
    for await (const p of jsonSlices({ asOf: "2022-09-30", items })) pieces.push(p);
    expect(pieces.length).toBeGreaterThan(1);
    expect(JSON.parse(pieces.join("").replace(/:(\d{16,})/g, ':"$1"')).items).toHaveLength(20_000);
  });
});
