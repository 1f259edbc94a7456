// What one uploaded file may hold. Every limit is checked while the file is read, before the memory
// it guards is spent: a file past one is refused with the rule and the setting that stopped it.
import { MAX_IMPORT_ROWS } from "./columns.js";

export type ImportLimits = {
  /** Bytes of the upload as sent (IMPORT_MAX_BYTES); past it the answer is 413. */
  maxBytes: number;
  /** Non-blank data rows below the header (IMPORT_MAX_ROWS). */
  maxRows: number;
  /** Columns a non-blank cell may sit in: A up to this many (IMPORT_MAX_COLUMNS). */
  maxColumns: number;
  /** Characters of one cell (IMPORT_MAX_CELL_CHARS). */
  maxCellChars: number;
  /** Bytes one part of an .xlsx may inflate to (IMPORT_MAX_PART_BYTES). */
  maxPartBytes: number;
  /** Inflated ÷ compressed size of one part of an .xlsx (IMPORT_MAX_INFLATE_RATIO). */
  maxInflateRatio: number;
  /** Entries of the zip archive an .xlsx is (IMPORT_MAX_ZIP_ENTRIES). */
  maxZipEntries: number;
  /** Characters of text kept while reading, each string counting 16 more (IMPORT_MAX_TEXT_CHARS). */
  maxTextChars: number;
};

export const DEFAULT_IMPORT_LIMITS: ImportLimits = {
  maxBytes: 10 * 1024 * 1024,
  maxRows: MAX_IMPORT_ROWS,
  maxColumns: 64,
  // Above the longest field an import takes (a 1,000-character note), so that field keeps its own rule.
  maxCellChars: 2000,
  // A 20,000-row sheet of the template's columns inflates to about 7 MB; 32 MiB of dense markup
  // parses in about two seconds.
  maxPartBytes: 32 * 1024 * 1024,
  // Sheets of real reports deflate about 8 to 1; a bomb deflates about 1,000 to 1.
  maxInflateRatio: 100,
  maxZipEntries: 1000,
  maxTextChars: 16_000_000,
};

/** What a string costs to keep beyond its characters (object header, array slot), in characters. */
export const STRING_OVERHEAD_CHARS = 16;

/** The file cannot be read at all (not a workbook, not UTF-8, broken quoting, past a limit). */
export class UnreadableFileError extends Error {
  constructor(
    message: string,
    readonly rule: string,
    readonly row: number | null = null,
  ) {
    super(message);
  }
}

/** The upload itself is larger than IMPORT_MAX_BYTES: answered 413 before the file is read. */
export class UploadTooLargeError extends Error {
  readonly statusCode = 413;
  readonly code = "file_too_large";
  constructor(readonly limit: number) {
    super(
      `the file is larger than ${limit} bytes (${mib(limit)}), the most one import may send (IMPORT_MAX_BYTES)`,
    );
  }
}

const mib = (n: number) => `${Number((n / 1024 / 1024).toFixed(1))} MiB`;

/** The errors of each limit, with the value and the setting named in the message. */
export const limitErrors = {
  tooManyRows: (l: Pick<ImportLimits, "maxRows">, row: number) =>
    new UnreadableFileError(
      `the file holds more than ${l.maxRows} data rows (row ${row} is one too many); at most ${l.maxRows} per import (IMPORT_MAX_ROWS)`,
      "too_many_rows",
      row,
    ),
  tooManyColumns: (l: Pick<ImportLimits, "maxColumns">, row: number, column: string) =>
    new UnreadableFileError(
      `row ${row} holds a value in column ${column}; at most ${l.maxColumns} columns per row (IMPORT_MAX_COLUMNS)`,
      "too_many_columns",
      row,
    ),
  cellTooLong: (l: Pick<ImportLimits, "maxCellChars">, row: number, column: string | null) =>
    new UnreadableFileError(
      `${column ? `cell ${column}${row}` : `a cell of row ${row}`} holds more than ${l.maxCellChars} characters; at most ${l.maxCellChars} per cell (IMPORT_MAX_CELL_CHARS)`,
      "cell_too_long",
      row,
    ),
  textRunTooLong: (l: Pick<ImportLimits, "maxCellChars">, part: string, max: number) =>
    new UnreadableFileError(
      `${part} holds a text of more than ${max} characters; at most ${l.maxCellChars} per cell (IMPORT_MAX_CELL_CHARS)`,
      "cell_too_long",
    ),
  partTooLarge: (l: Pick<ImportLimits, "maxPartBytes">, part: string) =>
    new UnreadableFileError(
      `${part} inflates to more than ${l.maxPartBytes} bytes (${mib(l.maxPartBytes)}); at most that per part of a workbook (IMPORT_MAX_PART_BYTES)`,
      "part_too_large",
    ),
  compressionRatio: (
    l: Pick<ImportLimits, "maxInflateRatio">,
    part: string,
    compressed: number,
    inflated: number,
  ) =>
    new UnreadableFileError(
      `${part} inflates to ${inflated} bytes from ${compressed} compressed bytes, ${Math.floor(inflated / Math.max(1, compressed))} times as many; at most ${l.maxInflateRatio} times (IMPORT_MAX_INFLATE_RATIO)`,
      "compression_ratio",
    ),
  tooManyEntries: (l: Pick<ImportLimits, "maxZipEntries">, entries: number) =>
    new UnreadableFileError(
      `the workbook is a zip archive of ${entries} entries; at most ${l.maxZipEntries} (IMPORT_MAX_ZIP_ENTRIES)`,
      "too_many_entries",
    ),
  tooMuchText: (l: Pick<ImportLimits, "maxTextChars">, what: string) =>
    new UnreadableFileError(
      `${what} hold more than ${l.maxTextChars} characters of text (each string counting ${STRING_OVERHEAD_CHARS} more); at most that per import (IMPORT_MAX_TEXT_CHARS)`,
      "too_much_text",
    ),
};

/** Characters of text one import keeps: spent as strings are kept, refused past the limit. */
export function createTextBudget(l: Pick<ImportLimits, "maxTextChars">) {
  let spent = 0;
  return {
    /** `chars` more characters in `strings` more strings (0 while a string is still growing). */
    spend(chars: number, what: string, strings = 1) {
      spent += chars + strings * STRING_OVERHEAD_CHARS;
      if (spent > l.maxTextChars) throw limitErrors.tooMuchText(l, what);
    },
    get spent() {
      return spent;
    },
  };
}

export type TextBudget = ReturnType<typeof createTextBudget>;
