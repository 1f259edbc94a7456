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

/** Records with the line each starts on; a byte order mark is dropped. */
export function parseCsv(input: string, delimiter = detectDelimiter(input.replace(/^\uFEFF/, ""))) {
  const text = input.replace(/^\uFEFF/, "");
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = "";
  let line = 1;
  let start = 1;
  let i = 0;
  let atFieldStart = true;
  const endField = () => {
    fields.push(field);
    field = "";
    atFieldStart = true;
  };
  const endRecord = () => {
    endField();
    records.push({ line: start, fields });
    fields = [];
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (atFieldStart && ch === '"') {
      // A quoted field runs to the next lone quote.
      i += 1;
      const opened = line;
      for (;;) {
        if (i >= text.length) throw new CsvSyntaxError("a quoted field is never closed", opened);
        const c = text[i]!;
        if (c === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        if (c === "\n") line += 1;
        field += c;
        i += 1;
      }
      atFieldStart = false;
      const next = text[i];
      if (next !== undefined && next !== delimiter && next !== "\n" && next !== "\r")
        throw new CsvSyntaxError("a closing quote must end the field", line);
      continue;
    }
    if (ch === delimiter) {
      endField();
      i += 1;
    } else if (ch === "\r" || ch === "\n") {
      endRecord();
      i += ch === "\r" && text[i + 1] === "\n" ? 2 : 1;
      line += 1;
      start = line;
    } else {
      field += ch;
      atFieldStart = false;
      i += 1;
    }
  }
  if (field !== "" || fields.length > 0 || !atFieldStart) endRecord();
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
