// The zip reader: entries found from the central directory, parts inflated as streams and counted
// as zlib gives them out (never by the sizes the archive declares), and what it refuses.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { buildZip, repeatedDeflate } from "../../test/faults/helpers/import-bombs.js";
import { DEFAULT_IMPORT_LIMITS, UnreadableFileError } from "./import-limits.js";
import { openZip, RATIO_GRACE_BYTES, type ZipLimits } from "./zip-reader.js";

const limits: ZipLimits = DEFAULT_IMPORT_LIMITS;

async function inflate(zip: Buffer, name: string, l: ZipLimits = limits): Promise<Buffer> {
  const archive = openZip(zip, l);
  const entry = archive.find(name);
  if (!entry) throw new Error(`no ${name}`);
  const chunks: Buffer[] = [];
  for await (const c of archive.read(entry)) chunks.push(c);
  return Buffer.concat(chunks);
}

async function refusal(run: () => unknown): Promise<UnreadableFileError> {
  try {
    await run();
  } catch (e) {
    if (e instanceof UnreadableFileError) return e;
    throw e;
  }
  throw new Error("not refused");
}

describe("reading", () => {
  it("stored and deflated entries, found without case or a leading slash", async () => {
    const text = "Xin chào ".repeat(5000);
    const zip = buildZip([
      { name: "xl/Stored.xml", data: "plain", store: true },
      { name: "xl/deflated.xml", data: text },
      { name: "xl/", data: "" },
    ]);
    expect((await inflate(zip, "/xl/stored.xml")).toString()).toBe("plain");
    expect((await inflate(zip, "XL/DEFLATED.XML")).toString()).toBe(text);
    expect(openZip(zip, limits).size).toBe(2);
  });

  it("never trusts the size an entry declares: a 2 KB claim inflates to what it holds", async () => {
    const data = randomBytes(200_000).toString("base64");
    const { deflated } = repeatedDeflate("", Buffer.from(data), 1, "");
    const zip = buildZip([{ name: "a.xml", deflated, claimedSize: 2048 }]);
    expect((await inflate(zip, "a.xml")).toString()).toBe(data);
  });

  it("a stream of 64 KiB chunks, whatever the part's size", async () => {
    const archive = openZip(buildZip([{ name: "big.xml", data: "x".repeat(1_000_000) }]), limits);
    const sizes: number[] = [];
    for await (const c of archive.read(archive.find("big.xml")!)) sizes.push(c.length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(64 * 1024);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(1_000_000);
  });
});

describe("bombs", () => {
  it("a part inflating past the ratio limit stops soon after its first MiB", async () => {
    const { deflated, inflatedSize } = repeatedDeflate("<a>", Buffer.alloc(1024 * 1024, " "), 500, "</a>");
    expect(inflatedSize).toBeGreaterThan(500 * 1024 * 1024);
    const zip = buildZip([{ name: "bomb.xml", deflated, claimedSize: 100 }]);
    const archive = openZip(zip, limits);
    let seen = 0;
    const e = await refusal(async () => {
      for await (const c of archive.read(archive.find("bomb.xml")!)) seen += c.length;
    });
    expect(e.rule).toBe("compression_ratio");
    expect(e.message).toMatch(
      /bomb\.xml inflates to \d+ bytes from \d+ compressed bytes.*at most 100 times \(IMPORT_MAX_INFLATE_RATIO\)/,
    );
    expect(seen).toBeLessThanOrEqual(RATIO_GRACE_BYTES + 64 * 1024);
  });

  it("a part inflating past the size limit, at any ratio, and a stored one too large", async () => {
    const data = randomBytes(300_000).toString("hex"); // about 2:1
    const zip = buildZip([
      { name: "a.xml", data },
      { name: "b.xml", data, store: true },
    ]);
    const small = { ...limits, maxPartBytes: 100_000 };
    for (const name of ["a.xml", "b.xml"]) {
      const e = await refusal(() => inflate(zip, name, small));
      expect(e.rule).toBe("part_too_large");
      expect(e.message).toMatch(/inflates to more than 100000 bytes .*\(IMPORT_MAX_PART_BYTES\)/);
    }
  });

  it("more entries than the limit, as the end record counts them", async () => {
    const zip = buildZip(Array.from({ length: 6 }, (_, i) => ({ name: `p${i}.xml`, data: "x" })));
    const e = await refusal(() => openZip(zip, { ...limits, maxZipEntries: 5 }));
    expect(e.rule).toBe("too_many_entries");
    expect(e.message).toMatch(/6 entries; at most 5 \(IMPORT_MAX_ZIP_ENTRIES\)/);
  });
});

describe("refused archives", () => {
  const zip = buildZip([{ name: "a.xml", data: "<a/>" }]);
  const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));

  it.each([
    ["no end record", () => zip.subarray(0, zip.length - 22)],
    ["a cut file", () => zip.subarray(0, 40)],
    [
      "zip64",
      () => {
        const z = Buffer.from(zip);
        z.writeUInt32LE(0xffffffff, z.length - 22 + 16);
        return z;
      },
    ],
    [
      "a central directory outside the file",
      () => {
        const z = Buffer.from(zip);
        z.writeUInt32LE(z.length, z.length - 22 + 16);
        return z;
      },
    ],
  ])("%s", async (_what, make) => {
    const e = await refusal(() => inflate(make(), "a.xml"));
    expect(e.rule).toBe("unreadable_file");
  });

  it.each([
    ["an encrypted entry", 8, 0x0801, /encrypted/],
    ["another compression method", 10, 12, /compression method 12/],
  ])("%s", async (_what, at, value, message) => {
    const z = Buffer.from(zip);
    z.writeUInt16LE(value, central + at);
    const e = await refusal(() => inflate(z, "a.xml"));
    expect(e).toMatchObject({ rule: "unreadable_file" });
    expect(e.message).toMatch(message);
  });

  it("a deflate stream cut short", async () => {
    const z = buildZip([{ name: "a.xml", deflated: Buffer.from([0x04, 0xc0]), claimedSize: 10 }]);
    expect(await refusal(() => inflate(z, "a.xml"))).toMatchObject({ rule: "unreadable_file" });
  });
});
