// The streaming CSV parser: fed in pieces of any size it reads what the whole-text parser the
// service used before read (kept here as the oracle), and it stops at the first field or record
// past its limits.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  CsvLimitError,
  type CsvLimits,
  type CsvRecord,
  createCsvParser,
  detectDelimiter,
  parseCsv,
  writeCsv,
} from "./csv.js";

/** The parser the service used before streaming, unchanged: the whole text at once. */
function referenceParse(input: string, delimiter: string): CsvRecord[] {
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
      i += 1;
      const opened = line;
      for (;;) {
        if (i >= text.length) throw new Error(`${opened}: a quoted field is never closed`);
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
        throw new Error(`${line}: a closing quote must end the field`);
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

/** The streaming parser fed `text` cut at the given points. */
function streamParse(text: string, delimiter: string, cuts: number[] = [], limits?: CsvLimits): CsvRecord[] {
  const records: CsvRecord[] = [];
  const parser = createCsvParser(delimiter, (r) => records.push(r), limits);
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    parser.push(text.slice(at, cut));
    at = cut;
  }
  parser.push(text.slice(at));
  parser.end();
  return records;
}

const outcome = (run: () => CsvRecord[]) => {
  try {
    return { records: run() };
  } catch (e) {
    const m = /^(?:(\d+): )?(.*)$/.exec((e as Error).message)!;
    return { error: m[2], line: (e as { line?: number }).line ?? Number(m[1]) };
  }
};

describe("streaming CSV", () => {
  it("reads what the whole-text parser read, however the text is cut", () => {
    const text = fc.string({
      unit: fc.constantFrom("a", "b", ",", ";", '"', "\r", "\n", " ", "ệ", "\uFEFF"),
      maxLength: 60,
    });
    fc.assert(
      fc.property(text, fc.array(fc.nat(60)), fc.constantFrom(",", ";"), (t, cuts, d) => {
        const want = outcome(() => referenceParse(t, d));
        const got = outcome(() =>
          streamParse(
            t,
            d,
            cuts.map((c) => c % (t.length + 1)),
          ),
        );
        expect(got).toEqual(want);
      }),
      { numRuns: 3000 },
    );
  });

  it("hands each record over as soon as it ends", () => {
    const seen: string[][] = [];
    const parser = createCsvParser(",", (r) => seen.push(r.fields));
    parser.push("a,b\r");
    expect(seen).toEqual([["a", "b"]]);
    parser.push('\n"c\r\n');
    expect(seen).toHaveLength(1);
    parser.push('d",e');
    parser.end();
    expect(seen).toEqual([
      ["a", "b"],
      ["c\r\nd", "e"],
    ]);
  });

  it("refuses a field past its length as it grows, quoted or not, naming record and field", () => {
    const limits = { maxFields: 10, maxFieldChars: 5 };
    expect(() => streamParse("ab,cdefgh\r\n", ",", [], limits)).toThrow(CsvLimitError);
    expect(() => streamParse('x\r\n1,"123456', ",", [9], limits)).toThrow(
      expect.objectContaining({ limit: "maxFieldChars", record: 2, field: 1 }),
    );
    expect(streamParse("12345,\r\n", ",", [], limits)).toEqual([{ line: 1, fields: ["12345", ""] }]);
  });

  it("drops blank fields past the last column and refuses a value there", () => {
    const limits = { maxFields: 3, maxFieldChars: 100 };
    expect(streamParse(`a,b,c,,  ,""${",".repeat(10_000)}\r\n`, ",", [], limits)).toEqual([
      { line: 1, fields: ["a", "b", "c"] },
    ]);
    expect(() => streamParse("a,b,c\r\n1,2,3,,x\r\n", ",", [], limits)).toThrow(
      expect.objectContaining({ limit: "maxFields", record: 2, field: 4 }),
    );
  });

  it("finds the delimiter of the first record outside quotes", () => {
    expect(detectDelimiter('"a,b";c;d\n1,2,3,4,5')).toBe(";");
    expect(detectDelimiter("a\tb\tc")).toBe("\t");
    expect(detectDelimiter("a")).toBe(",");
  });
});

describe("CSV quoting", () => {
  it("reads RFC 4180 quoting, CRLF or LF, a BOM, and ';' when the header uses it", () => {
    const text = '\uFEFFa;b;c\r\n"x;1";"say ""hi""";"two\nlines"\n;;\n';
    expect(detectDelimiter(text.slice(1))).toBe(";");
    expect(parseCsv(text).map((r) => [r.line, r.fields])).toEqual([
      [1, ["a", "b", "c"]],
      [2, ["x;1", 'say "hi"', "two\nlines"]],
      [4, ["", "", ""]],
    ]);
    expect(() => parseCsv('a,b\n"open,1\n')).toThrow(/never closed/);
  });

  it("writes a BOM, quotes what needs it, and defuses formulas in text", () => {
    const out = writeCsv([
      ["Tên", "Số"],
      ['Sở "A", B', 1_000n],
      ["=SUM(A1)", -5],
    ]).toString("utf8");
    expect(out).toBe('\uFEFFTên,Số\r\n"Sở ""A"", B",1000\r\n\'=SUM(A1),-5\r\n');
    expect(parseCsv(out)[1]?.fields).toEqual(['Sở "A", B', "1000"]);
  });
});
