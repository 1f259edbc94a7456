// The parts of an .xlsx needed before its first sheet can be read: where that sheet is (package
// and workbook relationships), the 1904 date system flag, which cell styles show dates
// (styles.xml), and the shared strings table.
import { type ImportLimits, type TextBudget, UnreadableFileError } from "./import-limits.js";
import { attr, readXmlPart } from "./xml-stream.js";
import type { ZipArchive } from "./zip-reader.js";

export type WorkbookInfo = {
  sheetPath: string;
  sharedStringsPath: string | null;
  stylesPath: string | null;
  date1904: boolean;
};

type Limits = Pick<ImportLimits, "maxCellChars">;

const unreadable = (why: string) =>
  new UnreadableFileError(`the file is not a readable .xlsx workbook: ${why}`, "unreadable_file");

/** A relationship's target as a path inside the archive, from the folder of the part that names it. */
export function resolveTarget(fromDir: string, target: string): string {
  const segments = target.startsWith("/") ? [] : fromDir.split("/").filter(Boolean);
  for (const s of target.split("/")) {
    if (s === "" || s === ".") continue;
    if (s === "..") segments.pop();
    else segments.push(s);
  }
  return segments.join("/");
}

const dirOf = (path: string) => path.slice(0, Math.max(0, path.lastIndexOf("/")));
const relsOf = (path: string) =>
  `${dirOf(path) ? `${dirOf(path)}/` : ""}_rels/${path.slice(path.lastIndexOf("/") + 1)}.rels`;

type Relationship = { id: string; type: string; target: string };

async function readRelationships(zip: ZipArchive, path: string, l: Limits): Promise<Relationship[]> {
  const entry = zip.find(path);
  if (!entry) return [];
  const rels: Relationship[] = [];
  await readXmlPart(
    zip,
    entry,
    {
      open(tag, name) {
        if (name !== "Relationship" || attr(tag, "TargetMode") === "External") return;
        // The few a workbook needs: a sheet's relationships are not read.
        if (rels.length < 10_000)
          rels.push({
            id: attr(tag, "Id") ?? "",
            type: attr(tag, "Type") ?? "",
            target: attr(tag, "Target") ?? "",
          });
      },
    },
    l,
  );
  return rels;
}

/** The first sheet (in the workbook's order, hidden or not) and the parts it needs. */
export async function readWorkbookInfo(zip: ZipArchive, l: Limits): Promise<WorkbookInfo> {
  const root = await readRelationships(zip, "_rels/.rels", l);
  const office = root.find((r) => r.type.endsWith("/officeDocument"));
  const workbookPath = office ? resolveTarget("", office.target) : "xl/workbook.xml";
  const workbook = zip.find(workbookPath);
  if (!workbook) throw unreadable(`no workbook part (${workbookPath})`);

  let firstSheetRel: string | null = null;
  let sheets = 0;
  let date1904 = false;
  await readXmlPart(
    zip,
    workbook,
    {
      open(tag, name) {
        if (name === "workbookPr") {
          const v = attr(tag, "date1904");
          date1904 = v === "1" || v === "true";
        } else if (name === "sheet") {
          sheets += 1;
          if (firstSheetRel === null) firstSheetRel = attr(tag, "id") ?? "";
        }
      },
    },
    l,
  );
  if (sheets === 0 || firstSheetRel === null)
    throw new UnreadableFileError("the workbook has no sheet", "empty_file");

  const dir = dirOf(workbookPath);
  const rels = await readRelationships(zip, relsOf(workbookPath), l);
  const sheetRel = rels.find((r) => r.id === firstSheetRel);
  if (!sheetRel) throw unreadable("the first sheet has no part");
  const byType = (suffix: string) => {
    const r = rels.find((x) => x.type.endsWith(suffix));
    return r ? resolveTarget(dir, r.target) : null;
  };
  return {
    sheetPath: resolveTarget(dir, sheetRel.target),
    sharedStringsPath:
      byType("/sharedStrings") ?? (zip.find(`${dir}/sharedStrings.xml`) ? `${dir}/sharedStrings.xml` : null),
    stylesPath: byType("/styles") ?? (zip.find(`${dir}/styles.xml`) ? `${dir}/styles.xml` : null),
    date1904,
  };
}

