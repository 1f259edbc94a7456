// CSV as RFC 4180 says: fields in double quotes may hold the delimiter, quotes (doubled) and line
// breaks. Import accepts ',' or ';' (Excel writes ';' where the decimal mark is a comma); export
// writes ',' with a UTF-8 byte order mark so Excel shows Vietnamese text.

export type CsvRecord = { line: number; fields: string[] };

/** The delimiter of the first record: whichever of ',' ';' and tab occurs most outside quotes. */
export function detectDelimiter(text: string): string {
  const counts = new Map<string, number>([
    [",", 0],
    [";", 0],
    ["\t", 0],
  ]);
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === "\n" || ch === "\r")) break;
    else if (!quoted && counts.has(ch)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  }
  let best = ",";
  for (const [d, n] of counts) if (n > (counts.get(best) ?? 0)) best = d;
  return best;
}

export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

export type CsvLimits = {
  /** Fields a record may hold; blank fields past it are dropped, a non-blank one is refused. */
  maxFields: number;
  /** Characters of one field, checked as it grows. */
  maxFieldChars: number;
};

const NO_LIMITS: CsvLimits = { maxFields: Number.POSITIVE_INFINITY, maxFieldChars: Number.POSITIVE_INFINITY };

/** A record past a CsvLimits limit: `record` counts from 1, `field` from 0. */
export class CsvLimitError extends Error {
  constructor(
    readonly limit: keyof CsvLimits,
    readonly record: number,
    readonly field: number,
  ) {
    super(`record ${record}, field ${field + 1}: past ${limit}`);
  }
}

/** Where the parser stands between two characters. */
const At = {
  FieldStart: 0,
  Unquoted: 1,
  Quoted: 2,
  /** A quote inside a quoted field: doubled, or the end of the field. */
  QuoteInQuoted: 3,
  AfterQuoted: 4,
  /** A CR ended the record: an LF right after it belongs to it. */
  AfterCr: 5,
} as const;

/**
 * RFC 4180 records from text fed in pieces of any size: each record is handed to `onRecord` as soon
 * as it ends, so only one record is held at a time. A byte order mark at the start is dropped.
 */
export function createCsvParser(delimiter: string, onRecord: (r: CsvRecord) => void, limits = NO_LIMITS) {
  let fields: string[] = [];
  let field = "";
  let at: (typeof At)[keyof typeof At] = At.FieldStart;
  let line = 1;
  let start = 1;
  let opened = 1;
  let records = 0;
  /** Fields of the record so far, kept or dropped. */
  let count = 0;
  let first = true;
  const d = delimiter.charCodeAt(0);

  const grow = (s: string) => {
    field += s;
    if (field.length > limits.maxFieldChars) throw new CsvLimitError("maxFieldChars", records + 1, count);
  };
  const endField = () => {
    if (count < limits.maxFields) fields.push(field);
    else if (field.trim() !== "") throw new CsvLimitError("maxFields", records + 1, count);
    count += 1;
    field = "";
    at = At.FieldStart;
  };
  const endRecord = () => {
    endField();
    records += 1;
    const r = { line: start, fields };
    fields = [];
    count = 0;
    onRecord(r);
  };
  const newline = (c: number) => {
    endRecord();
    line += 1;
    start = line;
    at = c === 13 ? At.AfterCr : At.FieldStart;
  };

  function push(input: string) {
    let text = input;
    if (first && text.length > 0) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const n = text.length;
    let i = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      switch (at) {
        case At.AfterCr:
          at = At.FieldStart;
          if (c === 10) i += 1;
          break;
        case At.FieldStart:
          if (c === 34) {
            at = At.Quoted;
            opened = line;
            i += 1;
            break;
          }
          if (c === d) {
            endField();
            i += 1;
          } else if (c === 13 || c === 10) {
            newline(c);
            i += 1;
          } else at = At.Unquoted;
          break;
        case At.Unquoted: {
          let j = i;
          while (j < n) {
            const x = text.charCodeAt(j);
            if (x === d || x === 13 || x === 10) break;
            j += 1;
          }
          grow(text.slice(i, j));
          i = j;
          if (j < n) {
            const x = text.charCodeAt(j);
            i += 1;
            if (x === d) endField();
            else newline(x);
          }
          break;
        }
        case At.Quoted: {
          const q = text.indexOf('"', i);
          const end = q < 0 ? n : q;
          const piece = text.slice(i, end);
          for (let k = piece.indexOf("\n"); k >= 0; k = piece.indexOf("\n", k + 1)) line += 1;
          grow(piece);
          i = end;
          if (q >= 0) {
            i += 1;
            at = At.QuoteInQuoted;
          }
          break;
        }
        case At.QuoteInQuoted:
          if (c === 34) {
            grow('"');
            i += 1;
            at = At.Quoted;
          } else at = At.AfterQuoted;
          break;
        case At.AfterQuoted:
          if (c === d) endField();
          else if (c === 13 || c === 10) newline(c);
          else throw new CsvSyntaxError("a closing quote must end the field", line);
          i += 1;
          break;
      }
    }
  }

  function end() {
    if (at === At.Quoted) throw new CsvSyntaxError("a quoted field is never closed", opened);
    if (at === At.QuoteInQuoted || at === At.AfterQuoted || at === At.Unquoted || fields.length > 0)
      endRecord();
  }

  return { push, end };
}

/** Records with the line each starts on; a byte order mark is dropped. */
export function parseCsv(input: string, delimiter = detectDelimiter(input.replace(/^\uFEFF/, ""))) {
  const records: CsvRecord[] = [];
  const parser = createCsvParser(delimiter, (r) => records.push(r));
  parser.push(input);
  parser.end();
  return records;
}

function quote(value: string): string {
  return /[",\r\n;]/.test(value) || /^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export type CsvValue = string | number | bigint | null | undefined;

/**
 * Text that a spreadsheet would run as a formula (=, +, -, @ first) gets a leading apostrophe;
 * numbers are written as they are. Amounts are bigint: their plain digits, unquoted, at any size
 * (never through a float, never "1e+21"), which the import reads back as the same whole đồng.
 */
function cell(v: CsvValue): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "bigint") return v.toString();
  if (typeof v !== "string") return String(v);
  return quote(/^[=+\-@\t\r]/.test(v) ? `'${v}` : v);
}

/** A CSV file: BOM, ',' between fields, CRLF between records, fields quoted where they need it. */
export function writeCsv(rows: readonly (readonly CsvValue[])[]): Buffer {
  const text = rows.map((r) => r.map(cell).join(",")).join("\r\n");
  return Buffer.from(`\uFEFF${text}\r\n`, "utf8");
}
