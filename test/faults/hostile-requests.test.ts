// Case 5: 10,000 generated malformed or hostile requests (helpers/hostile-requests.ts) against the
// app in this process (app.inject), import bombs among them (each refused with its own status and
// rule, helpers/import-bombs.ts). Zero 5xx; every 4xx has a JSON error body; every validation
// or rule answer names the field; no request built to be refused is accepted; and the ledger's
// totals (sums and counts of allocations and disbursements) and idempotency records are exactly
// what they were before.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.js";
import { fixedClock } from "../helpers/test-app.js";
import { ADMIN_KEY, createFaultApp, type FaultApp, openPglite } from "./helpers/app.js";
import { recordFigures } from "./helpers/figures.js";
import {
  type Fixtures,
  type HostileRequest,
  hostileRequest,
  oversizedBody,
} from "./helpers/hostile-requests.js";
import { seedOf } from "./helpers/prng.js";
import { verifyFiguresOf } from "./helpers/verify-figures.js";

const SEED = seedOf(7105);
const REQUESTS = 10_000;
const BODY_LIMIT = 5 * 1024 * 1024; // buildApp's default
const ALLOCATED = 1_000_000_000_000;
const ANSWERS_NAMING_FIELDS = new Set(["validation_failed", "invalid_input", "rule_violation"]);

let db: Database;
let t: FaultApp;
let webRoot: string;
let fixtures: Fixtures;

async function ledgerTotals() {
  const [row] = await t.db.raw.query<Record<string, string>>(`
    SELECT (SELECT count(*) FROM allocation)::text AS allocations,
           (SELECT coalesce(sum(amount), 0) FROM allocation)::text AS allocated,
           (SELECT count(*) FROM disbursement)::text AS disbursements,
           (SELECT coalesce(sum(amount), 0) FROM disbursement)::text AS disbursed,
           (SELECT count(*) FROM idempotency_record)::text AS idempotency_records`);
  return row!;
}

beforeAll(async () => {
  // A stand-in dashboard build, so that paths outside /api answer the same with or without `npm run build:web`.
  webRoot = await mkdtemp(join(tmpdir(), "dmf-web-"));
  await writeFile(join(webRoot, "index.html"), "<!doctype html><title>dm</title>");
  db = await openPglite();
  t = await createFaultApp(db, { clock: fixedClock("2026-06-15T03:00:00Z"), webRoot });
  for (const code of ["FZ1", "FZ2"])
    await t.expect(201, "POST", "/api/v1/units", {
      code,
      name: `UBND huyện ${code}`,
      kind: "district",
      headName: "Nguyễn Văn An",
      headEmail: `${code.toLowerCase()}@thu-nghiem.example.org`,
    });
  const scope = {
    unitCode: "FZ1",
    program: "NTM",
    planYear: 2022,
    source: "central",
    capitalType: "investment",
  };
  await t.expect(201, "POST", "/api/v1/allocations", {
    ...scope,
    amount: ALLOCATED,
    decisionRef: "01/QĐ-UBND",
    decidedOn: "2022-01-10",
  });
  await t.expect(201, "POST", "/api/v1/disbursements", {
    ...scope,
    amount: 1_000,
    disbursedOn: "2022-02-01",
    reference: "KBNN-FZ-0",
  });
  const template = async (path: string) =>
    (
      await t.app.inject({
        method: "GET",
        url: `/api/v1/imports/templates/${path}`,
        headers: { authorization: `Bearer ${ADMIN_KEY}` },
      })
    ).rawPayload;
  const templates = {
    allocations: {
      csv: (await template("allocations.csv")).toString("utf8"),
      xlsx: await template("allocations.xlsx"),
    },
    disbursements: {
      csv: (await template("disbursements.csv")).toString("utf8"),
      xlsx: await template("disbursements.xlsx"),
    },
  };
  fixtures = {
    templates,
    unit: "FZ1",
    otherUnit: "FZ2",
    allocated: ALLOCATED,
    adminKey: ADMIN_KEY,
    viewerKey: await t.keyFor("viewer"),
    otherOfficerKey: await t.keyFor("officer", ["FZ2"]),
    today: t.container.today(),
    maxBatchSize: 1000,
  };
}, 120_000);

afterAll(async () => {
  if (db) await verifyFiguresOf(db);
  await t?.close();
  await db?.close();
  if (webRoot) await rm(webRoot, { recursive: true, force: true });
});

type Violation = { request: string; status: number; problem: string; body: string };

function describeRequest(r: HostileRequest): string {
  const body = r.oversizeBytes ? `<${r.oversizeBytes} bytes>` : String(r.payload ?? "").slice(0, 300);
  return `${r.label}: ${r.method} ${r.url.slice(0, 200)} ${JSON.stringify(r.headers).slice(0, 200)} ${body}`;
}

