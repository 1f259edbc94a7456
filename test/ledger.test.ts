import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "./helpers/test-app.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const unit = {
  code: "TAMKY",
  name: "UBND thành phố Tam Kỳ",
  kind: "district",
  headName: "Nguyễn Văn A",
  headEmail: "head@tamky.example.org",
};
const alloc = {
  unitCode: "TAMKY",
  program: "NTM",
  planYear: 2022,
  source: "central",
  capitalType: "investment",
  amount: 1_000_000_000,
  decisionRef: "123/QĐ-UBND",
  decidedOn: "2022-01-15",
};

describe("ledger smoke", () => {
  it("creates a unit, posts an allocation and a disbursement and reads the ledger", async () => {
    expect((await t.request("POST", "/api/v1/units", { body: unit })).status).toBe(201);
    const a = await t.request("POST", "/api/v1/allocations", { body: alloc });
    expect(a.status, JSON.stringify(a.body)).toBe(201);
    const d = await t.request("POST", "/api/v1/disbursements", {
      body: {
        ...alloc,
        decisionRef: undefined,
        decidedOn: undefined,
        amount: 600_000_001,
        disbursedOn: "2022-09-30",
        reference: "KB-1",
      },
    });
    expect(d.status, JSON.stringify(d.body)).toBe(201);
    const l = await t.request("GET", "/api/v1/units/TAMKY/ledger?asOf=2022-09-30");
    expect(l.status, JSON.stringify(l.body)).toBe(200);
    expect(l.body).toMatchObject({
      total: {
        allocated: 1_000_000_000,
        disbursed: 600_000_001,
        refunded: 0,
        carriedForward: 0,
        remaining: 399_999_999,
      },
    });
    const before = await t.request("GET", "/api/v1/units/TAMKY/ledger?asOf=2022-09-29");
    expect(before.body).toMatchObject({ total: { disbursed: 0 } });
  });
});
