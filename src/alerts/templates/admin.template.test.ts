import { describe, expect, it } from "vitest";
import { renderAdmin } from "./admin.template.js";
import { adminFixture, digestFixture, escalationFixture } from "./fixtures.js";

const admin = {
  kind: "admin" as const,
  asOf: escalationFixture.asOf,
  recipient: escalationFixture.recipient,
};

describe("renderAdmin", () => {
  it("sends the escalations alone, or the digest alone, when only one is due", () => {
    const escalationOnly = renderAdmin({ ...admin, escalation: escalationFixture.items, digest: null });
    expect(escalationOnly.subject).toMatch(/^\[Giải ngân MTQG\] Báo cáo không đạt mốc .*: 2 đơn vị$/);
    expect(escalationOnly.text).toContain("2 đơn vị không đạt mốc giải ngân");
    expect(escalationOnly.text).not.toContain("Tổng hợp tuần");
    const digestOnly = renderAdmin({
      ...admin,
      asOf: digestFixture.asOf,
      escalation: [],
      digest: { weekOf: digestFixture.weekOf, items: digestFixture.items },
    });
    expect(digestOnly.subject).toBe(
      "[Giải ngân MTQG] Tổng hợp tuần 05/12/2022: 2 không đạt, 3 có nguy cơ không đạt",
    );
    expect(digestOnly.text).toContain("Tổng cộng 5 nội dung cần theo dõi");
    expect(digestOnly.text).not.toContain("không đạt mốc giải ngân, tổng số vốn còn thiếu");
  });

  it("puts escalations and the weekly digest of one run in one e-mail", () => {
    const both = renderAdmin({
      ...admin,
      escalation: escalationFixture.items,
      digest: { weekOf: digestFixture.weekOf, items: digestFixture.items },
    });
    expect(both.subject).toMatch(/^\[Giải ngân MTQG\] Báo cáo không đạt mốc .*; tổng hợp tuần/);
    expect(both.text.match(/Kính gửi/g)).toHaveLength(1);
    expect(both.text).toContain("Tổng hợp tuần");
    expect(both.html).toContain("Tổng hợp tuần");
    expect(both.text.trim().endsWith(".")).toBe(true);
  });

  describe("escalation of an unacknowledged missed notice with the weekly digest", () => {
    const rendered = renderAdmin(adminFixture);

    it("matches the snapshot", () => {
      expect(rendered.subject).toMatchSnapshot("subject");
      expect(rendered.text).toMatchSnapshot("text");
      expect(rendered.html).toMatchSnapshot("html");
    });

    it("names the unacknowledged notice, not a new miss, in the subject and the heading", () => {
      expect(rendered.subject).toBe(
        "[Giải ngân MTQG] Chưa xác nhận thông báo không đạt mốc (hạn đến hết ngày 30/09/2022): 1 đơn vị; tổng hợp tuần 10/10/2022: 3 không đạt",
      );
      expect(rendered.text).toContain("1 đơn vị không đạt mốc giải ngân chưa xác nhận thông báo đã gửi.");
      expect(rendered.text).toContain("1 nội dung chưa xác nhận thông báo không đạt mốc sau 3 ngày làm việc");
      expect(rendered.text).toContain(
        "Xác nhận của đơn vị: chưa xác nhận thông báo không đạt mốc sau 3 ngày làm việc (thông báo gửi ngày 01/10/2022).",
      );
    });

    it("shows each digest item's acknowledgement, with its plan, or that there is none", () => {
      const digest = rendered.text.slice(rendered.text.indexOf("Tổng hợp tuần 10/10/2022\n"));
      expect(digest).toContain(
        "Xác nhận của đơn vị: đã xác nhận ngày 04/10/2022; kế hoạch: “Rà soát, điều chuyển vốn",
      );
      expect(digest).toContain("trong tháng 10.”; dự kiến hoàn thành 31/10/2022.");
      expect(digest).toContain("Xác nhận của đơn vị: đã xác nhận ngày 03/10/2022.");
      expect(digest).toContain("Xác nhận của đơn vị: chưa xác nhận.");
      expect(rendered.html).toContain(
        '<th style="padding:4px 8px;border:1px solid #d0d7de;vertical-align:top;background-color:#eef2f6;font-weight:bold;text-align:left">Xác nhận của đơn vị</th>',
      );
    });

    it("escapes a planned action in HTML", () => {
      const [first, ...rest] = adminFixture.digest!.items;
      const evil = {
        ...first!,
        snapshot: {
          ...first!.snapshot,
          acknowledgement: { on: "2022-10-04", plannedAction: "<img src=x>", plannedOn: null },
        },
      };
      const r = renderAdmin({ ...adminFixture, digest: { ...adminFixture.digest!, items: [evil, ...rest] } });
      expect(r.html).not.toContain("<img");
      expect(r.html).toContain("kế hoạch: “&lt;img src=x&gt;”");
      expect(r.text).toContain("kế hoạch: “<img src=x>”");
    });
  });
});
