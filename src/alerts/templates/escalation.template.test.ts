import { describe, expect, it } from "vitest";
import type { AlertItem } from "../alert.types.js";
import { renderEscalation } from "./escalation.template.js";
import { escalationFixture } from "./fixtures.js";

describe("renderEscalation", () => {
  const rendered = renderEscalation(escalationFixture);

  it("matches the snapshot", () => {
    expect(rendered.subject).toMatchSnapshot("subject");
    expect(rendered.text).toMatchSnapshot("text");
    expect(rendered.html).toMatchSnapshot("html");
  });

  it("counts units, not items, in the subject", () => {
    expect(rendered.subject).toBe(
      "[Giải ngân MTQG] Báo cáo không đạt mốc (hạn đến hết ngày 30/09/2022): 2 đơn vị",
    );
  });

  it("addresses the steering committee and totals the shortfall", () => {
    expect(rendered.text).toContain("Kính gửi Thường trực Ban Chỉ đạo");
    expect(rendered.text).toContain("2 đơn vị không đạt mốc giải ngân");
    expect(rendered.text).toContain("1.992.400.003 đ");
    expect(rendered.html).toContain("9.800.000.000 đ");
  });

  it("lists units by shortfall, largest first", () => {
    const t = rendered.text;
    const order = [
      t.indexOf("1. UBND huyện Nam Trà My: Chương trình MTQG xây dựng nông thôn mới"),
      t.indexOf("2. UBND huyện Phước Sơn"),
      t.indexOf("3. UBND huyện Nam Trà My: Chương trình MTQG phát triển"),
    ];
    expect(order.every((pos) => pos > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it("escapes unit names in HTML", () => {
    const [first] = escalationFixture.items as [AlertItem];
    const r = renderEscalation({
      ...escalationFixture,
      items: [{ ...first, snapshot: { ...first.snapshot, unitName: "<script>x</script>" } }],
    });
    expect(r.html).not.toContain("<script>");
    expect(r.html).toContain("&lt;script&gt;x&lt;/script&gt;");
  });

  it("says so when there is nothing to escalate", () => {
    const r = renderEscalation({ ...escalationFixture, items: [] });
    expect(r.subject).toBe("[Giải ngân MTQG] Báo cáo không đạt mốc: không có đơn vị");
    expect(r.text).toContain("không có đơn vị nào không đạt mốc");
  });
});
