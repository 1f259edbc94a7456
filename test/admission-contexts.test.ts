// Posts keep the plans and closings admission reads (src/ledger/admission-contexts.ts) and check
// the admission epoch beside their scopes' locks: a milestone closed or a plan changed on another
// instance counts in this instance's very next post, which nothing told.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmlMailer } from "../src/alerts/mailer/index.js";
import { buildApp } from "../src/app.js";
import { createContainer } from "../src/container.js";
import { createUnit, makeDisbursement, postAllocation } from "./factories.js";
import { ADMIN_KEY, createTestApp, fixedClock, type TestApp } from "./helpers/test-app.js";

let t: TestApp;
let other: FastifyInstance;
let otherEml: string;

beforeAll(async () => {
  t = await createTestApp();
  // A second instance over the same database, with caches of its own.
  otherEml = await mkdtemp(join(tmpdir(), "dm-test-eml-"));
  const container = createContainer(t.db, {
    maxBatchSize: 1000,
    clock: fixedClock("2022-12-31T05:00:00Z"),
    mailer: createEmlMailer({ dir: otherEml, from: "test <test@example.invalid>" }),
    instance: "other",
  });
  other = await buildApp(container);
});
afterAll(async () => {
  await other?.close();
  await t?.close();
  await rm(otherEml, { recursive: true, force: true });
});

const onOther = (method: "POST" | "PUT" | "GET", url: string, body?: unknown) =>
  other.inject({
    method,
    url,
    headers: { authorization: `Bearer ${ADMIN_KEY}` },
    ...(body !== undefined ? { payload: body as object } : {}),
  });

type Issue = { path: string; rule: string };
const issuesOf = (body: unknown) => (body as { issues: Issue[] }).issues;

describe("plans and closings changed on another instance", () => {
  it("a milestone closed there refuses this instance's next back-dated post", async () => {
    const { code } = await createUnit(t);
    await postAllocation(t, { unitCode: code });
    const first = await t.request("POST", "/api/v1/disbursements", {
      body: makeDisbursement({ unitCode: code, amount: 100_000_000, disbursedOn: "2022-09-15" }),
    });
    expect(first.status).toBe(201);

    const close = await onOther("POST", "/api/v1/plans/2022/milestones/M60/close", {
      document: "Biên bản 01/BB-BCĐ",
      reason: "khóa sổ mốc 30/9",
    });
    expect(close.statusCode).toBe(201);

    const late = await t.request("POST", "/api/v1/disbursements", {
      body: makeDisbursement({ unitCode: code, amount: 100_000_000, disbursedOn: "2022-09-20" }),
    });
    expect(late.status).toBe(422);
    expect(issuesOf(late.body)[0]).toMatchObject({ path: "body.disbursedOn", rule: "closed_period" });
    // After the closed period: admitted as before.
    const after = await t.request("POST", "/api/v1/disbursements", {
      body: makeDisbursement({ unitCode: code, amount: 100_000_000, disbursedOn: "2022-10-20" }),
    });
    expect(after.status).toBe(201);
  });

  it("a plan amended there moves this instance's date windows at its next post", async () => {
    const { code } = await createUnit(t);
    const carried = { unitCode: code, carriedOverFrom: 2021 };
    await postAllocation(t, carried);
    const ok = await t.request("POST", "/api/v1/disbursements", {
      body: makeDisbursement({ ...carried, disbursedOn: "2022-12-05" }),
    });
    expect(ok.status).toBe(201);

    // The extension of 2021 capital (C100) ends on 30/11 instead of 31/12.
    const { plan } = (await onOther("GET", "/api/v1/plans/2022")).json() as {
      plan: { milestones: { id: string; dueOn: string }[] };
    };
    const put = await onOther("PUT", "/api/v1/plans/2022", {
      ...plan,
      milestones: plan.milestones.map((m) => (m.id === "C100" ? { ...m, dueOn: "2022-11-30" } : m)),
      amendment: { act: { document: "99/QĐ-UBND", issuedOn: "2022-12-01" }, reason: "rút ngắn thời hạn" },
    });
    expect(put.statusCode, put.body).toBe(200);

    const late = await t.request("POST", "/api/v1/disbursements", {
      body: makeDisbursement({ ...carried, disbursedOn: "2022-12-10" }),
    });
    expect(late.status).toBe(422);
    expect(issuesOf(late.body)[0]).toMatchObject({ path: "body.disbursedOn", rule: "outside_plan_window" });
  });
});
