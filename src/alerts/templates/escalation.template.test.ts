import { describe, expect, it } from "vitest";
import type { AlertItem } from "../alert.types.js";
import { ESCALATION_LIST_LIMIT, renderEscalation } from "./escalation.template.js";
import { escalationFixture } from "./fixtures.js";

describe("renderEscalation", () => {
  const rendered = renderEscalation(escalationFixture);

  it("matches the snapshot", () => {
    expect(rendered.subject).toMatchSnapshot("subject");
    expect(rendered.text).toMatchSnapshot("text");
    expect(rendered.html).toMatchSnapshot("html");
  });

  it("lists the largest shortfalls of a milestone, and counts the others with what they lack", () => {
    const [first] = escalationFixture.items as [AlertItem];
    // 450 units missed the same milestone, each short by its number × 1,000 đ.
    const items: AlertItem[] = Array.from({ length: 450 }, (_, k) => ({
      stage: "escalation",
      snapshot: {
        ...first.snapshot,
        unitCode: `U${k}`,
        unitName: `Đơn vị ${k}`,
        shortfall: BigInt(k + 1) * 1000n,
      },
    }));
    const r = renderEscalation({ ...escalationFixture, items });
    expect(r.subject).toBe(
      "[Giải ngân MTQG] Báo cáo không đạt mốc (hạn đến hết ngày 30/09/2022): 450 đơn vị",
    );
    expect(r.text).toContain(
      "450 đơn vị không đạt mốc giải ngân, tổng số vốn còn thiếu so với mốc là 101.475.000 đ.",
    );
    expect(r.text).toContain(": 450 nội dung không đạt\n");
    const listed = [...r.text.matchAll(/^\d+\. (Đơn vị \d+):/gm)].map((m) => m[1]);
    expect(listed).toHaveLength(ESCALATION_LIST_LIMIT);
    expect(listed[0]).toBe("Đơn vị 449");
    expect(listed.at(-1)).toBe("Đơn vị 250");
    // The 250 not listed lack 1,000 + … + 250,000 đ.
    expect(r.text).toContain("Và 250 nội dung khác, còn thiếu tổng cộng 31.375.000 đ.");
    expect(r.html).toContain("Và 250 nội dung khác, còn thiếu tổng cộng 31.375.000 đ.");
    expect(r.html.match(/>Đơn vị \d+</g)).toHaveLength(ESCALATION_LIST_LIMIT);
    expect(r.html).toContain(">Đơn vị 250<");
    expect(r.html).not.toContain(">Đơn vị 249<");
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
