// Bundles the service (src/main.ts and what it imports, packages left to node_modules) into
// dist/server/main.mjs, which plain `node` runs: no TypeScript loader in the process, which saves
// memory (about 70 MB resident with tsx; bench/RESULTS.md, part 4) and start-up time.
// `npm run build:server` (and `npm run build`, and `npm start` through prestart) runs it; it takes
// about a second, and about ten more the first time (the database template, at the end).
// dist/server sits two folders below the root, as src/db and src/dashboard do, so the paths those
// modules resolve from their own folder (prisma/migrations, dist/web) hold in the bundle too.
//
// `npm start` runs dist/server/start.mjs, written here too: it loads the packages the bundle
// imports, then the bundle. With SOURCE_MAPS=1 it turns source maps on in between, so that stack
// traces name our .ts files while the packages' own source maps (with their sources inside) are
// never read. They are off by default: at idle on PGlite the heap held 70 MB under
// --enable-source-maps, 62 MB with our map alone and 52 MB with none (bench/RESULTS.md, part 4),
// and over national reads of 3,000,000 entries on PGlite the service peaked at 305 MB with our
// map and 294-295 MB without it. A trace without them names lines of dist/server/main.mjs, which
// main.mjs.map (written beside it) maps back.
import { execFile } from "node:child_process";
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { promisify } from "node:util";
import { build } from "esbuild";

const OUT = "dist/server/main.mjs";

const { metafile } = await build({
  entryPoints: ["src/main.ts"],
  outfile: OUT,
  bundle: true,
  platform: "node",
  format: "esm",
  // The oldest Node that runs the bundle: the image has 24, the machines that run the tests 20.
  target: "node20",
  packages: "external",
  sourcemap: true,
  // Stack traces need the mappings only, not a copy of every source inside the map.
  sourcesContent: false,
  metafile: true,
  logLevel: "warning",
});

// What the bundle imports when it loads (not its dynamic imports, loaded when first used).
const packages = [
  ...new Set(
    metafile.outputs[OUT].imports
      .filter((i) => i.external && i.kind === "import-statement" && !i.path.startsWith("node:"))
      .map((i) => i.path),
  ),
].sort();

await writeFile(
  "dist/server/start.mjs",
  [
    "// Written by scripts/build-server.mjs: the packages first, without their source maps, then the",
    "// bundle, with its own when SOURCE_MAPS=1.",
    ...packages.map((p) => `import ${JSON.stringify(p)};`),
    "",
    'if (process.env.SOURCE_MAPS === "1") process.setSourceMapsEnabled(true);',
    'await import("./main.mjs");',
    "",
  ].join("\n"),
);

// A new embedded database, made once per version of PGlite: the service's first start copies it
// (createPgliteFolder in src/db/database.ts) instead of running initdb, which peaks near 800 MB.
// The peak happens here, at the first build, once.
const TEMPLATE = "dist/server/pglite-template";
const version = async (file) => JSON.parse(await readFile(file, "utf8")).version;
const installed = await version("node_modules/@electric-sql/pglite/package.json");
const made = await version(`${TEMPLATE}.json`).catch(() => null);
if (made !== installed) {
  await rm(`${TEMPLATE}.json`, { force: true });
  await rm(TEMPLATE, { recursive: true, force: true });
  // Made under a name of this process's own: two builds at once each make one, the first in place wins.
  const next = `${TEMPLATE}.${process.pid}.new`;
  await promisify(execFile)(process.execPath, ["src/db/pglite-create.mjs", next, "[]"], { timeout: 120_000 });
  await rename(next, TEMPLATE).catch(() => rm(next, { recursive: true, force: true }));
  await writeFile(`${TEMPLATE}.json`, `${JSON.stringify({ version: installed })}\n`);
}
