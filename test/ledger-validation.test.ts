// Bad input to the ledger: every rejection is a 4xx naming the field and the rule, and writes
// nothing. Each case runs against one unit whose figures are checked unchanged afterwards.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  countEntries,
  createUnit,
  ledgerTotal,
  makeAllocation,
  makeDisbursement,
  makeUnit,
  postAllocation,
  postDisbursement,
  without,
} from "./factories.js";
import { ADMIN_KEY, createTestApp, fixedClock, type TestApp } from "./helpers/test-app.js";

type Issue = { path: string; rule: string; message: string };
type ErrorBody = { error: string; message: string; issues: Issue[]; requestId: string };

let t: TestApp;
const MAX_BATCH = 5;
// 2022-09-30 17:30 UTC is already 1 October in Asia/Ho_Chi_Minh.
const clock = fixedClock("2022-09-30T17:30:00Z");
const TODAY = "2022-10-01";

// Figures in place before every case: 1 tỷ allocated, 400 triệu disbursed.
const ALLOCATED = 1_000_000_000;
const DISBURSED = 400_000_000;
let firstDisbursementId: number;

beforeAll(async () => {
  t = await createTestApp({ clock, maxBatchSize: MAX_BATCH });
  await createUnit(t, { code: "TAMKY" });
  await createUnit(t, { code: "HOIAN" });
  await postAllocation(t, { amount: ALLOCATED });
  firstDisbursementId = (await postDisbursement(t, { amount: DISBURSED })).id as number;
});
afterAll(() => t.close());

let before: Awaited<ReturnType<typeof countEntries>>;
beforeEach(async () => {
  before = await countEntries(t);
});

/** Posts, expects `status`, and checks that neither the rows nor the unit's totals moved. */
async function rejected(url: string, body: unknown, status: number, headers?: Record<string, string>) {
  const res = await t.request("POST", url, { body, ...(headers ? { headers } : {}) });
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(await countEntries(t)).toEqual(before);
  expect(await ledgerTotal(t, "TAMKY")).toEqual({
    allocated: ALLOCATED,
    disbursed: DISBURSED,
    refunded: 0,
    carriedForward: 0,
    remaining: ALLOCATED - DISBURSED,
  });
  const err = res.body as ErrorBody;
  expect(err.requestId).toEqual(expect.any(String));
  return err;
}

/** Posts JSON text as is (what a client with its own serializer might send). */
const postRaw = (url: string, payload: string) =>
  t.app.inject({
    method: "POST",
    url,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
    payload,
  });

const alloc = (body: unknown, status = 400) => rejected("/api/v1/allocations", body, status);
const disb = (body: unknown, status = 400) => rejected("/api/v1/disbursements", body, status);

/** The body names `path` with `rule` among its issues. */
function expectIssue(err: ErrorBody, path: string, rule: string | RegExp) {
  expect(err.issues, JSON.stringify(err)).toContainEqual(
    expect.objectContaining({ path, rule: typeof rule === "string" ? rule : expect.stringMatching(rule) }),
  );
}

describe("references", () => {
  it("rejects an unknown unit", async () => {
    const err = await alloc(makeAllocation({ unitCode: "NOWHERE" }), 422);
    expectIssue(err, "body.unitCode", "unknown_unit");
    expectIssue(await disb(makeDisbursement({ unitCode: "NOWHERE" }), 422), "body.unitCode", "unknown_unit");
  });

  it("rejects an unknown program", async () => {
    const err = await alloc(makeAllocation({ program: "XYZ" }), 422);
    expectIssue(err, "body.program", "unknown_program");
  });

  it("rejects carriedOverFrom that is not an earlier year", async () => {
    expectIssue(
      await alloc(makeAllocation({ carriedOverFrom: 2022 }), 422),
      "body.carriedOverFrom",
      "before_plan_year",
    );
    expectIssue(
      await disb(makeDisbursement({ carriedOverFrom: 2023 }), 422),
      "body.carriedOverFrom",
      "before_plan_year",
    );
  });

  it("rejects an unknown unit path on the ledger read with 404", async () => {
    const res = await t.request("GET", "/api/v1/units/NOWHERE/ledger");
    expect(res.status).toBe(404);
  });
});

