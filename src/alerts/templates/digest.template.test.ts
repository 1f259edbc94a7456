import { describe, expect, it } from "vitest";
import type { AlertItem } from "../alert.types.js";
import { countByStatus, renderDigest } from "./digest.template.js";
import { digestFixture } from "./fixtures.js";

describe("renderDigest", () => {
  const rendered = renderDigest(digestFixture);

  it("matches the snapshot", () => {
    expect(rendered.subject).toMatchSnapshot("subject");
    expect(rendered.text).toMatchSnapshot("text");
    expect(rendered.html).toMatchSnapshot("html");
  });

  it("counts by status in the subject", () => {
    expect(rendered.subject).toBe(
      "[Giải ngân MTQG] Tổng hợp tuần 05/12/2022: 2 không đạt, 3 có nguy cơ không đạt",
    );
    expect(countByStatus(digestFixture.items)).toEqual([
      ["missed", 2],
      ["at_risk", 3],
    ]);
  });

  it("groups by program with a count per status, each sorted by shortfall", () => {
    const t = rendered.text;
    const gnbv = t.indexOf("Chương trình MTQG giảm nghèo bền vững\n");
    const ntm = t.indexOf("Chương trình MTQG xây dựng nông thôn mới\n");
    expect(gnbv).toBeGreaterThan(0);
    expect(ntm).toBeGreaterThan(gnbv);
    const ntmSection = t.slice(ntm);
    expect(ntmSection).toContain("Không đạt: 1; Có nguy cơ không đạt: 1");
    expect(ntmSection.indexOf("UBND thành phố Tam Kỳ")).toBeLessThan(
      ntmSection.indexOf("UBND huyện Nam Trà My"),
    );
    expect(rendered.html).toContain("<th ");
    expect(rendered.html).toContain("2.500.000.001 đ");
    expect(rendered.text).toContain("đạt ít nhất 100%");
  });

  it("writes Vietnamese with diacritics", () => {
    expect(rendered.text).toContain("Kính gửi");
    expect(rendered.text).toContain("tổng hợp tiến độ giải ngân");
    expect(rendered.html).toContain("Trân trọng.");
  });

  it("escapes program and unit names in HTML", () => {
    const [first] = digestFixture.items as [AlertItem];
    const r = renderDigest({
      ...digestFixture,
      items: [{ ...first, snapshot: { ...first.snapshot, unitName: "<script>", programName: "A & B" } }],
    });
    expect(r.html).not.toContain("<script>");
    expect(r.html).toContain("A &amp; B");
  });

  it("says so when no unit is behind", () => {
    const r = renderDigest({ ...digestFixture, items: [] });
    expect(r.subject).toBe("[Giải ngân MTQG] Tổng hợp tuần 05/12/2022: không có đơn vị chậm tiến độ");
    expect(r.text).toContain("không có đơn vị nào");
  });
});
