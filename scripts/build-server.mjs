// Bundles the service (src/main.ts and what it imports, packages left to node_modules) into
// dist/server/main.mjs, which plain `node` runs: no TypeScript loader in the process, which saves
// memory (about 70 MB resident with tsx; bench/RESULTS.md, part 4) and start-up time.
// `npm run build:server` (and `npm run build`, and `npm start` through prestart) runs it; it takes
// about a second.
// dist/server sits two folders below the root, as src/db and src/dashboard do, so the paths those
// modules resolve from their own folder (prisma/migrations, dist/web) hold in the bundle too.
import { build } from "esbuild";

await build({
  entryPoints: ["src/main.ts"],
  outfile: "dist/server/main.mjs",
  bundle: true,
  platform: "node",
  format: "esm",
  // The oldest Node that runs the bundle: the image has 24, the machines that run the tests 20.
  target: "node20",
  packages: "external",
  sourcemap: true,
  logLevel: "warning",
});
