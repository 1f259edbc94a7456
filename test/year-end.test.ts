// Issue 5: one district through a replayed 2022 — misses 30/9, files its reallocation request,
// gets part approved, ends January with a refund due and pays it — plus the boundaries.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeAllocation, makeDisbursement, makeUnit } from "./factories.js";
import { createTestApp, fixedClock, type TestApp } from "./helpers/test-app.js";

const clock = fixedClock("2022-01-20T03:00:00Z");
let t: TestApp;
let officer: string;
const at = (date: string) => clock.set(`${date}T03:00:00Z`);
const status = async (unit: string, asOf: string, id: string, program = "NTM") => {
  const res = await t.request("GET", `/api/v1/units/${unit}/status?asOf=${asOf}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (
    res.body as {
      milestones: {
        id: string;
        program: string;
        status: string;
        allocated: number;
        disbursed: number;
        shortfall: number;
        requestSentOn?: string | null;
      }[];
    }
  ).milestones.find((m) => m.id === id && m.program === program);
};
const provinceTotal = async (asOf: string) => {
  const res = await t.request("GET", `/api/v1/reports/summary?asOf=${asOf}`);
  return (res.body as { total: { allocated: number } }).total.allocated;
};

beforeAll(async () => {
  t = await createTestApp({ clock });
  for (const code of ["DL", "TG", "NG"])
    expect((await t.request("POST", "/api/v1/units", { body: makeUnit({ code }) })).status).toBe(201);
  officer = await t.keyFor("officer", ["DL"]);
  for (const unitCode of ["DL", "TG", "NG"])
    expect(
      (
        await t.request("POST", "/api/v1/allocations", {
          body: makeAllocation({ unitCode, amount: 1_000_000_000 }),
        })
      ).status,
    ).toBe(201);
  at("2022-09-30");
  // DL: 50% by 30/9 (misses M60); TG: 70%.
  await t.request("POST", "/api/v1/disbursements", {
    body: makeDisbursement({ unitCode: "DL", amount: 500_000_000, disbursedOn: "2022-09-15" }),
  });
  await t.request("POST", "/api/v1/disbursements", {
    body: makeDisbursement({ unitCode: "TG", amount: 700_000_000, disbursedOn: "2022-09-15" }),
  });
});
afterAll(() => t.close());

const request = (sentOn: string, amount = 300_000_000) => ({
  unitCode: "DL",
  planYear: 2022,
  reason: "Không kịp giải ngân do vướng giải phóng mặt bằng",
  documentRef: "215/UBND-TCKH",
  sentOn,
  lines: [{ program: "NTM", source: "central", capitalType: "investment", amount }],
});

describe("a district through 2022", () => {
  let requestId: string;

  it("missed M60, so a request is due: at risk on 1/10", async () => {
    expect(await status("DL", "2022-10-01", "M60")).toMatchObject({ status: "missed" });
    expect(await status("DL", "2022-10-01", "REQ")).toMatchObject({ status: "at_risk" });
    expect(await status("TG", "2022-10-01", "REQ")).toMatchObject({ status: "not_applicable" });
  });

  it("refuses to offer more than is still undisbursed, and writes nothing", async () => {
    at("2022-11-09");
    const res = await t.request("POST", "/api/v1/reallocation-requests", {
      key: officer,
      body: request("2022-11-09", 500_000_001),
    });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({
      issues: [{ path: "body.lines.0.amount", rule: "at_most_undisbursed" }],
    });
    expect(
      ((await t.request("GET", "/api/v1/reallocation-requests")).body as { items: unknown[] }).items,
    ).toHaveLength(0);
  });

  // "gửi trước 10/11/2022": 09/11 is the last day on time.
  it("files on 09/11, on time; an officer of another unit may not file for it", async () => {
    const other = await t.keyFor("officer", ["TG"]);
    expect(
      (await t.request("POST", "/api/v1/reallocation-requests", { key: other, body: request("2022-11-09") }))
        .status,
    ).toBe(403);
    const res = await t.request("POST", "/api/v1/reallocation-requests", {
      key: officer,
      body: request("2022-11-09"),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    requestId = String((res.body as { id: number }).id);
    expect(await status("DL", "2022-11-10", "REQ")).toMatchObject({
      status: "met",
      requestSentOn: "2022-11-09",
    });
  });

  it("gets part approved for two receivers, without changing the province's total", async () => {
    at("2022-11-20");
    const before = await provinceTotal("2022-11-20");
    const approval = {
      decisionRef: "2500/QĐ-UBND",
      decidedOn: "2022-11-18",
      lines: [
        {
          program: "NTM",
          source: "central",
          capitalType: "investment",
          approvedAmount: 200_000_000,
          recipients: [
            { unitCode: "TG", amount: 150_000_000 },
            { unitCode: "NG", amount: 40_000_000 },
          ],
        },
      ],
    };
    const wrong = await t.request("POST", `/api/v1/reallocation-requests/${requestId}/approve`, {
      body: approval,
    });
    expect(wrong.status).toBe(422);
    expect(wrong.body).toMatchObject({
      issues: [{ path: "body.lines.0.recipients", rule: "sum_equals_approved" }],
    });
    expect(
      (
        await t.request("POST", `/api/v1/reallocation-requests/${requestId}/approve`, {
          key: officer,
          body: approval,
        })
      ).status,
    ).toBe(403);

    approval.lines[0]!.recipients[1]!.amount = 50_000_000;
    const ok = await t.request("POST", `/api/v1/reallocation-requests/${requestId}/approve`, {
      body: approval,
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toMatchObject({
      state: "approved",
      lines: [{ amount: 300_000_000, approvedAmount: 200_000_000 }],
    });
    expect(await provinceTotal("2022-11-20")).toBe(before);
    const dl = await t.request("GET", "/api/v1/units/DL/ledger?asOf=2022-11-20");
    expect(dl.body).toMatchObject({ total: { allocated: 800_000_000 } });
    const tg = await t.request("GET", "/api/v1/units/TG/ledger?asOf=2022-11-20");
    expect(tg.body).toMatchObject({ total: { allocated: 1_150_000_000 } });
    // Approved once: a second decision is a conflict.
    expect(
      (
        await t.request("POST", `/api/v1/reallocation-requests/${requestId}/reject`, {
          body: { decisionRef: "x", decidedOn: "2022-11-20" },
        })
      ).status,
    ).toBe(409);
  });

  it("keeps the request's history with who, when and the documents", async () => {
    const res = await t.request("GET", `/api/v1/reallocation-requests/${requestId}`);
    expect(res.body).toMatchObject({
      history: [
        { action: "submitted", document: "215/UBND-TCKH" },
        { action: "approved", document: "2500/QĐ-UBND" },
      ],
    });
    const audit = await t.request("GET", `/api/v1/audit?entity=reallocation_request&id=${requestId}`);
    expect((audit.body as { items: unknown[] }).items).toHaveLength(2);
  });

  it("ends January with a refund due net of carry-forward and the adjustment period's payments", async () => {
    at("2022-12-31");
    await t.request("POST", "/api/v1/disbursements", {
      body: makeDisbursement({ unitCode: "DL", amount: 150_000_000, disbursedOn: "2022-12-20" }),
    });
    at("2023-01-31");
    // The adjustment period: counts for the refund, not for M90 (closed 31/12).
    await t.request("POST", "/api/v1/disbursements", {
      body: makeDisbursement({ unitCode: "DL", amount: 50_000_000, disbursedOn: "2023-01-10" }),
    });
    const cf = await t.request("POST", "/api/v1/carry-forwards", {
      body: {
        unitCode: "DL",
        program: "NTM",
        planYear: 2022,
        source: "central",
        capitalType: "investment",
        amount: 30_000_000,
        legalBasis: "Công văn 100/STC",
        approvedOn: "2023-01-20",
      },
    });
    expect(cf.status, JSON.stringify(cf.body)).toBe(201);
    expect(await status("DL", "2023-01-31", "M90")).toMatchObject({
      status: "missed",
      disbursed: 650_000_000,
    });
    // Due back: 800,000,000 − 700,000,000 − 30,000,000 = 70,000,000.
    expect(await status("DL", "2023-01-31", "REF")).toMatchObject({
      status: "on_track",
      allocated: 70_000_000,
      shortfall: 70_000_000,
    });
    const refund = (amount: number) => ({
      unitCode: "DL",
      program: "NTM",
      planYear: 2022,
      source: "central",
      capitalType: "investment",
      amount,
      refundedOn: "2023-01-31",
      reference: "GNT-0042",
    });
    const tooMuch = await t.request("POST", "/api/v1/refunds", { key: officer, body: refund(70_000_001) });
    expect(tooMuch.status).toBe(422);
    expect(
      (await t.request("POST", "/api/v1/refunds", { key: officer, body: refund(69_999_999) })).status,
    ).toBe(201);
    expect(await status("DL", "2023-02-01", "REF")).toMatchObject({ status: "missed", shortfall: 1 });
    expect((await t.request("POST", "/api/v1/refunds", { key: officer, body: refund(1) })).status).toBe(201);
    expect(await status("DL", "2023-02-01", "REF")).toMatchObject({ status: "met", shortfall: 0 });
  });
});

describe("the 10/11 boundary through the API", () => {
  it("a request sent on 10/11 is late: the plan says before 10/11", async () => {
    at("2022-11-10");
    const t2 = await createTestApp({ clock });
    try {
      await t2.request("POST", "/api/v1/units", { body: makeUnit({ code: "QS" }) });
      await t2.request("POST", "/api/v1/allocations", { body: makeAllocation({ unitCode: "QS" }) });
      await t2.request("POST", "/api/v1/disbursements", {
        body: makeDisbursement({ unitCode: "QS", amount: 100_000_000, disbursedOn: "2022-09-01" }),
      });
      expect(
        (
          await t2.request("POST", "/api/v1/reallocation-requests", {
            body: { ...request("2022-11-10"), unitCode: "QS" },
          })
        ).status,
      ).toBe(201);
      const res = await t2.request("GET", "/api/v1/units/QS/status?asOf=2022-11-11");
      const req = (res.body as { milestones: { id: string; status: string }[] }).milestones.find(
        (m) => m.id === "REQ",
      );
      expect(req?.status).toBe("missed");
    } finally {
      await t2.close();
    }
  });
});
