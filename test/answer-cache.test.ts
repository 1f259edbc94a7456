// National answers are kept per ledger version (src/rules/answer-cache.ts): asked twice, computed
// once; and any change an evaluation can see, made by any instance or with SQL, is in the very
// next answer everywhere, because every instance reads the version the change's transaction bumped.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createContainer } from "../src/container.js";
import { createUnit, postAllocation, postDisbursement } from "./factories.js";
import { createTestApp, fixedClock, type TestApp } from "./helpers/test-app.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ clock: fixedClock("2022-09-20T05:00:00Z") });
});
afterAll(() => t?.close());

type Page = { totals: { count: number; shortfall: number } };
const atRisk = async () => {
  const res = await t.request("GET", "/api/v1/at-risk?asOf=2022-09-20&milestone=M60");
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body as Page).totals;
};

describe("cached national answers", () => {
  it("serve a repeated question from the cache, and see every change at once, whoever made it", async () => {
    const unit = await createUnit(t);
    await postAllocation(t, { unitCode: unit.code, amount: 1_000_000_000 });
    const before = await atRisk();
    const stats = () => t.container.rules.cacheStats?.();
    const misses = stats()?.misses ?? 0;
    expect(await atRisk()).toEqual(before);
    expect(stats()?.misses).toBe(misses);
    expect(stats()?.hits).toBeGreaterThan(0);

    // A post through this instance: the next answer has it.
    await postDisbursement(t, { unitCode: unit.code, amount: 100_000_000, disbursedOn: "2022-09-01" });
    const afterPost = await atRisk();
    expect(afterPost.shortfall).toBe(before.shortfall - 100_000_000);

    // A second instance on the same database, with its own cache: it answers from the same
    // version, and a post it makes is in this instance's next answer.
    const other = createContainer(t.db, { maxBatchSize: 1000, clock: fixedClock("2022-09-20T05:00:00Z") });
    const admin = { keyId: "other", name: "other instance", role: "admin" as const, unitCodes: [] };
    expect((await other.rules.atRisk("2022-09-20", 2022, { milestone: "M60" })).items.length).toBe(
      afterPost.count,
    );
    await other.ledger.postDisbursements(
      [
        {
          unitCode: unit.code,
          program: "NTM",
          planYear: 2022,
          carriedOverFrom: null,
          source: "central",
          capitalType: "investment",
          amount: 50_000_000n,
          disbursedOn: "2022-09-02",
          reference: "KBNN-OTHER",
        },
      ],
      admin,
    );
    expect((await atRisk()).shortfall).toBe(afterPost.shortfall - 50_000_000);

    // SQL outside the service (a repair, a script): the same.
    await t.db.raw.query(
      `INSERT INTO disbursement (unit_code, program_code, plan_year, source, capital_type, amount, disbursed_on, reference, posted_by)
       VALUES ($1, 'NTM', 2022, 'central', 'investment', 25000000, DATE '2022-09-03', 'SQL', 'sql')`,
      [unit.code],
    );
    expect((await atRisk()).shortfall).toBe(afterPost.shortfall - 75_000_000);
  });

  it("read what the ledger version covers once per version, and anew after any change to it, made with SQL", async () => {
    // A new date is a cold question, yet the plan, calendar, closings, requests, statements,
    // submissions and units it reads are those kept for the version: each change below, made
    // beside the service, must reach the next cold answer as it reaches a container that kept
    // nothing.
    const unit = await createUnit(t);
    await postAllocation(t, { unitCode: unit.code, amount: 1_000_000_000 });
    await postDisbursement(t, { unitCode: unit.code, amount: 500_000_000, disbursedOn: "2022-09-01" });
    const page = (c: Pick<typeof t.container, "rules">, asOf: string) =>
      c.rules.atRiskPage(asOf as never, 2022, {}, { limit: 1000, dutiesLimit: 1000 });
    const fresh = () =>
      createContainer(t.db, { maxBatchSize: 1000, clock: fixedClock("2022-09-20T05:00:00Z") });
    /** The cold answer, checked against a container that kept nothing; then one unit's rows of it. */
    const sameAsFresh = async (asOf: string, code = unit.code) => {
      const kept = await page(t.container, asOf);
      expect(kept).toEqual(await page(fresh(), asOf));
      return {
        items: kept.items.filter((i) => i.unitCode === code).map((i) => [i.id, i.status, i.unitName]),
        duties: kept.duties.items.filter((d) => d.unitCode === code).map((d) => [d.id, d.status, d.unitName]),
      };
    };
    const ids = (rows: unknown[][]) => rows.map(([id]) => id);
    const reads = () => t.container.rules.cacheStats?.()?.reads ?? 0;

    const before = await sameAsFresh("2022-10-03");
    expect(before.items).toContainEqual(["M60", "missed", unit.name]);
    expect(before.items).toContainEqual(["REQ", "at_risk", unit.name]);
    expect(before.duties).toEqual([["BC_6_THANG", "missed", unit.name]]);
    const kept = reads();
    expect(kept).toBeGreaterThan(0);
    // Another date at the same version: nothing read again.
    await sameAsFresh("2022-10-04");
    expect(reads()).toBe(kept);

    await t.db.raw.query("UPDATE unit SET name = 'UBND huyện Đổi Tên' WHERE code = $1", [unit.code]);
    const renamed = await sameAsFresh("2022-10-05");
    expect(renamed.items).toEqual(before.items.map(([id, status]) => [id, status, "UBND huyện Đổi Tên"]));

    await t.db.raw.query(
      `INSERT INTO duty_submission (plan_year, duty_id, unit_code, document_number, submitted_on, created_by, created_at)
       VALUES (2022, 'BC_6_THANG', $1, 'SQL/BC', DATE '2022-06-15', 'sql', TIMESTAMPTZ '2022-06-15 09:00+07')`,
      [unit.code],
    );
    expect((await sameAsFresh("2022-10-06")).duties).toEqual([]);
    // As known before it was recorded (15/6), the report was not in: knownAt reads for itself.
    const dutiesKnownAt = async (at: string) =>
      (
        await t.container.rules.atRiskPage("2022-10-06" as never, 2022, {}, { limit: 10 }, new Date(at))
      ).duties.items
        .filter((d) => d.unitCode === unit.code)
        .map((d) => [d.id, d.status]);
    expect(await dutiesKnownAt("2022-06-01T00:00:00Z")).toEqual([["BC_6_THANG", "missed"]]);
    expect(await dutiesKnownAt("2022-07-01T00:00:00Z")).toEqual([]);

    await t.db.raw.query(
      `WITH r AS (
         INSERT INTO reallocation_request (unit_code, plan_year, reason, document_ref, sent_on, created_by)
         VALUES ($1, 2022, 'SQL', 'SQL/DC', DATE '2022-10-06', 'sql') RETURNING id)
       INSERT INTO reallocation_line (request_id, program_code, source, capital_type, amount)
       SELECT id, 'NTM', 'central', 'investment', 100000000 FROM r`,
      [unit.code],
    );
    const requested = (await sameAsFresh("2022-10-07")).items;
    expect(ids(requested)).not.toContain("REQ");
    expect(ids(requested)).toContain("M60");
    // The kept reads are the year's: asked about the day before the request was sent (6/10), it
    // was not sent yet; the day before the statement's date (30/9), the ledger's own figures stand
    // for M60 (50%).
    expect(ids((await sameAsFresh("2022-10-05")).items)).toContain("REQ");
    expect(ids((await sameAsFresh("2022-09-29")).items)).toContain("M60");

    await t.db.raw.query(
      `WITH s AS (
         INSERT INTO treasury_statement (as_of, document_ref, file_name, file_sha256, imported_by)
         VALUES (DATE '2022-09-30', 'KBNN/SQL', 'sql.xlsx', md5($1) || md5($1), 'sql') RETURNING id)
       INSERT INTO treasury_statement_line (statement_id, line_no, unit_code, program_code, plan_year, source, capital_type, disbursed)
       SELECT id, 1, $1, 'NTM', 2022, 'central', 'investment', 700000000 FROM s`,
      [unit.code],
    );
    // The Treasury says 70% by 30/9: M60 is met on its reading.
    expect(ids((await sameAsFresh("2022-10-10")).items)).not.toContain("M60");

    // A line added later to that statement, for a unit it did not list: the Treasury now says 80%
    // by 30/9 for that unit too.
    const second = await createUnit(t);
    await postAllocation(t, { unitCode: second.code, amount: 1_000_000_000 });
    expect(ids((await sameAsFresh("2022-10-11", second.code)).items)).toContain("M60");
    await t.db.raw.query(
      `INSERT INTO treasury_statement_line (statement_id, line_no, unit_code, program_code, plan_year, source, capital_type, disbursed)
       SELECT id, 2, $1, 'NTM', 2022, 'central', 'investment', 800000000 FROM treasury_statement WHERE document_ref = 'KBNN/SQL'`,
      [second.code],
    );
    expect(ids((await sameAsFresh("2022-10-12", second.code)).items)).not.toContain("M60");
  });
});