describe("dates", () => {
  it("rejects a malformed date", async () => {
    const err = await alloc(makeAllocation({ decidedOn: "2022-9-30" }));
    expectIssue(err, "body.decidedOn", "invalid_format");
    expect(err.error).toBe("validation_failed");
    expectIssue(
      await disb(makeDisbursement({ disbursedOn: "30/09/2022" })),
      "body.disbursedOn",
      "invalid_format",
    );
  });

  it("rejects an impossible date", async () => {
    const err = await alloc(makeAllocation({ decidedOn: "2022-02-30" }));
    expect(err.issues).toEqual([
      { path: "body.decidedOn", rule: "real_date", message: "must be a real calendar date" },
    ]);
    expectIssue(await disb(makeDisbursement({ disbursedOn: "2022-13-01" })), "body.disbursedOn", "real_date");
    expectIssue(await disb(makeDisbursement({ disbursedOn: "2021-02-29" })), "body.disbursedOn", "real_date");
    // PostgreSQL has no year 0: this must be refused here, not fail in the database.
    expectIssue(await alloc(makeAllocation({ decidedOn: "0000-01-01" })), "body.decidedOn", "real_date");
  });

  it("rejects a disbursement dated after today in Asia/Ho_Chi_Minh", async () => {
    const err = await disb(makeDisbursement({ disbursedOn: "2022-10-02" }), 422);
    expectIssue(err, "body.disbursedOn", "not_in_future");
  });

  it("accepts a disbursement dated today in Asia/Ho_Chi_Minh, though it is yesterday in UTC", async () => {
    const res = await t.request("POST", "/api/v1/disbursements", {
      body: makeDisbursement({ disbursedOn: TODAY, amount: 1, reference: "KB-today" }),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    // Undo its effect on the figures the other cases check, the append-only way.
    const id = (res.body as { id: number }).id;
    const undo = await t.request("POST", "/api/v1/disbursements", {
      body: makeDisbursement({ disbursedOn: TODAY, amount: -1, corrects: id, reference: "KB-today-undo" }),
    });
    expect(undo.status, JSON.stringify(undo.body)).toBe(201);
  });
});

describe("amounts", () => {
  it("rejects zero", async () => {
    expectIssue(await alloc(makeAllocation({ amount: 0 })), "body.amount", "not_zero");
    const err = await disb(makeDisbursement({ amount: 0 }));
    expect(err.issues[0]).toMatchObject({ path: "body.amount", message: "must not be zero" });
  });

  it("rejects a fractional amount", async () => {
    const err = await alloc(makeAllocation({ amount: 1000.5 }));
    expect(err.issues[0]).toMatchObject({ path: "body.amount", message: /whole number/ });
  });

  it("rejects an amount sent as a string", async () => {
    expectIssue(await alloc(makeAllocation({ amount: "1000000" })), "body.amount", "invalid_type");
  });

  it("rejects an amount beyond 2^53, which JSON cannot carry exactly", async () => {
    // Sent as raw JSON text: a JS number could not even hold it.
    const raw = JSON.stringify(makeAllocation()).replace('"amount":1000000000', '"amount":9007199254740993');
    const res = await postRaw("/api/v1/allocations", raw);
    expect(res.statusCode).toBe(400);
    expect((res.json() as ErrorBody).issues[0]?.path).toBe("body.amount");
    expect(await countEntries(t)).toEqual(before);
  });

  it("rejects a disbursement that would take disbursed above the allocation (422)", async () => {
    const err = await disb(makeDisbursement({ amount: ALLOCATED - DISBURSED + 1 }), 422);
    expect(err.error).toBe("rule_violation");
    expectIssue(err, "body.amount", "disbursed_above_allocation");
  });

  it("rejects a disbursement in a scope with no allocation at all", async () => {
    const err = await disb(makeDisbursement({ source: "provincial" }), 422);
    expectIssue(err, "body.amount", "disbursed_above_allocation");
  });

  it("rejects an adjustment that would take the allocation below what is disbursed (422)", async () => {
    const err = await alloc(makeAllocation({ amount: -(ALLOCATED - DISBURSED + 1) }), 422);
    expectIssue(err, "body.amount", "allocation_below_disbursed");
  });

  it("rejects a negative disbursement that names no entry it corrects", async () => {
    expectIssue(await disb(makeDisbursement({ amount: -1 }), 422), "body.corrects", "required_for_negative");
  });

  it("rejects a correction of an entry in another scope, or of no entry", async () => {
    const otherUnit = await disb(
      makeDisbursement({ unitCode: "HOIAN", amount: -1, corrects: firstDisbursementId }),
      422,
    );
    expectIssue(otherUnit, "body.corrects", "same_scope");
    const otherSource = await disb(
      makeDisbursement({ source: "provincial", amount: -1, corrects: firstDisbursementId }),
      422,
    );
    expectIssue(otherSource, "body.corrects", "same_scope");
    expectIssue(
      await disb(makeDisbursement({ amount: -1, corrects: 999_999 }), 422),
      "body.corrects",
      "unknown_entry",
    );
  });

  it("rejects a correction that would take disbursed below zero", async () => {
    const err = await disb(
      makeDisbursement({ amount: -(DISBURSED + 1), corrects: firstDisbursementId }),
      422,
    );
    expectIssue(err, "body.amount", "disbursed_below_zero");
  });
});

describe("shape", () => {
  it("rejects unknown fields, naming each", async () => {
    const err = await alloc(makeAllocation({ amuont: 5, colour: "red" }));
    expectIssue(err, "body.amuont", "unrecognized_keys");
    expectIssue(err, "body.colour", "unrecognized_keys");
    expectIssue(
      await disb(makeDisbursement({ decidedOn: "2022-01-01" })),
      "body.decidedOn",
      "unrecognized_keys",
    );
  });

  it("rejects wrong types and enum values", async () => {
    expectIssue(await alloc(makeAllocation({ planYear: "2022" })), "body.planYear", "invalid_type");
    expectIssue(await alloc(makeAllocation({ source: "national" })), "body.source", "invalid_value");
    expectIssue(await alloc(makeAllocation({ capitalType: 1 })), "body.capitalType", "invalid_value");
    expectIssue(await alloc(makeAllocation({ unitCode: "tam ky" })), "body.unitCode", "invalid_format");
    expectIssue(await alloc(makeAllocation({ decisionRef: "   " })), "body.decisionRef", "too_small");
  });

  it("rejects text holding a NUL character, which PostgreSQL cannot store", async () => {
    expectIssue(await disb(makeDisbursement({ reference: "KB\u0000-1" })), "body.reference", "no_nul");
    expectIssue(await alloc(makeAllocation({ note: "a\u0000b" })), "body.note", "no_nul");
    const unit = await t.request("POST", "/api/v1/units", { body: makeUnit({ name: "Tam\u0000Kỳ" }) });
    expect(unit.status).toBe(400);
  });

  it("rejects a missing required field", async () => {
    expectIssue(await alloc(without(makeAllocation(), "decisionRef")), "body.decisionRef", "invalid_type");
    expectIssue(await disb(without(makeDisbursement(), "reference")), "body.reference", "invalid_type");
  });

  it("rejects an empty body, an empty object, a scalar and null", async () => {
    for (const body of [undefined, {}, null]) {
      const err = await alloc(body);
      expect(err.issues.length, JSON.stringify(err)).toBeGreaterThan(0);
      expect(err.issues[0]?.path).toMatch(/^body/);
    }
    for (const raw of ["42", '"text"', "null", "[[]]"]) {
      const res = await postRaw("/api/v1/allocations", raw);
      expect(res.statusCode, raw).toBe(400);
      expect((res.json() as ErrorBody).issues[0]?.path, raw).toMatch(/^body/);
    }
    expect(await countEntries(t)).toEqual(before);
  });

  it("answers malformed JSON with 400, not 500", async () => {
    const res = await postRaw("/api/v1/disbursements", '{"unitCode": "TAMKY", "amount": 5');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      error: "FST_ERR_CTP_INVALID_JSON_BODY",
      requestId: expect.any(String),
    });
    expect(await countEntries(t)).toEqual(before);
  });

  it("rejects a bad query or path with 400, not 500", async () => {
    for (const url of [
      "/api/v1/allocations?limit=abc",
      "/api/v1/allocations?limit=0",
      "/api/v1/disbursements?planYear=twenty",
      "/api/v1/disbursements?from=2022-02-30",
      "/api/v1/disbursements?cursor=abc",
      // Looks like an id but is beyond PostgreSQL's bigint.
      "/api/v1/disbursements?cursor=9999999999999999999",
      "/api/v1/allocations?colour=red",
      "/api/v1/units/TAMKY/ledger?asOf=2022-9-30",
      "/api/v1/units/TAMKY/ledger?asOf=0000-01-01",
      "/api/v1/disbursements?from=0000-01-01",
      "/api/v1/units/tam%20ky/ledger",
    ]) {
      const res = await t.request("GET", url);
      expect(res.status, url).toBe(400);
      expect((res.body as ErrorBody).issues[0]?.path, url).toMatch(/^(querystring|params)\./);
    }
  });

  it("rejects an Idempotency-Key that is not printable ASCII", async () => {
    const err = await rejected("/api/v1/disbursements", makeDisbursement({ amount: 1 }), 400, {
      "idempotency-key": "two words",
    });
    expectIssue(err, "headers.idempotency-key", "invalid_format");
  });
});

