import { describe, expect, it } from "vitest";
import { evaluateMilestone, type ScopeFigures } from "../../domain/milestone-status.js";
import { DEFAULT_PLAN_2022, type RateMilestone } from "../../domain/plan.js";
import type { AlertItem, AlertSnapshot, UnitAlertMessage } from "../alert.types.js";
import { unitAlertFixture } from "./fixtures.js";
import { renderUnitAlert, unitAlertSubject } from "./unit-alert.template.js";

const [namGiangReminder, tayGiangAtRisk, tayGiangReminder] = unitAlertFixture.items as [
  AlertItem,
  AlertItem,
  AlertItem,
];

function withItems(items: AlertItem[], extra: Partial<UnitAlertMessage> = {}): UnitAlertMessage {
  return { ...unitAlertFixture, items, ...extra };
}

describe("renderUnitAlert", () => {
  const rendered = renderUnitAlert(unitAlertFixture);

  it("matches the snapshot", () => {
    expect(rendered.subject).toMatchSnapshot("subject");
    expect(rendered.text).toMatchSnapshot("text");
    expect(rendered.html).toMatchSnapshot("html");
  });

  it("writes Vietnamese with diacritics in a polite register", () => {
    for (const body of [rendered.text, rendered.html]) {
      expect(body).toContain("Kính gửi ông/bà Nguyễn Văn An,");
      expect(body).toContain("giải ngân");
      expect(body).toContain("Trân trọng.");
      expect(body).toContain("được gửi tự động");
      expect(body).toContain("Số liệu tính đến hết ngày 16/09/2022");
    }
  });

  it("formats amounts, rates, pace and the target", () => {
    expect(rendered.text).toContain("Kế hoạch vốn: 1.234.567.890 đ");
    expect(rendered.text).toContain("Đã giải ngân: 456.789.000 đ");
    expect(rendered.text).toContain("Tỷ lệ giải ngân: 36,99% (yêu cầu: trên 60%)");
    expect(rendered.text).toContain("Còn thiếu so với mốc: 283.951.735 đ");
    expect(rendered.text).toContain("Cần giải ngân bình quân: 20.282.267 đ/ngày");
    expect(rendered.text).toContain("Tỷ lệ dự kiến đến hạn: 41,54%");
    expect(rendered.text).toContain("Hạn: đến hết ngày 30/09/2022, còn 14 ngày (10 ngày làm việc)");
    expect(rendered.text).toContain("gửi trước ngày 10/11/2022");
    expect(rendered.html).toContain("1.234.567.890 đ");
  });

  it("lists the items of two units in one message, grouped by unit, most urgent unit first", () => {
    const t = rendered.text;
    const tayGiang = t.indexOf("Đơn vị: UBND huyện Tây Giang");
    const namGiang = t.indexOf("Đơn vị: UBND huyện Nam Giang");
    expect(tayGiang).toBeGreaterThan(0);
    expect(namGiang).toBeGreaterThan(tayGiang);
    // both Tây Giang items sit under its heading, before Nam Giang's
    const gnbv = t.indexOf("1. Chương trình MTQG giảm nghèo bền vững");
    const dtts = t.indexOf("2. Chương trình MTQG phát triển kinh tế - xã hội");
    const ntm = t.indexOf("3. Chương trình MTQG xây dựng nông thôn mới");
    expect(tayGiang < gnbv && gnbv < dtts && dtts < namGiang && namGiang < ntm).toBe(true);
    expect(t).toContain("của 2 đơn vị do ông/bà phụ trách");
    expect(rendered.html.match(/<h2 /g)).toHaveLength(2);
  });

  it("escapes every interpolated string in HTML, and leaves the text version literal", () => {
    const evil = withItems([
      {
        ...tayGiangAtRisk,
        snapshot: { ...tayGiangAtRisk.snapshot, unitName: `UBND <script>alert("x")</script> & Co` },
      },
    ]);
    const r = renderUnitAlert({ ...evil, recipient: { name: "<b>An</b>", email: "a@example.vn" } });
    expect(r.html).not.toContain("<script>");
    expect(r.html).not.toContain("<b>An</b>");
    expect(r.html).toContain("UBND &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co");
    expect(r.text).toContain(`Đơn vị: UBND <script>alert("x")</script> & Co`);
  });

  it("speaks of one unit when there is one", () => {
    const r = renderUnitAlert(withItems([tayGiangAtRisk]));
    expect(r.text).toContain("của đơn vị do ông/bà phụ trách");
    expect(r.subject).toBe(
      "[Giải ngân MTQG] Cảnh báo (hạn đến hết ngày 30/09/2022): 1 chương trình có nguy cơ không đạt",
    );
  });

  it("names the most urgent stage in the subject", () => {
    expect(unitAlertSubject(unitAlertFixture.items)).toBe(
      "[Giải ngân MTQG] Cảnh báo (hạn đến hết ngày 30/09/2022): 1 chương trình có nguy cơ không đạt (+2 nội dung khác)",
    );
    expect(unitAlertSubject([namGiangReminder, tayGiangReminder])).toBe(
      "[Giải ngân MTQG] Nhắc hạn đến hết ngày 30/09/2022: 2 chương trình chưa đạt",
    );
    const missed: AlertItem = {
      stage: "missed",
      snapshot: { ...tayGiangAtRisk.snapshot, asOf: "2022-10-01", status: "missed", daysLeft: 0 },
    };
    expect(unitAlertSubject([tayGiangReminder, missed])).toBe(
      "[Giải ngân MTQG] Không đạt mốc (hạn đến hết ngày 30/09/2022): 1 chương trình (+1 nội dung khác)",
    );
    const recovered: AlertItem = {
      stage: "recovered",
      snapshot: { ...tayGiangAtRisk.snapshot, status: "met" },
    };
    expect(unitAlertSubject([recovered])).toBe(
      "[Giải ngân MTQG] Đã đạt mốc (hạn đến hết ngày 30/09/2022): 1 chương trình",
    );
  });

  it("tells a missed milestone as past due, without pace or projection", () => {
    const missed: AlertItem = {
      stage: "missed",
      snapshot: {
        ...tayGiangAtRisk.snapshot,
        asOf: "2022-10-01",
        status: "missed",
        daysLeft: 0,
        requiredDailyPace: null,
        projectedRate: null,
      },
    };
    const r = renderUnitAlert(withItems([missed], { asOf: "2022-10-01" }));
    expect(r.text).toContain("Thông báo: không đạt mốc (hạn đến hết ngày 30/09/2022).");
    expect(r.text).toContain("Hạn: đến hết ngày 30/09/2022, đã quá hạn 1 ngày");
    expect(r.text).toContain("Tình trạng: Không đạt");
    expect(r.text).not.toContain("đ/ngày");
    expect(r.text).not.toContain("Tỷ lệ dự kiến");
    expect(r.text).toContain("rà soát nguyên nhân");
  });

  it("leaves guidance and shortfall out of a recovered notice", () => {
    const recovered: AlertItem = {
      stage: "recovered",
      snapshot: {
        ...tayGiangAtRisk.snapshot,
        status: "met",
        disbursed: 750_000_000n,
        rate: 60.75,
        shortfall: 0n,
        requiredDailyPace: 0n,
      },
    };
    const r = renderUnitAlert(withItems([recovered]));
    expect(r.text).toContain("Ghi nhận: đã đạt mốc (hạn đến hết ngày 30/09/2022) sau cảnh báo trước đó.");
    expect(r.text).not.toContain("Lưu ý");
    expect(r.text).not.toContain("Còn thiếu");
    expect(r.text).not.toContain("đ/ngày");
  });

  describe("figures straight from the evaluation", () => {
    const milestone = (id: string) => DEFAULT_PLAN_2022.milestones.find((m) => m.id === id) as RateMilestone;
    /** An item whose figures are what evaluateMilestone says, as the alert policy takes them. */
    function evaluated(
      id: string,
      figures: ScopeFigures,
      asOf: string,
      stage: AlertItem["stage"],
    ): AlertItem {
      const m = milestone(id);
      const e = evaluateMilestone(figures, m, asOf, 30);
      const snapshot: AlertSnapshot = {
        ...tayGiangAtRisk.snapshot,
        asOf,
        milestoneId: m.id,
        milestoneTitle: m.title,
        guidance: null,
        dueOn: m.dueOn,
        status: e.status,
        allocated: e.allocated,
        disbursed: e.disbursed,
        rate: e.rate,
        threshold: e.threshold,
        comparison: e.comparison,
        shortfall: e.shortfall,
        daysLeft: e.daysLeft,
        requiredDailyPace: e.requiredDailyPace,
        projectedRate: e.projectedRate,
      };
      return { stage, snapshot };
    }

    it("never shows a carried-over scope missed by 1 đồng as reaching 100%", () => {
      const figures = { allocated: 1_000_000_000n, disbursed: 999_999_999n, recentDisbursed: 0n };
      const missed = evaluated("C100", figures, "2023-01-01", "missed");
      const r = renderUnitAlert(withItems([missed], { asOf: "2023-01-01" }));
      expect(r.text).toContain("Tỷ lệ giải ngân: 99,99% (yêu cầu: đạt ít nhất 100%)");
      expect(r.text).toContain("Còn thiếu so với mốc: 1 đ");
      expect(r.text).not.toContain("100,00%");
      expect(r.html).toContain("99,99% (yêu cầu: đạt ít nhất 100%)");
      const atRisk = evaluated("C100", figures, "2022-12-31", "at_risk");
      expect(renderUnitAlert(withItems([atRisk], { asOf: "2022-12-31" })).text).toContain(
        "Tỷ lệ giải ngân: 99,99% (yêu cầu: đạt ít nhất 100%)",
      );
    });

    it("projects no pace, never a negative rate, when corrections make the window's net negative", () => {
      // 300M disbursed, a 700M correction in the last 30 days: the net pace is −700M.
      const figures = { allocated: 1_000_000_000n, disbursed: 300_000_000n, recentDisbursed: -700_000_000n };
      const item = evaluated("M60", figures, "2022-09-16", "at_risk");
      const r = renderUnitAlert(withItems([item]));
      expect(r.text).toContain("Tỷ lệ dự kiến đến hạn: 30,00% (theo tốc độ giải ngân gần đây)");
      expect(r.text).not.toMatch(/[-−]\d+(,\d+)?%/);
      expect(r.html).not.toMatch(/[-−]\d+(,\d+)?%/);
    });
  });

  it("carries the acknowledgement link in both parts, with its expiry date", () => {
    const url = unitAlertFixture.ack!.url;
    expect(rendered.text).toContain(`có hiệu lực đến hết ngày 16/10/2022):\n${url}\n`);
    expect(rendered.html).toContain(`<a href="${url}"`);
    expect(rendered.html).toContain("Đã nhận — kế hoạch khắc phục</a>");
    // The link is asked for after the figures, before the sign-off.
    expect(rendered.text.indexOf(url)).toBeLessThan(rendered.text.indexOf("Trân trọng."));
    const noLink = renderUnitAlert({ ...unitAlertFixture, ack: undefined });
    expect(noLink.text).not.toContain("/ack/");
    expect(noLink.html).not.toContain("/ack/");
  });

  it("escapes the link in HTML and refuses anything but http(s)", () => {
    const r = renderUnitAlert({
      ...unitAlertFixture,
      ack: { url: 'https://x.vn/ack/a"><b>', expiresOn: "2022-10-16" },
    });
    expect(r.html).toContain('href="https://x.vn/ack/a&quot;&gt;&lt;b&gt;"');
    expect(() =>
      renderUnitAlert({ ...unitAlertFixture, ack: { url: "javascript:alert(1)", expiresOn: "2022-10-16" } }),
    ).toThrow(RangeError);
  });

  it("gives working days beside calendar days where the snapshot has them, and only there", () => {
    expect(rendered.text).toContain("Nhắc hạn: còn 14 ngày (10 ngày làm việc), hạn đến hết ngày 30/09/2022.");
    // Nam Giang's snapshot predates working days: calendar days alone.
    expect(rendered.text).toContain("Nhắc hạn: còn 14 ngày, hạn đến hết ngày 30/09/2022.");
    expect(rendered.html).toContain("đến hết ngày 30/09/2022, còn 14 ngày (10 ngày làm việc)");
  });

  it("tells a repeated warning as a warning", () => {
    const again: AlertItem = { ...tayGiangAtRisk, stage: "at_risk_2" };
    const r = renderUnitAlert(withItems([again]));
    expect(r.subject).toContain("Cảnh báo (hạn đến hết ngày 30/09/2022)");
    expect(r.text).toContain("Cảnh báo: theo tốc độ giải ngân hiện nay");
  });

  it("greets the unit head by office when no name is known", () => {
    const r = renderUnitAlert({ ...unitAlertFixture, recipient: { name: " ", email: "x@example.vn" } });
    expect(r.text.startsWith("Kính gửi Thủ trưởng đơn vị,")).toBe(true);
  });

  it("is pure: the same message renders the same, whatever the order of items", () => {
    const reversed = withItems([...unitAlertFixture.items].reverse());
    expect(renderUnitAlert(reversed)).toEqual(rendered);
  });
});
