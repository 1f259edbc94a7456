// The built dashboard served at /: public files, index.html for view paths, long caching for
// hashed assets, and a Vietnamese notice when the build is missing. /api and /docs are untouched.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, buildApp } from "../src/app.js";
import { createContainer } from "../src/container.js";
import type { Database } from "../src/db/database.js";
import { createTestDatabase } from "./helpers/test-database.js";

let db: Database;
let dir: string;
let built: App;
let missing: App;

const INDEX =
  '<!doctype html><html lang="vi"><script type="module" src="/assets/index-AbC123.js"></script></html>';

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "dm-web-"));
  await mkdir(path.join(dir, "assets"));
  await writeFile(path.join(dir, "index.html"), INDEX);
  await writeFile(path.join(dir, "assets", "index-AbC123.js"), "console.log(1)");
  await writeFile(path.join(dir, "favicon.svg"), "<svg/>");
  db = await createTestDatabase();
  const container = createContainer(db, { maxBatchSize: 10 });
  built = await buildApp(container, { webRoot: dir });
  missing = await buildApp(container, { webRoot: path.join(dir, "nowhere") });
});
afterAll(async () => {
  await built?.close();
  await missing?.close();
  await db?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("the built dashboard", () => {
  it("serves index.html at / and at every view path, never cached stale", async () => {
    for (const url of [
      "/",
      "/at-risk?program=NTM",
      "/units/TAM_KY?asOf=2022-09-30",
      "/sign-in",
      "/index.html",
    ]) {
      const res = await built.inject({ method: "GET", url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers["content-type"]).toMatch(/^text\/html/);
      expect(res.headers["cache-control"]).toBe("no-cache");
      expect(res.headers["content-security-policy"]).toContain("default-src 'self'");
      expect(res.body).toBe(INDEX);
    }
  });

  it("serves hashed assets as immutable, and top-level files briefly cached", async () => {
    const js = await built.inject({ method: "GET", url: "/assets/index-AbC123.js" });
    expect(js.statusCode).toBe(200);
    expect(js.headers["content-type"]).toMatch(/javascript/);
    expect(js.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    const icon = await built.inject({ method: "GET", url: "/favicon.svg" });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers["cache-control"]).toBe("public, max-age=3600");
  });

  it("needs no key for the files, and answers 404 in JSON for missing files and API paths", async () => {
    for (const url of ["/assets/nope.js", "/nope.png", "/api/v1/nope", "/api", "/docs/nope"]) {
      const res = await built.inject({ method: "GET", url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json()).toMatchObject({ error: "not_found" });
    }
    // Data still needs the key.
    expect((await built.inject({ method: "GET", url: "/api/v1/dashboard/overview" })).statusCode).toBe(401);
    expect((await built.inject({ method: "GET", url: "/healthz" })).json()).toEqual({ status: "ok" });
  });

  it("documents the dashboard routes in the OpenAPI document, and not the file routes", async () => {
    const doc = (await built.inject({ method: "GET", url: "/docs/json" })).json() as { paths: object };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/api/v1/dashboard/overview",
        "/api/v1/dashboard/at-risk",
        "/api/v1/dashboard/units/{code}",
        "/api/v1/dashboard/units/{code}/entries",
      ]),
    );
    expect(Object.keys(doc.paths)).not.toContain("/*");
  });
});

describe("without a build", () => {
  it("serves a Vietnamese page saying how to build it, and the API as usual", async () => {
    const res = await missing.inject({ method: "GET", url: "/units/TAM_KY" });
    expect(res.statusCode).toBe(503);
    expect(res.headers["content-type"]).toMatch(/^text\/html/);
    expect(res.body).toContain("npm run build:web");
    expect(res.body).toContain("Chưa dựng giao diện bảng điều khiển");
    expect((await missing.inject({ method: "GET", url: "/api/v1/nope" })).statusCode).toBe(404);
    expect((await missing.inject({ method: "GET", url: "/api/v1/dashboard/overview" })).statusCode).toBe(401);
  });
});
