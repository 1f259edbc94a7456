// A post alone in its transaction is judged on its scopes as read without their locks, then
// inserted by one statement that first takes the locks and checks that nothing moved since the
// read (ledger_lock_scopes_unchanged): when something did, it inserts nothing, and the service
// judges the post again under the locks (test/ledger-commit-guard.test.ts races a real writer).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalDate } from "../src/domain/local-date.js";
import { createLedgerRepository, type ScopeSnapshot } from "../src/ledger/ledger.repository.js";
import type { DisbursementInput, LedgerScope } from "../src/ledger/ledger.types.js";
import { createUnit, makeDisbursement, postAllocation } from "./factories.js";
import { createTestApp, type TestApp } from "./helpers/test-app.js";

let t: TestApp;
let repo: ReturnType<typeof createLedgerRepository>;
beforeAll(async () => {
  t = await createTestApp();
  repo = createLedgerRepository(t.db.prisma, t.db.direct);
});
afterAll(() => t?.close());

const scopeOf = (unitCode: string, program = "NTM"): LedgerScope => ({
  unitCode,
  program,
  planYear: 2022,
  carriedOverFrom: null,
  source: "central",
  capitalType: "investment",
});

const disbursement = (unitCode: string, amount: bigint): DisbursementInput => ({
  ...scopeOf(unitCode),
  amount,
  disbursedOn: "2022-06-30" as LocalDate,
  reference: "ALONE-1",
  corrects: undefined,
  note: undefined,
});

const insertIfUnchanged = async (unitCode: string, seen: ScopeSnapshot) =>
  (await insertAlone(unitCode, seen)).rows;

const insertAlone = (unitCode: string, seen: ScopeSnapshot) =>
  repo.alone((db) => repo.insertDisbursements(db, [disbursement(unitCode, 1_000_000n)], "test", seen));

const disbursed = async (unitCode: string) =>
  (
    (await t.db.raw.query<{ n: number }>(`SELECT count(*)::int AS n FROM disbursement WHERE unit_code = $1`, [
      unitCode,
    ])) as [{ n: number }]
  )[0].n;

describe("a write alone in its transaction", () => {
  it("reads each scope's movements and stamp, -1 for a scope with no figures yet", async () => {
    const { code } = await createUnit(t);
    await postAllocation(t, { unitCode: code });
    const seen = await repo.unitScopes([scopeOf(code, "NTM"), scopeOf(code, "GNBV")]);
    expect(seen.keys).toEqual([
      `${code}|GNBV|2022||central|investment`,
      `${code}|NTM|2022||central|investment`,
    ]);
    expect(seen.changed[0]).toBe(-1n);
    expect(seen.changed[1]).toBeGreaterThan(0n);
    expect(seen.histories.get(seen.keys[1]!)).toEqual([
      { kind: "allocation", date: "2022-01-15", amount: 1_000_000_000n },
    ]);
    expect(seen.histories.has(seen.keys[0]!)).toBe(false);
  });

  it("inserts when nothing moved since the read, and nothing once another write moved the scope", async () => {
    const { code } = await createUnit(t);
    await postAllocation(t, { unitCode: code });
    const seen = await repo.unitScopes([scopeOf(code)]);
    const res = await t.request("POST", "/api/v1/disbursements", {
      body: makeDisbursement({ unitCode: code }),
    });
    expect(res.status).toBe(201);
    expect(await insertIfUnchanged(code, seen)).toEqual([]);
    expect(await disbursed(code)).toBe(1);
    const fresh = await repo.unitScopes([scopeOf(code)]);
    expect(fresh.changed[0]).not.toBe(seen.changed[0]);
    const rows = await insertIfUnchanged(code, fresh);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      unitCode: code,
      amount: 1_000_000n,
      reference: "ALONE-1",
      postedBy: "test",
    });
    // Read without Prisma (db.direct), the row is what Prisma reads: ids and amounts as BigInt,
    // the date as entered whatever the process's time zone (pg alone reads a date as local midnight).
    const listed = await repo.listDisbursements({ unitCodes: [code], limit: 100 });
    expect(rows[0]).toEqual(listed.find((e) => e.id === rows[0]!.id));
    expect(rows[0]!.disbursedOn).toBe("2022-06-30");
    const zone = process.env.TZ;
    process.env.TZ = "Asia/Ho_Chi_Minh"; // east of UTC: a local midnight falls on the day before in UTC
    try {
      const again = await repo.unitScopes([scopeOf(code)]);
      expect((await insertIfUnchanged(code, again))[0]!.disbursedOn).toBe("2022-06-30");
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
    expect(await disbursed(code)).toBe(3);
  });

  it("answers the transaction that wrote: the stamp the scope's figures now carry", async () => {
    const { code } = await createUnit(t);
    await postAllocation(t, { unitCode: code });
    const seen = await repo.unitScopes([scopeOf(code)]);
    const written = await insertAlone(code, seen);
    expect(written.rows).toHaveLength(1);
    const after = await repo.unitScopes([scopeOf(code)]);
    expect(written.tx).toBe(after.changed[0]);
    expect(written.tx).not.toBe(seen.changed[0]);
    // Nothing written, no transaction named.
    expect(await insertAlone(code, seen)).toEqual({ rows: [], tx: null });
  });

  it("inserts nothing when a scope read without figures has some by then", async () => {
    const { code } = await createUnit(t);
    const seen = await repo.unitScopes([scopeOf(code)]);
    expect(seen.changed).toEqual([-1n]);
    await postAllocation(t, { unitCode: code });
    expect(await insertIfUnchanged(code, seen)).toEqual([]);
    expect(await disbursed(code)).toBe(0);
  });

  it("inserts nothing when the plans or closings moved since the read (the admission epoch)", async () => {
    const { code } = await createUnit(t);
    await postAllocation(t, { unitCode: code });
    const seen = await repo.unitScopes([scopeOf(code)]);
    expect(await insertIfUnchanged(code, { ...seen, admissionEpoch: seen.admissionEpoch + 1n })).toEqual([]);
    expect(await disbursed(code)).toBe(0);
  });

  it("still answers a post over HTTP as before, and refuses what its scope cannot hold", async () => {
    const { code } = await createUnit(t);
    await postAllocation(t, { unitCode: code });
    const ok = await t.request("POST", "/api/v1/disbursements", {
      body: makeDisbursement({ unitCode: code, amount: 900_000_000 }),
    });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ unitCode: code, amount: 900_000_000 });
    const over = await t.request("POST", "/api/v1/disbursements", {
      body: makeDisbursement({ unitCode: code, amount: 200_000_000 }),
    });
    expect(over.status).toBe(422);
    expect(JSON.stringify(over.body)).toContain("disbursed_above_allocation");
    expect(await disbursed(code)).toBe(1);
  });
});