describe("batches", () => {
  const good = (i: number) => makeDisbursement({ amount: 1_000 + i, reference: `KB-B-${i}` });

  it("writes nothing when only entry 7 of 10 is bad, and names body.7", async () => {
    // An app with the default batch limit, so a batch of 10 is allowed.
    const big = await createTestApp({ clock });
    try {
      await createUnit(big, { code: "TAMKY" });
      await postAllocation(big);
      const post = async (bad: Record<string, unknown>) => {
        const entries = Array.from({ length: 10 }, (_, i) => good(i));
        entries[7] = makeDisbursement(bad);
        const res = await big.request("POST", "/api/v1/disbursements", { body: entries });
        expect(await countEntries(big)).toEqual({ allocations: 1, disbursements: 0 });
        return res;
      };
      // A schema rule,
      const schema = await post({ disbursedOn: "2022-13-01" });
      expect(schema.status).toBe(400);
      expect((schema.body as ErrorBody).issues).toEqual([
        expect.objectContaining({ path: "body.7.disbursedOn", rule: "real_date" }),
      ]);
      // a reference,
      const reference = await post({ unitCode: "NOWHERE" });
      expect(reference.status).toBe(422);
      expect((reference.body as ErrorBody).issues).toEqual([
        expect.objectContaining({ path: "body.7.unitCode", rule: "unknown_unit" }),
      ]);
      // and a ledger rule that only the running total of the batch breaks.
      const total = await post({ amount: ALLOCATED });
      expect(total.status).toBe(422);
      // From entry 7 on, every running total is above the allocation: the first named is 7.
      expect((total.body as ErrorBody).issues[0]).toMatchObject({
        path: "body.7.amount",
        rule: "disbursed_above_allocation",
      });
    } finally {
      await big.close();
    }
  });

  it("writes nothing when only entry 3 breaks a ledger rule, and names body.3", async () => {
    const entries = [good(0), good(1), good(2), makeDisbursement({ disbursedOn: "2022-12-01" }), good(4)];
    const err = await disb(entries, 422);
    expect(err.issues).toEqual([
      expect.objectContaining({ path: "body.3.disbursedOn", rule: "not_in_future" }),
    ]);
  });

  it("writes nothing when the batch together exceeds the allocation", async () => {
    const half = (ALLOCATED - DISBURSED) / 2;
    const entries = [makeDisbursement({ amount: half }), makeDisbursement({ amount: half + 1 })];
    const err = await disb(entries, 422);
    expect(err.issues).toEqual([
      expect.objectContaining({ path: "body.1.amount", rule: "disbursed_above_allocation" }),
    ]);
  });

  it("names unknown units per entry", async () => {
    const err = await alloc(
      [makeAllocation(), makeAllocation(), makeAllocation({ unitCode: "NOWHERE" })],
      422,
    );
    expect(err.issues).toEqual([expect.objectContaining({ path: "body.2.unitCode", rule: "unknown_unit" })]);
  });

  it("rejects a batch over the configured limit, and an empty batch", async () => {
    const tooMany = Array.from({ length: MAX_BATCH + 1 }, (_, i) => good(i));
    const err = await disb(tooMany);
    expect(err.issues).toEqual([expect.objectContaining({ path: "body", rule: "too_big" })]);
    expect(err.message).toMatch(/at most 5/);
    expectIssue(await alloc([]), "body", "too_small");
  });

  it("accepts a batch of exactly the limit", async () => {
    const entries = Array.from({ length: MAX_BATCH }, (_, i) =>
      makeAllocation({ amount: 1, decisionRef: `D-${i}` }),
    );
    const res = await t.request("POST", "/api/v1/allocations", { body: entries });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    // Take it back so the other cases keep their figures.
    const undo = await t.request("POST", "/api/v1/allocations", {
      body: makeAllocation({ amount: -MAX_BATCH, decisionRef: "undo" }),
    });
    expect(undo.status).toBe(201);
  });
});