/** Excel's built-in number formats that show a date or a time. */
const BUILTIN_DATE_FORMATS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47]);

/**
 * A format code shows a date or time when a date token (y m d h s b) stands outside quoted text,
 * [brackets] (colours, locales, elapsed time), and \escaped, _padding and *fill characters.
 */
export function isDateFormatCode(code: string): boolean {
  const bare = code
    .replace(/"[^"]*"/g, "")
    .replace(/\[[^\]]*]/g, "")
    .replace(/[\\_*]./g, "");
  return /[ymdhsb]/i.test(bare);
}

// Excel itself stops at 64,000 cell formats; more is not a workbook Excel wrote.
const MAX_STYLE_RECORDS = 65_536;

/** The indices of cellXfs whose number format shows a date. */
export async function readDateStyles(zip: ZipArchive, path: string | null, l: Limits): Promise<Set<number>> {
  const dates = new Set<number>();
  const entry = path ? zip.find(path) : undefined;
  if (!entry) return dates;
  const custom = new Map<number, boolean>();
  let inCellXfs = false;
  let xf = 0;
  await readXmlPart(
    zip,
    entry,
    {
      open(tag, name) {
        if (name === "numFmt") {
          if (custom.size >= MAX_STYLE_RECORDS) throw unreadable(`${path} defines too many number formats`);
          custom.set(Number(attr(tag, "numFmtId")), isDateFormatCode(attr(tag, "formatCode") ?? ""));
        } else if (name === "cellXfs") inCellXfs = true;
        else if (name === "xf" && inCellXfs) {
          if (xf >= MAX_STYLE_RECORDS) throw unreadable(`${path} defines too many cell formats`);
          const id = Number(attr(tag, "numFmtId") ?? 0);
          if (custom.get(id) ?? BUILTIN_DATE_FORMATS.has(id)) dates.add(xf);
          xf += 1;
        }
      },
      close(name) {
        if (name === "cellXfs") inCellXfs = false;
      },
    },
    l,
  );
  return dates;
}

/** Characters Excel writes as _xHHHH_ (control characters, mostly). */
export const decodeEscapes = (s: string) =>
  s.includes("_x")
    ? s.replace(/_x([0-9A-Fa-f]{4})_/g, (_m, h: string) => String.fromCharCode(Number.parseInt(h, 16)))
    : s;

/** The shared strings table: each <si> as its text, rich-text runs joined, phonetic runs left out. */
export async function readSharedStrings(
  zip: ZipArchive,
  path: string | null,
  l: Limits,
  budget: TextBudget,
): Promise<string[]> {
  const strings: string[] = [];
  const entry = path ? zip.find(path) : undefined;
  if (!entry) return strings;
  const what = "the shared strings of the workbook";
  let pieces: string[] | null = null;
  let inT = false;
  let phonetic = 0;
  await readXmlPart(
    zip,
    entry,
    {
      open(_tag, name) {
        if (name === "si") pieces = [];
        else if (name === "rPh") phonetic += 1;
        else if (name === "t" && pieces && phonetic === 0) inT = true;
      },
      text(text) {
        if (!inT || !pieces) return;
        budget.spend(text.length, what, 0);
        pieces.push(text);
      },
      close(name) {
        if (name === "t") inT = false;
        else if (name === "rPh") phonetic -= 1;
        else if (name === "si" && pieces) {
          budget.spend(0, what);
          strings.push(decodeEscapes(pieces.join("")));
          pieces = null;
        }
      },
    },
    l,
  );
  return strings;
}
