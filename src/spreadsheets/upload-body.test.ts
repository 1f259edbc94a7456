// The bytes of an upload: kept up to the limit and not one byte further; the rest of a body a
// little over it read and dropped before the refusal, a body far over it refused at once.
import { PassThrough, Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { UploadTooLargeError } from "./import-limits.js";
import { DRAIN_FACTOR, readUploadBody } from "./upload-body.js";

describe("readUploadBody", () => {
  it("collects a body up to the limit", async () => {
    const body = await readUploadBody(Readable.from([Buffer.from("ab"), Buffer.from("cd")]), 4);
    expect(body.toString()).toBe("abcd");
  });

  it("refuses a body over the limit once it has been sent, keeping none of it", async () => {
    const stream = new PassThrough();
    let settled = false;
    const read = readUploadBody(stream, 4).finally(() => {
      settled = true;
    });
    stream.write(Buffer.from("abc"));
    stream.write(Buffer.from("de"));
    await new Promise((r) => setImmediate(r));
    // Still reading (and dropping) the rest, so that the client sees the 413 when it is done.
    expect(settled).toBe(false);
    stream.end(Buffer.from("f"));
    await expect(read).rejects.toThrow(UploadTooLargeError);
    await expect(read).rejects.toMatchObject({ statusCode: 413, code: "file_too_large" });
    expect(stream.listenerCount("data")).toBe(0);
  });

  it("refuses at once past DRAIN_FACTOR times the limit, ended or not", async () => {
    const stream = new PassThrough();
    const read = readUploadBody(stream, 4);
    stream.write(Buffer.alloc(4 * DRAIN_FACTOR + 1));
    await expect(read).rejects.toThrow(/larger than 4 bytes .*IMPORT_MAX_BYTES/);
    expect(stream.listenerCount("data")).toBe(0);
  });

  it("refuses before reading when Content-Length is far over the limit", async () => {
    const stream = new PassThrough();
    await expect(readUploadBody(stream, 4, String(4 * DRAIN_FACTOR + 1))).rejects.toThrow(
      UploadTooLargeError,
    );
    expect(stream.readableFlowing).toBe(null);
  });

  it("drops a body whose Content-Length is a little over the limit, then refuses it", async () => {
    const read = readUploadBody(Readable.from([Buffer.from("abcdef")]), 4, "6");
    await expect(read).rejects.toThrow(UploadTooLargeError);
  });
});
