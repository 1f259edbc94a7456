import { describe, expect, it } from "vitest";
import { JsonParseError, parseJson } from "./json";
import { AMOUNT_KEYS } from "./types";

const amounts = { bigintKeys: new Set(["allocated", "disbursed", "amount"]) };

describe("parseJson", () => {
  it("reads an amount above 2^53 to the last đồng", () => {
    const v = parseJson('{"disbursed":10808639105689189,"rate":99.99}', amounts) as {
      disbursed: bigint;
      rate: number;
    };
    expect(v.disbursed).toBe(10_808_639_105_689_189n);
    expect(v.disbursed).not.toBe(BigInt(JSON.parse("10808639105689189") as number)); // what res.json() gave
    expect(v.rate).toBe(99.99);
  });

  it("reads every amount as bigint, small ones too, in arrays under an amount key and in nested objects", () => {
    const v = parseJson(
      '{"total":{"allocated":[0,1,-5,9223372036854775807],"disbursed":null},"items":[{"amount":-700000000,"id":7}]}',
      amounts,
    );
    expect(v).toEqual({
      total: { allocated: [0n, 1n, -5n, 9_223_372_036_854_775_807n], disbursed: null },
      items: [{ amount: -700_000_000n, id: 7 }],
    });
  });

  it("reads what JSON.parse reads everywhere else", () => {
    const text =
      '{"a":[1,2.5,-0.25,1e3,true,false,null,"x"],"s":"Quảng Nam \\u0111\\"\\\\/\\n","e":{},"l":[],"n":-0}';
    expect(parseJson(text, amounts)).toEqual(JSON.parse(text));
    expect(parseJson(' \t\n[ 1 , { "k" : "v" } ]\r\n')).toEqual([1, { k: "v" }]);
  });

  it("refuses, rather than rounds, an integer a number cannot hold outside the amount keys", () => {
    expect(() => parseJson('{"id":9007199254740993}', amounts)).toThrow(JsonParseError);
    expect(parseJson('{"id":9007199254740991}', amounts)).toEqual({ id: 9_007_199_254_740_991 });
  });

  it("refuses an amount that is not whole đồng", () => {
    expect(() => parseJson('{"amount":1.5}', amounts)).toThrow(/not a whole number/);
    expect(() => parseJson('{"amount":1e3}', amounts)).toThrow(JsonParseError);
  });

  it("keeps __proto__ an own property, never the prototype", () => {
    const v = parseJson('{"__proto__":{"polluted":1}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.hasOwn(v, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("is bounded: deep nesting and huge number literals fail fast", () => {
    expect(() => parseJson(`${"[".repeat(100_000)}${"]".repeat(100_000)}`)).toThrow(/Nesting too deep/);
    expect(parseJson(`${"[".repeat(64)}${"]".repeat(64)}`)).toBeInstanceOf(Array);
    expect(() => parseJson(`{"amount":${"9".repeat(10_000)}}`, amounts)).toThrow(/Number too long/);
  });

  it.each([
    "",
    "{",
    '{"a":1,}',
    "[1,]",
    '{"a" 1}',
    "01",
    "1 2",
    "tru",
    '"\u0001"',
    '"\\x"',
    '"abc',
    "NaN",
    "+1",
    ".5",
  ])("refuses malformed JSON %j", (text) => {
    expect(() => parseJson(text)).toThrow(JsonParseError);
  });
});

describe("the dashboard's amount keys", () => {
  it("name every amount of the views and no count, id or rate", () => {
    for (const key of [
      "allocated",
      "disbursed",
      "remaining",
      "shortfall",
      "requiredDailyPace",
      "projectedDisbursed",
      "amount",
      "lapsed",
      "refunded",
      "carriedForward",
    ])
      expect(AMOUNT_KEYS.has(key), key).toBe(true);
    for (const key of [
      "id",
      "rate",
      "projectedRate",
      "threshold",
      "daysLeft",
      "allocations",
      "disbursements",
      "corrects",
    ])
      expect(AMOUNT_KEYS.has(key), key).toBe(false);
  });
});
