import { createHash } from "node:crypto";
import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { registerErrorHandler } from "./error-handler.js";
import { type IdempotencyRecords, sendIdempotent } from "./idempotent.js";

type Stored = { requestHash: string; statusCode: number; responseBody: string };

/** The idempotency_record table in memory; a transaction that throws leaves no claim behind. */
function memoryRecords(): IdempotencyRecords<Map<string, Stored>> & { rows: Map<string, Stored> } {
  const rows = new Map<string, Stored>();
  return {
    rows,
    async transaction(work) {
      const tx = new Map(rows);
      const out = await work(tx);
      rows.clear();
      for (const [k, v] of tx) rows.set(k, v);
      return out;
    },
    async claimIdempotencyKey(tx, scope, key, requestHash) {
      if (tx.has(`${scope}|${key}`)) return false;
      tx.set(`${scope}|${key}`, { requestHash, statusCode: 0, responseBody: "" });
      return true;
    },
    findIdempotencyRecord: async (tx, scope, key) => tx.get(`${scope}|${key}`) ?? null,
    async completeIdempotencyKey(tx, scope, key, statusCode, responseBody) {
      tx.set(`${scope}|${key}`, { ...tx.get(`${scope}|${key}`)!, statusCode, responseBody });
    },
  };
}

async function appWith(records: ReturnType<typeof memoryRecords>, write: (body: unknown) => unknown) {
  const app = Fastify();
  registerErrorHandler(app);
  let writes = 0;
  app.post("/things", (req, reply) =>
    sendIdempotent(
      reply,
      records,
      { scope: "things:k1", key: req.headers["idempotency-key"] as string | undefined, body: req.body },
      async () => {
        writes += 1;
        return write(req.body);
      },
    ),
  );
  const post = (body: object, key?: string) =>
    app.inject({
      method: "POST",
      url: "/things",
      payload: body,
      headers: key ? { "idempotency-key": key } : {},
    });
  return { post, writes: () => writes };
}

describe("sendIdempotent", () => {
  it("answers 201 with the write's value, BigInt exact, and stores it under the key", async () => {
    const records = memoryRecords();
    const { post } = await appWith(records, () => ({ id: 9_007_199_254_740_993n }));
    const res = await post({ a: 1 }, "k");
    expect(res.statusCode).toBe(201);
    expect(res.body).toBe('{"id":9007199254740993}');
    expect(res.headers["idempotent-replayed"]).toBeUndefined();
    expect(records.rows.get("things:k1|k")).toMatchObject({ statusCode: 201, responseBody: res.body });
  });

  it("replays the stored answer for the same body, and refuses another body with 409", async () => {
    const records = memoryRecords();
    // A record as an older release stored it (sha-256 of the body as JSON): replayed as it is.
    records.rows.set("things:k1|old", {
      requestHash: createHash("sha256").update('{"a":1}').digest("hex"),
      statusCode: 201,
      responseBody: '{"id":1}',
    });
    const { post, writes } = await appWith(records, (b) => b);
    const first = await post({ a: 1 }, "k");
    const again = await post({ a: 1 }, "k");
    expect(again.statusCode).toBe(201);
    expect(again.body).toBe(first.body);
    expect(again.headers["idempotent-replayed"]).toBe("true");
    expect(writes()).toBe(1);
    const old = await post({ a: 1 }, "old");
    expect([old.statusCode, old.body, old.headers["idempotent-replayed"]]).toEqual([201, '{"id":1}', "true"]);
    const other = await post({ a: 2 }, "k");
    expect(other.statusCode).toBe(409);
    expect(other.json()).toMatchObject({
      error: "conflict",
      issues: [{ path: "headers.idempotency-key", rule: "same_body" }],
    });
  });

  it("writes every time without a key, and keeps no claim of a write that failed", async () => {
    const records = memoryRecords();
    let fail = true;
    const { post, writes } = await appWith(records, (b) => {
      if (fail) throw new Error("boom");
      return b;
    });
    expect((await post({ a: 1 }, "k")).statusCode).toBe(500);
    expect(records.rows.size).toBe(0);
    fail = false;
    expect((await post({ a: 1 }, "k")).statusCode).toBe(201);
    expect((await post({ a: 1 })).statusCode).toBe(201);
    expect((await post({ a: 1 })).statusCode).toBe(201);
    expect(writes()).toBe(4);
  });
});
