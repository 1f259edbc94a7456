import { describe, expect, it } from "vitest";
import { pageOf } from "./page.js";

describe("pageOf", () => {
  const cursorOf = (n: number) => `c${n}`;
  it("hands out a cursor only when the extra row shows there is more", () => {
    expect(pageOf([1, 2, 3], 2, cursorOf)).toEqual({ items: [1, 2], nextCursor: "c2" });
    expect(pageOf([1, 2], 2, cursorOf)).toEqual({ items: [1, 2], nextCursor: null });
    expect(pageOf([1], 2, cursorOf)).toEqual({ items: [1], nextCursor: null });
    expect(pageOf([], 2, cursorOf)).toEqual({ items: [], nextCursor: null });
  });
});
