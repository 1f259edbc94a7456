import { describe, expect, it } from "vitest";
import { isStorableText, isTypedText } from "./text.js";

describe("isTypedText", () => {
  it("admits Vietnamese with line breaks and tabs, as a textarea sends it", () => {
    expect(isTypedText("Điều chuyển vốn\r\n- dự án A;\tdự án B")).toBe(true);
  });

  it.each([
    ["a bell", "a\u0007b"],
    ["an ANSI escape", "a\u001b[31mđỏ"],
    ["a vertical tab", "a\u000bb"],
    ["DEL", "a\u007fb"],
    ["a C1 control", "a\u0085b"],
    ["a right-to-left override", "đã nộp \u202eđạt\u202c"],
    ["an isolate", "a\u2066b\u2069"],
    ["NUL", "a\u0000b"],
    ["an unpaired surrogate", "a\ud800b"],
  ])("refuses %s", (_what, s) => {
    expect(isTypedText(s)).toBe(false);
  });

  it("is stricter than isStorableText only by the controls", () => {
    expect(isStorableText("a\u0007b")).toBe(true);
    expect(isTypedText("a\u0007b")).toBe(false);
  });
});
