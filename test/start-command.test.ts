// `npm start` as a fresh machine runs it: the prestart bundle, then the start script's own node
// command (heap limits and all) on the embedded database. The other process tests run the
// TypeScript through tsx; this one proves the bundle finds its migrations and the dashboard, and
// that `npm install` then `npm start` is enough to sign in (issue 16.9).
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServiceProcess, startService, stopAllServices } from "./helpers/service-process.js";

const ROOT = resolve(import.meta.dirname, "..");
const onPostgres = process.env.TEST_DATABASE !== "pglite";

describe.skipIf(onPostgres)("npm start", () => {
  /** The start script's node arguments, after the prestart bundle was built. */
  let start: string[];
  beforeAll(async () => {
    const { scripts } = JSON.parse(await readFile(resolve(ROOT, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    // The prestart script as npm runs it (the bundle), then the start script's own node command.
    await promisify(execFile)("npm", ["run", "--silent", "prestart"], { cwd: ROOT });
    const [startNode, ...args] = scripts.start!.split(/\s+/);
    expect(startNode).toBe("node");
    start = args;
  });
  afterAll(stopAllServices);

  it("builds the bundle, migrates an empty PGlite folder and serves the API and the dashboard", async () => {
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
    // With ADMIN_API_KEY set, nothing is made and nothing is shown.
    expect(s.stdout()).not.toContain("admin key:");
    expect(await s.stop()).toEqual({ code: 0, signal: null });
  }, 120_000);

  it.each([
    { env: {}, bundle: false, says: "reads no source map by default" },
    {
      env: { SOURCE_MAPS: "1" },
      bundle: true,
      says: "with SOURCE_MAPS=1, reads the bundle's source map and no package's",
    },
  ])(
    "$says",
    async ({ env, bundle }) => {
      const dir = await mkdtemp(join(tmpdir(), "dm-source-maps-"));
      try {
        // Run before the start script's own code; reports at exit which source maps were read.
        const hook = join(dir, "maps.mjs");
        await writeFile(
          hook,
          [
            'import { createRequire, findSourceMap } from "node:module";',
            'import { pathToFileURL } from "node:url";',
            'process.on("exit", () => {',
            `  const bundle = pathToFileURL(${JSON.stringify(resolve(ROOT, "dist/server/main.mjs"))}).href;`,
            `  const pkg = createRequire(${JSON.stringify(resolve(ROOT, "package.json"))}).resolve("@prisma/client/runtime/client");`,
            '  console.log("maps " + JSON.stringify({ bundle: !!findSourceMap(bundle), pkg: !!findSourceMap(pkg) }));',
            "});",
          ].join("\n"),
        );
        // An invalid PORT stops the service right after the bundle has loaded, with exit code 78.
        const run = promisify(execFile)(process.execPath, ["--import", hook, ...start], {
          cwd: ROOT,
          env: { PATH: process.env.PATH ?? "", PORT: "not-a-port", ...env },
        });
        const failed = (await run.then(
          () => expect.unreachable("the service started with PORT=not-a-port"),
          (e: unknown) => e,
        )) as { code: number; stdout: string };
        expect(failed.code).toBe(78);
        expect(failed.stdout).toContain(`maps ${JSON.stringify({ bundle, pkg: false })}`);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    60_000,
  );

  it("without ADMIN_API_KEY, the first start makes an admin key and shows it once with the address", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), "dm-first-start-"));
    try {
      const first = await startService({
        name: "first-start",
        env: { DATA_DIR: dataDir },
        nodeArgs: start,
        readyTimeoutMs: 60_000,
      });
      const out = await printed(first, /admin key: (\S+)/);
      const key = /admin key: (\S+)/.exec(out)![1]!;
      expect(out).toMatch(new RegExp(`^ {4}${first.url}/$`, "m"));
      expect(out).toContain("shown only this once");
      // Printed once, on its own lines: never in a JSON log line.
      expect(out.split(key).length - 1).toBe(1);
      expect(out.split("\n").filter((l) => l.startsWith("{") && l.includes(key))).toEqual([]);

      // It signs in as an admin: an admin-only route answers.
      const keys = await listKeys(first, key);
      expect(keys.status).toBe(200);
      expect(keys.body).toEqual([
        expect.objectContaining({ role: "admin", createdBy: "first-start", revokedAt: null }),
      ]);
      expect(JSON.stringify(keys.body)).not.toContain(key);
      expect((await listKeys(first, "dm_not_a_key_0123456789abcdef")).status).toBe(401);
      expect(await first.stop()).toEqual({ code: 0, signal: null });

      // Started again on the same folder: an admin key exists, nothing is made or shown.
      const second = await startService({
        name: "second-start",
        env: { DATA_DIR: dataDir },
        nodeArgs: start,
        readyTimeoutMs: 60_000,
      });
      const again = await listKeys(second, key);
      expect(again.status).toBe(200);
      expect(again.body).toHaveLength(1);
      expect(await second.stop()).toEqual({ code: 0, signal: null });
      expect(second.stdout()).not.toContain("admin key:");
      expect(second.stdout()).not.toContain(key);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
    // Two starts, the first one creating the database: over a minute when the machine is busy.
  }, 180_000);
});

async function listKeys(s: ServiceProcess, key: string) {
  const res = await fetch(`${s.url}/api/v1/api-keys`, { headers: { authorization: `Bearer ${key}` } });
  return { status: res.status, body: (await res.json()) as unknown };
}

/** The process's stdout once it holds `pattern` (the notice follows the listen by a moment). */
async function printed(s: ServiceProcess, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(s.stdout())) {
    if (Date.now() > deadline) throw new Error(`not printed within ${timeoutMs} ms:\n${s.stdout()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return s.stdout();
}
