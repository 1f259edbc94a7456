import fc from "fast-check";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { admissionIssues, type Movement, scopeKey } from "../src/domain/ledger-rules.js";
import { localDateToUtcDate } from "../src/domain/local-date.js";
import { DEFAULT_PLAN_2022 } from "../src/domain/plan.js";
import { evaluateUnit, type LedgerEntry, type RequestFiling } from "../src/domain/reference-ledger.js";
import type { Prisma } from "../src/generated/prisma/client.js";
import { stringifyJson } from "../src/http/json.js";
import { createUnit, postAllocation, postCarryForward, postDisbursement } from "./factories.js";
import { judgeUnit } from "./helpers/reference-judge.js";
import { createTestApp, fixedClock, type TestApp } from "./helpers/test-app.js";

let t: TestApp;
const TRUNCATE =
  "TRUNCATE allocation, disbursement, refund, carry_forward, reallocation_transfer, reallocation_line, reallocation_request";
const UNITS = ["U1", "U2", "U3"];
const clock = fixedClock("2022-12-31T05:00:00Z");

beforeAll(async () => {
  t = await createTestApp({ clock });
  for (const code of UNITS) await createUnit(t, { code, kind: code === "U3" ? "department" : "district" });
});
afterAll(() => t.close());
beforeEach(async () => {
  clock.set("2022-12-31T05:00:00Z");
  // TRUNCATE bypasses the append-only row triggers: a fresh ledger per case, same database.
  await t.db.prisma.$executeRawUnsafe(TRUNCATE);
});

// The property below writes rows straight into the ledger tables: its subject is the SQL over
// any ledger the rules admit (negative corrections, carried-over capital, refunds, requests),
// thousands of rows per run; the API's own checks are proven in test/ledger-*.test.ts. Cases
// that only need a ledger post it through the API with the factories.

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
    for (const [unitCode, disbursed] of [
      ["U1", 599_999_999],
      ["U2", 600_000_000],
      ["U3", 600_000_001],
    ] as const) {
      await postAllocation(t, { unitCode, amount: 1_000_000_000 });
      await postDisbursement(t, {
        unitCode,
        amount: disbursed,
        disbursedOn: "2022-09-30",
        reference: `KB-${unitCode}`,
      });
    }
    await postDisbursement(t, {
      unitCode: "U1",
      amount: 100_000_000,
      disbursedOn: "2022-10-01",
      reference: "KB-late",
    });
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

  it("projects the last 30 days' pace to the due date: on track only above 60%, the window's first day in", async () => {
    // 1 tỷ allocated, 500 triệu paid in June; on 20/9 ten days are left, so a recent payment p
    // projects 500 triệu + p + p × 10/30, above 600 triệu only when p > 75 triệu.
    const recent = [
      ["U1", 75_000_000, "2022-08-22"], // the window's first day: exactly 60% projected, not above
      ["U2", 75_000_003, "2022-08-22"], // 600.000.004 projected
      ["U3", 75_000_003, "2022-08-21"], // the day before the window: no recent pace at all
    ] as const;
    const entries: LedgerEntry[] = [];
    for (const [unitCode, p, on] of recent) {
      await postAllocation(t, { unitCode, amount: 1_000_000_000 });
      await postDisbursement(t, {
        unitCode,
        amount: 500_000_000,
        disbursedOn: "2022-06-01",
        reference: `KB-${unitCode}-6`,
      });
      await postDisbursement(t, { unitCode, amount: p, disbursedOn: on, reference: `KB-${unitCode}-8` });
      entries.push(
        entry({ unitCode, amount: 1_000_000_000n }),
        entry({ unitCode, kind: "disbursement", amount: 500_000_000n, date: "2022-06-01" }),
        entry({ unitCode, kind: "disbursement", amount: BigInt(p), date: on }),
      );
    }
    const statuses: Record<string, string | undefined> = {};
    for (const [unitCode] of recent) {
      statuses[unitCode] = (await m60(unitCode, "2022-09-20"))?.status;
      expect(statuses[unitCode]).toBe(
        judgeUnit(entries, unitCode, "2022-09-20").find((j) => j.id === "M60")?.status,
      );
    }
    expect(statuses).toEqual({ U1: "at_risk", U2: "on_track", U3: "at_risk" });
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

/** The fields the reference judge decides (test/helpers/reference-judge.ts), as the API shows them. */
const DECIDED = [
  "program",
  "id",
  "dueOn",
  "status",
  "allocated",
  "disbursed",
  "shortfall",
  "daysLeft",
  "requiredDailyPace",
  "requestSentOn",
  "advisory",
  "lapsed",
] as const;
const pick = (row: Record<string, unknown>, keys: readonly string[]) =>
  Object.fromEntries(keys.filter((k) => row[k] !== undefined).map((k) => [k, row[k]]));

describe("the SQL path agrees with an independent judge of the plan", () => {
  it("per-unit status equals the reference judge, and the at-risk list equals the per-unit statuses", async () => {
    // The service's calendar: the law's holidays count in workingDaysLeft.
    const calendar = await t.container.calendar.workingCalendar();
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
            const unitKind = unit === "U3" ? "department" : "district";
            const got = (res.body as { milestones: Record<string, unknown>[] }).milestones;
            // Rows, statuses and figures: from the plan's words, not from the production rules.
            const judged = judgeUnit(entries, unit, asOf, { requests, unitKind });
            expect(got.map((m) => pick(m, DECIDED))).toEqual(JSON.parse(stringifyJson(judged)));
            // Display roundings (rate, projectedRate, projectedDisbursed) and workingDaysLeft are not
            // the judge's: for those alone the SQL path is held to the domain code over the same rows.
            const domain = evaluateUnit(entries, unit, DEFAULT_PLAN_2022, asOf, requests, unitKind, calendar);
            const display = (m: Record<string, unknown>) =>
              pick(m, [
                "rate",
                "projectedRate",
                "projectedDisbursed",
                "workingDaysLeft",
                "threshold",
                "comparison",
                "kind",
              ]);
            expect(got.map(display)).toEqual(JSON.parse(stringifyJson(domain)).map(display));
            for (const e of judged)
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
    for (const unitCode of ["U1", "U3"]) {
      for (const [i, e] of year(unitCode).entries()) {
        const body = { unitCode, source: e.source, amount: Number(e.amount) };
        if (e.kind === "allocation") await postAllocation(t, { ...body, decidedOn: e.date });
        else await postDisbursement(t, { ...body, disbursedOn: e.date, reference: `KB-${unitCode}-${i}` });
      }
    }
    // Approved in January 2023: the clock has to be there for the ledger to take it.
    clock.set("2023-02-01T05:00:00Z");
    for (const unitCode of ["U1", "U3"])
      await postCarryForward(t, { unitCode, amount: 100_000, approvedOn: "2023-01-10" });
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
    // The reference judge says the same.
    const entries = [...year("U1"), ...year("U3"), carried("U1"), carried("U3")];
    for (const [unit, unitKind] of [
      ["U1", "district"],
      ["U3", "department"],
    ] as const) {
      const expected = judgeUnit(entries, unit, "2023-02-01", { unitKind }).find((e) => e.id === "REF")!;
      expect(pick((await ref(unit))!, DECIDED)).toEqual(JSON.parse(stringifyJson(expected)));
    }
    // Not at risk, not missed: a department owes no refund.
    const atRisk = await t.request("GET", "/api/v1/at-risk?asOf=2023-02-01&planYear=2022&milestone=REF");
    expect((atRisk.body as { items: { unitCode: string }[] }).items.map((i) => i.unitCode)).toEqual(["U1"]);
  });
});
