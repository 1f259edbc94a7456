// Run by `npm install` (postinstall): builds the dashboard so that `npm start` serves it on a
// fresh clone. An install without dev dependencies (no Vite) skips the build with a notice;
// the service then serves a page that says to run `npm run build:web`.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
try {
  require.resolve("vite/package.json");
} catch {
  console.warn(
    "[dashboard] vite is not installed (an install without dev dependencies?): the dashboard was not built. " +
      "Run `npm run build:web` after installing dev dependencies.",
  );
  process.exit(0);
}
const result = spawnSync("npm", ["run", "build:web"], { stdio: "inherit" });
process.exit(result.status ?? 1);
