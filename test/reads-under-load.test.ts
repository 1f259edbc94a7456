// Issue 12.3: heavy reads cannot starve the service. Identical concurrent evaluations share one
// computation, distinct ones wait their turn at the gate (503 busy past its queue), and a post or
// a readiness check waiting for the database passes the queued scans.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pressureUnit, seedPressureDataset } from "../bench/pressure-dataset.js";
import { type App, buildApp } from "../src/app.js";
import { type Container, createContainer } from "../src/container.js";
import type { Database } from "../src/db/database.js";
import { ADMIN_KEY, fixedClock } from "./helpers/test-app.js";
import { createTestDatabase } from "./helpers/test-database.js";

let db: Database;
let c: Container;
let app: App;
beforeAll(async () => {
  db = await createTestDatabase();
  await seedPressureDataset(db.raw, { units: 300, entries: 12_000 });
  c = createContainer(db, {
    maxBatchSize: 1000,
    clock: fixedClock("2022-12-31T05:00:00Z"),
    evaluations: { concurrency: 1, maxWaiting: 3 },
  });
  await c.apiKeys.bootstrapAdmin(ADMIN_KEY);
  app = await buildApp(c);
});
afterAll(async () => {
  await app.close();
  await db.close();
});

const get = (url: string) =>
  app.inject({ method: "GET", url, headers: { authorization: `Bearer ${ADMIN_KEY}` } });

/** The gate's busiest moment while `work` runs: computations running plus waiting. */
async function peakLoad(work: Promise<unknown>): Promise<number> {
  let peak = 0;
  let done = false;
  void work.finally(() => {
    done = true;
  });
  while (!done) {
    const { running, waiting } = c.evaluationGate.load();
    peak = Math.max(peak, running + waiting);
    await new Promise((r) => setImmediate(r));
  }
  return peak;
}

describe("reads under load", () => {
  it("answers eight identical concurrent overviews from one computation", async () => {
    const all = Promise.all(
      Array.from({ length: 8 }, () => get("/api/v1/dashboard/overview?asOf=2022-10-01")),
    );
    const peak = await peakLoad(all);
    const answers = await all;
    expect(answers.map((a) => a.statusCode)).toEqual(Array(8).fill(200));
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    expect(answers[0]!.json().atRisk.totals.count).toBeGreaterThan(100);
    expect(peak).toBe(1);
  });

  it("queues distinct evaluations one at a time and answers 503 busy past the queue, never 5xx else", async () => {
    const dates = ["2022-06-01", "2022-06-02", "2022-06-03", "2022-06-04", "2022-06-05", "2022-06-06"];
    // Answers as known at a moment, which read the entries: over the kept figures the first one
    // could finish before the last request reached the gate (a fresh-clone CI run saw a peak of 3).
    const all = Promise.all(dates.map((d) => get(`/api/v1/at-risk?asOf=${d}&knownAt=2100-01-01T00:00:00Z`)));
    const peak = await peakLoad(all);
    const answers = await all;
    const statuses = answers.map((a) => a.statusCode);
    expect(peak).toBe(4);
    expect(statuses.filter((s) => s === 200)).toHaveLength(4);
    const busy = answers.filter((a) => a.statusCode === 503);
    expect(busy).toHaveLength(2);
    expect(busy[0]!.json()).toMatchObject({ error: "busy" });
    expect(busy[0]!.headers["retry-after"]).toBe("5");
  });

  it("lets a post and a readiness check pass the scans queued for the database", async () => {
    const finished: string[] = [];
    const track = (name: string, p: Promise<{ statusCode: number }>) =>
      p.then((r) => {
        finished.push(name);
        return r.statusCode;
      });
    // Scans of the entries: answers as known at a moment still read them (the kept figures make
    // the other reads too quick to hold the database while the post waits).
    const reads = ["2022-07-01", "2022-07-02", "2022-07-03"].map((d) =>
      track(`read ${d}`, get(`/api/v1/reports/summary?asOf=${d}&knownAt=2100-01-01T00:00:00Z`)),
    );
    await new Promise((r) => setTimeout(r, 20));
    const post = track(
      "post",
      app.inject({
        method: "POST",
        url: "/api/v1/disbursements",
        headers: { authorization: `Bearer ${ADMIN_KEY}` },
        payload: {
          unitCode: pressureUnit(7),
          program: "NTM",
          planYear: 2022,
          source: "central",
          capitalType: "investment",
          amount: 1000,
          disbursedOn: "2022-12-20",
          reference: "under-load",
        },
      }),
    );
    const ready = track("readyz", app.inject({ method: "GET", url: "/readyz" }));
    expect(await Promise.all([...reads, post, ready])).toEqual([200, 200, 200, 201, 200]);
    // Three scans were queued before them; both answered before the last scan did.
    expect(finished.indexOf("post")).toBeLessThan(finished.indexOf("read 2022-07-03"));
    expect(finished.indexOf("readyz")).toBeLessThan(finished.indexOf("read 2022-07-03"));
  });
});
