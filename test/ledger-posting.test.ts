// Posting to the ledger: single entries and batches, adjustments and corrections, who posted and
// when, Idempotency-Key replays, concurrency, and the append-only tables.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  countEntries,
  createUnit,
  ledgerTotal,
  makeAllocation,
  makeDisbursement,
  postAllocation,
  postDisbursement,
} from "./factories.js";
import { ADMIN_KEY, createTestApp, type TestApp } from "./helpers/test-app.js";

type Entry = Record<string, unknown> & { id: number; amount: number; postedBy: string; postedAt: string };

let t: TestApp;
let officerKey: string;
let officerKeyId: string;
const startedAt = Date.now();

beforeAll(async () => {
  t = await createTestApp();
  await createUnit(t, { code: "TAMKY" });
  officerKey = await t.keyFor("officer", ["TAMKY"]);
  officerKeyId = officerKey.split("_")[1]!;
});
afterAll(() => t.close());

/** A unit of its own, so each case starts from zero. */
async function freshUnit() {
  return (await createUnit(t)).code;
}

function expectPosted(e: Entry, by: string) {
  expect(e.postedBy).toBe(by);
  const at = Date.parse(e.postedAt);
  expect(at).toBeGreaterThanOrEqual(startedAt - 60_000);
  expect(at).toBeLessThanOrEqual(Date.now() + 60_000);
}

/** app.inject without the helper, to see raw bodies and headers and to run requests in parallel. */
function inject(url: string, body: unknown, headers: Record<string, string> = {}, key = ADMIN_KEY) {
  return t.app.inject({
    method: "POST",
    url,
    payload: body as object,
    headers: { authorization: `Bearer ${key}`, ...headers },
  });
}

