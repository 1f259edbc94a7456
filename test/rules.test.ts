import fc from "fast-check";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { localDateToUtcDate } from "../src/domain/local-date.js";
import { DEFAULT_PLAN_2022 } from "../src/domain/plan.js";
import { evaluateUnit, type LedgerEntry, type RequestFiling } from "../src/domain/reference-ledger.js";
import { stringifyJson } from "../src/http/json.js";
import { createTestApp, type TestApp } from "./helpers/test-app.js";

let t: TestApp;
const TRUNCATE =
  "TRUNCATE allocation, disbursement, refund, carry_forward, reallocation_transfer, reallocation_line, reallocation_request";
const UNITS = ["U1", "U2", "U3"];

beforeAll(async () => {
  t = await createTestApp();
  for (const code of UNITS) {
    await t.container.catalog.createUnit(
      {
        code,
        name: `Đơn vị ${code}`,
        kind: code === "U3" ? "department" : "district",
        headName: "A",
        headEmail: `${code}@example.org`,
        ccEmails: [],
      },
      { keyId: "t", name: "t", role: "admin", unitCodes: [] },
    );
  }
});
afterAll(() => t.close());
beforeEach(async () => {
  // TRUNCATE bypasses the append-only row triggers: a fresh ledger per case, same database.
  await t.db.prisma.$executeRawUnsafe(TRUNCATE);
});

async function insertRequests(requests: RequestFiling[]) {
  for (const r of requests) {
    await t.db.prisma.reallocationRequest.create({
      data: {
        unitCode: r.unitCode,
        planYear: 2022,
        reason: "test",
        documentRef: "CV",
        sentOn: localDateToUtcDate(r.sentOn),
        createdBy: "test",
        lines: {
          create: [{ programCode: r.program, source: "central", capitalType: "investment", amount: 1n }],
        },
      },
    });
  }
}

async function insert(entries: LedgerEntry[]) {
  const base = (e: LedgerEntry) => ({
    unitCode: e.unitCode,
    programCode: e.program,
    planYear: e.planYear,
    carriedOverFrom: e.carriedOverFrom,
    source: e.source,
    capitalType: e.capitalType,
    amount: e.amount,
    postedBy: "test",
  });
  const allocations = entries.filter((e) => e.kind === "allocation");
  const disbursements = entries.filter((e) => e.kind === "disbursement");
  const money = entries.filter((e) => e.kind === "refund" || e.kind === "carryForward");
  for (const e of money) {
    const { carriedOverFrom: _cf, postedBy: _p, ...scope } = base(e);
    if (e.kind === "refund")
      await t.db.prisma.refund.create({
        data: { ...scope, createdBy: "t", refundedOn: localDateToUtcDate(e.date), reference: "HT" },
      });
    else
      await t.db.prisma.carryForward.create({
        data: { ...scope, createdBy: "t", approvedOn: localDateToUtcDate(e.date), legalBasis: "QĐ" },
      });
  }
  if (allocations.length)
    await t.db.prisma.allocation.createMany({
      data: allocations.map((e) => ({
        ...base(e),
        decisionRef: "QĐ",
        decidedOn: localDateToUtcDate(e.date),
      })),
    });
  if (disbursements.length)
    await t.db.prisma.disbursement.createMany({
      data: disbursements.map((e) => ({
        ...base(e),
        reference: "KB",
        disbursedOn: localDateToUtcDate(e.date),
      })),
    });
}

const entry = (over: Partial<LedgerEntry>): LedgerEntry => ({
  unitCode: "U1",
  program: "NTM",
  planYear: 2022,
  carriedOverFrom: null,
  source: "central",
  capitalType: "investment",
  amount: 0n,
  date: "2022-01-15",
  kind: "allocation",
  ...over,
});

