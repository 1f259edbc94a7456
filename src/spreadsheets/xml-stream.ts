// One XML part of a workbook fed to saxes as it inflates. saxes gathers each text, name, attribute
// value, comment and CDATA section whole before handing it over, so the bytes are watched first: no
// run of text or markup may pass `maxToken` characters (a 300 MB one-cell sheet stops at the limit,
// not in saxes' buffer), and a DTD, which no workbook part may hold, is refused.
import { SaxesParser, type SaxesTagPlain } from "saxes";
import { type ImportLimits, limitErrors, UnreadableFileError } from "./import-limits.js";
import type { ZipArchive, ZipEntry } from "./zip-reader.js";

export type XmlHandlers = {
  open?(tag: SaxesTagPlain, name: string): void;
  text?(text: string): void;
  close?(name: string): void;
};

const unreadable = (part: string, why: string) =>
  new UnreadableFileError(`the file is not a readable .xlsx workbook: ${part}: ${why}`, "unreadable_file");

/** The element's name without its namespace prefix (`x:row` → `row`). */
export const localName = (name: string) => {
  const i = name.indexOf(":");
  return i < 0 ? name : name.slice(i + 1);
};

/** An attribute by its local name, whatever its prefix (`r:id`). */
export function attr(tag: SaxesTagPlain, name: string): string | undefined {
  const attributes = tag.attributes;
  const direct = attributes[name];
  if (direct !== undefined) return direct;
  for (const k in attributes)
    if (k.endsWith(name) && k[k.length - name.length - 1] === ":") return attributes[k];
  return undefined;
}

/** Longest run of text or markup: far above any cell, far below what would strain memory. */
export const maxTokenChars = (l: Pick<ImportLimits, "maxCellChars">) =>
  Math.max(64 * 1024, l.maxCellChars * 8);

const TEXT = 0;
const OPEN = 1;
const TAG = 2;
const COMMENT = 3;
const CDATA = 4;

/** Watches the characters before saxes sees them; throws at a run past `max` or at a DTD. */
function createTokenGuard(part: string, max: number, l: Pick<ImportLimits, "maxCellChars">) {
  let state = TEXT;
  let run = 0;
  let head = "";
  let tail = "";
  const over = () => {
    if (state === TEXT) throw limitErrors.textRunTooLong(l, part, max);
    throw unreadable(part, `markup of more than ${max} characters`);
  };
  return (s: string) => {
    let i = 0;
    while (i < s.length) {
      if (state === TEXT || state === TAG) {
        const j = s.indexOf(state === TEXT ? "<" : ">", i);
        const end = j < 0 ? s.length : j;
        run += end - i;
        if (run > max) over();
        if (j < 0) return;
        i = j + 1;
        run = 0;
        head = "";
        state = state === TEXT ? OPEN : TEXT;
      } else if (state === OPEN) {
        head += s[i];
        i += 1;
        if (head[0] !== "!") state = TAG;
        else if (head === "!--") state = COMMENT;
        else if (head === "![CDATA[") state = CDATA;
        else if (!"!--".startsWith(head) && !"![CDATA[".startsWith(head))
          throw unreadable(part, "a DTD (<!DOCTYPE …>) is not allowed in a workbook part");
        if (state !== OPEN) tail = "";
      } else {
        const terminator = state === COMMENT ? "-->" : "]]>";
        const hay = tail + s.slice(i);
        const k = hay.indexOf(terminator);
        if (k < 0) {
          run += s.length - i;
          if (run > max) over();
          tail = hay.slice(-2);
          return;
        }
        i += k + terminator.length - tail.length;
        run = 0;
        state = TEXT;
      }
    }
  };
}

/** A saxes parser over one part, with the guard and UTF-8 decoding in front of it. */
export function createXmlFeeder(part: string, handlers: XmlHandlers, l: Pick<ImportLimits, "maxCellChars">) {
  const parser = new SaxesParser<{ xmlns: false; position: false }>({ xmlns: false, position: false });
  const { open, text, close } = handlers;
  if (open) parser.on("opentag", (t) => open(t, localName(t.name)));
  if (text) {
    parser.on("text", text);
    parser.on("cdata", text);
  }
  if (close) parser.on("closetag", (t) => close(localName(t.name)));
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const guard = createTokenGuard(part, maxTokenChars(l), l);
  const feed = (s: string) => {
    guard(s);
    try {
      parser.write(s);
    } catch (err) {
      if (err instanceof UnreadableFileError) throw err;
      throw unreadable(part, String((err as Error).message).slice(0, 200));
    }
  };
  const decode = (chunk?: Buffer) => {
    try {
      return chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode();
    } catch {
      throw unreadable(part, "not UTF-8 text");
    }
  };
  return {
    write: (chunk: Buffer) => feed(decode(chunk)),
    end() {
      feed(decode());
      try {
        parser.close();
      } catch (err) {
        if (err instanceof UnreadableFileError) throw err;
        throw unreadable(part, String((err as Error).message).slice(0, 200));
      }
    },
  };
}

/** Reads a whole part through the handlers (for the small parts: workbook, relationships, styles). */
export async function readXmlPart(
  zip: ZipArchive,
  entry: ZipEntry,
  handlers: XmlHandlers,
  l: Pick<ImportLimits, "maxCellChars">,
): Promise<void> {
  const feeder = createXmlFeeder(entry.name, handlers, l);
  for await (const chunk of zip.read(entry)) feeder.write(chunk);
  feeder.end();
}