describe("single posts", () => {
  it("posts an allocation and answers with the stored entry", async () => {
    const unitCode = await freshUnit();
    const res = await t.request("POST", "/api/v1/allocations", {
      body: makeAllocation({ unitCode, note: "Quyết định giao vốn đợt 1" }),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const e = res.body as Entry;
    expect(e).toMatchObject({
      id: expect.any(Number),
      unitCode,
      program: "NTM",
      planYear: 2022,
      carriedOverFrom: null,
      source: "central",
      capitalType: "investment",
      amount: 1_000_000_000,
      decisionRef: "123/QĐ-UBND",
      decidedOn: "2022-01-15",
      corrects: null,
      note: "Quyết định giao vốn đợt 1",
    });
    expectPosted(e, "admin:bootstrap-admin");
    expect(await ledgerTotal(t, unitCode)).toEqual({
      allocated: 1_000_000_000,
      disbursed: 0,
      refunded: 0,
      carriedForward: 0,
      remaining: 1_000_000_000,
    });
  });

  it("posts a disbursement and records the officer who posted it", async () => {
    await postAllocation(t, { amount: 500 });
    const res = await t.request("POST", "/api/v1/disbursements", {
      key: officerKey,
      body: makeDisbursement({ amount: 200, reference: "KB-officer" }),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const e = res.body as Entry;
    expect(e).toMatchObject({
      unitCode: "TAMKY",
      amount: 200,
      disbursedOn: "2022-06-30",
      reference: "KB-officer",
    });
    expectPosted(e, `officer:${officerKeyId}`);
    const stored = await t.db.prisma.disbursement.findUniqueOrThrow({ where: { id: BigInt(e.id) } });
    expect(stored.postedBy).toBe(`officer:${officerKeyId}`);
    expect(stored.postedAt.toISOString()).toBe(e.postedAt);
  });

  it("keeps 2021 capital carried into 2022 in its own scope", async () => {
    const unitCode = await freshUnit();
    await postAllocation(t, { unitCode, planYear: 2021, amount: 300, decidedOn: "2021-03-01" });
    // The 2021 plan's own allocation does not fund disbursements of carried-over capital.
    const before = await t.request("POST", "/api/v1/disbursements", {
      body: makeDisbursement({ unitCode, carriedOverFrom: 2021, amount: 1 }),
    });
    expect(before.status).toBe(422);
    const carried = await postAllocation(t, { unitCode, carriedOverFrom: 2021, amount: 200 });
    expect(carried).toMatchObject({ planYear: 2022, carriedOverFrom: 2021 });
    const d = await postDisbursement(t, { unitCode, carriedOverFrom: 2021, amount: 200 });
    expect(d).toMatchObject({ carriedOverFrom: 2021 });
  });
});

describe("batches", () => {
  it("posts a batch and answers { entries } in the order sent", async () => {
    const unitCode = await freshUnit();
    const body = ["central", "provincial", "district", "other"].map((source, i) =>
      makeAllocation({ unitCode, source, amount: 1_000 * (i + 1), decisionRef: `QĐ-${i}` }),
    );
    const res = await t.request("POST", "/api/v1/allocations", { body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const { entries } = res.body as { entries: Entry[] };
    expect(entries.map((e) => [e.source, e.amount, e.decisionRef])).toEqual([
      ["central", 1_000, "QĐ-0"],
      ["provincial", 2_000, "QĐ-1"],
      ["district", 3_000, "QĐ-2"],
      ["other", 4_000, "QĐ-3"],
    ]);
    const ids = entries.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(4);
    for (const e of entries) expectPosted(e, "admin:bootstrap-admin");
    expect((await ledgerTotal(t, unitCode)).allocated).toBe(10_000);
  });

  it("answers a batch of one as a batch", async () => {
    const unitCode = await freshUnit();
    const res = await t.request("POST", "/api/v1/allocations", { body: [makeAllocation({ unitCode })] });
    expect(res.status).toBe(201);
    expect((res.body as { entries: Entry[] }).entries).toHaveLength(1);
  });

  it("lets a batch allocate and then disburse within the same batch only in order", async () => {
    const unitCode = await freshUnit();
    await postAllocation(t, { unitCode, amount: 100 });
    // Two disbursements that together use the allocation exactly.
    const res = await t.request("POST", "/api/v1/disbursements", {
      body: [makeDisbursement({ unitCode, amount: 60 }), makeDisbursement({ unitCode, amount: 40 })],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(await ledgerTotal(t, unitCode)).toEqual({
      allocated: 100,
      disbursed: 100,
      refunded: 0,
      carriedForward: 0,
      remaining: 0,
    });
  });
});

describe("adjustments and corrections", () => {
  it("an adjustment is a new negative allocation with its own decision", async () => {
    const unitCode = await freshUnit();
    const first = await postAllocation(t, { unitCode, amount: 1_000 });
    await postDisbursement(t, { unitCode, amount: 300 });
    const adj = await postAllocation(t, {
      unitCode,
      amount: -700,
      decisionRef: "456/QĐ-UBND điều chỉnh",
      decidedOn: "2022-08-01",
      corrects: first.id,
    });
    expect(adj).toMatchObject({ amount: -700, decisionRef: "456/QĐ-UBND điều chỉnh", corrects: first.id });
    expect(await ledgerTotal(t, unitCode)).toEqual({
      allocated: 300,
      disbursed: 300,
      refunded: 0,
      carriedForward: 0,
      remaining: 0,
    });
    // The original entry is untouched.
    const list = await t.request("GET", `/api/v1/allocations?unit=${unitCode}`);
    expect((list.body as { items: Entry[] }).items.map((e) => e.amount)).toEqual([1_000, -700]);
  });

  it("a correction is a new negative disbursement naming the entry it corrects", async () => {
    const unitCode = await freshUnit();
    await postAllocation(t, { unitCode, amount: 1_000 });
    const wrong = await postDisbursement(t, { unitCode, amount: 900, reference: "KB-typo" });
    const fix = await postDisbursement(t, {
      unitCode,
      amount: -810,
      corrects: wrong.id,
      reference: "KB-typo sửa",
      note: "keyed 900 instead of 90",
    });
    expect(fix).toMatchObject({ amount: -810, corrects: wrong.id, note: "keyed 900 instead of 90" });
    expect(await ledgerTotal(t, unitCode)).toEqual({
      allocated: 1_000,
      disbursed: 90,
      refunded: 0,
      carriedForward: 0,
      remaining: 910,
    });
    const stored = await t.db.prisma.disbursement.findUniqueOrThrow({
      where: { id: BigInt(fix.id as number) },
    });
    expect(stored.correctsId).toBe(BigInt(wrong.id as number));
  });
});

describe("Idempotency-Key", () => {
  it("replays the first answer for the same key and body and writes nothing more", async () => {
    const unitCode = await freshUnit();
    await postAllocation(t, { unitCode, amount: 1_000 });
    const body = makeDisbursement({ unitCode, amount: 100 });
    const first = await inject("/api/v1/disbursements", body, { "idempotency-key": "retry-1" });
    expect(first.statusCode).toBe(201);
    expect(first.headers["idempotent-replayed"]).toBeUndefined();
    const before = await countEntries(t);
    const again = await inject("/api/v1/disbursements", body, { "idempotency-key": "retry-1" });
    expect(again.statusCode).toBe(201);
    expect(again.headers["idempotent-replayed"]).toBe("true");
    expect(again.body).toBe(first.body);
    expect(await countEntries(t)).toEqual(before);
    expect((await ledgerTotal(t, unitCode)).disbursed).toBe(100);
  });

  it("treats the same JSON with its keys in another order as the same body", async () => {
    const unitCode = await freshUnit();
    await postAllocation(t, { unitCode, amount: 1_000 });
    const body = makeDisbursement({ unitCode, amount: 100 });
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const first = await inject("/api/v1/disbursements", body, { "idempotency-key": "order" });
    const again = await inject("/api/v1/disbursements", reordered, { "idempotency-key": "order" });
    expect(again.statusCode, again.body).toBe(201);
    expect(again.body).toBe(first.body);
    expect((await ledgerTotal(t, unitCode)).disbursed).toBe(100);
  });

  it("replays batches too", async () => {
    const unitCode = await freshUnit();
    const body = [makeAllocation({ unitCode, amount: 1 }), makeAllocation({ unitCode, amount: 2 })];
    const first = await inject("/api/v1/allocations", body, { "idempotency-key": "batch-1" });
    const again = await inject("/api/v1/allocations", body, { "idempotency-key": "batch-1" });
    expect(first.statusCode).toBe(201);
    expect(again.headers["idempotent-replayed"]).toBe("true");
    expect(again.body).toBe(first.body);
    expect((await ledgerTotal(t, unitCode)).allocated).toBe(3);
  });

  it("answers 409 for the same key with another body, and writes nothing", async () => {
    const unitCode = await freshUnit();
    await postAllocation(t, { unitCode, amount: 1_000 });
    await inject("/api/v1/disbursements", makeDisbursement({ unitCode, amount: 100 }), {
      "idempotency-key": "k-409",
    });
    const before = await countEntries(t);
    const other = await inject("/api/v1/disbursements", makeDisbursement({ unitCode, amount: 101 }), {
      "idempotency-key": "k-409",
    });
    expect(other.statusCode).toBe(409);
    expect(other.json()).toMatchObject({
      error: "conflict",
      issues: [{ path: "headers.idempotency-key", rule: "same_body" }],
    });
    expect(await countEntries(t)).toEqual(before);
    expect((await ledgerTotal(t, unitCode)).disbursed).toBe(100);
  });

  it("keeps keys apart per API key and per endpoint", async () => {
    const unitCode = await freshUnit();
    const otherAdmin = await t.keyFor("admin");
    const body = makeAllocation({ unitCode, amount: 5 });
    const a = await inject("/api/v1/allocations", body, { "idempotency-key": "shared" });
    const b = await inject("/api/v1/allocations", body, { "idempotency-key": "shared" }, otherAdmin);
    expect(a.statusCode).toBe(201);
    expect(b.statusCode).toBe(201);
    expect(b.headers["idempotent-replayed"]).toBeUndefined();
    const d = await inject("/api/v1/disbursements", makeDisbursement({ unitCode, amount: 5 }), {
      "idempotency-key": "shared",
    });
    expect(d.statusCode, d.body).toBe(201);
    expect(d.headers["idempotent-replayed"]).toBeUndefined();
    expect(await ledgerTotal(t, unitCode)).toEqual({
      allocated: 10,
      disbursed: 5,
      refunded: 0,
      carriedForward: 0,
      remaining: 5,
    });
  });

  it("does not spend a key on a rejected request", async () => {
    const unitCode = await freshUnit();
    const body = makeDisbursement({ unitCode, amount: 100 });
    const refused = await inject("/api/v1/disbursements", body, { "idempotency-key": "after-422" });
    expect(refused.statusCode).toBe(422);
    await postAllocation(t, { unitCode, amount: 100 });
    const retried = await inject("/api/v1/disbursements", body, { "idempotency-key": "after-422" });
    expect(retried.statusCode, retried.body).toBe(201);
    expect(retried.headers["idempotent-replayed"]).toBeUndefined();
  });

  it("writes exactly one entry when the same key is retried 20 times at once", async () => {
    const unitCode = await freshUnit();
    await postAllocation(t, { unitCode, amount: 1_000_000 });
    const before = await countEntries(t);
    const body = makeDisbursement({ unitCode, amount: 1_000 });
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => inject("/api/v1/disbursements", body, { "idempotency-key": "storm" })),
    );
    expect(answers.map((a) => a.statusCode)).toEqual(Array(20).fill(201));
    expect(answers.filter((a) => a.headers["idempotent-replayed"] !== "true")).toHaveLength(1);
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    expect(await countEntries(t)).toEqual({ ...before, disbursements: before.disbursements + 1 });
    expect((await ledgerTotal(t, unitCode)).disbursed).toBe(1_000);
  });
});

describe("concurrency", () => {
  it("concurrent disbursements in one scope never exceed its allocation", async () => {
    const unitCode = await freshUnit();
    await postAllocation(t, { unitCode, amount: 1_000 });
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        inject("/api/v1/disbursements", makeDisbursement({ unitCode, amount: 100, reference: `KB-${i}` })),
      ),
    );
    const codes = answers.map((a) => a.statusCode).sort();
    expect(codes).toEqual([...Array(10).fill(201), ...Array(10).fill(422)]);
    expect(await ledgerTotal(t, unitCode)).toEqual({
      allocated: 1_000,
      disbursed: 1_000,
      refunded: 0,
      carriedForward: 0,
      remaining: 0,
    });
  });

  it("a concurrent cut and disbursement cannot both pass", async () => {
    const unitCode = await freshUnit();
    await postAllocation(t, { unitCode, amount: 1_000 });
    for (let round = 0; round < 5; round += 1) {
      const [cut, pay] = await Promise.all([
        inject(
          "/api/v1/allocations",
          makeAllocation({ unitCode, amount: -600, decisionRef: `cut-${round}` }),
        ),
        inject(
          "/api/v1/disbursements",
          makeDisbursement({ unitCode, amount: 600, reference: `pay-${round}` }),
        ),
      ]);
      expect([cut.statusCode, pay.statusCode].sort()).toEqual([201, 422]);
      const total = await ledgerTotal(t, unitCode);
      expect(total.disbursed).toBeLessThanOrEqual(total.allocated);
      // Put the scope back to 1,000 allocated, nothing disbursed, for the next round.
      if (cut.statusCode === 201)
        await postAllocation(t, { unitCode, amount: 600, decisionRef: `back-${round}` });
      else
        await postDisbursement(t, {
          unitCode,
          amount: -600,
          corrects: pay.json().id,
          reference: `undo-${round}`,
        });
    }
  });
});

describe("append-only tables", () => {
  it("refuses UPDATE and DELETE on allocations and disbursements", async () => {
    const unitCode = await freshUnit();
    await postAllocation(t, { unitCode, amount: 1_000 });
    await postDisbursement(t, { unitCode, amount: 10 });
    const p = t.db.prisma;
    await expect(p.$executeRawUnsafe("UPDATE disbursement SET amount = 1")).rejects.toThrow(/append-only/);
    await expect(p.$executeRawUnsafe("DELETE FROM disbursement")).rejects.toThrow(/append-only/);
    await expect(p.$executeRawUnsafe("UPDATE allocation SET amount = 1")).rejects.toThrow(/append-only/);
    await expect(p.$executeRawUnsafe("DELETE FROM allocation")).rejects.toThrow(/append-only/);
    await expect(
      p.disbursement.updateMany({ where: { unitCode }, data: { amount: 999_999 } }),
    ).rejects.toThrow();
    expect(await ledgerTotal(t, unitCode)).toEqual({
      allocated: 1_000,
      disbursed: 10,
      refunded: 0,
      carriedForward: 0,
      remaining: 990,
    });
  });

  it("offers no route to edit or delete an entry", async () => {
    const e = await postAllocation(t, { amount: 1 });
    for (const method of ["PUT", "PATCH", "DELETE"]) {
      const res = await t.request(method, `/api/v1/allocations/${e.id}`, { body: { amount: 2 } });
      expect(res.status, method).toBe(404);
    }
  });
});
