import { describe, expect, it } from "vitest";
import { date, dateTime, daysLeftText, dutyStatusLabel, pct, percentOf, vnd, vndShort } from "./format";

describe("vnd", () => {
  it("writes the exact digits of an amount above 2^53", () => {
    expect(vnd(10_808_639_105_689_189n)).toBe("10.808.639.105.689.189 đ");
    expect(vnd(-1_234_567n)).toBe("-1.234.567 đ");
    expect(vnd(0n)).toBe("0 đ");
    expect(vnd(null)).toBe("—");
  });
});

describe("vndShort", () => {
  it("abbreviates bigint amounts in bigint, half away from zero", () => {
    expect(vndShort(12_500_000_000n)).toBe("12,5 tỷ");
    expect(vndShort(12_345_000_000n)).toBe("12,35 tỷ");
    expect(vndShort(350_400_000n)).toBe("350 tr");
    expect(vndShort(10_808_639_105_689_189n)).toBe("10.808.639 tỷ");
    expect(vndShort(-2_000_000_000n)).toBe("-2 tỷ");
    expect(vndShort(999_999n)).toBe("999.999");
  });

  it("abbreviates a chart tick (a number) the same way", () => {
    expect(vndShort(12.5e9)).toBe("12,5 tỷ");
    expect(vndShort(350e6)).toBe("350 tr");
  });
});

describe("pct and percentOf", () => {
  it("writes a rate with 2 decimals and Vietnamese separators, without rounding it again", () => {
    expect(pct(99.99)).toBe("99,99%");
    expect(pct(56.1)).toBe("56,10%");
    expect(pct(1234.5)).toBe("1.234,50%");
    expect(pct(null)).toBe("—");
  });

  it("computes a display rate of totals exactly, beyond 2^53", () => {
    expect(percentOf(10_808_639_105_689_188n, 10_808_639_105_689_189n)).toBe(100);
    expect(percentOf(1n, 3n)).toBe(33.33);
    expect(percentOf(2n, 3n)).toBe(66.67);
    expect(percentOf(1n, 0n)).toBeNull();
  });
});

describe("daysLeftText", () => {
  it("counts calendar and working days, and says nothing once due", () => {
    expect(daysLeftText(13, 4)).toBe("13 ngày (4 ngày làm việc)");
    expect(daysLeftText(13, undefined)).toBe("13 ngày");
    expect(daysLeftText(0, 0)).toBe("—");
  });
});

describe("dutyStatusLabel", () => {
  it("says whether the document was sent, and a late one as late", () => {
    expect(dutyStatusLabel("met", true)).toBe("Đã nộp");
    expect(dutyStatusLabel("missed", false)).toBe("Chưa nộp – quá hạn");
    expect(dutyStatusLabel("missed", true)).toBe("Nộp muộn");
    expect(dutyStatusLabel("at_risk", false)).toBe("Sắp đến hạn");
    expect(dutyStatusLabel("on_track", false)).toBe("Đúng tiến độ");
    expect(dutyStatusLabel("not_applicable", false)).toBe("Không áp dụng");
  });
});

describe("date and dateTime", () => {
  it("writes a local date, or an instant's UTC date, as dd/mm/yyyy", () => {
    expect(date("2022-09-30")).toBe("30/09/2022");
    expect(date("2022-09-30T17:00:00Z")).toBe("30/09/2022");
    expect(date("0099-12-31")).toBe("31/12/0099");
    expect(date(null)).toBe("—");
  });

  it("writes an instant in Vietnam's time, whatever the browser's zone", () => {
    expect(dateTime("2022-09-30T17:00:00Z")).toBe("01/10/2022 00:00");
    expect(dateTime("2022-01-05T00:05:00.000Z")).toBe("05/01/2022 07:05");
    expect(dateTime(undefined)).toBe("—");
  });
});
