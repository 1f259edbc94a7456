// The environment, validated at start: defaults, and one clear line per wrong variable.
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ConfigError, databaseOptionsOf, loadConfig } from "../src/config.js";

const GOOD_KEY = "k".repeat(32);

/** The ConfigError message loadConfig throws for `env`. */
function errorFor(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe("loadConfig", () => {
  it("has a default for everything", () => {
    expect(loadConfig({})).toMatchObject({
      port: 3000,
      host: "127.0.0.1",
      databaseUrl: undefined,
      dataDir: path.resolve("./data"),
      adminApiKey: undefined,
      logLevel: "info",
      maxBatchSize: 1000,
      bodyLimitBytes: 5 * 1024 * 1024,
    });
  });

  it("reads every variable", () => {
    expect(
      loadConfig({
        PORT: "8080",
        HOST: "0.0.0.0",
        DATABASE_URL: "postgresql://dm:secret@db:5432/dm",
        DATA_DIR: "/var/lib/dm",
        ADMIN_API_KEY: GOOD_KEY,
        LOG_LEVEL: "debug",
        MAX_BATCH_SIZE: "50",
        BODY_LIMIT_BYTES: "65536",
      }),
    ).toMatchObject({
      port: 8080,
      host: "0.0.0.0",
      databaseUrl: "postgresql://dm:secret@db:5432/dm",
      dataDir: "/var/lib/dm",
      adminApiKey: GOOD_KEY,
      logLevel: "debug",
      maxBatchSize: 50,
      bodyLimitBytes: 65536,
    });
    expect(loadConfig({ DATABASE_URL: "postgres://localhost/dm" }).databaseUrl).toBe(
      "postgres://localhost/dm",
    );
  });

  it("runs PGlite's WebAssembly on the baseline compiler unless PGLITE_WASM_TIER_UP is true", () => {
    expect(databaseOptionsOf(loadConfig({})).pgliteBaselineWasm).toBe(true);
    expect(databaseOptionsOf(loadConfig({ PGLITE_WASM_TIER_UP: "false" })).pgliteBaselineWasm).toBe(true);
    expect(databaseOptionsOf(loadConfig({ PGLITE_WASM_TIER_UP: "true" })).pgliteBaselineWasm).toBe(false);
    expect(errorFor({ PGLITE_WASM_TIER_UP: "yes" })).toMatch(/PGLITE_WASM_TIER_UP: .*"true"\|"false"/);
  });

  it("treats an empty variable as unset (`PORT=` in a .env file), not as port 0", () => {
    const c = loadConfig({ PORT: "", HOST: "", DATABASE_URL: "", ADMIN_API_KEY: "", LOG_LEVEL: " " });
    expect(c).toMatchObject({
      port: 3000,
      host: "127.0.0.1",
      databaseUrl: undefined,
      adminApiKey: undefined,
      logLevel: "info",
    });
  });

  it.each([
    ["PORT", "http", /PORT: /],
    ["PORT", "70000", /PORT: .*65535/],
    ["PORT", "80.5", /PORT: /],
    ["PORT", "-1", /PORT: /],
    ["DATABASE_URL", "mysql://localhost/dm", /DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL/],
    ["DATABASE_URL", "localhost:5432", /DATABASE_URL: must be a postgres/],
    ["ADMIN_API_KEY", "short", /ADMIN_API_KEY: must be at least 24 characters/],
    ["LOG_LEVEL", "verbose", /LOG_LEVEL: .*info/],
    ["MAX_BATCH_SIZE", "0", /MAX_BATCH_SIZE: /],
    ["BODY_LIMIT_BYTES", "10", /BODY_LIMIT_BYTES: /],
  ])("names %s=%s in the error", (name, value, message) => {
    const text = errorFor({ [name]: value });
    expect(text).toMatch(/^invalid environment:/);
    expect(text).toMatch(message);
    // Only the wrong variable is named.
    const named = text
      .split("\n")
      .slice(1)
      .map((l) => l.trim().split(":")[0]);
    expect(named).toEqual([name]);
  });

  it("lists every wrong variable at once, one per line", () => {
    const text = errorFor({
      PORT: "x",
      DATABASE_URL: "mysql://x",
      ADMIN_API_KEY: "short",
      LOG_LEVEL: "loud",
    });
    const lines = text.split("\n").slice(1);
    expect(lines.map((l) => l.trim().split(":")[0]).sort()).toEqual([
      "ADMIN_API_KEY",
      "DATABASE_URL",
      "LOG_LEVEL",
      "PORT",
    ]);
  });

  it("never echoes a secret it rejects", () => {
    const text = errorFor({ ADMIN_API_KEY: "tooShortSecret", DATABASE_URL: "mysql://u:hunter2@db/x" });
    expect(text).not.toContain("tooShortSecret");
    expect(text).not.toContain("hunter2");
  });

  it("reads the import limits, with defaults that let a 20,000-row file through", () => {
    expect(loadConfig({}).imports).toEqual({
      maxBytes: 10 * 1024 * 1024,
      maxRows: 20_000,
      maxColumns: 64,
      maxCellChars: 2000,
      maxPartBytes: 32 * 1024 * 1024,
      maxInflateRatio: 100,
      maxZipEntries: 1000,
      maxTextChars: 16_000_000,
    });
    expect(
      loadConfig({
        IMPORT_MAX_BYTES: "2048",
        IMPORT_MAX_ROWS: "10",
        IMPORT_MAX_COLUMNS: "12",
        IMPORT_MAX_CELL_CHARS: "300",
        IMPORT_MAX_PART_BYTES: "4096",
        IMPORT_MAX_INFLATE_RATIO: "20",
        IMPORT_MAX_ZIP_ENTRIES: "50",
        IMPORT_MAX_TEXT_CHARS: "100000",
      }).imports,
    ).toEqual({
      maxBytes: 2048,
      maxRows: 10,
      maxColumns: 12,
      maxCellChars: 300,
      maxPartBytes: 4096,
      maxInflateRatio: 20,
      maxZipEntries: 50,
      maxTextChars: 100_000,
    });
    expect(errorFor({ IMPORT_MAX_ROWS: "0" })).toMatch(/IMPORT_MAX_ROWS: /);
    expect(errorFor({ IMPORT_MAX_INFLATE_RATIO: "1e3x" })).toMatch(/IMPORT_MAX_INFLATE_RATIO: /);
  });

  it("ignores variables it does not know", () => {
    expect(() => loadConfig({ HOME: "/root", NODE_ENV: "production" })).not.toThrow();
  });
});

// Records every module a fresh `node --import tsx` loads while importing one file: a load hook
// (module.register, run before tsx's) appends each URL to a file, synchronously, before it loads.
const RECORD_LOADS = `
  import { register } from "node:module";
  const hooks = \`
    import { appendFileSync } from "node:fs";
    let file;
    export function initialize(d) { file = d.file; }
    export async function load(url, context, next) { appendFileSync(file, url + String.fromCharCode(10)); return next(url, context); }
  \`;
  register("data:text/javascript," + encodeURIComponent(hooks), { data: { file: process.env.LOADED } });
  await import(process.env.TARGET);
`;

async function modulesLoadedBy(file: string): Promise<string[]> {
  const root = path.resolve(import.meta.dirname, "..");
  const dir = await mkdtemp(path.join(tmpdir(), "dm-imports-"));
  try {
    const loaded = path.join(dir, "loaded.txt");
    await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "--input-type=module", "-e", RECORD_LOADS],
      {
        cwd: root,
        env: {
          PATH: process.env.PATH ?? "",
          LOADED: loaded,
          TARGET: pathToFileURL(path.join(root, file)).href,
        },
      },
    );
    return (await readFile(loaded, "utf8"))
      .split("\n")
      .filter(Boolean)
      .map((u) => (u.startsWith("file:") ? path.relative(root, new URL(u).pathname) : u));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const HEAVY =
  /node_modules\/(pg|pg-[a-z]+|@prisma|@electric-sql|pglite-prisma-adapter)\/|^src\/(alerts|db\/database|generated)\b/;

describe("src/config.ts loads nothing but parsing", () => {
  it("imports zod, node builtins and small modules of plain values: no pg, PGlite, Prisma or alerts", async () => {
    // The method sees what it must: a module that loads pg is caught.
    expect((await modulesLoadedBy("src/db/lanes.ts")).some((m) => HEAVY.test(m))).toBe(true);

    const loaded = await modulesLoadedBy("src/config.ts");
    expect(loaded).toContain("src/config.ts");
    expect(loaded.filter((m) => HEAVY.test(m))).toEqual([]);
    // Outside the sources: only zod and node's own modules.
    const others = loaded.filter((m) => !m.startsWith("src/"));
    expect(others.filter((m) => !m.startsWith("node:") && !m.startsWith("node_modules/zod/"))).toEqual([]);
  }, 60_000);
});
