// An uploaded file as a stream of rows of plain cells: the first sheet of an .xlsx, or a CSV in
// UTF-8. Cells are strings, numbers, Dates (Excel date cells) or null; what they mean is decided
// elsewhere. Both formats are read incrementally under the import's limits, so a file past one
// stops at the first row, cell or byte that breaks it.
import { CsvLimitError, CsvSyntaxError, createCsvParser, detectDelimiter } from "./csv.js";
import { type ImportLimits, limitErrors, type TextBudget, UnreadableFileError } from "./import-limits.js";
import { columnLetter, type FileFormat, type SheetRow } from "./sheet-row.js";
import { readXlsxRows } from "./xlsx-reader.js";

export { UnreadableFileError } from "./import-limits.js";
export { type Cell, columnLetter, type FileFormat, type SheetRow } from "./sheet-row.js";

const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OLE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0]);

/** What the bytes are, whatever the Content-Type said: an .xlsx is a zip archive. */
export function sniffFormat(body: Buffer): FileFormat {
  if (body.subarray(0, 4).equals(ZIP)) return "xlsx";
  if (body.subarray(0, 4).equals(OLE))
    throw new UnreadableFileError(
      "this is an old Excel 97-2003 (.xls) workbook: save it as .xlsx or CSV UTF-8",
      "unsupported_format",
    );
  return "csv";
}

// Decoded and parsed a slice at a time, with a turn of the event loop between slices.
const CSV_SLICE = 64 * 1024;

type Limits = Pick<
  ImportLimits,
  "maxColumns" | "maxCellChars" | "maxPartBytes" | "maxInflateRatio" | "maxZipEntries" | "maxTextChars"
>;

/** CSV records as rows (`row` counts records, as a spreadsheet shows them), one slice at a time. */
async function* readCsvRows(body: Buffer, limits: Limits): AsyncGenerator<SheetRow> {
  // The delimiter of the first record: ',' ';' and tab are ASCII, never inside a UTF-8 sequence.
  const delimiter = detectDelimiter(body.toString("utf8", 0, CSV_SLICE).replace(/^\uFEFF/, ""));
  const ready: SheetRow[] = [];
  let records = 0;
  const parser = createCsvParser(
    delimiter,
    (r) => {
      records += 1;
      ready.push({ row: records, cells: r.fields });
    },
    { maxFields: limits.maxColumns, maxFieldChars: limits.maxCellChars },
  );
  const run = (step: () => void) => {
    try {
      step();
    } catch (e) {
      if (e instanceof CsvSyntaxError)
        throw new UnreadableFileError(`CSV line ${e.line}: ${e.message}`, "csv_syntax", e.line);
      if (e instanceof CsvLimitError)
        throw e.limit === "maxFields"
          ? limitErrors.tooManyColumns(limits, e.record, columnLetter(e.field))
          : limitErrors.cellTooLong(limits, e.record, columnLetter(e.field));
      throw e;
    }
  };
  const decoder = new TextDecoder("utf-8", { fatal: true });
  for (let i = 0; i < body.length; i += CSV_SLICE) {
    let text: string;
    try {
      text = decoder.decode(body.subarray(i, i + CSV_SLICE), { stream: i + CSV_SLICE < body.length });
    } catch {
      throw new UnreadableFileError(
        "the CSV is not UTF-8 text: in Excel, save as 'CSV UTF-8 (Comma delimited)'",
        "not_utf8",
      );
    }
    run(() => parser.push(text));
    yield* ready.splice(0);
    await new Promise((r) => setImmediate(r));
  }
  run(() => parser.end());
  yield* ready.splice(0);
}

/** The rows of the file, as they are read; stop asking and the reading stops. */
export function readSheetRows(
  format: FileFormat,
  body: Buffer,
  limits: Limits,
  budget: TextBudget,
): AsyncGenerator<SheetRow> {
  return format === "xlsx" ? readXlsxRows(body, limits, budget) : readCsvRows(body, limits);
}
