import { describe, expect, it } from "vitest";
import { fileProblem, fileSizeText, issueField, issueText, uploadContentType } from "./submission";

describe("uploadContentType", () => {
  it("labels a file as the server expects of its extension, whatever the browser said", () => {
    expect(uploadContentType("bao-cao.PDF", "")).toBe("application/pdf");
    expect(uploadContentType("bc.docx", "application/octet-stream")).toBe(
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    );
    expect(uploadContentType("scan.jpeg", "image/pjpeg")).toBe("image/jpeg");
    expect(uploadContentType("bc.xls", "")).toBe("application/vnd.ms-excel");
  });

  it("keeps a browser's type the server accepts, else leaves the bytes to decide", () => {
    expect(uploadContentType("bao-cao", "application/pdf")).toBe("application/pdf");
    expect(uploadContentType("bao-cao", "")).toBe("application/octet-stream");
    expect(uploadContentType("ghi-chu.txt", "text/plain")).toBe("application/octet-stream");
  });
});

describe("fileProblem", () => {
  it("refuses an empty file and one above 10 MB, in Vietnamese", () => {
    expect(fileProblem({ name: "a.pdf", size: 10 * 1024 * 1024 })).toBeNull();
    expect(fileProblem({ name: "a.pdf", size: 10 * 1024 * 1024 + 1 })).toBe(
      "Tệp “a.pdf” có dung lượng 10 MB, vượt quá giới hạn 10 MB.",
    );
    expect(fileProblem({ name: "lon.pdf", size: 12_900_000 })).toContain("12,3 MB");
    expect(fileProblem({ name: "a.pdf", size: 0 })).toBe("Tệp “a.pdf” rỗng.");
  });

  it("writes sizes in KB below a megabyte", () => {
    expect(fileSizeText(300)).toBe("1 KB");
    expect(fileSizeText(850 * 1024)).toBe("850 KB");
    expect(fileSizeText(2.5 * 1024 * 1024)).toBe("2,5 MB");
  });
});

describe("issueText", () => {
  it("names the form's field and says the rule in Vietnamese", () => {
    expect(issueField("body.submittedOn")).toBe("submittedOn");
    expect(issueField("querystring.fileName")).toBe("fileName");
    expect(issueField("body")).toBe("");
    expect(
      issueText({ path: "body.submittedOn", rule: "not_in_future", message: "2022-10-01 is after today" }),
    ).toBe("Ngày gửi: không được sau ngày hôm nay.");
    expect(issueText({ path: "body", rule: "type_mismatch", message: "…" })).toBe(
      "Tệp đính kèm: phần mở rộng của tên tệp không khớp với nội dung tệp.",
    );
    expect(issueText({ path: "querystring.documentNumber", rule: "too_big", message: "…" })).toBe(
      "Số văn bản: quá dài.",
    );
  });

  it("keeps the server's words for a rule it does not know", () => {
    expect(issueText({ path: "body.unit", rule: "something_new", message: "no such thing" })).toBe(
      "Đơn vị: no such thing.",
    );
  });
});
