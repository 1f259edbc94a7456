// Issue 12.2 and 12.3: limits belong to the authenticated key, whatever the spelling of its header,
// and requests without a valid key are counted by address. Writes, plain reads and province-wide
// evaluations each have their own bucket; health probes have none.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, buildApp } from "../src/app.js";
import { makeUnit } from "./factories.js";
import { ADMIN_KEY, createTestApp, type TestApp } from "./helpers/test-app.js";

let t: TestApp;
let limited: App;
let readLimited: App;
beforeAll(async () => {
  t = await createTestApp();
  limited = await buildApp(t.container, { writesPerMinute: 3 });
  readLimited = await buildApp(t.container, {
    writesPerMinute: 2,
    readsPerMinute: 4,
    evaluationsPerMinute: 2,
  });
});
afterAll(async () => {
  await readLimited.close();
  await limited.close();
  await t.close();
});

const post = (authorization: string | undefined, remoteAddress = "10.0.0.1") =>
  limited.inject({
    method: "POST",
    url: "/api/v1/units",
    remoteAddress,
    headers: authorization ? { authorization } : {},
    payload: makeUnit(),
  });

describe("write limits per principal", () => {
  it("counts one bucket for the same key however the header spells Bearer", async () => {
    const spellings = [
      `Bearer ${ADMIN_KEY}`,
      `Bearer  ${ADMIN_KEY}`,
      `bearer ${ADMIN_KEY}`,
      `BEARER\t${ADMIN_KEY}`,
    ];
    const statuses = [];
    for (const s of spellings) statuses.push((await post(s)).statusCode);
    expect(statuses).toEqual([201, 201, 201, 429]);
    // From another address too: the bucket is the key's, not the address's.
    const again = await post(`bearer   ${ADMIN_KEY}`, "10.9.9.9");
    expect(again.statusCode).toBe(429);
    expect(again.json()).toMatchObject({ error: "rate_limited" });
  });

  it("gives another key its own bucket, and counts a key refused by its role against that key", async () => {
    const viewer = await t.keyFor("viewer");
    const other = await t.keyFor("admin");
    expect((await post(`Bearer ${other}`)).statusCode).toBe(201);
    const byViewer = [];
    for (let i = 0; i < 4; i++) byViewer.push((await post(`bearer  ${viewer}`, `10.1.0.${i}`)).statusCode);
    expect(byViewer).toEqual([403, 403, 403, 429]);
  });

  it("counts requests without a valid key by address, before answering 401", async () => {
    const fromA = [];
    for (const auth of [undefined, "Bearer nope-1", "Bearer nope-2", "Bearer nope-3", "Basic eA=="])
      fromA.push((await post(auth, "10.2.0.1")).statusCode);
    expect(fromA).toEqual([401, 401, 401, 429, 429]);
    // Another address has its own count.
    expect((await post("Bearer nope-4", "10.2.0.2")).statusCode).toBe(401);
  });

  it("keeps reads out of the write bucket, and answers 401 to a read without a key", async () => {
    for (let i = 0; i < 5; i++) {
      const res = await limited.inject({
        method: "GET",
        url: "/api/v1/units",
        headers: { authorization: `bEaReR  ${ADMIN_KEY}` },
      });
      expect(res.statusCode).toBe(200);
    }
    expect((await limited.inject({ method: "GET", url: "/api/v1/units" })).statusCode).toBe(401);
  });
});

describe("read limits per principal", () => {
  const get = (url: string, key: string, remoteAddress = "10.3.0.1") =>
    readLimited.inject({ method: "GET", url, remoteAddress, headers: { authorization: `Bearer ${key}` } });

  it("limits province-wide evaluations more tightly than plain reads, each in its own bucket", async () => {
    const viewer = await t.keyFor("viewer");
    const evaluations = [];
    for (const url of [
      "/api/v1/at-risk?asOf=2022-09-01",
      "/api/v1/reports/summary?asOf=2022-09-02",
      "/api/v1/dashboard/overview?asOf=2022-09-03",
    ])
      evaluations.push((await get(url, viewer)).statusCode);
    expect(evaluations).toEqual([200, 200, 429]);
    const refused = await get("/api/v1/exports/at-risk.csv", viewer, "10.3.0.9");
    expect(refused.statusCode).toBe(429);
    expect(refused.json().message).toMatch(/more than 2 province-wide evaluations and exports a minute/);

    // Plain reads still answer: their bucket is another one.
    const reads = [];
    for (let i = 0; i < 5; i++) reads.push((await get("/api/v1/units", viewer)).statusCode);
    expect(reads).toEqual([200, 200, 200, 200, 429]);
    expect((await get("/api/v1/units", viewer)).json().message).toMatch(/more than 4 reads a minute/);

    // Nor do reads spend another key's allowance.
    const other = await t.keyFor("viewer");
    expect((await get("/api/v1/at-risk?asOf=2022-09-01", other)).statusCode).toBe(200);
  });

  it("never limits the health probes", async () => {
    for (let i = 0; i < 10; i++) {
      expect((await readLimited.inject({ method: "GET", url: "/healthz" })).statusCode).toBe(200);
      expect((await readLimited.inject({ method: "GET", url: "/readyz" })).statusCode).toBe(200);
    }
  });
});
