import { describe, expect, it } from "vitest";
import { stringifyJson } from "./json.js";

describe("stringifyJson", () => {
  it("writes bigints as exact JSON integers", () => {
    expect(stringifyJson({ a: 12345678901234567890n, b: [1n, -2n] })).toBe(
      '{"a":12345678901234567890,"b":[1,-2]}',
    );
  });
  it("matches JSON.stringify for ordinary values", () => {
    const v = { s: 'q"\u0000ẩ', n: 1.5, t: true, z: null, u: undefined, d: new Date(0), l: [undefined, 2] };
    expect(stringifyJson(v)).toBe(JSON.stringify(v));
  });
});
