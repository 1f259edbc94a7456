// A first start copies the build's database template instead of running initdb (src/db/database.ts,
// createPgliteFolder): only a template of the installed PGlite version, only into an empty folder.
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPgliteFolder } from "../src/db/database.js";

const onPostgres = process.env.TEST_DATABASE !== "pglite";
const installed = async () =>
  (
    JSON.parse(
      await readFile(
        resolve(import.meta.dirname, "../node_modules/@electric-sql/pglite/package.json"),
        "utf8",
      ),
    ) as { version: string }
  ).version;

describe.skipIf(onPostgres)("createPgliteFolder", () => {
  let root: string;
  /** A stand-in template (a real one is 39 MB, made by the build): a file and a folder. */
  let template: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "dm-pglite-template-"));
    template = join(root, "template");
    await mkdir(join(template, "base", "1"), { recursive: true });
    await writeFile(join(template, "PG_VERSION"), "17\n");
    await writeFile(join(template, "base", "1", "16384"), "table");
    await writeFile(join(template, "from-template"), "");
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it("copies a template of the installed PGlite into the empty folder, and leaves nothing beside it", async () => {
    await writeFile(`${template}.json`, JSON.stringify({ version: await installed() }));
    const dir = join(root, "a", "pglite");
    await mkdir(dir, { recursive: true });
    expect(await createPgliteFolder(dir, [], template)).toBe("template");
    expect(await readFile(join(dir, "PG_VERSION"), "utf8")).toBe("17\n");
    expect(await readFile(join(dir, "base", "1", "16384"), "utf8")).toBe("table");
    expect(await readdir(dir)).toContain("from-template");
    expect(await readdir(join(root, "a"))).toEqual(["pglite"]);
  });

  it("runs initdb when the template was made by another PGlite, or the folder is not empty", async () => {
    await writeFile(`${template}.json`, JSON.stringify({ version: "0.0.1" }));
    const stale = join(root, "b", "pglite");
    await mkdir(stale, { recursive: true });
    expect(await createPgliteFolder(stale, [], template)).toBe("initdb");
    // A real database: initdb's own files, not the stand-in's.
    expect(await readdir(stale)).toEqual(expect.arrayContaining(["PG_VERSION", "pg_wal", "postgresql.conf"]));
    expect(await readdir(stale)).not.toContain("from-template");

    await writeFile(`${template}.json`, JSON.stringify({ version: await installed() }));
    const used = join(root, "c", "pglite");
    await mkdir(used, { recursive: true });
    await writeFile(join(used, "left-over"), "x");
    expect(await createPgliteFolder(used, [], template)).toBe("initdb");
    expect(await readdir(used)).toEqual(expect.arrayContaining(["PG_VERSION", "left-over"]));
    expect(await readdir(used)).not.toContain("from-template");
  }, 120_000);
});
