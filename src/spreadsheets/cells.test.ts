import { describe, expect, it } from "vitest";
import { amountCell, dateCell, sourceCell } from "./cells.js";
import { normalizeLabel } from "./columns.js";

describe("cells", () => {
  const amount = (v: unknown) => {
    const r = amountCell.safeParse(v);
    return r.success ? r.data : (r.error.issues[0] as { params?: { rule?: string } }).params?.rule;
  };
  it("reads whole đồng from numbers and from text with thousands separators", () => {
    expect(amount(1_234_567)).toBe(1_234_567n);
    expect(amount("1.234.567")).toBe(1_234_567n);
    expect(amount("1,234,567")).toBe(1_234_567n);
    expect(amount(" 1 234 567 đ ")).toBe(1_234_567n);
    expect(amount("(5.000)")).toBe(-5_000n);
    expect(amount("-5000")).toBe(-5_000n);
    expect(amount(12.5)).toBe("whole_dong");
    expect(amount("12,5")).toBe("whole_dong");
    expect(amount("1.2345")).toBe("whole_dong");
    expect(amount("abc")).toBe("not_a_number");
    expect(amount(2 ** 60)).toBe("safe_integer");
    expect(amount("")).toBe("required");
    expect(amount(null)).toBe("required");
  });

  it("reads dates as Excel dates, serials, dd/mm/yyyy and YYYY-MM-DD", () => {
    const date = (v: unknown) => {
      const r = dateCell.safeParse(v);
      return r.success ? r.data : (r.error.issues[0] as { params?: { rule?: string } }).params?.rule;
    };
    expect(date(new Date(Date.UTC(2022, 8, 30)))).toBe("2022-09-30");
    expect(date(new Date(Date.UTC(2022, 8, 29, 23, 59, 59, 990)))).toBe("2022-09-30");
    expect(date(44_834)).toBe("2022-09-30");
    expect(date("30/09/2022")).toBe("2022-09-30");
    expect(date("1/2/2022")).toBe("2022-02-01");
    expect(date("2022-09-30")).toBe("2022-09-30");
    expect(date("29/02/2022")).toBe("real_date");
    expect(date("09-30-2022x")).toBe("bad_date");
    expect(date(3.5)).toBe("bad_date");
  });

  it("reads sources in English or Vietnamese, with or without accents", () => {
    expect(sourceCell.parse("Ngân sách trung ương")).toBe("central");
    expect(sourceCell.parse("NGAN SACH TINH")).toBe("provincial");
    expect(sourceCell.parse("Ngân sách huyện/xã đối ứng")).toBe("district");
    expect(sourceCell.parse("other")).toBe("other");
    expect(sourceCell.safeParse("ODA").success).toBe(false);
  });

  it("matches headers without case, accents, tone placement or notes in brackets", () => {
    expect(normalizeLabel("Lũy kế giải ngân (đồng)*")).toBe("luy ke giai ngan");
    expect(normalizeLabel("Luỹ kế giải ngân")).toBe("luy ke giai ngan");
    expect(normalizeLabel("Mã đơn vị")).toBe("ma don vi");
  });
});
