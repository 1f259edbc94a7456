// The audit's cases, over HTTP: one ordinary call must not rewrite an announced verdict or put the
// province out of service. Every movement is judged at its own date and every later one, dates
// must be possible, sums cannot overflow, and a closed milestone is rewritten only by an admin's
// visible restatement.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeAllocation, makeDisbursement, makeUnit, uniqueCode } from "./factories.js";
import { createTestApp, fixedClock, type TestApp } from "./helpers/test-app.js";

let t: TestApp;
beforeAll(async () => {
  // 15/02/2023: the 2022 plan year and its refund period are over.
  t = await createTestApp({ clock: fixedClock("2023-02-15T03:00:00Z") });
});
afterAll(() => t.close());

type Issue = { path: string; rule: string; entry?: number; date?: string; figures?: Record<string, number> };
const issuesOf = (body: unknown) => (body as { issues: Issue[] }).issues;

async function unitWithAllocation(amount = 1_000_000_000, decidedOn = "2022-01-15") {
  const code = uniqueCode("G");
  expect((await t.request("POST", "/api/v1/units", { body: makeUnit({ code }) })).status).toBe(201);
  const a = await t.request("POST", "/api/v1/allocations", {
    body: makeAllocation({ unitCode: code, amount, decidedOn }),
  });
  expect(a.status).toBe(201);
  return code;
}

describe("every movement is judged at its own date and every later one", () => {
  it("refuses a disbursement dated before any allocation of its scope, naming the day and figures", async () => {
    const code = await unitWithAllocation(1_000_000_000, "2022-03-01");
    const r = await t.request("POST", "/api/v1/disbursements", {
      body: makeDisbursement({ unitCode: code, amount: 10, disbursedOn: "2022-02-10" }),
    });
    expect(r.status).toBe(422);
    expect(issuesOf(r.body)[0]).toMatchObject({
      path: "body.amount",
      rule: "disbursed_above_allocation",
      date: "2022-02-10",
      figures: { allocated: 0, disbursed: 10, refunded: 0, carriedForward: 0 },
    });
  });

  it("refuses a correction dated before the entry it corrects", async () => {
    const code = await unitWithAllocation();
    const d = await t.request("POST", "/api/v1/disbursements", {
      body: makeDisbursement({ unitCode: code, amount: 700_000_000, disbursedOn: "2022-08-01" }),
    });
    const r = await t.request("POST", "/api/v1/disbursements", {
      body: makeDisbursement({
        unitCode: code,
        amount: -700_000_000,
        disbursedOn: "2022-07-01",
        corrects: Number((d.body as { id: number }).id),
      }),
    });
    expect(r.status).toBe(422);
    expect(issuesOf(r.body)[0]).toMatchObject({ path: "body.disbursedOn", rule: "correction_before_entry" });
    const ledger = await t.request("GET", `/api/v1/units/${code}/ledger?asOf=2022-07-15`);
    expect((ledger.body as { total: { disbursed: number } }).total.disbursed).toBe(0);
  });

  it("counts refunds against the allocation: nothing more is disbursed once all that was left is refunded", async () => {
    const code = await unitWithAllocation();
    await t.request("POST", "/api/v1/disbursements", {
      body: makeDisbursement({ unitCode: code, amount: 600_000_000, disbursedOn: "2022-10-01" }),
    });
    const refund = {
      unitCode: code,
      program: "NTM",
      planYear: 2022,
      source: "central",
      capitalType: "investment",
      amount: 400_000_000,
      refundedOn: "2023-01-20",
      reference: "HT-01",
    };
    expect((await t.request("POST", "/api/v1/refunds", { body: refund })).status).toBe(201);
    const more = await t.request("POST", "/api/v1/disbursements", {
      body: makeDisbursement({ unitCode: code, amount: 1, disbursedOn: "2022-12-01" }),
    });
    expect(more.status).toBe(422);
    expect(issuesOf(more.body)[0]).toMatchObject({ rule: "disbursed_above_allocation", date: "2023-01-20" });
  });

  it("after a 400M refund dated June, refuses 700M more of a 1,000M allocation", async () => {
    const code = await unitWithAllocation();
    const refund = await t.request("POST", "/api/v1/refunds", {
      body: {
        unitCode: code,
        program: "NTM",
        planYear: 2022,
        source: "central",
        capitalType: "investment",
        amount: 400_000_000,
        refundedOn: "2022-06-15",
        reference: "HT-02",
      },
    });
    expect(refund.status).toBe(201);
    const r = await t.request("POST", "/api/v1/disbursements", {
      body: makeDisbursement({ unitCode: code, amount: 700_000_000, disbursedOn: "2022-07-01" }),
    });
    expect(r.status).toBe(422);
    const ok = await t.request("POST", "/api/v1/disbursements", {
      body: makeDisbursement({ unitCode: code, amount: 600_000_000, disbursedOn: "2022-07-01" }),
    });
    expect(ok.status).toBe(201);
  });

  it("refuses a backdated cut that makes a later day impossible, and a refund taking more than a later day can spare", async () => {
    const code = await unitWithAllocation();
    await t.request("POST", "/api/v1/disbursements", {
      body: makeDisbursement({ unitCode: code, amount: 900_000_000, disbursedOn: "2022-09-01" }),
    });
    const cut = await t.request("POST", "/api/v1/allocations", {
      body: makeAllocation({
        unitCode: code,
        amount: -200_000_000,
        decidedOn: "2022-06-01",
        decisionRef: "C-1",
      }),
    });
    expect(cut.status).toBe(422);
    expect(issuesOf(cut.body)[0]).toMatchObject({ rule: "allocation_below_disbursed", date: "2022-09-01" });
  });

  it("names the entry of a batch and writes nothing", async () => {
    const code = await unitWithAllocation();
    const r = await t.request("POST", "/api/v1/disbursements", {
      body: [
        makeDisbursement({ unitCode: code, amount: 100, disbursedOn: "2022-03-01" }),
        makeDisbursement({ unitCode: code, amount: 100, disbursedOn: "2022-01-02", reference: "early" }),
      ],
    });
    expect(r.status).toBe(422);
    expect(issuesOf(r.body)[0]).toMatchObject({ path: "body.1.amount", entry: 1, date: "2022-01-02" });
    const list = await t.request("GET", `/api/v1/disbursements?unit=${code}`);
    expect((list.body as { items: unknown[] }).items).toHaveLength(0);
  });
});

