// `npm start` as a fresh machine runs it: the prestart bundle, then the start script's own node
// command (heap limits and all) on the embedded database. The other process tests run the
// TypeScript through tsx; this one proves the bundle finds its migrations and the dashboard.
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { startService, stopAllServices } from "./helpers/service-process.js";

const ROOT = resolve(import.meta.dirname, "..");
const onPostgres = process.env.TEST_DATABASE !== "pglite";

describe.skipIf(onPostgres)("npm start", () => {
  afterAll(stopAllServices);

  it("builds the bundle, migrates an empty PGlite folder and serves the API and the dashboard", async () => {
    const { scripts } = JSON.parse(await readFile(resolve(ROOT, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    const [prestartNode, ...prestart] = scripts.prestart!.split(/\s+/);
    const [startNode, ...start] = scripts.start!.split(/\s+/);
    expect([prestartNode, startNode]).toEqual(["node", "node"]);
    await promisify(execFile)(process.execPath, prestart, { cwd: ROOT });

    const key = "start-command-admin-key-0123456789";
    const s = await startService({
      name: "npm-start",
      env: { ADMIN_API_KEY: key },
      nodeArgs: start,
      readyTimeoutMs: 60_000,
    });
    const ready = await fetch(`${s.url}/readyz`);
    expect(await ready.json()).toEqual({ status: "ready", database: "pglite" });
    const programs = await fetch(`${s.url}/api/v1/programs`, { headers: { authorization: `Bearer ${key}` } });
    expect(programs.status).toBe(200);
    expect(JSON.stringify(await programs.json())).toContain("nông thôn mới");
    const page = await fetch(`${s.url}/`);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    expect(await s.stop()).toEqual({ code: 0, signal: null });
  });
});
