// The first sheet of an .xlsx as rows of plain cells, read as the sheet inflates: each row is handed
// over when its </row> is parsed, and the reading stops at </sheetData> or as soon as the consumer
// stops asking. The values are those ExcelJS gave: text, numbers, Dates for date-formatted numbers
// (and formula results), "TRUE"/"FALSE", error codes such as "#N/A", cached results of formulas.
import { type ImportLimits, limitErrors, type TextBudget, UnreadableFileError } from "./import-limits.js";
import { type Cell, columnLetter, type SheetRow } from "./sheet-row.js";
import { decodeEscapes, readDateStyles, readSharedStrings, readWorkbookInfo } from "./xlsx-parts.js";
import { attr, createXmlFeeder } from "./xml-stream.js";
import { openZip } from "./zip-reader.js";

const MS_PER_DAY = 86_400_000;
// Excel's day 0 (1899-12-30) in Unix days; the 1904 system counts from 1462 days later.
const EXCEL_EPOCH_DAYS = 25_569;
const DAYS_1904 = 1462;

/** As ExcelJS converts: the serial's instant in UTC, rounded to the millisecond. */
export function excelToDate(serial: number, date1904: boolean): Date {
  return new Date(Math.round((serial - EXCEL_EPOCH_DAYS + (date1904 ? DAYS_1904 : 0)) * MS_PER_DAY));
}

/** The 0-based column of a reference such as "AB12"; -1 when it has no letters. */
export function columnIndexOf(ref: string): number {
  let n = 0;
  let i = 0;
  for (; i < ref.length && i < 4; i++) {
    const c = ref.charCodeAt(i) & ~32; // upper case
    if (c < 65 || c > 90) break;
    n = n * 26 + (c - 64);
  }
  return i === 0 ? -1 : n - 1;
}

// Excel's own bounds: a sheet has at most 1,048,576 rows and 16,384 columns (A to XFD), rows in
// ascending order and cells in ascending columns. A file outside them is not a sheet Excel wrote;
// refusing it at once also stops bombs that repeat one row or one cell.
const EXCEL_MAX_ROWS = 1_048_576;
const EXCEL_MAX_COLUMNS = 16_384;

const unreadable = (why: string) =>
  new UnreadableFileError(`the file is not a readable .xlsx workbook: ${why}`, "unreadable_file");

type Limits = Pick<
  ImportLimits,
  "maxColumns" | "maxCellChars" | "maxPartBytes" | "maxInflateRatio" | "maxZipEntries" | "maxTextChars"
>;

