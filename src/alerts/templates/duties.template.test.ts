// Issue 15: duty items in the unit-alert, escalation and digest e-mails, and the digest's
// section of the Treasury's unresolved differences, in Vietnamese, HTML and text.
import { describe, expect, it } from "vitest";
import { renderAdmin } from "./admin.template.js";
import { renderDigest } from "./digest.template.js";
import {
  dutyAdminFixture,
  dutyDigestFixture,
  dutyEscalationFixture,
  dutyUnitAlertFixture,
} from "./duty-fixtures.js";
import { renderEscalation } from "./escalation.template.js";
import { formatDutyLine } from "./format.js";
import { renderUnitAlert } from "./unit-alert.template.js";

const LINE = "Báo cáo kết quả thực hiện 6 tháng: chưa nộp, hạn 20/06/2022 (còn 3 ngày làm việc)";

describe("a duty in a unit head's message", () => {
  const rendered = renderUnitAlert(dutyUnitAlertFixture);

  it("matches the snapshot", () => {
    expect(rendered.subject).toMatchSnapshot("subject");
    expect(rendered.text).toMatchSnapshot("text");
    expect(rendered.html).toMatchSnapshot("html");
  });

  it("names the document, its due date, the working days left and that it is not sent", () => {
    expect(formatDutyLine(dutyUnitAlertFixture.items[0]!.snapshot)).toBe(LINE);
    expect(rendered.text).toContain(LINE);
    expect(rendered.html).toContain(LINE);
    expect(rendered.subject).toBe(
      "[Giải ngân MTQG] Nhắc hạn nộp văn bản (hạn đến hết ngày 20/06/2022): 1 văn bản chưa nộp",
    );
    expect(rendered.text).toContain("thông tin về văn bản phải nộp của đơn vị");
    expect(rendered.text).not.toContain("Kế hoạch vốn");
    expect(rendered.text).not.toContain("giải ngân để bảo đảm");
  });
});

describe("a duty in an admin's escalation", () => {
  const rendered = renderEscalation(dutyEscalationFixture);

  it("matches the snapshot", () => {
    expect(rendered.subject).toMatchSnapshot("subject");
    expect(rendered.text).toMatchSnapshot("text");
    expect(rendered.html).toMatchSnapshot("html");
  });

  it("lists the units that have not sent the document, with no money columns", () => {
    expect(rendered.subject).toBe(
      "[Giải ngân MTQG] Báo cáo chưa nộp văn bản đúng hạn (hạn đến hết ngày 20/06/2022): 2 đơn vị",
    );
    expect(rendered.text).toContain("2 đơn vị chưa nộp văn bản theo yêu cầu đúng hạn.");
    expect(rendered.text).toContain(
      "UBND huyện Tây Giang: Báo cáo kết quả thực hiện 6 tháng: chưa nộp, hạn 20/06/2022 (đã quá hạn 1 ngày).",
    );
    expect(rendered.html).not.toContain("Kế hoạch vốn");
  });
});

describe("duties and the Treasury in the weekly digest", () => {
  const rendered = renderDigest(dutyDigestFixture);

  it("matches the snapshot", () => {
    expect(rendered.subject).toMatchSnapshot("subject");
    expect(rendered.text).toMatchSnapshot("text");
    expect(rendered.html).toMatchSnapshot("html");
  });

  it("counts the money as before, then the documents and the differences", () => {
    expect(rendered.subject).toBe(
      "[Giải ngân MTQG] Tổng hợp tuần 05/12/2022: 2 không đạt, 3 có nguy cơ không đạt, 2 văn bản chưa nộp, 5 chênh lệch với Kho bạc",
    );
    expect(rendered.text).toContain("Tổng cộng 5 nội dung cần theo dõi");
  });

  it("lists the documents not sent, overdue first", () => {
    const t = rendered.text.slice(rendered.text.indexOf("Văn bản phải nộp\n"));
    expect(t).toContain("2 văn bản chưa nộp (1 quá hạn, 1 sắp đến hạn).");
    expect(t.indexOf("Sở Nông nghiệp")).toBeLessThan(t.indexOf("UBND huyện Nam Trà My"));
    expect(t).toContain(
      "UBND huyện Nam Trà My: Báo cáo kết quả thực hiện năm 2022: chưa nộp, hạn 20/12/2022 (còn 11 ngày làm việc).",
    );
    expect(t).toContain(
      "Xác nhận của đơn vị: đã xác nhận ngày 04/07/2022; kế hoạch: “Trình ban hành trong tháng 12.”.",
    );
  });

  it("lists the Treasury's differences with their scope and statement, and counts the rest", () => {
    const t = rendered.text.slice(rendered.text.indexOf("Chênh lệch với số liệu Kho bạc"));
    expect(t).toContain(
      "5 chênh lệch giữa số liệu Kho bạc Nhà nước và số liệu đơn vị báo cáo chưa được xử lý",
    );
    expect(t).toContain(
      "1. UBND thành phố Tam Kỳ: Chương trình MTQG xây dựng nông thôn mới (Vốn năm 2022, Ngân sách trung ương, Vốn đầu tư phát triển)",
    );
    expect(t).toContain(
      "Kho bạc 1.250.000.000 đ; đơn vị báo cáo 1.200.000.000 đ; chênh lệch 50.000.000 đ; sao kê KBNN Quảng Nam 1234/KBQN-KSC, số liệu đến ngày 30/11/2022 (nhập 12 ngày trước).",
    );
    expect(t).toContain("(Vốn năm 2021 kéo dài sang năm 2022, Ngân sách tỉnh, Vốn sự nghiệp)");
    expect(t).toContain("chênh lệch -1 đ;");
    expect(t).toContain("Và 2 chênh lệch khác.");
    expect(rendered.html).toContain("Và 2 chênh lệch khác.");
    expect(rendered.html).toContain("Số Kho bạc");
  });
});

describe("an admin's message with a duty escalation and a digest of the Treasury alone", () => {
  const rendered = renderAdmin(dutyAdminFixture);

  it("matches the snapshot", () => {
    expect(rendered.subject).toMatchSnapshot("subject");
    expect(rendered.text).toMatchSnapshot("text");
    expect(rendered.html).toMatchSnapshot("html");
  });

  it("holds both, the difference of 1 đồng included", () => {
    expect(rendered.subject).toBe(
      "[Giải ngân MTQG] Báo cáo chưa nộp văn bản đúng hạn (hạn đến hết ngày 20/06/2022): 2 đơn vị; tổng hợp tuần 27/06/2022: 1 chênh lệch với Kho bạc",
    );
    expect(rendered.text).toContain("chênh lệch 1 đ;");
    expect(rendered.text).not.toContain("Và ");
  });
});
