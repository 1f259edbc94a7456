// Issue 12.5: an officer's key sees its own units only, in the catalog and in every list, and
// another unit's ids and codes answer exactly as unknown ones do.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUnit, makeDisbursement, postAllocation, postDisbursement } from "./factories.js";
import { createTestApp, type TestApp } from "./helpers/test-app.js";

type Body = Record<string, unknown> & { requestId?: string; message?: string };

let t: TestApp;
let officer: string;
let otherDisbursementId: number;
const OWN = "OS1";
const OTHER = "OS2";
const scope = { program: "NTM", planYear: 2022, source: "central", capitalType: "investment" };

async function created(url: string, body: unknown, key?: string) {
  const res = await t.request("POST", url, { body, ...(key ? { key } : {}) });
  expect(res.status, `${url}: ${JSON.stringify(res.body)}`).toBe(201);
  return res.body as Body;
}

beforeAll(async () => {
  t = await createTestApp();
  for (const code of [OWN, OTHER]) {
    await createUnit(t, { code });
    await postAllocation(t, { unitCode: code });
    await postDisbursement(t, { unitCode: code, amount: 100_000_000 });
    await created("/api/v1/reallocation-requests", {
      unitCode: code,
      planYear: 2022,
      reason: "Không giải ngân hết",
      documentRef: `12/${code}`,
      sentOn: "2022-10-01",
      lines: [{ program: "NTM", source: "central", capitalType: "investment", amount: 1_000_000 }],
    });
    await created("/api/v1/refunds", {
      ...scope,
      unitCode: code,
      amount: 1_000,
      refundedOn: "2022-12-30",
      reference: `NS-${code}`,
    });
  }
  officer = await t.keyFor("officer", [OWN]);
  const list = await t.request("GET", `/api/v1/disbursements?unit=${OTHER}`);
  otherDisbursementId = Number((list.body as { items: { id: number }[] }).items[0]!.id);
});
afterAll(() => t.close());

const unitsOf = (body: unknown) => [
  ...new Set(
    ((body as { items?: unknown[] }).items ?? (body as unknown[])).map(
      (r) => (r as { unitCode?: string; code?: string }).unitCode ?? (r as { code: string }).code,
    ),
  ),
];

describe("the catalog", () => {
  it("lists only the officer's units, all of them to an admin", async () => {
    const mine = await t.request("GET", "/api/v1/units", { key: officer });
    expect(mine.status).toBe(200);
    expect(unitsOf(mine.body)).toEqual([OWN]);
    expect(unitsOf((await t.request("GET", "/api/v1/units?kind=district", { key: officer })).body)).toEqual([
      OWN,
    ]);
    expect(unitsOf((await t.request("GET", "/api/v1/units")).body)).toEqual(
      expect.arrayContaining([OWN, OTHER]),
    );
  });

  it("answers another unit exactly as an unknown one: 404, same body but for the code", async () => {
    const other = await t.request("GET", `/api/v1/units/${OTHER}`, { key: officer });
    const unknown = await t.request("GET", "/api/v1/units/OSX", { key: officer });
    expect(other.status).toBe(404);
    expect(unknown.status).toBe(404);
    const shape = (b: unknown, code: string) => {
      const { requestId: _, ...rest } = b as Body;
      return JSON.parse(JSON.stringify(rest).replaceAll(code, "<code>"));
    };
    expect(shape(other.body, OTHER)).toEqual(shape(unknown.body, "OSX"));
    expect((await t.request("GET", `/api/v1/units/${OWN}`, { key: officer })).status).toBe(200);
  });
});

describe("every list an officer may read", () => {
  it("holds only the officer's units", async () => {
    for (const url of [
      "/api/v1/allocations",
      "/api/v1/disbursements",
      "/api/v1/reallocation-requests",
      "/api/v1/refunds",
      "/api/v1/carry-forwards",
    ]) {
      const res = await t.request("GET", url, { key: officer });
      expect(res.status, url).toBe(200);
      const units = unitsOf(res.body);
      expect(
        units.every((u) => u === OWN),
        `${url}: ${units.join(",")}`,
      ).toBe(true);
      // And the same list holds both units for an admin (the test would pass on empty lists otherwise).
      if (url !== "/api/v1/carry-forwards")
        expect(unitsOf((await t.request("GET", url)).body), url).toEqual(
          expect.arrayContaining([OWN, OTHER]),
        );
    }
  });

  it("asked for another unit, answers as it does for an unknown one", async () => {
    for (const url of [
      "/api/v1/allocations?unit=",
      "/api/v1/disbursements?unit=",
      "/api/v1/reallocation-requests?unit=",
      "/api/v1/refunds?unit=",
      "/api/v1/carry-forwards?unit=",
    ]) {
      const other = await t.request("GET", `${url}${OTHER}`, { key: officer });
      const unknown = await t.request("GET", `${url}OSX`, { key: officer });
      expect(other.status, url).toBe(unknown.status);
      const { requestId: _a, ...o } = other.body as Body;
      const { requestId: _b, ...u } = unknown.body as Body;
      expect(JSON.stringify(o).replaceAll(OTHER, "<code>"), url).toBe(
        JSON.stringify(u).replaceAll("OSX", "<code>"),
      );
    }
  });

  it("the province-wide lists (alerts, audit, at-risk, summary, exports) are not an officer's", async () => {
    for (const url of ["/api/v1/alerts", "/api/v1/audit", "/api/v1/at-risk", "/api/v1/reports/summary"])
      expect((await t.request("GET", url, { key: officer })).status, url).toBe(403);
  });
});

describe("correcting another unit's entry", () => {
  it("answers exactly as correcting an unknown entry id", async () => {
    const correct = async (corrects: number) => {
      const res = await t.request("POST", "/api/v1/disbursements", {
        key: officer,
        body: makeDisbursement({ unitCode: OWN, amount: -1, corrects }),
      });
      const { requestId: _, ...rest } = res.body as Body;
      return {
        status: res.status,
        body: JSON.parse(JSON.stringify(rest).replaceAll(String(corrects), "<id>")),
      };
    };
    const unknownId = otherDisbursementId + 1_000_000;
    const other = await correct(otherDisbursementId);
    const unknown = await correct(unknownId);
    expect(other.status).toBe(422);
    expect(other).toEqual(unknown);
    expect(JSON.stringify(other.body)).toContain("unknown_entry");
  });
});
