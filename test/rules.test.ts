import fc from "fast-check";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { admissionIssues, type Movement, scopeKey } from "../src/domain/ledger-rules.js";
import { localDateToUtcDate } from "../src/domain/local-date.js";
import { DEFAULT_PLAN_2022 } from "../src/domain/plan.js";
import { evaluateUnit, type LedgerEntry, type RequestFiling } from "../src/domain/reference-ledger.js";
import type { Prisma } from "../src/generated/prisma/client.js";
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

/** Writes the entries in one transaction: the database's guard judges the ledger they leave. */
async function insert(entries: LedgerEntry[]) {
  await t.db.prisma.$transaction(async (tx) => {
    await insertIn(tx, entries);
    // The guard runs at commit; the PGlite adapter does not report a COMMIT's error, so ask now.
    await tx.$executeRaw`SET CONSTRAINTS ALL IMMEDIATE`;
  });
}

async function insertIn(db: Prisma.TransactionClient, entries: LedgerEntry[]) {
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
    const { postedBy: _p, ...scope } = base(e);
    if (e.kind === "refund")
      await db.refund.create({
        data: { ...scope, createdBy: "t", refundedOn: localDateToUtcDate(e.date), reference: "HT" },
      });
    else
      await db.carryForward.create({
        data: { ...scope, createdBy: "t", approvedOn: localDateToUtcDate(e.date), legalBasis: "QĐ" },
      });
  }
  if (allocations.length)
    await db.allocation.createMany({
      data: allocations.map((e) => ({
        ...base(e),
        decisionRef: "QĐ",
        decidedOn: localDateToUtcDate(e.date),
      })),
    });
  if (disbursements.length)
    await db.disbursement.createMany({
      data: disbursements.map((e) => ({
        ...base(e),
        reference: "KB",
        disbursedOn: localDateToUtcDate(e.date),
      })),
    });
}

/** The entries the ledger would have admitted one by one, in order (src/domain/ledger-rules.ts). */
function admitted(entries: LedgerEntry[]): LedgerEntry[] {
  const history = new Map<string, Movement[]>();
  return entries.filter((e) => {
    const key = scopeKey(e);
    const move: Movement = { kind: e.kind, date: e.date, amount: e.amount };
    if (admissionIssues(history, [{ ...e, ...move, entry: 0 }]).length > 0) return false;
    history.set(key, [...(history.get(key) ?? []), move]);
    return true;
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
    // "district" (counterpart funds) is outside the refund's sources: the SQL filter must agree.
    source: fc.constantFrom("central" as const, "provincial" as const, "district" as const),
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
        async (generated, requests, asOf) => {
          const entries = admitted(generated);
          await t.db.prisma.$executeRawUnsafe(TRUNCATE);
          await insert(entries);
          await insertRequests(requests);
          const expectedAtRisk: string[] = [];
          for (const unit of UNITS) {
            const res = await t.request("GET", `/api/v1/units/${unit}/status?asOf=${asOf}&planYear=2022`);
            const kind = unit === "U3" ? "department" : "district";
            // The service's calendar: the law's holidays count in workingDaysLeft.
            const calendar = await t.container.calendar.workingCalendar();
            const expected = evaluateUnit(entries, unit, DEFAULT_PLAN_2022, asOf, requests, kind, calendar);
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

describe("whom the refund concerns (REF: districts, capital from a higher level)", () => {
  it("judges a district on its central and provincial capital only, and shows a department's as lapsed", async () => {
    const year = (unitCode: string): LedgerEntry[] => [
      entry({ unitCode, amount: 1_000_000n, date: "2022-01-10" }),
      entry({ unitCode, amount: 500_000n, date: "2022-01-10", source: "district" }),
      entry({ unitCode, kind: "disbursement", amount: 600_000n, date: "2022-12-01" }),
      entry({ unitCode, kind: "disbursement", amount: 100_000n, date: "2022-12-01", source: "district" }),
    ];
    const carried = (unitCode: string) =>
      entry({ unitCode, kind: "carryForward", amount: 100_000n, date: "2023-01-10" });
    // Allocations and disbursements first: a carry-forward needs capital left to carry.
    await insert([...year("U1"), ...year("U3")]);
    await insert([carried("U1"), carried("U3")]);
    const ref = async (unit: string) =>
      (
        (await t.request("GET", `/api/v1/units/${unit}/status?asOf=2023-02-01&planYear=2022`)).body as {
          milestones: Record<string, unknown>[];
        }
      ).milestones.find((m) => m.id === "REF");
    // Due back from the district: 1,000,000 − 600,000 − 100,000; its own 500,000 is not.
    expect(await ref("U1")).toMatchObject({ status: "missed", allocated: 300_000, shortfall: 300_000 });
    expect(await ref("U1")).not.toHaveProperty("lapsed");
    expect(await ref("U3")).toMatchObject({ status: "not_applicable", allocated: 0, lapsed: 300_000 });
    // The reference ledger says the same.
    const entries = [...year("U1"), ...year("U3"), carried("U1"), carried("U3")];
    for (const [unit, kind] of [
      ["U1", "district"],
      ["U3", "department"],
    ] as const) {
      const expected = evaluateUnit(entries, unit, DEFAULT_PLAN_2022, "2023-02-01", [], kind).find(
        (e) => e.id === "REF",
      );
      const { unitCode: _u, planYear: _y, ...got } = (await ref(unit))!;
      expect(got).toEqual(JSON.parse(stringifyJson(expected)));
    }
    // Not at risk, not missed: a department owes no refund.
    const atRisk = await t.request("GET", "/api/v1/at-risk?asOf=2023-02-01&planYear=2022&milestone=REF");
    expect((atRisk.body as { items: { unitCode: string }[] }).items.map((i) => i.unitCode)).toEqual(["U1"]);
  });
});