/** What is wrong with this answer, if anything. */
function problemsOf(r: HostileRequest, status: number, contentType: string, body: string): string[] {
  const problems: string[] = [];
  if (status >= 500) problems.push("5xx");
  if (r.expect && status !== r.expect.status) problems.push(`answered ${status}, not ${r.expect.status}`);
  if (r.mustReject && status < 400) problems.push("accepted a request built to be refused");
  if (status >= 400 && r.method !== "HEAD") {
    let parsed: Record<string, unknown> | null = null;
    try {
      parsed = JSON.parse(body) as Record<string, unknown>;
    } catch {
      problems.push("error body is not JSON");
    }
    if (!contentType.startsWith("application/json")) problems.push(`error content-type ${contentType}`);
    if (parsed && r.expect?.rules) {
      const rule = (parsed.errors as { rule?: string }[] | undefined)?.[0]?.rule;
      if (!rule || !r.expect.rules.includes(rule))
        problems.push(`refused with rule ${rule}, not ${r.expect.rules}`);
    }
    if (parsed) {
      if (typeof parsed.error !== "string" || typeof parsed.message !== "string")
        problems.push("error body lacks error/message");
      if (typeof parsed.requestId !== "string") problems.push("error body lacks requestId");
      if (typeof parsed.error === "string" && ANSWERS_NAMING_FIELDS.has(parsed.error)) {
        const issues = parsed.issues as { path?: unknown }[] | undefined;
        if (!Array.isArray(issues) || issues.length === 0) problems.push(`${parsed.error} without issues`);
        else if (issues.some((i) => typeof i.path !== "string" || i.path === ""))
          problems.push(`${parsed.error} with an issue naming no field`);
      }
    }
  }
  return problems;
}

describe("case 5: 10,000 malformed or hostile requests", () => {
  it("no 5xx, JSON errors naming the field, nothing written", async () => {
    const started = Date.now();
    const before = await ledgerTotals();
    const requests = fc.sample(hostileRequest(fixtures, BODY_LIMIT), { numRuns: REQUESTS, seed: SEED });
    expect(requests).toHaveLength(REQUESTS);

    const byStatus: Record<string, number> = {};
    const byFamily: Record<string, number> = {};
    const violations: Violation[] = [];
    let notSent = 0;
    const notSentExamples: string[] = [];
    let fieldsNamed = 0;
    for (const r of requests) {
      const family = r.label.split(":")[0]!;
      byFamily[family] = (byFamily[family] ?? 0) + 1;
      let res: Awaited<ReturnType<FaultApp["app"]["inject"]>>;
      try {
        res = await t.app.inject({
          method: r.method as "GET",
          url: r.url,
          headers: r.headers,
          ...(r.oversizeBytes
            ? { payload: oversizedBody(r.oversizeBytes) }
            : r.payload !== undefined
              ? { payload: r.payload }
              : {}),
        });
      } catch (err) {
        // The client itself refused to send it (an illegal URL or header): nothing reached the app.
        notSent += 1;
        if (notSentExamples.length < 5) notSentExamples.push(`${describeRequest(r)} -> ${String(err)}`);
        continue;
      }
      byStatus[res.statusCode] = (byStatus[res.statusCode] ?? 0) + 1;
      const problems = problemsOf(r, res.statusCode, String(res.headers["content-type"] ?? ""), res.body);
      if (/"issues":\[\{"path":"/.test(res.body)) fieldsNamed += 1;
      for (const problem of problems)
        violations.push({
          request: describeRequest(r),
          status: res.statusCode,
          problem,
          body: res.body.slice(0, 300),
        });
    }
    const after = await ledgerTotals();
    const status5xx = Object.entries(byStatus)
      .filter(([s]) => Number(s) >= 500)
      .reduce((n, [, c]) => n + c, 0);

    recordFigures({
      id: "5-hostile-requests",
      title: "10,000 malformed or hostile requests",
      database: "pglite",
      seed: SEED,
      casesRun: 1,
      faultsInjected: REQUESTS,
      requests: REQUESTS - notSent,
      status5xx,
      durationMs: Date.now() - started,
      details: {
        byStatus,
        byFamily,
        answersNamingFields: fieldsNamed,
        violations: violations.length,
        violationsByProblem: violations.reduce<Record<string, number>>((m, v) => {
          m[v.problem] = (m[v.problem] ?? 0) + 1;
          return m;
        }, {}),
        firstViolations: violations.slice(0, 20),
        notSentByClient: notSent,
        notSentExamples,
        ledgerBefore: before,
        ledgerAfter: after,
        prototypePolluted: ({} as Record<string, unknown>).polluted !== undefined,
      },
    });

    expect(violations.slice(0, 15), `${violations.length} violations`).toEqual([]);
    expect(after).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect(notSent).toBeLessThan(REQUESTS / 100);
  });
});
