// National reads keep the units' list while the units' epoch stands (rules.service unitMap): a
// unit added through the API, or renamed or moved to another kind with plain SQL (another
// instance, a script), is in the very next national answer, names and kinds alike.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUnit, postAllocation, postDisbursement } from "./factories.js";
import { createTestApp, type TestApp } from "./helpers/test-app.js";

type Item = { unitCode: string; unitName: string; unitKind: string; id: string };
let t: TestApp;
const ASOF = "2022-09-20";

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t?.close());

/** A unit with 1 tỷ allocated and 100 triệu disbursed by 30/6: at risk of the 30/9 milestone. */
async function lateUnit(kind: "district" | "department") {
  const { code } = await createUnit(t, { kind });
  await postAllocation(t, { unitCode: code });
  await postDisbursement(t, { unitCode: code });
  return code;
}

async function itemsOf(code: string): Promise<Item[]> {
  const res = await t.request("GET", `/api/v1/at-risk?asOf=${ASOF}&limit=500`);
  expect(res.status).toBe(200);
  return (res.body as { items: Item[] }).items.filter((i) => i.unitCode === code);
}

describe("the units behind national answers", () => {
  it("follows units added, renamed and moved to another kind, whoever changes them", async () => {
    const first = await lateUnit("district");
    const before = await itemsOf(first);
    expect(before.length).toBeGreaterThan(0);
    expect(before[0]!.unitName).toBe(`UBND huyện ${first}`);

    // Added through the API after the list was kept: listed at once.
    const second = await lateUnit("district");
    expect((await itemsOf(second)).length).toBeGreaterThan(0);

    // Renamed and made a department with plain SQL, as another instance or a script would.
    await t.db.raw.query(`UPDATE unit SET name = 'Sở Tài chính', kind = 'department' WHERE code = $1`, [
      first,
    ]);
    const after = await itemsOf(first);
    expect(after.length).toBeGreaterThan(0);
    for (const i of after) expect([i.unitName, i.unitKind]).toEqual(["Sở Tài chính", "department"]);
    // The kind filter reads the new kind too.
    const districts = await t.request("GET", `/api/v1/at-risk?asOf=${ASOF}&kind=district&limit=500`);
    const codes = (districts.body as { items: Item[] }).items.map((i) => i.unitCode);
    expect(codes).toContain(second);
    expect(codes).not.toContain(first);
  });
});
