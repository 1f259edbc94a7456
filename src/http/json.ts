// JSON with BigInt amounts written as plain integers: JSON.stringify cannot, and amounts above
// 2^53 must not pass through a float on the way out.
export function stringifyJson(value: unknown): string {
  return write(value) ?? "null";
}

// Keys are few and repeat in every item of a list: each is quoted once. Request bodies are written
// here too (idempotency hashes), so the keys kept are bounded; others are quoted each time.
const quotedKeys = new Map<string, string>();
function quoted(key: string): string {
  let q = quotedKeys.get(key);
  if (q === undefined) {
    q = JSON.stringify(key);
    if (quotedKeys.size < 2048) quotedKeys.set(key, q);
  }
  return q;
}

// Concatenation, not arrays of parts joined: a batch answer of 100 entries spent 4.6% of the
// service's time here, much of it building and collecting those arrays.
function write(value: unknown): string | undefined {
  switch (typeof value) {
    case "bigint":
      return value.toString();
    case "string":
      return JSON.stringify(value);
    case "number":
      return Number.isFinite(value) ? String(value) : "null";
    case "boolean":
      return value ? "true" : "false";
    case "undefined":
    case "function":
    case "symbol":
      return undefined;
  }
  if (value === null) return "null";
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) out += `${i > 0 ? "," : ""}${write(value[i]) ?? "null"}`;
    return `${out}]`;
  }
  let out = "{";
  let first = true;
  const record = value as Record<string, unknown>;
  for (const k in record) {
    if (!Object.hasOwn(record, k)) continue;
    const s = write(record[k]);
    if (s === undefined) continue;
    out += `${first ? "" : ","}${quoted(k)}:${s}`;
    first = false;
  }
  return `${out}}`;
}

/** Arrays at least this long are written element by element, yielding between slices. */
const LONG_ARRAY = 64;
/** Longest stretch of writing before the event loop gets a turn. */
const SLICE_MS = 4;

/**
 * The same text as stringifyJson, in pieces: long arrays (a province's at-risk list runs to
 * megabytes) are written a few elements at a time, and the thread that serves HTTP gets a turn
 * every few milliseconds, so a health check or a post is not kept waiting behind one big answer.
 */
export async function* jsonSlices(value: unknown): AsyncGenerator<string> {
  let pending = "";
  let since = performance.now();
  async function* walk(v: unknown): AsyncGenerator<string> {
    if (Array.isArray(v) && v.length >= LONG_ARRAY) {
      pending += "[";
      for (let i = 0; i < v.length; i++) {
        if (i > 0) pending += ",";
        pending += write(v[i]) ?? "null";
        if (performance.now() - since > SLICE_MS) {
          yield pending;
          pending = "";
          await new Promise((r) => setImmediate(r));
          since = performance.now();
        }
      }
      pending += "]";
      return;
    }
    if (v === null || typeof v !== "object" || Array.isArray(v) || v instanceof Date) {
      pending += write(v) ?? "null";
      return;
    }
    pending += "{";
    let first = true;
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (x === undefined || typeof x === "function" || typeof x === "symbol") continue;
      pending += `${first ? "" : ","}${quoted(k)}:`;
      first = false;
      yield* walk(x);
    }
    pending += "}";
  }
  yield* walk(value);
  if (pending) yield pending;
}
