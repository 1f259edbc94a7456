import { describe, expect, it } from "vitest";
import { contentDisposition, exactNumber } from "./workbook.js";

describe("downloads", () => {
  it("writes amounts as numbers only while a spreadsheet keeps every digit (below 10^15)", () => {
    expect(exactNumber(999_999_999_999_999n)).toBe(999_999_999_999_999);
    expect(exactNumber(-999_999_999_999_999n)).toBe(-999_999_999_999_999);
    expect(exactNumber(1_000_000_000_000_000n)).toBe("1000000000000000");
    expect(exactNumber(-1_000_000_000_000_001n)).toBe("-1000000000000001");
    expect(exactNumber(9_007_199_254_740_993n)).toBe("9007199254740993");
  });

  it("names files in ASCII and in UTF-8", () => {
    expect(
      contentDisposition({ filename: "Tổng hợp (2022).xlsx", asciiFilename: "tong-hop-2022.xlsx" }),
    ).toBe(
      "attachment; filename=\"tong-hop-2022.xlsx\"; filename*=UTF-8''T%E1%BB%95ng%20h%E1%BB%A3p%20%282022%29.xlsx",
    );
  });
});
