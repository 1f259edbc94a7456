// Issue 12.4 and 12.6: every query parameter is parsed strictly (a 4xx naming it, never a 5xx or
// a silent 200), and the request id is ours unless the client's is short and safe.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUnit, postAllocation, postDisbursement } from "./factories.js";
import { createTestApp, type TestApp } from "./helpers/test-app.js";

type ErrorBody = { error: string; issues: { path: string; rule: string }[]; requestId: string };

let t: TestApp;
const UNIT = "SQ1";
const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64url");

beforeAll(async () => {
  t = await createTestApp();
  await createUnit(t, { code: UNIT });
  await postAllocation(t, { unitCode: UNIT });
  for (const d of ["2022-03-01", "2022-04-01", "2022-05-01"])
    await postDisbursement(t, { unitCode: UNIT, disbursedOn: d, amount: 1_000_000 });
});
afterAll(() => t.close());

async function expect400(method: string, url: string, path: string) {
  const res = await t.request(method, url);
  expect(res.status, `${method} ${url}: ${JSON.stringify(res.body)}`).toBe(400);
  const body = res.body as ErrorBody;
  expect(
    body.issues.map((i) => i.path),
    url,
  ).toContain(path);
  return body;
}

const EVALUATIONS = [
  `/api/v1/units/${UNIT}/ledger`,
  `/api/v1/units/${UNIT}/status`,
  "/api/v1/at-risk",
  "/api/v1/reports/summary",
  `/api/v1/alerts/preview?unit=${UNIT}&`,
  "/api/v1/dashboard/overview",
  "/api/v1/dashboard/at-risk",
  `/api/v1/dashboard/units/${UNIT}`,
  `/api/v1/dashboard/units/${UNIT}/entries`,
  "/api/v1/exports/at-risk.csv",
  "/api/v1/exports/summary.csv",
  "/api/v1/exports/at-risk.xlsx",
];
const withQuery = (url: string, q: string) => `${url}${url.includes("?") ? "" : "?"}${q}`;

describe("dates in query strings lie within 2000-01-01..2100-12-31", () => {
  it("refuses asOf from 0001-01-01 to 0001-01-30 and outside the range on every evaluation route", async () => {
    const days = Array.from({ length: 30 }, (_, i) => `0001-01-${String(i + 1).padStart(2, "0")}`);
    for (const url of EVALUATIONS)
      for (const d of [...days, "1999-12-31", "2101-01-01", "9999-12-31"]) {
        const body = await expect400("GET", withQuery(url, `asOf=${d}`), "querystring.asOf");
        expect(body.issues[0]?.rule).toBe("date_range");
      }
    await expect400("POST", "/api/v1/alerts/run?dryRun=true&asOf=0001-01-15", "querystring.asOf");
    for (const k of ["from", "to"])
      await expect400("GET", `/api/v1/disbursements?${k}=0001-01-01`, `querystring.${k}`);
  });

  it("still answers on the edges of the range", async () => {
    for (const d of ["2000-01-01", "2100-12-31"]) {
      const res = await t.request("GET", `/api/v1/units/${UNIT}/ledger?asOf=${d}`);
      expect(res.status, d).toBe(200);
    }
    expect((await t.request("GET", "/api/v1/disbursements?from=2000-01-01&to=2100-12-31")).status).toBe(200);
  });

  it("keeps body dates on their own rules (an allocation decided in 2022 is still accepted)", async () => {
    await postAllocation(t, { unitCode: UNIT, decidedOn: "2022-02-01", amount: 5 });
  });
});

describe("integers in query strings and paths are decimal digits only", () => {
  const YEARS = ["0x7E6", "2e3", "2022.0", "+2022", "02022", " 2022", "0b11111100110", "2022n"];
  it("refuses planYear written any other way, on every route that takes it", async () => {
    for (const url of [
      "/api/v1/allocations",
      "/api/v1/disbursements",
      `/api/v1/units/${UNIT}/status`,
      "/api/v1/at-risk",
      "/api/v1/reports/summary",
      "/api/v1/alerts",
      "/api/v1/reallocation-requests",
      "/api/v1/carry-forwards",
      "/api/v1/refunds",
      "/api/v1/dashboard/overview",
      "/api/v1/dashboard/at-risk",
      `/api/v1/dashboard/units/${UNIT}`,
      `/api/v1/dashboard/units/${UNIT}/entries`,
      "/api/v1/exports/summary.csv",
    ])
      for (const y of YEARS)
        await expect400("GET", withQuery(url, `planYear=${encodeURIComponent(y)}`), "querystring.planYear");
    for (const y of YEARS) {
      await expect400("GET", `/api/v1/plans/${encodeURIComponent(y)}`, "params.year");
      await expect400("GET", `/api/v1/plans/${encodeURIComponent(y)}/closings`, "params.year");
    }
  });

  it("refuses limits in hex, exponent or with a fraction, and still reads plain ones", async () => {
    for (const v of ["0x10", "1e2", "10.0", "+5", "010"]) {
      await expect400("GET", `/api/v1/allocations?limit=${encodeURIComponent(v)}`, "querystring.limit");
      await expect400(
        "GET",
        `/api/v1/dashboard/units/${UNIT}?entriesLimit=${encodeURIComponent(v)}`,
        "querystring.entriesLimit",
      );
    }
    const res = await t.request("GET", "/api/v1/disbursements?planYear=2022&limit=2");
    expect(res.status).toBe(200);
    expect((res.body as { items: unknown[] }).items).toHaveLength(2);
  });
});

