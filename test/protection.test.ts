// Issue 7.3: headers, write limits, body limits, and no endpoint answering without the right key.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../src/app.js";
import { makeUnit } from "./factories.js";
import { ADMIN_KEY, createTestApp, type TestApp } from "./helpers/test-app.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

// The only routes anyone may call without a key: liveness, readiness, the API docs, the
// dashboard's static files (no data in them), calendar feeds and acknowledgement links (the
// token in the path is the key, and grants only that feed or that one message's acknowledgement).
const PUBLIC = [
  /^\/healthz$/,
  /^\/readyz$/,
  /^\/docs(\/|$)/,
  /^\/$/,
  /^\/\*$/,
  /^\/assets\//,
  /^\/feeds\/:token\.ics$/,
  /^\/ack\/:token$/,
];

type Route = { method: string; url: string; roles?: readonly string[] | undefined };

async function collectRoutes(): Promise<Route[]> {
  const routes: Route[] = [];
  const app = await buildApp(t.container, { onRoute: (r) => routes.push(r) });
  await app.close();
  return routes;
}

const concrete = (url: string) =>
  url.replace(/:(\w+)/g, (_m, name) => (name === "year" ? "2022" : name === "id" ? "1" : "X1"));
const bodyFor = (method: string) => (method === "GET" || method === "DELETE" ? undefined : {});

describe("no endpoint answers without the right key and role", () => {
  it("every data route declares roles, and answers 401 without a key or with a wrong one", async () => {
    const routes = await collectRoutes();
    expect(routes.length).toBeGreaterThan(30);
    for (const r of routes) {
      if (PUBLIC.some((p) => p.test(r.url))) continue;
      expect(r.roles, `${r.method} ${r.url} declares no roles`).toBeDefined();
      for (const key of [null, "not-a-key"]) {
        const res = await t.request(r.method, concrete(r.url), { key, body: bodyFor(r.method) });
        expect(res.status, `${r.method} ${r.url} with key ${key}`).toBe(401);
      }
    }
  });

  it("refuses viewers every route that is not theirs, officers every admin route", async () => {
    const viewer = await t.keyFor("viewer");
    await t.request("POST", "/api/v1/units", { body: makeUnit({ code: "OWN" }) });
    const officer = await t.keyFor("officer", ["OWN"]);
    for (const r of await collectRoutes()) {
      if (!r.roles) continue;
      if (!r.roles.includes("viewer")) {
        const res = await t.request(r.method, concrete(r.url), { key: viewer, body: bodyFor(r.method) });
        expect(res.status, `${r.method} ${r.url} as viewer`).toBe(403);
      }
      if (!r.roles.includes("officer")) {
        const res = await t.request(r.method, concrete(r.url), { key: officer, body: bodyFor(r.method) });
        expect(res.status, `${r.method} ${r.url} as officer`).toBe(403);
      }
    }
  });
});

describe("headers and limits", () => {
  it("sends security headers and the request id", async () => {
    const res = await t.app.inject({ method: "GET", url: "/healthz" });
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["content-security-policy"]).toContain("default-src 'self'");
    expect(res.headers["x-request-id"]).toBeTruthy();
  });

  it("limits writes per key and answers 429 naming the limit", async () => {
    const limited = await buildApp(t.container, { writesPerMinute: 3 });
    try {
      const post = () =>
        limited.inject({
          method: "POST",
          url: "/api/v1/units",
          headers: { authorization: `Bearer ${ADMIN_KEY}` },
          payload: makeUnit(),
        });
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await post()).statusCode);
      expect(statuses).toEqual([201, 201, 201, 429, 429]);
      const body = (await post()).json();
      expect(body).toMatchObject({ error: "rate_limited" });
      // Reads are not limited.
      const read = await limited.inject({
        method: "GET",
        url: "/api/v1/units",
        headers: { authorization: `Bearer ${ADMIN_KEY}` },
      });
      expect(read.statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it("rejects an oversized body with 413, not 500", async () => {
    const small = await buildApp(t.container, { bodyLimit: 1024 });
    try {
      const res = await small.inject({
        method: "POST",
        url: "/api/v1/units",
        headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
        payload: JSON.stringify({ ...makeUnit(), name: "x".repeat(5000) }),
      });
      expect(res.statusCode).toBe(413);
    } finally {
      await small.close();
    }
  });
});