const m60 = async (unit: string, asOf: string) => {
  const res = await t.request("GET", `/api/v1/units/${unit}/status?asOf=${asOf}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (
    res.body as { milestones: { id: string; program: string; status: string; shortfall: number }[] }
  ).milestones.find((m) => m.id === "M60" && m.program === "NTM");
};

describe("milestone status over the ledger", () => {
  it("decides M60 exactly at the strict 60% boundary, and a late đồng does not rescue it", async () => {
    await insert([
      entry({ unitCode: "U1", amount: 1_000_000_000n }),
      entry({ unitCode: "U1", kind: "disbursement", amount: 599_999_999n, date: "2022-09-30" }),
      entry({ unitCode: "U2", amount: 1_000_000_000n }),
      entry({ unitCode: "U2", kind: "disbursement", amount: 600_000_000n, date: "2022-09-30" }),
      entry({ unitCode: "U3", amount: 1_000_000_000n }),
      entry({ unitCode: "U3", kind: "disbursement", amount: 600_000_001n, date: "2022-09-30" }),
      entry({ unitCode: "U1", kind: "disbursement", amount: 100_000_000n, date: "2022-10-01" }),
    ]);
    expect(await m60("U1", "2022-10-01")).toMatchObject({ status: "missed", shortfall: 2 });
    expect(await m60("U2", "2022-10-01")).toMatchObject({ status: "missed", shortfall: 1 });
    expect(await m60("U3", "2022-10-01")).toMatchObject({ status: "met", shortfall: 0 });
    expect(await m60("U1", "2022-09-30")).toMatchObject({ status: "at_risk", shortfall: 2 });
    const atRisk = await t.request("GET", "/api/v1/at-risk?asOf=2022-10-01&milestone=M60");
    expect((atRisk.body as { items: { unitCode: string }[] }).items.map((i) => i.unitCode)).toEqual([
      "U1",
      "U2",
    ]);
  });

  it("answers 404 for an unknown unit and 400 for an impossible date", async () => {
    expect((await t.request("GET", "/api/v1/units/NOPE/status?asOf=2022-10-01")).status).toBe(404);
    const bad = await t.request("GET", "/api/v1/units/U1/status?asOf=2022-02-30");
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain("querystring.asOf");
  });
});

const dateArb = fc
  .integer({ min: 0, max: 364 })
  .map((d) => new Date(Date.UTC(2022, 0, 1 + d)).toISOString().slice(0, 10));
const entryArb = fc
  .record({
    unitCode: fc.constantFrom(...UNITS),
    program: fc.constantFrom("NTM", "GNBV"),
    planYear: fc.constantFrom(2022, 2022, 2022, 2023),
    carriedOverFrom: fc.constantFrom(null, null, 2021),
    source: fc.constantFrom("central" as const, "provincial" as const),
    capitalType: fc.constantFrom("investment" as const, "recurrent" as const),
    amount: fc.bigInt({ min: -(10n ** 9n), max: 10n ** 12n }),
    date: dateArb,
    kind: fc.constantFrom(
      "allocation" as const,
      "disbursement" as const,
      "disbursement" as const,
      "refund" as const,
      "carryForward" as const,
    ),
  })
  .map((e) => (e.kind === "refund" || e.kind === "carryForward" ? { ...e, carriedOverFrom: null } : e)); // of the year's own capital
const requestArb = fc.record({
  unitCode: fc.constantFrom(...UNITS),
  program: fc.constantFrom("NTM", "GNBV"),
  sentOn: dateArb,
});

describe("the SQL path agrees with the reference ledger", () => {
  it("per-unit status equals evaluateUnit, and the at-risk list equals the per-unit statuses", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(entryArb, { maxLength: 40 }),
        fc.array(requestArb, { maxLength: 3 }),
        dateArb,
        async (entries, requests, asOf) => {
          await t.db.prisma.$executeRawUnsafe(TRUNCATE);
          await insert(entries);
          await insertRequests(requests);
          const expectedAtRisk: string[] = [];
          for (const unit of UNITS) {
            const res = await t.request("GET", `/api/v1/units/${unit}/status?asOf=${asOf}&planYear=2022`);
            const expected = evaluateUnit(entries, unit, DEFAULT_PLAN_2022, asOf, requests);
            const got = (res.body as { milestones: Record<string, unknown>[] }).milestones.map(
              ({ unitCode: _u, planYear: _y, ...m }) => m,
            );
            expect(got).toEqual(JSON.parse(stringifyJson(expected)));
            for (const e of expected)
              if (e.status === "at_risk" || e.status === "missed")
                expectedAtRisk.push(`${unit}/${e.program}/${e.id}`);
          }
          const atRisk = await t.request("GET", `/api/v1/at-risk?asOf=${asOf}&planYear=2022`);
          const got = (
            atRisk.body as { items: { unitCode: string; program: string; id: string }[] }
          ).items.map((i) => `${i.unitCode}/${i.program}/${i.id}`);
          expect(got.sort()).toEqual(expectedAtRisk.sort());
          // Filtered by milestone, at-risk judges only that milestone and what it rests on.
          for (const { id } of DEFAULT_PLAN_2022.milestones) {
            const one = await t.request("GET", `/api/v1/at-risk?asOf=${asOf}&planYear=2022&milestone=${id}`);
            const ids = (
              one.body as { items: { unitCode: string; program: string; id: string }[] }
            ).items.map((i) => `${i.unitCode}/${i.program}/${i.id}`);
            expect(ids.sort()).toEqual(expectedAtRisk.filter((k) => k.endsWith(`/${id}`)).sort());
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});
