// The service as every browser test runs it: the dashboard freshly built into the test's own
// folder, in-memory PGlite with the demo province loaded (with the clock after its last entry,
// then turned back to the day looked at), listening on 127.0.0.1; and a page that records every
// console error, uncaught exception and failed request.
import path from "node:path";
import type { Browser } from "playwright-core";
import { build } from "vite";
import { expect } from "vitest";
import { DEMO_NOW, generateDemoProvince, loadDemoProvince } from "../../scripts/demo-data.js";
import { type App, buildApp } from "../../src/app.js";
import { type ContainerOptions, createContainer } from "../../src/container.js";
import { type Database, openDatabase } from "../../src/db/database.js";
import { migrate } from "../../src/db/migrator.js";
import { fixedClock } from "../helpers/test-app.js";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** web/ built into test-output/<dir>, so a test never sees a stale dist/web. */
export async function buildWeb(dir: string): Promise<string> {
  const webRoot = path.join(ROOT, "test-output", dir);
  await build({
    configFile: path.join(ROOT, "web/vite.config.ts"),
    root: path.join(ROOT, "web"),
    logLevel: "warn",
    build: { outDir: webRoot, emptyOutDir: true, sourcemap: false },
  });
  return webRoot;
}

export type DemoService = {
  db: Database;
  app: App;
  container: ReturnType<typeof createContainer>;
  base: string;
  close(): Promise<void>;
};

/**
 * The demo province served as of `at` (an instant: its local date is the day looked at), with
 * `adminKey` as the bootstrap admin and, with `alertRunOn`, that day's alert run made.
 */
export async function startDemoService(o: {
  adminKey: string;
  at: string;
  webRoot?: string;
  alertRunOn?: string;
  options?: Partial<ContainerOptions>;
}): Promise<DemoService> {
  const db = await openDatabase({ inMemory: true });
  await migrate(db.raw);
  const clock = fixedClock(DEMO_NOW);
  const container = createContainer(db, { maxBatchSize: 1000, clock, ...o.options });
  const loaded = await loadDemoProvince(container, generateDemoProvince(), { maxBatchSize: 1000 });
  expect(loaded.status).toBe("loaded");
  clock.set(o.at);
  await container.apiKeys.bootstrapAdmin(o.adminKey);
  const app = await buildApp(container, {
    ...(o.webRoot ? { webRoot: o.webRoot } : {}),
    kickSender: () => {},
  });
  if (o.alertRunOn) {
    const run = await app.inject({
      method: "POST",
      url: `/api/v1/alerts/run?asOf=${o.alertRunOn}`,
      headers: { authorization: `Bearer ${o.adminKey}` },
    });
    expect(run.statusCode, run.body).toBe(200);
  }
  const base = await app.listen({ port: 0, host: "127.0.0.1" });
  return {
    db,
    app,
    container,
    base,
    async close() {
      await app.close();
      await db.close();
    },
  };
}

/** A fresh page in Vietnamese and Asia/Ho_Chi_Minh that records what went wrong in it. */
export async function openPage(
  browser: Browser,
  o: { viewport: { width: number; height: number }; acceptDownloads?: boolean },
) {
  const context = await browser.newContext({
    viewport: o.viewport,
    locale: "vi-VN",
    timezoneId: "Asia/Ho_Chi_Minh",
    acceptDownloads: o.acceptDownloads ?? false,
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console.error: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  return { page, problems, close: () => context.close() };
}
