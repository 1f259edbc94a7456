// A post alone on scopes this instance wrote last is judged on what it kept of them and sent as
// its INSERT alone (src/ledger/kept-scopes.ts): one round trip. Another instance writes the same
// scopes here, so what this one kept goes stale: its INSERT must find that out and the post be
// judged again on a fresh read, both ways (a stale admission refused, a stale refusal admitted).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmlMailer } from "../src/alerts/mailer/index.js";
import { buildApp } from "../src/app.js";
import { createContainer } from "../src/container.js";
import type { RawSql } from "../src/db/database.js";
import { createLedgerFiguresRepository } from "../src/ledger/ledger-figures.repository.js";
import { createUnit, ledgerTotal, makeAllocation, makeDisbursement, postAllocation } from "./factories.js";
import { ADMIN_KEY, createTestApp, fixedClock, type TestApp } from "./helpers/test-app.js";

let t: TestApp;
let mine: FastifyInstance;
let eml: string;
/** Reads of scopes' figures this instance sent: one per post not judged on kept ones. */
let scopeReads = 0;

beforeAll(async () => {
  t = await createTestApp();
  eml = await mkdtemp(join(tmpdir(), "dm-test-eml-"));
  // This instance's statements go to the same database; it counts the scopes' reads among them.
  const direct: RawSql = {
    $queryRaw: (q: never, ...v: unknown[]) => t.db.direct.$queryRaw(q, ...v),
    $queryRawUnsafe(q: string, ...v: unknown[]) {
      if (/ledger_(unit_)?scope_rows/.test(q)) scopeReads++;
      return t.db.direct.$queryRawUnsafe(q, ...v);
    },
  };
  const container = createContainer(
    { ...t.db, direct },
    {
      maxBatchSize: 1000,
      clock: fixedClock("2022-12-31T05:00:00Z"),
      mailer: createEmlMailer({ dir: eml, from: "test <test@example.invalid>" }),
      instance: "mine",
    },
  );
  mine = await buildApp(container);
});
afterAll(async () => {
  await mine?.close();
  await t?.close();
  await rm(eml, { recursive: true, force: true });
});

const post = async (path: string, body: object) => {
  const res = await mine.inject({
    method: "POST",
    url: `/api/v1/${path}`,
    headers: { authorization: `Bearer ${ADMIN_KEY}` },
    payload: body,
  });
  return { status: res.statusCode, body: res.json() as Record<string, unknown> };
};

/** Posts here; answers the status and how many scopes' reads it took. */
async function postMine(path: string, body: object) {
  const before = scopeReads;
  const res = await post(path, body);
  return { ...res, reads: scopeReads - before };
}

const figuresAgree = async () =>
  expect((await createLedgerFiguresRepository(t.db.prisma).differences()).count).toBe(0);

