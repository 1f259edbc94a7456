// POST /api/v1/imports under its limits (issue 12): the probe's bombs (a CSV of 1,000,000 rows, an
// .xlsx of 200,000 rows, an .xlsx whose sheet inflates to hundreds of MB), a row too wide, a cell too
// long, a body over the byte limit. Each is refused with the rule and the setting that stopped it,
// and nothing is written; a legitimate import of 20,000 rows still goes through.
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/app.js";
import { createContainer } from "../src/container.js";
import { countEntries, createUnit } from "./factories.js";
import {
  ALLOCATION_KEYS,
  csvLongCell,
  csvRowsBomb,
  csvWideRow,
  legitAllocationsCsv,
  legitAllocationsXlsx,
  overLimitBody,
  SHEET_CLOSE,
  SHEET_OPEN,
  xlsxInflationBomb,
  xlsxLongCell,
  xlsxOf,
  xlsxRowsBomb,
  xlsxStringBomb,
  xlsxWideRow,
  xmlRow,
} from "./faults/helpers/import-bombs.js";
import { ADMIN_KEY, createTestApp, fixedClock, type TestApp } from "./helpers/test-app.js";
import { createTestDatabase } from "./helpers/test-database.js";

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

type Report = {
  valid: boolean;
  written: number;
  totals: { rows: number; write: number };
  errors: { row: number; rule: string; message: string }[];
  error?: string;
  message?: string;
};

let t: TestApp;
let units: string[];

beforeAll(async () => {
  t = await createTestApp(); // today is 2022-12-31 in Vietnam
  units = [];
  for (let i = 0; i < 5; i++) units.push((await createUnit(t)).code);
});
afterAll(() => t.close());

async function upload(
  body: Buffer | Readable,
  o: { dryRun?: boolean; type?: string; app?: TestApp["app"] } = {},
) {
  const isXlsx = Buffer.isBuffer(body) && body.subarray(0, 2).toString() === "PK";
  const res = await (o.app ?? t.app).inject({
    method: "POST",
    url: `/api/v1/imports?kind=allocations&dryRun=${o.dryRun ? "true" : "false"}`,
    headers: {
      authorization: `Bearer ${ADMIN_KEY}`,
      "content-type": o.type ?? (isXlsx ? XLSX : "text/csv"),
    },
    payload: body,
  });
  return { status: res.statusCode, body: JSON.parse(res.body) as Report };
}

/** Refused with this rule, its message naming the setting, and the ledger as it was. */
async function expectRefused(body: Buffer, rule: string | string[], setting: RegExp) {
  const before = await countEntries(t);
  const res = await upload(body);
  expect(res.status, JSON.stringify(res.body).slice(0, 500)).toBe(422);
  expect(res.body.valid).toBe(false);
  expect(res.body.written).toBe(0);
  expect(res.body.errors).toHaveLength(1);
  expect([rule].flat()).toContain(res.body.errors[0]!.rule);
  expect(res.body.errors[0]!.message).toMatch(setting);
  expect(res.body.message).toMatch(/nothing was written/);
  expect(await countEntries(t)).toEqual(before);
  return res.body.errors[0]!;
}

describe("the probe's bombs are refused while reading", () => {
  it("a CSV of 1,000,000 rows stops at the 20,001st data row", async () => {
    const error = await expectRefused(csvRowsBomb(1_000_000), "too_many_rows", /20000 .*IMPORT_MAX_ROWS/);
    expect(error.row).toBe(20_002);
  });

  it("an .xlsx of 200,000 one-cell rows stops at the 20,001st data row", async () => {
    const error = await expectRefused(xlsxRowsBomb(200_000), "too_many_rows", /20000 .*IMPORT_MAX_ROWS/);
    expect(error.row).toBe(20_002);
  });

  it("an .xlsx whose sheet inflates to 300 MB stops at the inflation limits", async () => {
    await expectRefused(
      xlsxInflationBomb(300),
      ["compression_ratio", "part_too_large"],
      /IMPORT_MAX_INFLATE_RATIO|IMPORT_MAX_PART_BYTES/,
    );
  });

  it("an .xlsx whose one cell inflates to a 300 MB string stops at the cell limit", async () => {
    await expectRefused(xlsxStringBomb(300), "cell_too_long", /2000 .*IMPORT_MAX_CELL_CHARS/);
  });

  it("the service still answers after them", async () => {
    expect((await t.request("GET", "/healthz")).status).toBe(200);
  });
});

