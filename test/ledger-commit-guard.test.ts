// The database's guard runs at COMMIT (no statement of its own before it): its refusal is still a
// 422 naming the guard's rule, and nothing is written. And a post reads its scopes' movements only
// once it holds their locks (ledger_scope_rows): a write committed while it waited counts.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RuleViolationError } from "../src/domain/errors.js";
import { countEntries, createUnit, makeDisbursement, postAllocation } from "./factories.js";
import { createTestApp, type TestApp } from "./helpers/test-app.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

const scopeKeyOf = (unit: string) => `${unit}|NTM|2022||central|investment`;

/** A raw INSERT of a disbursement in makeAllocation's scope, as a writer outside the service. */
const rawDisbursement = (unit: string, amount: number) =>
  `INSERT INTO disbursement (unit_code, program_code, plan_year, source, capital_type, amount, disbursed_on,
                             reference, posted_by)
   VALUES ('${unit}', 'NTM', 2022, 'central', 'investment', ${amount}, '2022-06-30', 'RAW', 'outside')`;

describe("the ledger's guard at commit", () => {
  it("refuses what the rules would not have admitted, as a rule violation naming the guard's rule", async () => {
    const { code } = await createUnit(t);
    await postAllocation(t, { unitCode: code });
    const before = await countEntries(t);
    const write = t.container.ledger.transaction(async (tx) => {
      await tx.$executeRawUnsafe(rawDisbursement(code, 1_500_000_000));
    });
    const err = await write.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(RuleViolationError);
    expect((err as RuleViolationError).issues[0]).toMatchObject({ rule: "over_allocated" });
    expect(await countEntries(t)).toEqual(before);
  });
});

describe.runIf(process.env.TEST_DATABASE === "postgres")("posts racing writers on another connection", () => {
  let other: pg.Client;
  beforeAll(async () => {
    other = new pg.Client({ connectionString: t.db.url });
    await other.connect();
  });
  afterAll(() => other?.end());

  /** Until a lock on this database is awaited (the post is blocked behind `other`). */
  async function untilBlocked() {
    for (let i = 0; i < 500; i++) {
      const [{ n }] = (await t.db.raw.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted`,
      )) as [{ n: number }];
      if (n > 0) return;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error("the post never waited on the other writer");
  }

  /**
   * A post of 500 million on a new unit's 1 tỷ, racing another connection's uncommitted 600
   * million, which commits once the post waits on it (on the scope's lock, or on its figures row).
   */
  async function postRacing(opts: { otherHoldsLock: boolean }) {
    const { code } = await createUnit(t);
    await postAllocation(t, { unitCode: code });
    await other.query("BEGIN");
    if (opts.otherHoldsLock)
      await other.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [scopeKeyOf(code)]);
    await other.query(rawDisbursement(code, 600_000_000));
    const post = t.request("POST", "/api/v1/disbursements", {
      body: makeDisbursement({ unitCode: code, amount: 500_000_000 }),
    });
    await untilBlocked();
    await other.query("COMMIT");
    return { code, res: await post };
  }

  it("a writer that takes no lock: the guard refuses at COMMIT with a 422, and the post writes nothing", async () => {
    // Its movements are read before the other commits (no advisory lock held); its insert waits
    // on the scope's figures row, and the guard sees both at COMMIT.
    const { code, res } = await postRacing({ otherHoldsLock: false });
    expect(res.status).toBe(422);
    expect(JSON.stringify(res.body)).toContain("over_allocated");
    const rows = await t.db.raw.query(`SELECT reference FROM disbursement WHERE unit_code = $1`, [code]);
    expect(rows).toEqual([{ reference: "RAW" }]);
  });

  it("a writer holding the scope's lock: the post reads its write once the lock is released, and the rules refuse", async () => {
    const { res } = await postRacing({ otherHoldsLock: true });
    expect(res.status).toBe(422);
    // The rules' own refusal, with the figures they read: the other's 600 million counted.
    expect(JSON.stringify(res.body)).toContain("disbursed_above_allocation");
    expect(JSON.stringify(res.body)).not.toContain("over_allocated");
  });
});
