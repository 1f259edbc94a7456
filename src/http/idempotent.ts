// Idempotency-Key for the routes that write: the first answer to a key is stored with the write,
// in the same transaction, and a retry with the same body gets it back byte for byte. Records
// are `idempotency_record` rows (scope, key, request hash, status code, response body): a record
// written by an older release replays the same way.
import { createHash } from "node:crypto";
import type { FastifyReply } from "fastify";
import { ConflictError } from "../domain/errors.js";
import { stringifyJson } from "./json.js";

type StoredAnswer = { requestHash: string; statusCode: number; responseBody: string };

/** Where the first answers are kept; the ledger repository is one. */
export type IdempotencyRecords<Tx> = {
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  /** Inserts the key's record, or waits for the request holding it; false when it was there first. */
  claimIdempotencyKey(tx: Tx, scope: string, key: string, requestHash: string): Promise<boolean>;
  findIdempotencyRecord(tx: Tx, scope: string, key: string): Promise<StoredAnswer | null>;
  completeIdempotencyKey(tx: Tx, scope: string, key: string, statusCode: number, body: string): Promise<void>;
};

export type IdempotentRequest = {
  /** Keys are the caller's own: the same key from two API keys is two requests. */
  scope: string;
  /** The Idempotency-Key header, when the client sent one. */
  key: string | undefined;
  /** The request body, whose hash a retry must match. */
  body: unknown;
};

/**
 * Runs `write` in one transaction and sends its answer as 201, once per key (without a key, the
 * writer's `alone` when it has one, which needs no transaction of ours): a retry with the
 * same body gets the first answer (marked `idempotent-replayed: true`), another body a 409.
 * Domain errors thrown by `write` roll the claim back with everything else, so a refused request
 * may be retried with the same key.
 */
export async function sendIdempotent<Tx>(
  reply: FastifyReply,
  records: IdempotencyRecords<Tx>,
  req: IdempotentRequest,
  write: (tx: Tx) => Promise<unknown>,
  /** The same write in a transaction of its own, run instead when no key is sent. */
  alone?: () => Promise<unknown>,
) {
  const answer =
    !req.key && alone
      ? { statusCode: 201, body: stringifyJson(await alone()), replayed: false }
      : await inTransaction(records, req, write);
  if (answer.replayed) reply.header("idempotent-replayed", "true");
  // Already serialised (and, for a replay, stored): send the exact first answer.
  return reply
    .status(answer.statusCode)
    .type("application/json; charset=utf-8")
    .serializer((s: string) => s)
    .send(answer.body);
}

/** The write and its key's record in one transaction: the first answer, or the one stored. */
async function inTransaction<Tx>(
  records: IdempotencyRecords<Tx>,
  req: IdempotentRequest,
  write: (tx: Tx) => Promise<unknown>,
) {
  const { scope, key } = req;
  const requestHash = key ? createHash("sha256").update(stringifyJson(req.body)).digest("hex") : "";
  return records.transaction(async (tx) => {
    if (key && !(await records.claimIdempotencyKey(tx, scope, key, requestHash))) {
      // The unique key made us wait until the first request committed; answer as it did.
      const first = await records.findIdempotencyRecord(tx, scope, key);
      if (!first || first.requestHash !== requestHash)
        throw new ConflictError("this Idempotency-Key was already used with a different body", [
          {
            field: "headers.idempotency-key",
            rule: "same_body",
            message: "use a new key for a different request",
          },
        ]);
      return { statusCode: first.statusCode, body: first.responseBody, replayed: true };
    }
    const body = stringifyJson(await write(tx));
    if (key) await records.completeIdempotencyKey(tx, scope, key, 201, body);
    return { statusCode: 201, body, replayed: false };
  });
}
