// The rows an import reads: the header among the first rows, data rows counted as they come and
// refused at the first one past IMPORT_MAX_ROWS, only the import's columns kept, and the reading
// stopped as soon as the answer is known.
import { describe, expect, it } from "vitest";
import {
  ALLOCATION_KEYS,
  SHEET_CLOSE,
  SHEET_OPEN,
  xlsxOf,
  xmlRow,
} from "../../test/faults/helpers/import-bombs.js";
import { COLUMNS } from "./columns.js";
import { readImportFile } from "./import-file.js";
import { DEFAULT_IMPORT_LIMITS, type ImportLimits, UnreadableFileError } from "./import-limits.js";

const ROW = "U1,NTM,2022,,central,investment,1000,1/QĐ,2022-01-10";
const csv = (...lines: string[]) => Buffer.from(`${lines.join("\r\n")}\r\n`, "utf8");

async function read(body: Buffer, limits: Partial<ImportLimits> = {}) {
  return readImportFile("allocations", body, { ...DEFAULT_IMPORT_LIMITS, ...limits });
}

async function refusal(body: Buffer, limits: Partial<ImportLimits> = {}) {
  try {
    await read(body, limits);
  } catch (e) {
    if (e instanceof UnreadableFileError) return e;
    throw e;
  }
  throw new Error("the file was read");
}

describe("readImportFile", () => {
  it("finds the header below a title and blank lines, skips the key line, drops blank rows", async () => {
    const file = csv(
      "BÁO CÁO PHÂN BỔ VỐN",
      "",
      [...COLUMNS.allocations.filter((c) => c.key !== "note").map((c) => c.header), "Ghi chú nội bộ"].join(
        ",",
      ),
      ALLOCATION_KEYS.join(","),
      ROW,
      ",,,,,,,,,",
      `${ROW},mật`,
    );
    const r = await read(file);
    if ("errors" in r) throw new Error(JSON.stringify(r.errors));
    expect(r.format).toBe("csv");
    expect(r.header.headerRow).toBe(3);
    expect(r.data.map((d) => d.row)).toEqual([5, 7]);
    // The last column is no import column: it is not kept.
    expect(r.data[1]!.cells).toEqual(ROW.split(","));
  });

  it("takes exactly IMPORT_MAX_ROWS data rows, and refuses at the next one, naming its row", async () => {
    const lines = (n: number) => [ALLOCATION_KEYS.join(","), ...Array.from({ length: n }, () => ROW), "", ""];
    const ok = await read(csv(...lines(5)), { maxRows: 5 });
    expect("data" in ok && ok.data).toHaveLength(5);
    const e = await refusal(csv(...lines(6)), { maxRows: 5 });
    expect(e).toMatchObject({ rule: "too_many_rows", row: 7 });
    expect(e.message).toMatch(
      /more than 5 data rows \(row 7 is one too many\); at most 5 per import \(IMPORT_MAX_ROWS\)/,
    );
  });

  it("counts the rows of an .xlsx alike", async () => {
    const rows = [
      xmlRow(1, ALLOCATION_KEYS),
      ...Array.from({ length: 4 }, (_, i) => xmlRow(i + 3, ["U1", "NTM"])),
    ];
    const e = await refusal(xlsxOf(`${SHEET_OPEN}${rows.join("")}${SHEET_CLOSE}`), { maxRows: 3 });
    expect(e).toMatchObject({ rule: "too_many_rows", row: 6 });
  });

  it("stops at the first rows when they hold no header: what follows is never read", async () => {
    const file = csv(...Array.from({ length: 12 }, () => "a,b,c"), '"never closed');
    const r = await read(file);
    expect("errors" in r && r.errors.map((e) => e.rule)).toEqual(["no_header"]);
  });

  it("refuses text past IMPORT_MAX_TEXT_CHARS", async () => {
    const e = await refusal(csv(ALLOCATION_KEYS.join(","), ROW, ROW), { maxTextChars: 600 });
    expect(e.rule).toBe("too_much_text");
  });

  it("an empty file, an old .xls", async () => {
    expect(await refusal(Buffer.alloc(0))).toMatchObject({ rule: "empty_file" });
    expect(await refusal(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 1]))).toMatchObject({
      rule: "unsupported_format",
    });
  });
});