describe("dates that can be", () => {
  it("refuses an allocation decided in 2099, and one outside its plan year's window", async () => {
    const code = await unitWithAllocation();
    const future = await t.request("POST", "/api/v1/allocations", {
      body: makeAllocation({ unitCode: code, decidedOn: "2099-01-01", decisionRef: "F" }),
    });
    expect(issuesOf(future.body)[0]).toMatchObject({ path: "body.decidedOn", rule: "not_in_future" });
    const early = await t.request("POST", "/api/v1/allocations", {
      body: makeAllocation({ unitCode: code, decidedOn: "2020-12-31", decisionRef: "E" }),
    });
    expect(issuesOf(early.body)[0]).toMatchObject({ path: "body.decidedOn", rule: "outside_plan_window" });
  });

  it("refuses a request dated in another year, and an approval dated before its request", async () => {
    const code = await unitWithAllocation();
    const receiver = await unitWithAllocation();
    const request = (sentOn: string) => ({
      unitCode: code,
      planYear: 2022,
      reason: "không kịp giải ngân",
      documentRef: "CV-1",
      sentOn,
      lines: [{ program: "NTM", source: "central", capitalType: "investment", amount: 300_000_000 }],
    });
    const old = await t.request("POST", "/api/v1/reallocation-requests", { body: request("2021-12-20") });
    expect(old.status).toBe(422);
    expect(issuesOf(old.body)[0]).toMatchObject({ path: "body.sentOn", rule: "outside_plan_window" });
    const sent = await t.request("POST", "/api/v1/reallocation-requests", { body: request("2022-10-20") });
    expect(sent.status).toBe(201);
    const id = (sent.body as { id: number }).id;
    const approve = (decidedOn: string) =>
      t.request("POST", `/api/v1/reallocation-requests/${id}/approve`, {
        body: {
          decisionRef: "QĐ-ĐC",
          decidedOn,
          lines: [
            {
              program: "NTM",
              source: "central",
              capitalType: "investment",
              approvedAmount: 300_000_000,
              recipients: [{ unitCode: receiver, amount: 300_000_000 }],
            },
          ],
        },
      });
    const before = await approve("2022-09-01");
    expect(before.status).toBe(422);
    expect(issuesOf(before.body)[0]).toMatchObject({ path: "body.decidedOn", rule: "after_request" });
    expect((await approve("2022-10-25")).status).toBe(200);
  });
});