export async function* readXlsxRows(
  body: Buffer,
  limits: Limits,
  budget: TextBudget,
): AsyncGenerator<SheetRow> {
  const zip = openZip(body, limits);
  const info = await readWorkbookInfo(zip, limits);
  const sheet = zip.find(info.sheetPath);
  if (!sheet) throw unreadable(`no part ${info.sheetPath} for the first sheet`);
  const dateStyles = await readDateStyles(zip, info.stylesPath, limits);
  const shared = await readSharedStrings(zip, info.sharedStringsPath, limits, budget);

  const ready: SheetRow[] = [];
  let done = false;
  let rowNumber = 0;
  let cells: Cell[] = [];
  let hasValue = false;
  // The cell being read.
  let col = -1;
  let type = "n";
  let style = 0;
  let formula = false;
  let v: string[] | null = null;
  let inline: string[] | null = null;
  let inV = false;
  let inT = false;
  let phonetic = 0;
  /** Characters gathered for the cell so far: refused as they pass the cell limit. */
  let gathered = 0;

  const textOf = (parts: string[]) => {
    const s = parts.length === 1 ? parts[0]! : parts.join("");
    if (s.length > limits.maxCellChars) throw limitErrors.cellTooLong(limits, rowNumber, columnLetter(col));
    return s;
  };
  const number = (s: string): Cell => {
    const n = Number.parseFloat(s);
    return dateStyles.has(style) ? excelToDate(n, info.date1904) : n;
  };

  /** The cell's value as ExcelJS gave it, or undefined for a cell without one. */
  function cellValue(): Cell | undefined {
    if (formula) {
      // A formula's cached result; none when it was never calculated.
      if (!v || v.length === 0) return null;
      const s = textOf(v);
      if (s === "") return null;
      if (type === "str") return s;
      if (type === "b") return Number.parseInt(s, 10) !== 0 ? "TRUE" : "FALSE";
      if (type === "e") return s;
      return number(s);
    }
    if (type === "inlineStr") return inline ? decodeEscapes(textOf(inline)) : v ? textOf(v) : undefined;
    if (!v || v.length === 0) return undefined;
    const s = textOf(v);
    switch (type) {
      case "s": {
        const str = shared[Number.parseInt(s, 10)];
        if (str === undefined)
          throw unreadable(`cell ${columnLetter(col)}${rowNumber} names a shared string the workbook lacks`);
        if (str.length > limits.maxCellChars)
          throw limitErrors.cellTooLong(limits, rowNumber, columnLetter(col));
        return str;
      }
      case "str":
      case "e":
        return s;
      case "b":
        return Number.parseInt(s, 10) !== 0 ? "TRUE" : "FALSE";
      case "d": {
        const d = new Date(s);
        return Number.isNaN(d.getTime()) ? s : d;
      }
      default:
        return number(s);
    }
  }

  const feeder = createXmlFeeder(
    sheet.name,
    {
      open(tag, name) {
        switch (name) {
          case "row": {
            const r = attr(tag, "r");
            const n = r === undefined ? rowNumber + 1 : Number(r);
            if (!Number.isInteger(n) || n <= rowNumber || n > EXCEL_MAX_ROWS)
              throw unreadable(
                `row "${String(r).slice(0, 20)}" after row ${rowNumber} (rows 1 to ${EXCEL_MAX_ROWS}, in order)`,
              );
            rowNumber = n;
            cells = [];
            hasValue = false;
            col = -1;
            break;
          }
          case "c": {
            const r = attr(tag, "r");
            const c = r === undefined ? col + 1 : columnIndexOf(r);
            if (c <= col || c >= EXCEL_MAX_COLUMNS)
              throw unreadable(
                `cell "${String(r).slice(0, 20)}" of row ${rowNumber} (columns A to XFD, in order)`,
              );
            col = c;
            type = attr(tag, "t") ?? "n";
            style = Number(attr(tag, "s") ?? 0);
            formula = false;
            v = null;
            inline = null;
            gathered = 0;
            break;
          }
          case "f":
            formula = true;
            break;
          case "v":
            v = [];
            inV = true;
            break;
          case "is":
            inline = [];
            break;
          case "rPh":
            phonetic += 1;
            break;
          case "t":
            if (inline && phonetic === 0) inT = true;
            break;
        }
      },
      text(text) {
        if (!inV && !inT) return;
        gathered += text.length;
        if (gathered > limits.maxCellChars)
          throw limitErrors.cellTooLong(limits, rowNumber, columnLetter(col));
        (inV ? v : inline)!.push(text);
      },
      close(name) {
        switch (name) {
          case "v":
            inV = false;
            break;
          case "t":
            inT = false;
            break;
          case "rPh":
            phonetic -= 1;
            break;
          case "c": {
            const value = cellValue();
            if (value === undefined) break;
            const blank = value === null || (typeof value === "string" && value.trim() === "");
            if (col >= limits.maxColumns) {
              // A blank cell far to the right (a formatted column) is left out, not refused.
              if (!blank) throw limitErrors.tooManyColumns(limits, rowNumber, columnLetter(col));
              break;
            }
            cells[col] = value;
            hasValue = true;
            break;
          }
          case "row":
            if (hasValue) ready.push({ row: rowNumber, cells: Array.from(cells, (c) => c ?? null) });
            break;
          case "sheetData":
            done = true;
            break;
        }
      },
    },
    limits,
  );

  for await (const chunk of zip.read(sheet)) {
    feeder.write(chunk);
    yield* ready.splice(0);
    if (done) return;
  }
  feeder.end();
  yield* ready;
}
