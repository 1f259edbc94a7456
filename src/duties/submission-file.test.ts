import { describe, expect, it } from "vitest";
import { InvalidInputError, UnsupportedMediaTypeError } from "../domain/errors.js";
import { checkSubmissionFile } from "./submission-file.js";

const zipWith = (...names: string[]) =>
  Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from(names.join("\0"))]);
const OLE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]);
const PDF = Buffer.from("%PDF-1.7\n");
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]);

const rule = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    if (e instanceof UnsupportedMediaTypeError || e instanceof InvalidInputError)
      return `${e.constructor.name}:${e.issues[0]?.rule}`;
    throw e;
  }
  return "accepted";
};

describe("checkSubmissionFile", () => {
  it.each<[string, Buffer, string, string | undefined, string]>([
    ["a PDF", PDF, "bao-cao.pdf", "application/pdf", "application/pdf"],
    ["a PDF sent as octet-stream", PDF, "bao-cao.PDF", "application/octet-stream", "application/pdf"],
    [
      "a Word file",
      zipWith("[Content_Types].xml", "word/document.xml"),
      "bc.docx",
      undefined,
      "wordprocessingml",
    ],
    [
      "an Excel file",
      zipWith("[Content_Types].xml", "xl/workbook.xml"),
      "bc.xlsx",
      undefined,
      "spreadsheetml",
    ],
    ["an old Word file", OLE, "bc.doc", undefined, "application/msword"],
    ["an old Excel file", OLE, "bc.xls", "application/vnd.ms-excel", "application/vnd.ms-excel"],
    ["a JPEG as .jpg", JPEG, "scan.jpg", "image/jpeg", "image/jpeg"],
  ])("accepts %s", (_what, bytes, name, label, type) => {
    const f = checkSubmissionFile(bytes, { name, contentType: label });
    expect(f.type).toContain(type);
    expect(f.size).toBe(bytes.length);
    expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each<[string, Buffer, string, string | undefined, string]>([
    [
      "HTML named .pdf",
      Buffer.from("<html>"),
      "x.pdf",
      "application/pdf",
      "UnsupportedMediaTypeError:unsupported_type",
    ],
    ["an empty file", Buffer.alloc(0), "x.pdf", undefined, "UnsupportedMediaTypeError:empty_file"],
    ["a PDF named .docx", PDF, "x.docx", undefined, "UnsupportedMediaTypeError:type_mismatch"],
    ["a PDF labelled image/png", PDF, "x.pdf", "image/png", "UnsupportedMediaTypeError:type_mismatch"],
    [
      "any zip named .docx",
      zipWith("payload.exe"),
      "x.docx",
      undefined,
      "UnsupportedMediaTypeError:unsupported_type",
    ],
    [
      "a workbook named .docx",
      zipWith("[Content_Types].xml", "xl/workbook.xml"),
      "x.docx",
      undefined,
      "UnsupportedMediaTypeError:type_mismatch",
    ],
    ["a name of control characters", PDF, "a\u0007.pdf", undefined, "InvalidInputError:file_name"],
  ])("refuses %s", (_what, bytes, name, label, expected) => {
    expect(rule(() => checkSubmissionFile(bytes, { name, contentType: label }))).toBe(expected);
  });

  it("keeps the name without the client's folders", () => {
    expect(checkSubmissionFile(PDF, { name: "C:\\Users\\ke-toan\\Báo cáo.pdf" }).name).toBe("Báo cáo.pdf");
  });
});