describe("columns and cells", () => {
  it("refuses a value past column 64, in a CSV and in an .xlsx", async () => {
    for (const file of [csvWideRow(64), xlsxWideRow(64)]) {
      const error = await expectRefused(
        file,
        "too_many_columns",
        /column BM; at most 64 .*IMPORT_MAX_COLUMNS/,
      );
      expect(error.row).toBe(2);
    }
  });

  it("refuses a cell of more than 2,000 characters, in a CSV and in an .xlsx", async () => {
    for (const file of [csvLongCell(2001), xlsxLongCell(2001)]) {
      const error = await expectRefused(file, "cell_too_long", /cell H2 .*2000 .*IMPORT_MAX_CELL_CHARS/);
      expect(error.row).toBe(2);
    }
  });

  it("leaves out blank cells far to the right (a formatted column), and reads the row", async () => {
    const row = ["X_UNKNOWN", "NTM", 2022, null, "central", "investment", 5, "1/QĐ", "2022-01-10"];
    const wide = [...row, ...Array.from({ length: 100 }, () => null), "  "];
    const res = await upload(
      xlsxOf(`${SHEET_OPEN}${xmlRow(1, ALLOCATION_KEYS)}${xmlRow(2, wide)}${SHEET_CLOSE}`),
      {
        dryRun: true,
      },
    );
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e) => e.rule)).toEqual(["unknown_unit"]);
  });
});

describe("bytes", () => {
  it("answers 413 naming IMPORT_MAX_BYTES to a body over 10 MiB, declared or not", async () => {
    const before = await countEntries(t);
    const declared = await upload(overLimitBody(10 * 1024 * 1024 + 1));
    expect(declared.status).toBe(413);
    expect(declared.body).toMatchObject({ error: "file_too_large" });
    expect(declared.body.message).toMatch(/10485760 bytes .*IMPORT_MAX_BYTES/);
    // Without Content-Length: counted as it arrives, and refused at the first byte over.
    const chunks = Array.from({ length: 11 }, () => Buffer.alloc(1024 * 1024, "1\r\n"));
    const streamed = await upload(Readable.from(chunks), { type: "text/csv" });
    expect(streamed.status).toBe(413);
    expect(streamed.body).toMatchObject({ error: "file_too_large" });
    expect(await countEntries(t)).toEqual(before);
  });
});

describe("a legitimate import of 20,000 rows", () => {
  it("goes through as CSV and as .xlsx (dry runs), and a real CSV run writes every row", async () => {
    const csv = await upload(legitAllocationsCsv(units, 20_000), { dryRun: true });
    expect(csv.status, JSON.stringify(csv.body.errors?.slice(0, 3))).toBe(200);
    expect(csv.body).toMatchObject({ valid: true, totals: { rows: 20_000, write: 20_000 } });

    const xlsx = await upload(await legitAllocationsXlsx(units, 20_000), { dryRun: true });
    expect(xlsx.status, JSON.stringify(xlsx.body.errors?.slice(0, 3))).toBe(200);
    expect(xlsx.body).toMatchObject({ valid: true, totals: { rows: 20_000, write: 20_000 } });

    const before = await countEntries(t);
    const real = await upload(legitAllocationsCsv(units, 20_000));
    expect(real.status).toBe(201);
    expect(real.body.written).toBe(20_000);
    expect((await countEntries(t)).allocations).toBe(before.allocations + 20_000);
  });
});

describe("limits are settings", () => {
  it("smaller limits given to the container refuse what the defaults let through", async () => {
    const db = await createTestDatabase();
    const container = createContainer(db, {
      maxBatchSize: 1000,
      clock: fixedClock("2022-12-31T05:00:00Z"),
      importLimits: { maxBytes: 4096, maxRows: 3, maxPartBytes: 2048, maxZipEntries: 5, maxTextChars: 2000 },
    });
    await container.apiKeys.bootstrapAdmin(ADMIN_KEY);
    const app = await buildApp(container);
    try {
      const rows = (n: number) => legitAllocationsCsv(["U1"], n);
      expect((await upload(rows(3), { app, dryRun: true })).body.errors.map((e) => e.rule)).not.toContain(
        "too_many_rows",
      );
      const four = await upload(rows(4), { app, dryRun: true });
      expect(four.body.errors).toMatchObject([{ rule: "too_many_rows", row: 5 }]);
      expect(four.body.errors[0]!.message).toMatch(/at most 3 per import \(IMPORT_MAX_ROWS\)/);

      expect((await upload(overLimitBody(4097), { app })).status).toBe(413);

      // Seven entries: more than the archive may hold.
      const many = await upload(
        xlsxOf(`${SHEET_OPEN}${SHEET_CLOSE}`, { styles: "<styleSheet/>", sharedStrings: "<sst/>" }),
        {
          app,
        },
      );
      expect(many.body.errors[0]).toMatchObject({ rule: "too_many_entries" });

      // A sheet of 4,000 bytes or so: past the part limit before its first row is parsed.
      const filler = Array.from(
        { length: 100 },
        (_, i) => `<row r="${i + 2}"><c r="A${i + 2}"><v>1</v></c></row>`,
      );
      const big = xlsxOf(`${SHEET_OPEN}${xmlRow(1, ALLOCATION_KEYS)}${filler.join("")}${SHEET_CLOSE}`);
      expect((await upload(big, { app })).body.errors[0]).toMatchObject({ rule: "part_too_large" });
    } finally {
      await app.close();
      await db.close();
    }
  });
});
