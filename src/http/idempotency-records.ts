// Where Idempotency-Key answers are kept (table idempotency_record): the first answer's status and
// body per key, written in the transaction of the write they answer, so they live beside the HTTP
// helper that replays them rather than in a domain repository.
import type { Prisma } from "../generated/prisma/client.js";
import type { IdempotencyRecords } from "./idempotent.js";

type Tx = Prisma.TransactionClient;

/** The records, in transactions opened by `transaction` (the writer's own, e.g. the ledger's). */
export function idempotencyRecordsIn(
  transaction: <T>(fn: (tx: Tx) => Promise<T>) => Promise<T>,
): IdempotencyRecords<Tx> {
  return {
    transaction,
    /** Inserts the key's record, waiting for a request that holds it; false when it was there first. */
    async claimIdempotencyKey(tx, scope, key, requestHash) {
      const n = await tx.$executeRaw`
        INSERT INTO idempotency_record (scope, key, request_hash, status_code, response_body)
        VALUES (${scope}, ${key}, ${requestHash}, 0, '') ON CONFLICT DO NOTHING`;
      return n === 1;
    },
    findIdempotencyRecord: (tx, scope, key) =>
      tx.idempotencyRecord.findUnique({ where: { scope_key: { scope, key } } }),
    async completeIdempotencyKey(tx, scope, key, statusCode, responseBody) {
      await tx.idempotencyRecord.update({
        where: { scope_key: { scope, key } },
        data: { statusCode, responseBody },
      });
    },
  };
}
