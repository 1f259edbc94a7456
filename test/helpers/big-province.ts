// A programme whose totals pass 2^53 (9,007,199,254,740,992 đồng), posted through the HTTP API as
// a client would: three district units, each holding 10^15 đồng (the most one scope may hold) in
// each of the four sources. Decided on 20/10/2022 and paid on 25/10/2022, after the dates the
// other tests of a file look at; on 01/12/2022 the pace window (30 days) no longer sees the
// payments, so the third unit, at 70%, is at risk for M90 with figures above 10^15.
import { expect } from "vitest";
import type { TestApp } from "./test-app.js";

export const BIG_ASOF = "2022-12-01";
export const SCOPE_MAX = 10n ** 15n;
/** What the three units disburse together: the example, above 2^53. */
export const BIG_DISBURSED = 10_808_639_105_689_189n;
export const BIG_ALLOCATED = 12n * SCOPE_MAX;
const SOURCES = ["central", "provincial", "district", "other"] as const;

export type BigProvince = {
  units: string[];
  atRisk: { unitCode: string; allocated: bigint; disbursed: bigint };
};

export async function postProgramAbove2To53(
  t: TestApp,
  program: string,
  prefix: string,
): Promise<BigProvince> {
  const units = [1, 2, 3].map((n) => `${prefix}${n}`);
  const post = async (url: string, body: unknown) => {
    const res = await t.request("POST", url, { body });
    expect(res.status, `${url}: ${JSON.stringify(res.body)}`).toBe(201);
  };
  for (const code of units)
    await post("/api/v1/units", {
      code,
      name: `UBND huyện ${code}`,
      kind: "district",
      headName: "Nguyễn Văn An",
      headEmail: `head.${code.toLowerCase()}@example.org`,
    });
  const scope = (unitCode: string, source: string) => ({
    unitCode,
    program,
    planYear: 2022,
    source,
    capitalType: "investment",
  });
  await post(
    "/api/v1/allocations",
    units.flatMap((u) =>
      SOURCES.map((s) => ({
        ...scope(u, s),
        amount: Number(SCOPE_MAX),
        decisionRef: "999/QĐ-UBND",
        decidedOn: "2022-10-20",
      })),
    ),
  );
  // Two units pay every scope in full; the third pays what is left of BIG_DISBURSED.
  const rest = BIG_DISBURSED - 8n * SCOPE_MAX;
  const paid: [string, string, bigint][] = [
    ...units.slice(0, 2).flatMap((u) => SOURCES.map((s): [string, string, bigint] => [u, s, SCOPE_MAX])),
    [units[2]!, "central", SCOPE_MAX],
    [units[2]!, "provincial", SCOPE_MAX],
    [units[2]!, "district", rest - 2n * SCOPE_MAX],
  ];
  expect(paid.reduce((a, [, , x]) => a + x, 0n)).toBe(BIG_DISBURSED);
  await post(
    "/api/v1/disbursements",
    paid.map(([u, s, amount], i) => ({
      ...scope(u, s),
      // Each at most 10^15, so exact as a JSON number on the way in.
      amount: Number(amount),
      disbursedOn: "2022-10-25",
      reference: `KBNN-BIG-${i + 1}`,
    })),
  );
  return { units, atRisk: { unitCode: units[2]!, allocated: 4n * SCOPE_MAX, disbursed: rest } };
}