describe("exact and bounded", () => {
  it("refuses an entry above 10^15 and a scope past 10^15, and every province view still answers", async () => {
    const code = await unitWithAllocation(1_000_000_000_000_000 - 1_000_000_000);
    const tooBig = await t.request("POST", "/api/v1/allocations", {
      body: makeAllocation({ unitCode: code, amount: 2_000_000_000_000_000, decisionRef: "B" }),
    });
    expect(tooBig.status).toBe(422);
    expect(issuesOf(tooBig.body)[0]).toMatchObject({ rule: "scope_limit", path: "body.amount" });
    const past = await t.request("POST", "/api/v1/allocations", {
      body: [
        makeAllocation({ unitCode: code, amount: 900_000_000, decisionRef: "B1" }),
        makeAllocation({ unitCode: code, amount: 900_000_000, decisionRef: "B2" }),
      ],
    });
    expect(past.status).toBe(422);
    expect(issuesOf(past.body)[0]).toMatchObject({ rule: "scope_limit", entry: 1 });
    // Fill other scopes of the unit to the limit: the unit's total passes 2^53 and travels exactly.
    const fill = [
      ...["provincial", "district", "other"].flatMap((source) =>
        ["investment", "recurrent"].map((capitalType) => ({ program: "NTM", source, capitalType })),
      ),
      ...["central", "provincial", "district"].map((source) => ({
        program: "GNBV",
        source,
        capitalType: "investment",
      })),
    ];
    for (const f of fill)
      expect(
        (
          await t.request("POST", "/api/v1/allocations", {
            body: makeAllocation({ unitCode: code, ...f, amount: 1e15 }),
          })
        ).status,
      ).toBe(201);
    for (const url of [
      "/api/v1/at-risk?asOf=2022-09-30",
      "/api/v1/reports/summary?asOf=2022-09-30",
      "/api/v1/dashboard/overview?asOf=2022-09-30",
      `/api/v1/units/${code}/status?asOf=2022-09-30`,
      `/api/v1/dashboard/units/${code}?asOf=2022-09-30`,
      "/api/v1/exports/summary.csv?asOf=2022-09-30",
      "/api/v1/exports/at-risk.xlsx?asOf=2022-09-30",
    ])
      expect([url, (await t.request("GET", url)).status]).toEqual([url, 200]);
    const raw = await t.app.inject({
      method: "GET",
      url: `/api/v1/units/${code}/ledger?asOf=2022-12-31`,
      headers: { authorization: "Bearer test-admin-key-0123456789abcdef" },
    });
    // 10^16 − 10^9 đồng, beyond 2^53: a JSON integer with every digit.
    expect(raw.body).toContain('"allocated":9999999000000000,');
  });
});

describe("closed milestones keep their verdict", () => {
  it("refuses an entry in M60's closed period unless an admin restates it, and shows both readings", async () => {
    const code = await unitWithAllocation();
    await t.request("POST", "/api/v1/disbursements", {
      body: makeDisbursement({ unitCode: code, amount: 500_000_000, disbursedOn: "2022-09-15" }),
    });
    const close = await t.request("POST", "/api/v1/plans/2022/milestones/M60/close", {
      body: { document: "Biên bản 01/BB-BCĐ", reason: "khóa sổ mốc 30/9" },
    });
    expect([201, 409]).toContain(close.status);
    const late = makeDisbursement({ unitCode: code, amount: 200_000_000, disbursedOn: "2022-09-20" });
    const refused = await t.request("POST", "/api/v1/disbursements", { body: late });
    expect(refused.status).toBe(422);
    expect(issuesOf(refused.body)[0]).toMatchObject({ path: "body.disbursedOn", rule: "closed_period" });
    const officer = await t.keyFor("officer", [code]);
    const restatement = { reason: "Kho bạc xác nhận lại số liệu", document: "CV 99/KBNN" };
    const byOfficer = await t.request("POST", "/api/v1/disbursements", {
      key: officer,
      body: { ...late, restatement },
    });
    expect(byOfficer.status).toBe(403);
    const byAdmin = await t.request("POST", "/api/v1/disbursements", { body: { ...late, restatement } });
    expect(byAdmin.status).toBe(201);
    const audit = await t.request(
      "GET",
      `/api/v1/audit?entity=disbursement&id=${(byAdmin.body as { id: number }).id}`,
    );
    expect(JSON.stringify(audit.body)).toContain("restated");
    const status = await t.request("GET", `/api/v1/units/${code}/status?asOf=2022-12-31&planYear=2022`);
    const m60 = (status.body as { milestones: Record<string, unknown>[] }).milestones.find(
      (m) => m.id === "M60",
    );
    expect(m60).toMatchObject({ status: "met", recordedStatus: "missed", restated: true, closed: true });
    // After the close, entries dated after the due date are free.
    const after = await t.request("POST", "/api/v1/disbursements", {
      body: makeDisbursement({ unitCode: code, amount: 1, disbursedOn: "2022-10-01" }),
    });
    expect(after.status).toBe(201);
  });
});
