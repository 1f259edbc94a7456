// The file a submission may carry (the signed report as PDF, a scan, the Word or Excel original).
// Its type is read from its bytes, never taken from the client: a name or a Content-Type may lie,
// and the file is served back to other people's browsers. The size is limited while reading
// (src/spreadsheets/upload-body.ts); here only what was read is judged.
import { createHash } from "node:crypto";
import { InvalidInputError, UnsupportedMediaTypeError } from "../domain/errors.js";
import { isStorableText } from "../domain/text.js";

/** Past this the upload is refused with 413 while it arrives: a signed report is a few MB. */
export const MAX_SUBMISSION_FILE_BYTES = 10 * 1024 * 1024;

type Kind = { type: string; extensions: string[]; matches: (b: Buffer) => boolean };

const startsWith = (b: Buffer, magic: number[]) =>
  b.length >= magic.length && magic.every((x, i) => b[i] === x);
const ZIP = [0x50, 0x4b, 0x03, 0x04];
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
// Entry names of a zip are stored uncompressed: an Office Open XML file names its parts.
const ooxml = (part: string) => (b: Buffer) =>
  startsWith(b, ZIP) && b.includes("[Content_Types].xml") && b.includes(part);

const KINDS: Kind[] = [
  {
    type: "application/pdf",
    extensions: ["pdf"],
    matches: (b) => b.subarray(0, 5).toString("latin1") === "%PDF-",
  },
  {
    type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    extensions: ["docx"],
    matches: ooxml("word/document.xml"),
  },
  {
    type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    extensions: ["xlsx"],
    matches: ooxml("xl/workbook.xml"),
  },
  // An OLE compound file is a .doc or an .xls alike: the name tells which.
  { type: "application/msword", extensions: ["doc"], matches: (b) => startsWith(b, OLE) },
  { type: "application/vnd.ms-excel", extensions: ["xls"], matches: (b) => startsWith(b, OLE) },
  {
    type: "image/png",
    extensions: ["png"],
    matches: (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  },
  { type: "image/jpeg", extensions: ["jpg", "jpeg"], matches: (b) => startsWith(b, [0xff, 0xd8, 0xff]) },
];

/** The Content-Types an upload may be labelled with; the bytes decide all the same. */
export const SUBMISSION_FILE_CONTENT_TYPES = [
  ...new Set(KINDS.map((k) => k.type)),
  "application/octet-stream",
];

const ACCEPTED = "PDF, DOCX, XLSX, DOC, XLS, PNG or JPEG";

export type SubmissionFile = { name: string; type: string; size: number; sha256: string; content: Buffer };

/** The name as given, without a client's folder; refused when it could not be kept or sent back. */
function cleanName(given: string): string {
  const name = given.split(/[/\\]/).pop()!.trim();
  // Control characters would break the Content-Disposition header the file is served with.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing them is the point
  if (name === "" || name.length > 255 || /[\u0000-\u001f\u007f]/.test(name) || !isStorableText(name))
    throw new InvalidInputError(
      "fileName must be a file name of 1 to 255 characters without control characters",
      [{ field: "fileName", rule: "file_name", message: "must be a file name of 1 to 255 characters" }],
    );
  return name;
}

/**
 * Checks the file's bytes against the types kept, and against what its name and label claim:
 * a file of another type, or named or labelled as one type while being another, is refused (415).
 */
export function checkSubmissionFile(
  content: Buffer,
  claim: { name: string; contentType?: string | undefined },
): SubmissionFile {
  const name = cleanName(claim.name);
  const ext = name.includes(".") ? name.slice(name.lastIndexOf(".") + 1).toLowerCase() : "";
  const byBytes = KINDS.filter((k) => k.matches(content));
  const refuse = (rule: string, message: string): never => {
    throw new UnsupportedMediaTypeError(message, [{ field: "", rule, message }]);
  };
  if (content.length === 0) refuse("empty_file", "the file is empty");
  if (byBytes.length === 0) refuse("unsupported_type", `the file's content is not a ${ACCEPTED} file`);
  const kind = byBytes.find((k) => k.extensions.includes(ext));
  if (!kind)
    return refuse(
      "type_mismatch",
      `the file is named .${ext || "(no extension)"} but its content is ${byBytes.map((k) => `.${k.extensions[0]}`).join(" or ")}`,
    );
  const label = claim.contentType?.split(";")[0]?.trim().toLowerCase();
  if (label && label !== "application/octet-stream" && label !== kind.type)
    refuse("type_mismatch", `the upload is labelled ${label} but its content is ${kind.type}`);
  return {
    name,
    type: kind.type,
    size: content.length,
    sha256: createHash("sha256").update(content).digest("hex"),
    content,
  };
}

/** The upload is larger than MAX_SUBMISSION_FILE_BYTES: 413, answered while it arrives. */
export class SubmissionFileTooLargeError extends Error {
  readonly statusCode = 413;
  readonly code = "file_too_large";
  constructor(readonly limit: number) {
    super(
      `the file is larger than ${limit} bytes (${limit / 1024 / 1024} MiB), the most a submission may carry`,
    );
  }
}
