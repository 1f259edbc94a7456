// Import files built on the fly: hostile ones (issue 12's probe: a CSV of 1,000,000 rows, an .xlsx of
// 200,000 one-cell rows, an .xlsx whose sheet inflates to hundreds of MB; and a row too wide, a cell
// too long, a body over the byte limit) and a legitimate import of 20,000 rows. The .xlsx files are
// assembled by hand (a zip writer of stored and deflated entries), so a bomb costs a few hundred KB
// and a few milliseconds to build: its deflate stream is one small block repeated.
import { constants, crc32, deflateRawSync } from "node:zlib";
import ExcelJS from "exceljs";

export const ALLOCATION_KEYS = [
  "unitCode",
  "program",
  "planYear",
  "carriedOverFrom",
  "source",
  "capitalType",
  "amount",
  "decisionRef",
  "decidedOn",
];

/** A part of a zip: its bytes, or a deflate stream made elsewhere with the size it claims. */
export type ZipPart =
  | { name: string; data: Buffer | string; store?: boolean }
  | { name: string; deflated: Buffer; claimedSize: number };

/** A zip archive of the parts (no data descriptors, no zip64), as an .xlsx is one. */
export function buildZip(parts: ZipPart[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const p of parts) {
    const name = Buffer.from(p.name, "utf8");
    let method: number;
    let body: Buffer;
    let size: number;
    let crc: number;
    if ("deflated" in p) {
      method = 8;
      body = p.deflated;
      size = p.claimedSize;
      crc = 0;
    } else {
      const raw = typeof p.data === "string" ? Buffer.from(p.data, "utf8") : p.data;
      method = p.store ? 0 : 8;
      body = p.store ? raw : deflateRawSync(raw);
      size = raw.length;
      crc = crc32(raw);
    }
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size >>> 0, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc >>> 0, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size >>> 0, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const PKG = "http://schemas.openxmlformats.org/package/2006/relationships";

export const escapeXml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** The parts of a one-sheet workbook around the sheet given. */
export function xlsxOf(
  sheet: string | Buffer | { deflated: Buffer; claimedSize: number },
  extra: { styles?: string; sharedStrings?: string; date1904?: boolean } = {},
): Buffer {
  const rels = [
    `<Relationship Id="rId1" Type="${REL}/worksheet" Target="worksheets/sheet1.xml"/>`,
    ...(extra.styles ? [`<Relationship Id="rId2" Type="${REL}/styles" Target="styles.xml"/>`] : []),
    ...(extra.sharedStrings
      ? [`<Relationship Id="rId3" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/>`]
      : []),
  ];
  const parts: ZipPart[] = [
    {
      name: "[Content_Types].xml",
      data: `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>`,
    },
    {
      name: "_rels/.rels",
      data: `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${PKG}"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    },
    {
      name: "xl/workbook.xml",
      data: `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${MAIN}" xmlns:r="${REL}">${extra.date1904 ? '<workbookPr date1904="1"/>' : ""}<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    },
    {
      name: "xl/_rels/workbook.xml.rels",
      data: `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${PKG}">${rels.join("")}</Relationships>`,
    },
    typeof sheet === "string" || Buffer.isBuffer(sheet)
      ? { name: "xl/worksheets/sheet1.xml", data: sheet }
      : { name: "xl/worksheets/sheet1.xml", ...sheet },
    ...(extra.styles ? [{ name: "xl/styles.xml", data: extra.styles }] : []),
    ...(extra.sharedStrings ? [{ name: "xl/sharedStrings.xml", data: extra.sharedStrings }] : []),
  ];
  return buildZip(parts);
}

export const SHEET_OPEN = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="${MAIN}"><sheetData>`;
export const SHEET_CLOSE = "</sheetData></worksheet>";

/** The letters of a 0-based column. */
export function letters(index: number): string {
  let n = index + 1;
  let s = "";
  while (n > 0) {
    s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

/** A row of inline strings and numbers, a value per column from A (null leaves the cell out). */
export function xmlRow(r: number, values: (string | number | null)[]): string {
  const cells = values.map((v, i) => {
    if (v === null) return "";
    const ref = `${letters(i)}${r}`;
    return typeof v === "number"
      ? `<c r="${ref}"><v>${v}</v></c>`
      : `<c r="${ref}" t="inlineStr"><is><t>${escapeXml(v)}</t></is></c>`;
  });
  return `<row r="${r}">${cells.join("")}</row>`;
}

/**
 * A deflate stream of `prefix`, then `block` `times` times, then `suffix`: each piece compressed on
 * its own and sync-flushed, so that the block's compressed bytes can simply be repeated.
 */
export function repeatedDeflate(prefix: string, block: Buffer, times: number, suffix: string) {
  const sync = { finishFlush: constants.Z_SYNC_FLUSH };
  const head = deflateRawSync(Buffer.from(prefix), sync);
  const body = deflateRawSync(block, sync);
  const tail = deflateRawSync(Buffer.from(suffix));
  return {
    deflated: Buffer.concat([head, ...Array.from({ length: times }, () => body), tail]),
    inflatedSize: prefix.length + block.length * times + suffix.length,
  };
}

const MIB = 1024 * 1024;

/** The header line, then `rows` rows of one non-blank cell: 3 bytes a row (the probe's 3 MB). */
export function csvRowsBomb(rows = 1_000_000): Buffer {
  return Buffer.from(`${ALLOCATION_KEYS.join(",")}\r\n${"1\r\n".repeat(rows)}`, "utf8");
}

/** The header row, then `rows` rows of one number each. */
export function xlsxRowsBomb(rows = 200_000): Buffer {
  const parts = [SHEET_OPEN, xmlRow(1, ALLOCATION_KEYS)];
  for (let r = 2; r <= rows + 1; r++) parts.push(`<row r="${r}"><c r="A${r}"><v>1</v></c></row>`);
  parts.push(SHEET_CLOSE);
  return xlsxOf(parts.join(""));
}

/**
 * A sheet inflating to `mib` MiB of empty elements the reader passes over (no row, no cell, nothing
 * but well-formed markup): only the inflation (ratio, then part size) can stop it. The zip claims
 * a 2 KB sheet.
 */
export function xlsxInflationBomb(mib = 300): Buffer {
  const element = "<x/>";
  const block = Buffer.from(element.repeat(Math.floor(MIB / element.length)));
  const { deflated } = repeatedDeflate(
    `${SHEET_OPEN}<row r="1">`,
    block,
    Math.ceil((mib * MIB) / block.length),
    `</row>${SHEET_CLOSE}`,
  );
  return xlsxOf({ deflated, claimedSize: 2048 });
}

/** One cell whose inline string inflates to `mib` MiB of "A" (the probe's 315 KB, 300 MB file). */
export function xlsxStringBomb(mib = 300): Buffer {
  const { deflated } = repeatedDeflate(
    `${SHEET_OPEN}<row r="1"><c r="A1" t="inlineStr"><is><t>`,
    Buffer.alloc(MIB, "A"),
    mib,
    `</t></is></c></row>${SHEET_CLOSE}`,
  );
  return xlsxOf({ deflated, claimedSize: 2048 });
}

/** A data row with a value in column `columns + 1` (BM for 64). */
export function csvWideRow(columns = 64): Buffer {
  const row = Array.from({ length: columns + 1 }, (_, i) => (i === columns ? "x" : ""));
  return Buffer.from(`${ALLOCATION_KEYS.join(",")}\r\n${row.join(",")}\r\n`, "utf8");
}

export function xlsxWideRow(columns = 64): Buffer {
  const row = Array.from({ length: columns + 1 }, (_, i) => (i === columns ? "x" : null));
  return xlsxOf(`${SHEET_OPEN}${xmlRow(1, ALLOCATION_KEYS)}${xmlRow(2, row)}${SHEET_CLOSE}`);
}

/** A data row whose reference cell holds `chars` characters. */
export function csvLongCell(chars = 2001): Buffer {
  return Buffer.from(
    `${ALLOCATION_KEYS.join(",")}\r\nFZ1,NTM,2022,,central,investment,1000,${"x".repeat(chars)},2022-01-10\r\n`,
    "utf8",
  );
}

export function xlsxLongCell(chars = 2001): Buffer {
  const row = ["FZ1", "NTM", 2022, null, "central", "investment", 1000, "x".repeat(chars), "2022-01-10"];
  return xlsxOf(`${SHEET_OPEN}${xmlRow(1, ALLOCATION_KEYS)}${xmlRow(2, row)}${SHEET_CLOSE}`);
}

/** `bytes` bytes of CSV-looking text (a body over the byte limit). */
export function overLimitBody(bytes: number): Buffer {
  const b = Buffer.alloc(bytes, "1\r\n");
  Buffer.from(`${ALLOCATION_KEYS.join(",")}\r\n`).copy(b);
  return b;
}

/** Allocation rows of a legitimate import: each a distinct decision, spread over the units given. */
export function legitAllocationRows(units: string[], rows: number, planYear = 2022) {
  return Array.from({ length: rows }, (_, i) => [
    units[i % units.length]!,
    "NTM",
    planYear,
    null,
    i % 2 ? "provincial" : "central",
    i % 3 ? "investment" : "recurrent",
    1_000_000 + i,
    `${i + 1}/QĐ-UBND`,
    `${planYear}-${String((i % 12) + 1).padStart(2, "0")}-${String((i % 28) + 1).padStart(2, "0")}`,
  ]);
}

export function legitAllocationsCsv(units: string[], rows = 20_000, planYear = 2022): Buffer {
  const lines = legitAllocationRows(units, rows, planYear).map((r) => r.map((v) => v ?? "").join(","));
  return Buffer.from(`\uFEFF${[ALLOCATION_KEYS.join(","), ...lines].join("\r\n")}\r\n`, "utf8");
}

/** As Excel users send it: written by ExcelJS (shared strings, date cells with a date format). */
export async function legitAllocationsXlsx(units: string[], rows = 20_000, planYear = 2022): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet("Phân bổ");
  ws.addRow(ALLOCATION_KEYS);
  for (const r of legitAllocationRows(units, rows, planYear)) {
    const [y, m, d] = String(r[8]).split("-").map(Number);
    ws.addRow([...r.slice(0, 8), new Date(Date.UTC(y!, m! - 1, d!))]);
  }
  ws.getColumn(9).numFmt = "dd/mm/yyyy";
  return Buffer.from(await wb.xlsx.writeBuffer());
}
