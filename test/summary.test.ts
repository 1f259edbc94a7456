import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "./helpers/test-app.js";

let t: TestApp;
const admin = { keyId: "t", name: "t", role: "admin" as const, unitCodes: [] };

beforeAll(async () => {
  t = await createTestApp();
  const units = [
    { code: "D1", kind: "district" as const },
    { code: "D2", kind: "district" as const },
    { code: "S1", kind: "department" as const },
  ];
  for (const u of units)
    await t.container.catalog.createUnit(
      { ...u, name: `Đơn vị ${u.code}`, headName: "A", headEmail: "a@example.org", ccEmails: [] },
      admin,
    );
  const scope = {
    planYear: 2022,
    carriedOverFrom: null,
    source: "central" as const,
    capitalType: "investment" as const,
  };
  const alloc = (unitCode: string, program: string, amount: bigint) => ({
    ...scope,
    unitCode,
    program,
    amount,
    decisionRef: "1/QĐ",
    decidedOn: "2022-01-10",
  });
  const disb = (unitCode: string, program: string, amount: bigint, disbursedOn: string) => ({
    ...scope,
    unitCode,
    program,
    amount,
    disbursedOn,
    reference: "KB",
  });
  await t.container.ledger.postAllocations(
    [
      alloc("D1", "NTM", 1000n),
      alloc("D1", "GNBV", 1000n),
      alloc("D2", "NTM", 2000n),
      alloc("S1", "DTTS", 500n),
    ],
    admin,
  );
  await t.container.ledger.postDisbursements(
    [
      disb("D1", "NTM", 700n, "2022-09-01"), // met
      disb("D1", "GNBV", 100n, "2022-03-01"), // missed
      disb("D2", "NTM", 1200n, "2022-09-30"), // exactly 60%: missed
      disb("S1", "DTTS", 301n, "2022-09-30"), // met
      disb("S1", "DTTS", 100n, "2022-11-01"), // after M60
    ],
    admin,
  );
});
afterAll(() => t.close());

describe("GET /api/v1/reports/summary", () => {
  it("rolls up totals per program and unit kind and counts statuses per milestone", async () => {
    const res = await t.request("GET", "/api/v1/reports/summary?asOf=2022-10-01");
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const s = res.body as Record<string, unknown> & {
      byMilestone: { id: string; counts: object; unitCounts: object }[];
    };
    expect(s).toMatchObject({
      asOf: "2022-10-01",
      planYear: 2022,
      total: { allocated: 4500, disbursed: 2301, rate: 51.13 },
      byProgram: [
        { program: "DTTS", allocated: 500, disbursed: 301 },
        { program: "GNBV", allocated: 1000, disbursed: 100 },
        { program: "NTM", allocated: 3000, disbursed: 1900 },
      ],
      byUnitKind: [
        { kind: "department", allocated: 500, disbursed: 301 },
        { kind: "district", allocated: 4000, disbursed: 2000 },
      ],
    });
    const m60 = s.byMilestone.find((m) => m.id === "M60")!;
    expect(m60.counts).toEqual({ not_applicable: 0, met: 2, on_track: 0, at_risk: 0, missed: 2 });
    // D1 has one met and one missed program: counted once, by its worst.
    expect(m60.unitCounts).toEqual({ not_applicable: 0, met: 1, on_track: 0, at_risk: 0, missed: 2 });
    const c100 = s.byMilestone.find((m) => m.id === "C100")!;
    expect(c100.counts).toMatchObject({ not_applicable: 4 });
    // The refund cannot be flagged before its due date, yet its counts cover every pair: the
    // at-risk list leaves it unjudged until then, the summary does not (planForFlagged).
    const ref = s.byMilestone.find((m) => m.id === "REF")!;
    expect(Object.values(ref.counts).reduce((n: number, c) => n + (c as number), 0)).toBe(4);
  });

  it("is for admins and viewers; officers use their units' status", async () => {
    const officer = await t.keyFor("officer", ["D1"]);
    expect((await t.request("GET", "/api/v1/reports/summary", { key: officer })).status).toBe(403);
    expect((await t.request("GET", "/api/v1/units/D1/status?asOf=2022-10-01", { key: officer })).status).toBe(
      200,
    );
    expect((await t.request("GET", "/api/v1/units/D2/status?asOf=2022-10-01", { key: officer })).status).toBe(
      403,
    );
  });
});
