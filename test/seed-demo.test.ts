// The demo province of `npm run seed:demo`, replayed into a test database through the services,
// then read back through the API: the data must show exactly what it was made to show.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DEMO_NOTE,
  DEMO_NOW,
  type DemoProvince,
  generateDemoProvince,
  loadDemoProvince,
} from "../scripts/demo-data.js";
import { createTestApp, fixedClock, type TestApp } from "./helpers/test-app.js";

let t: TestApp;
let province: DemoProvince;
beforeAll(async () => {
  t = await createTestApp({ clock: fixedClock(DEMO_NOW) });
  province = generateDemoProvince();
  const result = await loadDemoProvince(t.container, province, { maxBatchSize: 1000 });
  expect(result.status).toBe("loaded");
});
afterAll(() => t?.close());

type LedgerBody = {
  lines: {
    program: string;
    planYear: number;
    carriedOverFrom: number | null;
    allocated: number;
    disbursed: number;
  }[];
};

/** Allocated and disbursed as of `asOf`, per program and in all, within one capital scope. */
async function figures(code: string, asOf: string, carriedOverFrom: number | null) {
  const res = await t.request("GET", `/api/v1/units/${code}/ledger?asOf=${asOf}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const lines = (res.body as LedgerBody).lines.filter(
    (l) => l.planYear === 2022 && l.carriedOverFrom === carriedOverFrom,
  );
  const byProgram = new Map<string, { allocated: bigint; disbursed: bigint }>();
  const total = { allocated: 0n, disbursed: 0n };
  for (const l of lines) {
    const p = byProgram.get(l.program) ?? { allocated: 0n, disbursed: 0n };
    p.allocated += BigInt(l.allocated);
    p.disbursed += BigInt(l.disbursed);
    byProgram.set(l.program, p);
    total.allocated += BigInt(l.allocated);
    total.disbursed += BigInt(l.disbursed);
  }
  return { total, byProgram };
}

/** Strictly above `percent` percent, in exact integers. */
const above = (f: { allocated: bigint; disbursed: bigint }, percent: bigint) =>
  f.disbursed * 100n > f.allocated * percent;

/** Units whose own 2022 capital at `asOf` is not above `percent`, checked per program too. */
async function unitsNotAbove(asOf: string, percent: bigint): Promise<string[]> {
  const out: string[] = [];
  for (const u of province.units) {
    const { total, byProgram } = await figures(u.code, asOf, null);
    if (total.allocated === 0n) continue;
    const behind = !above(total, percent);
    // Every program of a unit tells the same story, so per-program rules agree with the total.
    for (const [program, f] of byProgram)
      expect(!above(f, percent), `${u.code} ${program} at ${asOf}: ${f.disbursed}/${f.allocated}`).toBe(
        behind,
      );
    if (behind) out.push(u.code);
  }
  return out.sort();
}

describe("demo province (seed:demo)", () => {
  it("is deterministic", () => {
    expect(generateDemoProvince()).toEqual(province);
    expect(generateDemoProvince(7)).toEqual(generateDemoProvince(7));
    expect(generateDemoProvince(7).disbursements).not.toEqual(province.disbursements);
  });

  it("holds the 18 district-level units and the departments, all on example.org", async () => {
    const res = await t.request("GET", "/api/v1/units");
    const units = res.body as { code: string; kind: string; headEmail: string }[];
    expect(units).toHaveLength(province.units.length);
    expect(units.filter((u) => u.kind === "district")).toHaveLength(18);
    expect(units.filter((u) => u.kind === "department").length).toBeGreaterThanOrEqual(5);
    for (const u of units) expect(u.headEmail).toMatch(/@[a-z0-9-]+\.example\.org$/);
    expect(units.map((u) => u.code)).toEqual(expect.arrayContaining(["TAM_KY", "TAY_GIANG", "BAN_DAN_TOC"]));
  });

  it("stored every entry, each marked illustrative", async () => {
    const prisma = t.db.prisma;
    expect(await prisma.allocation.count()).toBe(province.allocations.length);
    expect(await prisma.disbursement.count()).toBe(province.disbursements.length);
    expect(province.disbursements.length).toBeGreaterThan(1000);
    expect(await prisma.allocation.count({ where: { NOT: { note: { startsWith: DEMO_NOTE } } } })).toBe(0);
    expect(await prisma.disbursement.count({ where: { NOT: { note: { startsWith: DEMO_NOTE } } } })).toBe(0);
    const dates = province.disbursements.map((d) => d.disbursedOn);
    expect(dates[0]! >= "2022-02-01").toBe(true);
    expect(dates.at(-1)).toBe("2023-01-31");
  });

  it("has exactly the intended units not above 60% of their own 2022 capital at 30/9/2022", async () => {
    expect(province.intended.below60AtSep30).toHaveLength(4);
    expect(await unitsNotAbove("2022-09-30", 60n)).toEqual(province.intended.below60AtSep30);
  });

  it("has exactly the intended two of them still not above 90% at 31/12/2022", async () => {
    expect(province.intended.below90AtDec31).toHaveLength(2);
    for (const code of province.intended.below90AtDec31)
      expect(province.intended.below60AtSep30).toContain(code);
    expect(await unitsNotAbove("2022-12-31", 90n)).toEqual(province.intended.below90AtDec31);
  });

  it("keeps 2021 capital carried over apart, fully disbursed except where intended", async () => {
    expect(province.intended.carriedOver.length).toBeGreaterThan(0);
    for (const code of province.intended.carriedOver) {
      const { total } = await figures(code, "2022-12-31", 2021);
      expect(total.allocated > 0n).toBe(true);
      const short = province.intended.carriedOverShort.includes(code);
      expect(total.disbursed < total.allocated, code).toBe(short);
    }
  });

  it("never shows more disbursed than allocated on any date", async () => {
    for (const u of province.units)
      for (const asOf of ["2022-03-31", "2022-06-30", "2022-09-30", "2022-12-31", "2023-01-31"]) {
        const res = await t.request("GET", `/api/v1/units/${u.code}/ledger?asOf=${asOf}`);
        for (const l of (res.body as LedgerBody).lines)
          expect(l.disbursed, `${u.code} ${l.program} ${asOf}`).toBeLessThanOrEqual(l.allocated);
      }
  });

  it("loads once: a second load changes nothing", async () => {
    const again = await loadDemoProvince(t.container, province, { maxBatchSize: 1000 });
    expect(again).toMatchObject({ status: "already_loaded", units: province.units.length });
    expect(await t.db.prisma.disbursement.count()).toBe(province.disbursements.length);
  });
});
