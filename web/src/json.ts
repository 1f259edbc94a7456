// JSON with exact amounts. The API writes amounts (whole đồng) as plain JSON integers, and a
// province's totals can pass 2^53, where `JSON.parse` would silently round them to a double
// (10,808,639,105,689,189 read as ...188). This parser reads the values of the named amount keys
// as BigInt from their digits, and refuses, rather than rounds, any other integer a double
// cannot hold. Bounded: nesting depth and the length of a number literal are limited, so a
// hostile or broken answer fails fast instead of exhausting the stack or the CPU.

export class JsonParseError extends SyntaxError {
  override name = "JsonParseError";
}

export type JsonParseOptions = {
  /** Keys whose numbers (or arrays of numbers) are whole amounts, read as bigint. */
  bigintKeys?: ReadonlySet<string>;
  /** Deepest nesting of objects and arrays accepted; 64 by default. */
  maxDepth?: number;
};

/** Long enough for any amount the service can hold (far below 10^30), short enough to bound BigInt(). */
const MAX_NUMBER_LENGTH = 40;
const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
const LITERALS = [
  ["true", true],
  ["false", false],
  ["null", null],
] as const;

export function parseJson(text: string, options: JsonParseOptions = {}): unknown {
  const bigintKeys = options.bigintKeys ?? new Set<string>();
  const maxDepth = options.maxDepth ?? 64;
  let pos = 0;

  const fail = (what: string): never => {
    throw new JsonParseError(`${what} at position ${pos}`);
  };

  const skipSpace = () => {
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
      pos += 1;
    }
  };

  const readString = (): string => {
    const start = pos;
    pos += 1; // the opening quote
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c === 0x22) {
        pos += 1;
        // The token is delimited; JSON.parse decodes its escapes exactly as the standard says.
        try {
          return JSON.parse(text.slice(start, pos)) as string;
        } catch {
          return fail("Invalid escape in string");
        }
      }
      if (c < 0x20) fail("Control character in string");
      pos += c === 0x5c ? 2 : 1;
    }
    return fail("Unterminated string");
  };

  const readNumber = (amount: boolean): number | bigint => {
    NUMBER.lastIndex = pos;
    const m = NUMBER.exec(text);
    if (!m) return fail("Unexpected character");
    const raw = m[0];
    if (raw.length > MAX_NUMBER_LENGTH) fail("Number too long");
    const whole = m[1] === undefined && m[2] === undefined;
    if (amount) {
      if (!whole) fail(`Amount ${raw} is not a whole number of đồng`);
      pos += raw.length;
      return BigInt(raw);
    }
    const n = Number(raw);
    if (whole && !Number.isSafeInteger(n)) fail(`Integer ${raw} would lose digits as a number`);
    pos += raw.length;
    return n;
  };

  const readValue = (depth: number, amount: boolean): unknown => {
    skipSpace();
    const c = text[pos];
    if (c === "{") return readObject(depth + 1);
    if (c === "[") return readArray(depth + 1, amount);
    if (c === '"') return readString();
    if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) return readNumber(amount);
    for (const [word, value] of LITERALS) {
      if (text.startsWith(word, pos)) {
        pos += word.length;
        return value;
      }
    }
    return fail(c === undefined ? "Unexpected end of JSON" : "Unexpected character");
  };

  const readArray = (depth: number, amount: boolean): unknown[] => {
    if (depth > maxDepth) fail("Nesting too deep");
    pos += 1;
    const out: unknown[] = [];
    skipSpace();
    if (text[pos] === "]") {
      pos += 1;
      return out;
    }
    for (;;) {
      // An array under an amount key is a column of amounts (the chart's daily series).
      out.push(readValue(depth, amount));
      skipSpace();
      const c = text[pos];
      pos += 1;
      if (c === "]") return out;
      if (c !== ",") fail("Expected ',' or ']'");
    }
  };

  const readObject = (depth: number): Record<string, unknown> => {
    if (depth > maxDepth) fail("Nesting too deep");
    pos += 1;
    const out: Record<string, unknown> = {};
    skipSpace();
    if (text[pos] === "}") {
      pos += 1;
      return out;
    }
    for (;;) {
      skipSpace();
      if (text[pos] !== '"') fail("Expected a key");
      const key = readString();
      skipSpace();
      if (text[pos] !== ":") fail("Expected ':'");
      pos += 1;
      const value = readValue(depth, bigintKeys.has(key));
      // An own property even for "__proto__", as JSON.parse makes it: never the prototype.
      Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      skipSpace();
      const c = text[pos];
      pos += 1;
      if (c === "}") return out;
      if (c !== ",") fail("Expected ',' or '}'");
    }
  };

  const value = readValue(0, false);
  skipSpace();
  if (pos < text.length) fail("Unexpected data after JSON");
  return value;
}