describe("ids and cursors", () => {
  const PAST_INT8 = ["9223372036854775808", "18446744073709551616", "99999999999999999999"];
  it("refuses ids past int8 on every :id route with a 400 naming params.id", async () => {
    for (const id of [...PAST_INT8, "0", "01", "0x10"]) {
      await expect400("POST", `/api/v1/alerts/${id}/resend`, "params.id");
      await expect400("GET", `/api/v1/reallocation-requests/${id}`, "params.id");
      await expect400("POST", `/api/v1/reallocation-requests/${id}/approve`, "params.id");
      await expect400("POST", `/api/v1/reallocation-requests/${id}/reject`, "params.id");
    }
    // The largest int8 is a well-formed id of nothing.
    expect((await t.request("POST", "/api/v1/alerts/9223372036854775807/resend")).status).toBe(404);
  });

  it("refuses list cursors past int8, and cursors this service did not make", async () => {
    const forged = [
      "AAAA",
      "0",
      "01",
      b64('{"id":"0"}'),
      b64('{"id":"9223372036854775808"}'),
      b64('{"id":1}'),
    ];
    for (const url of [
      "/api/v1/allocations",
      "/api/v1/alerts",
      "/api/v1/audit",
      "/api/v1/reallocation-requests",
    ])
      for (const c of [...PAST_INT8, ...forged])
        await expect400("GET", `${url}?cursor=${encodeURIComponent(c)}`, "querystring.cursor");
  });

  it("hands out an opaque entries cursor and refuses a forged one", async () => {
    const first = await t.request("GET", `/api/v1/dashboard/units/${UNIT}/entries?asOf=2022-12-31&limit=2`);
    expect(first.status).toBe(200);
    const next = (first.body as { nextCursor: string | null }).nextCursor;
    expect(next).toMatch(/^[A-Za-z0-9_-]+$/);
    const second = await t.request(
      "GET",
      `/api/v1/dashboard/units/${UNIT}/entries?asOf=2022-12-31&limit=2&cursor=${next}`,
    );
    expect(second.status).toBe(200);
    expect((second.body as { items: unknown[] }).items.length).toBeGreaterThan(0);
    for (const c of [
      "2022-02-31.d.1",
      "2022-09-30.d.1",
      b64("2022-02-31.d.1"),
      b64("0001-01-01.a.1"),
      b64("2022-09-30.d.9223372036854775808"),
      "AAAA",
    ])
      await expect400(
        "GET",
        `/api/v1/dashboard/units/${UNIT}/entries?cursor=${encodeURIComponent(c)}`,
        "querystring.cursor",
      );
  });
});

describe("milestones are those of the plan", () => {
  it("answers 400 naming querystring.milestone for a milestone the plan does not have", async () => {
    for (const url of ["/api/v1/at-risk", "/api/v1/dashboard/at-risk", "/api/v1/exports/at-risk.csv"])
      for (const m of ["FOO", "m60", ""]) {
        const body = await expect400("GET", `${url}?asOf=2022-12-31&milestone=${m}`, "querystring.milestone");
        expect(body.issues[0]?.rule).toBe("unknown_milestone");
      }
  });

  it("still filters by a milestone the plan has", async () => {
    const plan = await t.request("GET", "/api/v1/plans/2022");
    const id = (plan.body as { plan: { milestones: { id: string }[] } }).plan.milestones[0]!.id;
    expect((await t.request("GET", `/api/v1/at-risk?asOf=2022-12-31&milestone=${id}`)).status).toBe(200);
  });
});

describe("request ids are ours", () => {
  const idOf = (res: { headers: Record<string, unknown>; body: unknown }) => ({
    header: res.headers["x-request-id"],
    body: (res.body as ErrorBody).requestId,
  });

  it("accepts a client id of at most 64 characters of [A-Za-z0-9._-]", async () => {
    const mine = `abc.DEF_123-${"x".repeat(52)}`;
    expect(mine).toHaveLength(64);
    const res = await t.request("GET", "/api/v1/units/NOPE", { headers: { "x-request-id": mine } });
    expect(res.status).toBe(404);
    expect(idOf(res)).toEqual({ header: mine, body: mine });
  });

  it("replaces any other id with one of its own, never echoing it", async () => {
    for (const given of [
      "x".repeat(65),
      "x".repeat(15_000),
      "two words",
      "<script>alert(1)</script>",
      "a\tb",
      "id;drop",
      "ü",
      "",
    ]) {
      const res = await t.request("GET", "/api/v1/units/NOPE", { headers: { "x-request-id": given } });
      const { header, body } = idOf(res);
      expect(header, given.slice(0, 20)).toMatch(/^[0-9a-f-]{36}$/);
      expect(body).toBe(header);
      expect(res.headers["x-request-id"]).not.toBe(given);
    }
  });

  it("makes its own when the client sends none, and a different one each time", async () => {
    const a = idOf(await t.request("GET", "/api/v1/units/NOPE"));
    const b = idOf(await t.request("GET", "/api/v1/units/NOPE"));
    expect(a.header).toMatch(/^[0-9a-f-]{36}$/);
    expect(a.header).not.toBe(b.header);
  });
});