describe("large amounts", () => {
  it("carries amounts up to 10^15 exactly, and totals beyond 2^53 exactly", async () => {
    const big = await createTestApp({ clock });
    try {
      await createUnit(big, { code: "QUANGNAM" });
      const amount = 10 ** 15;
      const one = await postAllocation(big, { unitCode: "QUANGNAM", amount });
      expect(one.amount).toBe(amount);
      // 9 × 999,999,999,999,999 + 10^15 is above 2^53: a float total would be off. One scope holds
      // at most 10^15, so they go to ten different scopes of the unit.
      const scopes = ["central", "provincial", "district", "other"].flatMap((source) =>
        ["investment", "recurrent"].map((capitalType) => ({ source, capitalType })),
      );
      for (let i = 0; i < 9; i += 1)
        await postAllocation(big, {
          unitCode: "QUANGNAM",
          amount: amount - 1,
          decisionRef: `D-${i}`,
          program: i < 7 ? "NTM" : "GNBV",
          ...scopes[(i + 1) % 8],
        });
      await postDisbursement(big, { unitCode: "QUANGNAM", amount: amount - 7 });
      const res = await big.app.inject({
        method: "GET",
        url: "/api/v1/units/QUANGNAM/ledger",
        headers: { authorization: `Bearer ${ADMIN_KEY}` },
      });
      const allocated = 10n ** 16n - 9n;
      const disbursed = 10n ** 15n - 7n;
      expect(allocated > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
      expect(res.body).toContain(
        `"total":{"allocated":${allocated},"disbursed":${disbursed},"refunded":0,"carriedForward":0,"remaining":${allocated - disbursed}}`,
      );
      const list = await big.request("GET", "/api/v1/allocations?unit=QUANGNAM&limit=1");
      expect((list.body as { items: { amount: number }[] }).items[0]?.amount).toBe(amount);
    } finally {
      await big.close();
    }
  });
});
