// The e-mails the service actually sends, through the one entry point that previews and sends
// share: a unit head's alert, and an admin's message of a run (escalations alone, the weekly
// digest alone, or both in one e-mail). Each is read as its reader sees it, and snapshotted.
import { describe, expect, it } from "vitest";
import type { AdminMessage, AlertMessage } from "../alert.types.js";
import { digestFixture, escalationFixture, unitAlertFixture } from "./fixtures.js";
import { renderMessage } from "./render.js";

const admin = {
  kind: "admin" as const,
  asOf: escalationFixture.asOf,
  recipient: escalationFixture.recipient,
};
const escalationOnly: AdminMessage = { ...admin, escalation: escalationFixture.items, digest: null };
const digestOnly: AdminMessage = {
  ...admin,
  asOf: digestFixture.asOf,
  escalation: [],
  digest: { weekOf: digestFixture.weekOf, items: digestFixture.items },
};
/** The run of Saturday 1/10/2022: the day-after escalations and the digest of that week (Monday 26/9). */
const combined: AdminMessage = {
  ...admin,
  escalation: escalationFixture.items,
  digest: { weekOf: "2022-09-26", items: digestFixture.items },
};

const SENT: [string, AlertMessage][] = [
  ["a unit head's alert", unitAlertFixture],
  ["an admin's escalations", escalationOnly],
  ["an admin's weekly digest", digestOnly],
  ["an admin's escalations and weekly digest in one e-mail", combined],
];

describe.each(SENT)("%s", (_name, message) => {
  const r = renderMessage(message);

  it("matches the snapshot", () => {
    expect(r.subject).toMatchSnapshot("subject");
    expect(r.text).toMatchSnapshot("text");
    expect(r.html).toMatchSnapshot("html");
  });

  it("has a prefixed subject, one greeting, an HTML document and a plain text with the footer", () => {
    expect(r.subject).toMatch(/^\[Giải ngân MTQG\] \S/);
    expect(r.text.match(/Kính gửi/g)).toHaveLength(1);
    expect(r.html.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(r.html).toContain('<html lang="vi">');
    expect(r.html).toContain("Trân trọng.");
    expect(r.text).toContain("Trân trọng.");
    expect(r.text).toContain("(disbursement-monitor)");
    expect(r.text).not.toMatch(/[<>]/);
  });
});

describe("what each reader is told", () => {
  it("tells a unit head which programme is at risk, by how much, and how fast to disburse", () => {
    const r = renderMessage(unitAlertFixture);
    expect(r.subject).toBe(
      "[Giải ngân MTQG] Cảnh báo (hạn đến hết ngày 30/09/2022): 1 chương trình có nguy cơ không đạt (+2 nội dung khác)",
    );
    expect(r.text).toContain("Kính gửi ông/bà Nguyễn Văn An,");
    expect(r.text).toContain("Đơn vị: UBND huyện Tây Giang");
    expect(r.text).toContain("Kế hoạch vốn: 1.234.567.890 đ");
    expect(r.text).toContain("Đã giải ngân: 456.789.000 đ");
    expect(r.text).toContain("Tỷ lệ giải ngân: 36,99% (yêu cầu: trên 60%)");
    expect(r.text).toContain("Còn thiếu so với mốc: 283.951.735 đ");
    expect(r.text).toContain("Cần giải ngân bình quân: 20.282.267 đ/ngày");
    expect(r.text).toContain("còn 14 ngày (10 ngày làm việc)");
    expect(r.text).toContain("gửi trước ngày 10/11/2022");
  });

  it("tells the admins how many units missed, the total short, and each unit's figures", () => {
    const r = renderMessage(escalationOnly);
    expect(r.subject).toBe("[Giải ngân MTQG] Báo cáo không đạt mốc (hạn đến hết ngày 30/09/2022): 2 đơn vị");
    expect(r.text).toContain("Kính gửi Thường trực Ban Chỉ đạo các Chương trình mục tiêu quốc gia,");
    expect(r.text).toContain(
      "2 đơn vị không đạt mốc giải ngân, tổng số vốn còn thiếu so với mốc là 1.992.400.003 đ.",
    );
    expect(r.text).toContain(
      "1. UBND huyện Nam Trà My: Chương trình MTQG xây dựng nông thôn mới\n   Kế hoạch vốn 9.800.000.000 đ; đã giải ngân 5.017.600.000 đ; tỷ lệ 51,20% (yêu cầu trên 60%); còn thiếu 862.400.001 đ.",
    );
    expect(r.text).not.toContain("Tổng hợp tuần");
  });

  it("gives the admins the week's digest by programme, worst first", () => {
    const r = renderMessage(digestOnly);
    expect(r.subject).toBe("[Giải ngân MTQG] Tổng hợp tuần 05/12/2022: 2 không đạt, 3 có nguy cơ không đạt");
    expect(r.text).toContain("Tổng cộng 5 nội dung cần theo dõi (Không đạt: 2; Có nguy cơ không đạt: 3)");
    expect(r.text).toContain("tỷ lệ 75,00% (yêu cầu đạt ít nhất 100%); còn thiếu 500.000.000 đ.");
    expect(r.text).not.toContain("Báo cáo không đạt mốc");
    expect(r.text).not.toContain("Đề nghị Thường trực Ban Chỉ đạo xem xét");
  });

  it("puts a run's escalations first and the week's digest after them, under one greeting and one footer", () => {
    const r = renderMessage(combined);
    expect(r.subject).toBe(
      "[Giải ngân MTQG] Báo cáo không đạt mốc (hạn đến hết ngày 30/09/2022): 2 đơn vị; tổng hợp tuần 26/09/2022: 2 không đạt, 3 có nguy cơ không đạt",
    );
    const escalation = r.text.indexOf("2 đơn vị không đạt mốc giải ngân");
    const digest = r.text.indexOf("Tổng hợp tuần 26/09/2022\n");
    expect(escalation).toBeGreaterThan(0);
    expect(digest).toBeGreaterThan(escalation);
    expect(r.text.slice(digest)).toContain("Tổng cộng 5 nội dung cần theo dõi");
    expect(r.text.match(/Trân trọng\./g)).toHaveLength(1);
    expect(r.text.match(/^-- $/gm)).toHaveLength(1);
    expect(r.html).toContain("Tổng hợp tuần 26/09/2022");
  });
});
