import { configDefaults, defineConfig } from "vitest/config";

// Integration tests under test/ run once on in-memory PGlite and, when DATABASE_URL names a
// PostgreSQL server, once more against it (a fresh database per test file either way).
const onPostgres = Boolean(process.env.DATABASE_URL);
// The fault suite (test/faults, `npm run test:faults`) takes minutes: it is a project of its own,
// defined only when that script asks for it, so that `npm test` never runs it.
const withFaults = process.env.DM_FAULTS === "1";

export default defineConfig({
  test: {
    projects: [
      {
        test: { name: "unit", include: ["src/**/*.test.ts", "scripts/**/*.test.ts", "web/src/**/*.test.ts"] },
      },
      {
        test: {
          name: "pglite",
          include: ["test/**/*.test.ts"],
          exclude: [...configDefaults.exclude, "test/e2e/**", "test/faults/**"],
          env: { TEST_DATABASE: "pglite" },
          testTimeout: 60_000,
          hookTimeout: 120_000,
          execArgv: ["--experimental-wasm-modules", "--no-warnings"],
        },
      },
      // The dashboard in headless Chromium (skipped, saying so, where /usr/bin/chromium is missing).
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.e2e.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 240_000,
          // A page waits on the service and the browser: under a full CI run on 2 cores, a unit's
          // page once drew its duties after vitest's default 1 s of polling.
          expect: { poll: { timeout: 15_000 } },
          execArgv: ["--experimental-wasm-modules", "--no-warnings"],
        },
      },
      // Faults: SMTP chaos, SIGKILLed services, PostgreSQL restarts, several instances, hostile
      // requests, concurrent idempotent retries. One file at a time: several of them run service
      // processes and servers whose timing the others would disturb on a small machine.
      ...(withFaults
        ? [
            {
              test: {
                name: "faults",
                include: ["test/faults/**/*.test.ts"],
                globalSetup: ["test/faults/helpers/global-setup.ts"],
                fileParallelism: false,
                maxWorkers: 1,
                testTimeout: 300_000,
                hookTimeout: 180_000,
                execArgv: ["--experimental-wasm-modules", "--no-warnings"],
              },
            },
          ]
        : []),
      ...(onPostgres
        ? [
            {
              test: {
                name: "postgres",
                include: ["test/**/*.test.ts"],
                exclude: [...configDefaults.exclude, "test/e2e/**", "test/faults/**"],
                env: { TEST_DATABASE: "postgres" },
                testTimeout: 60_000,
                hookTimeout: 120_000,
                globalSetup: ["test/helpers/postgres-template.ts"],
                execArgv: ["--experimental-wasm-modules", "--no-warnings"],
              },
            },
          ]
        : []),
    ],
  },
});
