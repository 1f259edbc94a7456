// Pure pieces of recording a duty's submission: the file's label and size, and the server's
// refusals worded in Vietnamese field by field. No DOM here, so they are tested in Node.
import type { Issue } from "./api";
import { decimal } from "./format";

/** The API's limit (src/duties/submission-file.ts): checked here too, so a large file is not sent for nothing. */
export const MAX_SUBMISSION_FILE_BYTES = 10 * 1024 * 1024;

/** The types the API keeps, by the extension it expects of each (its own table). */
const TYPE_BY_EXTENSION: Record<string, string> = {
  pdf: "application/pdf",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  doc: "application/msword",
  xls: "application/vnd.ms-excel",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
};
const ACCEPTED_TYPES = new Set(Object.values(TYPE_BY_EXTENSION));
export const ACCEPTED_EXTENSIONS = Object.keys(TYPE_BY_EXTENSION).map((e) => `.${e}`);

/**
 * The Content-Type to send. The server reads the type from the bytes and refuses a label that
 * contradicts them, and browsers label files from the OS's own table (or not at all): the
 * extension's type is what the server expects; otherwise the browser's when the server keeps it,
 * else the neutral octet-stream, and the bytes decide.
 */
export function uploadContentType(fileName: string, browserType: string): string {
  const dot = fileName.lastIndexOf(".");
  const ext = dot >= 0 ? fileName.slice(dot + 1).toLowerCase() : "";
  const byExtension = TYPE_BY_EXTENSION[ext];
  if (byExtension) return byExtension;
  const label = browserType.split(";")[0]?.trim().toLowerCase() ?? "";
  return ACCEPTED_TYPES.has(label) ? label : "application/octet-stream";
}

/** "850 KB", "2,5 MB". */
export function fileSizeText(bytes: number): string {
  if (bytes < 1024 * 1024) return `${decimal(Math.max(1, Math.round(bytes / 1024)), 0)} KB`;
  return `${decimal(bytes / 1024 / 1024, 1)} MB`;
}

/** Null when the file may be sent; else why not, in Vietnamese. */
export function fileProblem(file: { name: string; size: number }): string | null {
  if (file.size === 0) return `Tệp “${file.name}” rỗng.`;
  if (file.size > MAX_SUBMISSION_FILE_BYTES)
    return `Tệp “${file.name}” có dung lượng ${fileSizeText(file.size)}, vượt quá giới hạn 10 MB.`;
  return null;
}

/** The form's field names as the API spells them, worded as the form labels them. */
export const SUBMISSION_FIELD_LABELS: Record<string, string> = {
  unit: "Đơn vị",
  documentNumber: "Số văn bản",
  submittedOn: "Ngày gửi",
  note: "Ghi chú",
  fileName: "Tên tệp đính kèm",
  // A file's refusal names no field: the file is the whole body of the upload.
  "": "Tệp đính kèm",
  dutyId: "Nghĩa vụ",
  planYear: "Năm kế hoạch",
};

/** The rules the API names, in Vietnamese; a rule not listed keeps the server's own words. */
const RULE_TEXT: Record<string, string> = {
  not_in_future: "không được sau ngày hôm nay",
  unknown_unit: "không có đơn vị này trong danh mục",
  not_asked: "nghĩa vụ này không yêu cầu đơn vị nộp văn bản",
  file_name: "tên tệp phải dài từ 1 đến 255 ký tự, không chứa ký tự điều khiển",
  empty_file: "tệp rỗng",
  unsupported_type: "nội dung tệp không phải PDF, DOCX, XLSX, DOC, XLS, PNG hoặc JPEG",
  type_mismatch: "phần mở rộng của tên tệp không khớp với nội dung tệp",
  real_date: "không phải ngày có thật",
  too_small: "không được để trống",
  too_big: "quá dài",
  invalid_type: "thiếu hoặc sai kiểu dữ liệu",
  invalid_format: "không đúng định dạng",
  invalid_string: "không đúng định dạng",
  no_nul: "chứa ký tự không hợp lệ",
  well_formed: "chứa ký tự không hợp lệ",
  unrecognized_keys: "trường không được chấp nhận",
};

/** "body.submittedOn" → "submittedOn"; "body" (the whole upload) → "". */
export function issueField(path: string): string {
  return path.replace(/^(body|querystring|params|headers)(\.|$)/, "");
}

/** One refusal as the form shows it: "Ngày gửi: không được sau ngày hôm nay." */
export function issueText(issue: Issue, labels: Record<string, string> = SUBMISSION_FIELD_LABELS): string {
  const field = issueField(issue.path);
  const label = labels[field] ?? field;
  const text = RULE_TEXT[issue.rule] ?? issue.message;
  return `${label ? `${label}: ` : ""}${text}.`;
}
