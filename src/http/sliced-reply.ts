// Big answers (a page of up to 1,000 at-risk items) leave in slices: see jsonSlices.
import { Readable } from "node:stream";
import type { FastifyReply } from "fastify";
import { jsonSlices } from "./json.js";

type Encoder = { safeEncode(d: unknown): { success: boolean; data?: unknown; error?: unknown } };

/** Checks `data` against the route's response schema as the serializer does, then streams it. */
export function sendSliced(reply: FastifyReply, schema: Encoder, data: unknown): FastifyReply {
  const r = schema.safeEncode(data);
  if (!r.success) throw new Error(`response does not match its schema: ${String(r.error)}`);
  return reply
    .header("content-type", "application/json; charset=utf-8")
    .send(Readable.from(jsonSlices(r.data), { objectMode: false }));
}
