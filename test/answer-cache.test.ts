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
});
