// The zip archive an .xlsx is, read from its central directory over the (bounded) upload. Parts are
// inflated as streams and counted as the bytes come out of zlib: the sizes the headers declare are
// never trusted, so a bomb stops at the part limit or the ratio limit, whichever comes first.
import { createInflateRaw } from "node:zlib";
import { type ImportLimits, limitErrors, UnreadableFileError } from "./import-limits.js";

export type ZipEntry = {
  name: string;
  method: number;
  flags: number;
  compressedSize: number;
  localHeaderOffset: number;
};

export type ZipLimits = Pick<ImportLimits, "maxPartBytes" | "maxInflateRatio" | "maxZipEntries">;

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;
/** Inflated bytes any part may reach whatever its ratio: small parts (styles) deflate very well. */
export const RATIO_GRACE_BYTES = 1024 * 1024;
const CHUNK = 64 * 1024;

const unreadable = (why: string) =>
  new UnreadableFileError(`the file is not a readable .xlsx workbook: ${why}`, "unreadable_file");

/** Opens the archive: the end record, then every central directory record, all within the buffer. */
export function openZip(buf: Buffer, limits: ZipLimits) {
  let eocd = -1;
  for (let i = buf.length - EOCD_SIZE; i >= Math.max(0, buf.length - EOCD_SIZE - MAX_COMMENT); i--) {
    if (buf.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw unreadable("no end of central directory (a cut or damaged file)");
  if (eocd >= 20 && buf.readUInt32LE(eocd - 20) === ZIP64_LOCATOR)
    throw unreadable("zip64 archives are not supported (save the workbook again from Excel)");
  const disk = buf.readUInt16LE(eocd + 4);
  const cdDisk = buf.readUInt16LE(eocd + 6);
  const onDisk = buf.readUInt16LE(eocd + 8);
  const total = buf.readUInt16LE(eocd + 10);
  const cdSize = buf.readUInt32LE(eocd + 12);
  const cdOffset = buf.readUInt32LE(eocd + 16);
  if (total === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff)
    throw unreadable("zip64 archives are not supported (save the workbook again from Excel)");
  if (disk !== 0 || cdDisk !== 0 || onDisk !== total)
    throw unreadable("split zip archives are not supported");
  if (total > limits.maxZipEntries) throw limitErrors.tooManyEntries(limits, total);
  if (cdOffset + cdSize > eocd) throw unreadable("the central directory lies outside the file");

  const entries = new Map<string, ZipEntry>();
  let p = cdOffset;
  for (let k = 0; k < total; k++) {
    if (p + 46 > cdOffset + cdSize || buf.readUInt32LE(p) !== CENTRAL)
      throw unreadable("a damaged central directory");
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    const compressedSize = buf.readUInt32LE(p + 20);
    const nameLength = buf.readUInt16LE(p + 28);
    const extraLength = buf.readUInt16LE(p + 30);
    const commentLength = buf.readUInt16LE(p + 32);
    const localHeaderOffset = buf.readUInt32LE(p + 42);
    const next = p + 46 + nameLength + extraLength + commentLength;
    if (next > cdOffset + cdSize) throw unreadable("a damaged central directory");
    const name = buf.toString("utf8", p + 46, p + 46 + nameLength).replace(/^\/+/, "");
    if (compressedSize === 0xffffffff || localHeaderOffset === 0xffffffff)
      throw unreadable("zip64 archives are not supported (save the workbook again from Excel)");
    const key = name.toLowerCase();
    if (!name.endsWith("/") && !entries.has(key))
      entries.set(key, { name, method, flags, compressedSize, localHeaderOffset });
    p = next;
  }

  /** Where an entry's data lies: after its local header, whose own lengths may differ. */
  function dataOf(e: ZipEntry): Buffer {
    const h = e.localHeaderOffset;
    if (h + 30 > cdOffset || buf.readUInt32LE(h) !== LOCAL) throw unreadable(`${e.name} has no local header`);
    const start = h + 30 + buf.readUInt16LE(h + 26) + buf.readUInt16LE(h + 28);
    if (start + e.compressedSize > cdOffset) throw unreadable(`${e.name} runs past the end of the file`);
    return buf.subarray(start, start + e.compressedSize);
  }

  /** The entry's inflated bytes in chunks, refused past the part size or the ratio limit. */
  async function* read(e: ZipEntry): AsyncGenerator<Buffer> {
    if (e.flags & 0x41) throw unreadable(`${e.name} is encrypted (remove the workbook's password)`);
    if (e.method !== 0 && e.method !== 8)
      throw unreadable(`${e.name} uses compression method ${e.method}; only stored and deflate are read`);
    const data = dataOf(e);
    const l = limits;
    if (e.method === 0) {
      if (data.length > l.maxPartBytes) throw limitErrors.partTooLarge(l, e.name);
      for (let i = 0; i < data.length; i += CHUNK) yield data.subarray(i, i + CHUNK);
      return;
    }
    const inflater = createInflateRaw({ chunkSize: CHUNK });
    inflater.end(data);
    let inflated = 0;
    try {
      for await (const chunk of inflater as AsyncIterable<Buffer>) {
        inflated += chunk.length;
        if (inflated > l.maxPartBytes) throw limitErrors.partTooLarge(l, e.name);
        // Against the compressed bytes zlib has consumed so far: a bomb shows its ratio in its
        // first megabyte, whatever the part's declared size or the padding after its stream.
        const consumed = Math.max(1, inflater.bytesWritten);
        if (inflated > RATIO_GRACE_BYTES && inflated > l.maxInflateRatio * consumed)
          throw limitErrors.compressionRatio(l, e.name, consumed, inflated);
        yield chunk;
      }
    } catch (err) {
      if (err instanceof UnreadableFileError) throw err;
      throw unreadable(`${e.name} cannot be inflated (${(err as Error).message})`);
    } finally {
      inflater.destroy();
    }
  }

  return {
    /** The entry of this path (without a leading slash), compared without case. */
    find: (path: string): ZipEntry | undefined => entries.get(path.replace(/^\/+/, "").toLowerCase()),
    read,
    size: entries.size,
  };
}

export type ZipArchive = ReturnType<typeof openZip>;
