// The bytes of an upload, counted as they arrive. A zip needs its central directory (at the end)
// before anything in it can be read, so the compressed file is kept, but never past the limit.
// Past it nothing more is kept: the rest is read and dropped, up to DRAIN_FACTOR times the limit,
// and only then is the 413 sent. A server that stops reading and closes makes the client's TCP
// stack reset the connection, and the client never sees the answer that names the limit; a body
// longer than that (declared, or as it arrives) is refused at once all the same.
import type { IncomingMessage } from "node:http";
import type { Readable } from "node:stream";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { UploadTooLargeError } from "./import-limits.js";

export const DRAIN_FACTOR = 4;

export function readUploadBody(
  payload: Readable,
  maxBytes: number,
  declaredLength?: string | undefined,
): Promise<Buffer> {
  const declared = declaredLength === undefined ? Number.NaN : Number(declaredLength);
  const drainLimit = maxBytes * DRAIN_FACTOR;
  if (declared > drainLimit) return Promise.reject(new UploadTooLargeError(maxBytes));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let over = declared > maxBytes;
    const stop = () => {
      payload.removeListener("data", onData);
      payload.removeListener("end", onEnd);
      payload.removeListener("error", onError);
    };
    function onData(chunk: Buffer | string) {
      received += typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.length;
      if (!over && received > maxBytes) {
        over = true;
        chunks.length = 0;
      }
      if (!over) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
      else if (received > drainLimit) {
        // Not destroyed: Fastify answers 413 with `Connection: close`.
        stop();
        reject(new UploadTooLargeError(maxBytes));
      }
    }
    function onEnd() {
      stop();
      if (over) reject(new UploadTooLargeError(maxBytes));
      else resolve(Buffer.concat(chunks, received));
    }
    function onError(err: Error) {
      stop();
      reject(err);
    }
    payload.on("data", onData);
    payload.on("end", onEnd);
    payload.on("error", onError);
    payload.resume();
  });
}

type ParserHost = Pick<FastifyInstance, "addContentTypeParser">;

/**
 * Takes these content types as raw uploads, read under maxBytes as above; registered by a plugin,
 * only its own routes accept them (the others keep answering 415). `tooLarge` words the refusal.
 */
export function acceptRawUploads(
  app: ParserHost,
  types: string | string[],
  maxBytes: number,
  tooLarge: (maxBytes: number) => Error = (max) => new UploadTooLargeError(max),
): void {
  app.addContentTypeParser(types, async (req: FastifyRequest, payload: IncomingMessage) =>
    readUploadBody(payload, maxBytes, req.headers["content-length"]).catch((e: unknown) => {
      throw e instanceof UploadTooLargeError ? tooLarge(maxBytes) : e;
    }),
  );
}
