// Test data for the ledger API: plausible defaults, overridden per test. Bodies are plain JSON
// (amounts as numbers) because that is what a client sends; overrides may hold any value so a
// test can send a wrong type on purpose.
import type { TestApp } from "./helpers/test-app.js";

type Overrides = Record<string, unknown>;

let seq = 0;
/** A code no other call in this process has returned: test files never collide on units. */
export function uniqueCode(prefix = "U"): string {
  seq += 1;
  return `${prefix}${seq}`;
}

export function makeUnit(o: Overrides = {}) {
  const code = typeof o.code === "string" ? o.code : uniqueCode("UNIT");
  return {
    code,
    name: `UBND huyện ${code}`,
    kind: "district",
    headName: "Nguyễn Văn An",
    headEmail: `head.${code.toLowerCase()}@example.org`,
    ...o,
  };
}

/** 1 tỷ đồng of 2022 central investment capital for NTM, decided in January. */
export function makeAllocation(o: Overrides = {}) {
  return {
    unitCode: "TAMKY",
    program: "NTM",
    planYear: 2022,
    source: "central",
    capitalType: "investment",
    amount: 1_000_000_000,
    decisionRef: "123/QĐ-UBND",
    decidedOn: "2022-01-15",
    ...o,
  };
}

/** A Treasury-confirmed payment in the same scope as makeAllocation's default. */
export function makeDisbursement(o: Overrides = {}) {
  return {
    unitCode: "TAMKY",
    program: "NTM",
    planYear: 2022,
    source: "central",
    capitalType: "investment",
    amount: 100_000_000,
    disbursedOn: "2022-06-30",
    reference: "KBNN-2022-0001",
    ...o,
  };
}

/** An approved carry-forward of part of makeAllocation's capital into the next year. */
export function makeCarryForward(o: Overrides = {}) {
  return {
    unitCode: "TAMKY",
    program: "NTM",
    planYear: 2022,
    source: "central",
    capitalType: "investment",
    amount: 10_000_000,
    legalBasis: "Công văn 100/STC",
    approvedOn: "2023-01-20",
    ...o,
  };
}

/** The same object without the named keys (to send a body that misses a required field). */
export function without<T extends object>(o: T, ...keys: string[]): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k))) as Partial<T>;
}

// Thin wrappers over the API that fail loudly, so a test's arrange step cannot silently fail.

async function expectCreated(t: TestApp, url: string, body: unknown, key?: string) {
  const res = await t.request("POST", url, { body, ...(key ? { key } : {}) });
  if (res.status !== 201) throw new Error(`POST ${url} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as Record<string, unknown>;
}

export async function createUnit(t: TestApp, o: Overrides = {}) {
  const unit = makeUnit(o);
  await expectCreated(t, "/api/v1/units", unit);
  return unit;
}

export const postAllocation = (t: TestApp, o: Overrides = {}, key?: string) =>
  expectCreated(t, "/api/v1/allocations", makeAllocation(o), key);

export const postDisbursement = (t: TestApp, o: Overrides = {}, key?: string) =>
  expectCreated(t, "/api/v1/disbursements", makeDisbursement(o), key);

export const postCarryForward = (t: TestApp, o: Overrides = {}, key?: string) =>
  expectCreated(t, "/api/v1/carry-forwards", makeCarryForward(o), key);

export type LedgerTotals = {
  allocated: number;
  disbursed: number;
  refunded: number;
  carriedForward: number;
  remaining: number;
};

/** The unit's totals as of the clock's today (no disbursement can be dated later). */
export async function ledgerTotal(t: TestApp, unitCode: string): Promise<LedgerTotals> {
  const res = await t.request("GET", `/api/v1/units/${unitCode}/ledger`);
  if (res.status !== 200) throw new Error(`ledger of ${unitCode} answered ${res.status}`);
  return (res.body as { total: LedgerTotals }).total;
}

/** Every allocation and disbursement row in the database, whatever the API would show. */
export async function countEntries(t: TestApp): Promise<{ allocations: number; disbursements: number }> {
  const [allocations, disbursements] = await Promise.all([
    t.db.prisma.allocation.count(),
    t.db.prisma.disbursement.count(),
  ]);
  return { allocations, disbursements };
}