describe("posts judged on the scopes this instance kept", () => {
  it("reads a unit's scopes for its first post here, then sends the INSERT alone", async () => {
    const { code } = await createUnit(t);
    await postAllocation(t, { unitCode: code });
    await postAllocation(t, { unitCode: code, program: "GNBV" });
    const first = await postMine("disbursements", makeDisbursement({ unitCode: code, amount: 100_000_000 }));
    expect(first).toMatchObject({ status: 201, reads: 1 });
    for (const [i, d] of ["2022-06-30", "2022-07-01", "2022-06-30"].entries()) {
      const next = await postMine(
        "disbursements",
        makeDisbursement({ unitCode: code, amount: 100_000_000, disbursedOn: d, reference: `K-${i}` }),
      );
      expect(next).toMatchObject({ status: 201, reads: 0 });
    }
    // The unit's other scopes were read with the first: one with figures, one without any yet.
    expect(
      await postMine("disbursements", makeDisbursement({ unitCode: code, program: "GNBV", amount: 1 })),
    ).toMatchObject({ status: 201, reads: 0 });
    expect(
      await postMine("allocations", makeAllocation({ unitCode: code, program: "DTTS", amount: 5 })),
    ).toMatchObject({ status: 201, reads: 0 });
    // Allocations too, and the disbursements judged on the allocation kept beside them.
    expect(
      await postMine("allocations", makeAllocation({ unitCode: code, amount: 500_000_000 })),
    ).toMatchObject({
      status: 201,
      reads: 0,
    });
    expect(
      await postMine("disbursements", makeDisbursement({ unitCode: code, amount: 1_000_000_000 })),
    ).toMatchObject({ status: 201, reads: 0 });
    expect((await ledgerTotal(t, code)).disbursed).toBe(1_400_000_001);
    await figuresAgree();
  });

  it("refuses what the kept figures would admit once another instance filled the scope", async () => {
    const { code } = await createUnit(t);
    await postAllocation(t, { unitCode: code, amount: 1_000_000_000 });
    expect(
      (await postMine("disbursements", makeDisbursement({ unitCode: code, amount: 600_000_000 }))).status,
    ).toBe(201);
    const there = await t.request("POST", "/api/v1/disbursements", {
      body: makeDisbursement({ unitCode: code, amount: 300_000_000 }),
    });
    expect(there.status).toBe(201);
    // 600 + 200 fits what this instance kept; 600 + 300 + 200 does not fit the ledger.
    const over = await postMine("disbursements", makeDisbursement({ unitCode: code, amount: 200_000_000 }));
    expect(over.status).toBe(422);
    expect(JSON.stringify(over.body)).toContain("disbursed_above_allocation");
    expect(over.reads).toBe(1);
    expect((await ledgerTotal(t, code)).disbursed).toBe(900_000_000);
    // What it read to refuse is kept: the next posts go alone again, judged on it.
    const fits = await postMine("disbursements", makeDisbursement({ unitCode: code, amount: 50_000_000 }));
    expect(fits).toMatchObject({ status: 201, reads: 0 });
    expect(
      await postMine("disbursements", makeDisbursement({ unitCode: code, amount: 50_000_000 })),
    ).toMatchObject({ status: 201, reads: 0 });
    const full = await postMine("disbursements", makeDisbursement({ unitCode: code, amount: 1 }));
    expect(full).toMatchObject({ status: 422, reads: 1 });
    expect((await ledgerTotal(t, code)).disbursed).toBe(1_000_000_000);
    await figuresAgree();
  });

  it("admits what the kept figures would refuse once another instance made room", async () => {
    const { code } = await createUnit(t);
    await postAllocation(t, { unitCode: code, amount: 1_000_000_000 });
    const big = await postMine("disbursements", makeDisbursement({ unitCode: code, amount: 900_000_000 }));
    expect(big.status).toBe(201);
    // Another instance corrects part of it: 500 of the 900 were never paid.
    const fix = await t.request("POST", "/api/v1/disbursements", {
      body: makeDisbursement({ unitCode: code, amount: -500_000_000, corrects: big.body.id }),
    });
    expect(fix.status).toBe(201);
    // 900 + 300 breaks what this instance kept; 400 + 300 fits the ledger.
    const ok = await postMine("disbursements", makeDisbursement({ unitCode: code, amount: 300_000_000 }));
    expect(ok).toMatchObject({ status: 201, reads: 1 });
    expect((await ledgerTotal(t, code)).disbursed).toBe(700_000_000);
    await figuresAgree();
  });

  it("admits exactly what fits when both instances post on one scope at once", async () => {
    const { code } = await createUnit(t);
    await postAllocation(t, { unitCode: code, amount: 1_000_000_000 });
    // Both instances know the scope first, so both judge on kept figures that the other moves.
    await post("disbursements", makeDisbursement({ unitCode: code, amount: 1 }));
    await t.request("POST", "/api/v1/disbursements", {
      body: makeDisbursement({ unitCode: code, amount: 1 }),
    });
    const posts = Array.from({ length: 24 }, (_, i) => {
      const body = makeDisbursement({ unitCode: code, amount: 100_000_000, reference: `R-${i}` });
      return i % 2 === 0
        ? post("disbursements", body).then((r) => r.status)
        : t.request("POST", "/api/v1/disbursements", { body }).then((r) => r.status);
    });
    const statuses = await Promise.all(posts);
    // 999,999,998 left: nine posts of 100,000,000 fit, whichever instance sent them.
    expect(statuses.filter((s) => s === 201)).toHaveLength(9);
    expect(statuses.filter((s) => s === 422)).toHaveLength(15);
    expect((await ledgerTotal(t, code)).disbursed).toBe(900_000_002);
    await figuresAgree();
  });

  it("judges a post spanning known and unknown units on a fresh read of them all", async () => {
    const { code } = await createUnit(t);
    const { code: next } = await createUnit(t);
    await postAllocation(t, { unitCode: code });
    await postAllocation(t, { unitCode: next });
    await postMine("disbursements", makeDisbursement({ unitCode: code }));
    const both = await postMine("disbursements", [
      makeDisbursement({ unitCode: code, reference: "B-1" }),
      makeDisbursement({ unitCode: next, reference: "B-2" }),
    ]);
    expect(both).toMatchObject({ status: 201, reads: 1 });
    const again = await postMine("disbursements", [
      makeDisbursement({ unitCode: next, reference: "B-3" }),
      makeDisbursement({ unitCode: code, reference: "B-4" }),
    ]);
    expect(again).toMatchObject({ status: 201, reads: 0 });
    // A refusal is never made on kept figures alone: this one is read again, and stands, in the
    // rules' words (300 of the 1,000 are disbursed here, so 800 more break it).
    const over = await postMine("disbursements", makeDisbursement({ unitCode: code, amount: 800_000_000 }));
    expect(over).toMatchObject({ status: 422, reads: 1 });
    expect(JSON.stringify(over.body)).toContain("disbursed_above_allocation");
    expect((await ledgerTotal(t, code)).disbursed).toBe(300_000_000);
    expect((await ledgerTotal(t, next)).disbursed).toBe(200_000_000);
    await figuresAgree();
  });
});
