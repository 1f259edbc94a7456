import { describe, expect, it } from "vitest";
import type { LocalDate } from "./local-date.js";
import { DEFAULT_PLAN_2022, type UnitKind } from "./plan.js";
import { evaluateUnit, type LedgerEntry, type RequestFiling } from "./reference-ledger.js";

const entry = (
  kind: LedgerEntry["kind"],
  amount: bigint,
  date: LocalDate,
  program = "NTM",
  source: LedgerEntry["source"] = "central",
): LedgerEntry => ({
  unitCode: "NAM_GIANG",
  program,
  planYear: 2022,
  carriedOverFrom: null,
  source,
  capitalType: "investment",
  amount,
  date,
  kind,
});
const filing = (sentOn: LocalDate, program = "NTM"): RequestFiling => ({
  unitCode: "NAM_GIANG",
  program,
  sentOn,
});
const status = (
  entries: LedgerEntry[],
  asOf: LocalDate,
  id: string,
  requests: RequestFiling[] = [],
  unitKind: UnitKind = "district",
) => evaluateUnit(entries, "NAM_GIANG", DEFAULT_PLAN_2022, asOf, requests, unitKind).find((e) => e.id === id);

// 50% at 30/9: misses M60, so a request is due, to be sent before 10/11.
const missedM60 = [
  entry("allocation", 1_000_000n, "2022-01-10"),
  entry("disbursement", 500_000n, "2022-09-01"),
];
// 70% at 30/9: meets M60; no pace after it, so at risk for M90.
const metM60 = [entry("allocation", 1_000_000n, "2022-01-10"), entry("disbursement", 700_000n, "2022-08-01")];

describe("the reallocation request milestone (REQ)", () => {
  it("is not applicable before anyone can have missed 30/9", () => {
    expect(status(missedM60, "2022-09-30", "REQ")?.status).toBe("not_applicable");
  });

  it("is due from a pair that missed M60: at risk until filed, missed from 10/11 on", () => {
    expect(status(missedM60, "2022-10-01", "REQ")).toMatchObject({
      status: "at_risk",
      dueOn: "2022-11-09",
      daysLeft: 39,
      shortfall: 100_001n,
    });
    expect(status(missedM60, "2022-11-09", "REQ")?.status).toBe("at_risk");
    expect(status(missedM60, "2022-11-10", "REQ")?.status).toBe("missed");
  });

  // "gửi trước 10/11/2022": sent before 10/11, read strictly as "trên 60%" is.
  it("counts a request sent on 09/11 as on time and one sent on 10/11 as late", () => {
    expect(status(missedM60, "2022-11-20", "REQ", [filing("2022-11-09")])).toMatchObject({
      status: "met",
      requestSentOn: "2022-11-09",
    });
    expect(status(missedM60, "2022-11-20", "REQ", [filing("2022-11-10")])).toMatchObject({
      status: "missed",
      requestSentOn: "2022-11-10",
    });
  });

  it("needs the request to cover the pair's program, and ignores requests not yet sent on asOf", () => {
    expect(status(missedM60, "2022-10-20", "REQ", [filing("2022-10-15", "GNBV")])?.status).toBe("at_risk");
    expect(status(missedM60, "2022-10-10", "REQ", [filing("2022-10-15")])?.status).toBe("at_risk");
    expect(status(missedM60, "2022-10-15", "REQ", [filing("2022-10-15")])?.status).toBe("met");
  });

  it("warns a pair that met M60 but is at risk for M90, without making it a duty", () => {
    expect(status(metM60, "2022-10-05", "REQ")).toMatchObject({ status: "at_risk", advisory: true });
    expect(status(metM60, "2022-11-11", "REQ")?.status).toBe("not_applicable");
    const onPace = [...metM60, entry("disbursement", 250_000n, "2022-09-20")];
    expect(status(onPace, "2022-10-05", "REQ")?.status).toBe("not_applicable");
  });
});

describe("the refund milestone (REF)", () => {
  const year = [
    entry("allocation", 1_000_000n, "2022-01-10"),
    entry("disbursement", 800_000n, "2022-12-20"),
    // The adjustment period: counts for the refund, not for M90.
    entry("disbursement", 50_000n, "2023-01-15"),
    entry("carryForward", 30_000n, "2023-01-20"),
  ];
  // Due back: 1,000,000 - 850,000 - 30,000 = 120,000.

  it("shows the refund the unit is heading for before 31/01, never as at risk", () => {
    expect(status(year, "2023-01-20", "REF")).toMatchObject({
      status: "on_track",
      allocated: 120_000n,
      disbursed: 0n,
      shortfall: 120_000n,
    });
    expect(status(year, "2023-01-20", "M90")).toMatchObject({ status: "missed", disbursed: 800_000n });
  });

  it("is met when refunds cover the amount due by 31/01, and missed by one đồng less", () => {
    expect(status([...year, entry("refund", 120_000n, "2023-01-31")], "2023-02-01", "REF")).toMatchObject({
      status: "met",
      shortfall: 0n,
    });
    expect(status([...year, entry("refund", 119_999n, "2023-01-31")], "2023-02-01", "REF")).toMatchObject({
      status: "missed",
      shortfall: 1n,
    });
    expect(status([...year, entry("refund", 120_000n, "2023-02-01")], "2023-02-05", "REF")?.status).toBe(
      "missed",
    );
  });

  it("does not apply when everything was disbursed or carried forward", () => {
    const all = [
      entry("allocation", 1_000n, "2022-01-10"),
      entry("disbursement", 900n, "2022-12-01"),
      entry("carryForward", 100n, "2023-01-05"),
    ];
    expect(status(all, "2023-02-01", "REF")?.status).toBe("not_applicable");
  });
});

describe("whom the refund concerns (REF appliesTo: districts, capital from a higher level)", () => {
  const year = [
    entry("allocation", 1_000_000n, "2022-01-10"),
    entry("allocation", 400_000n, "2022-01-10", "NTM", "provincial"),
    // The district's own counterpart funds: never the higher level's to take back.
    entry("allocation", 500_000n, "2022-01-10", "NTM", "district"),
    entry("disbursement", 800_000n, "2022-12-20"),
    entry("disbursement", 100_000n, "2022-12-20", "NTM", "district"),
    entry("carryForward", 50_000n, "2023-01-20"),
  ];
  // Higher-level capital 1,400,000 − 800,000 disbursed − 50,000 carried forward = 550,000.

  it("counts only central and provincial capital in what a district owes", () => {
    expect(status(year, "2023-02-01", "REF")).toMatchObject({
      status: "missed",
      allocated: 550_000n,
      disbursed: 0n,
      shortfall: 550_000n,
    });
    expect(status(year, "2023-02-01", "REF")?.lapsed).toBeUndefined();
    // M90 still judges every source: 900,000 of 1,900,000.
    expect(status(year, "2023-02-01", "M90")).toMatchObject({ allocated: 1_900_000n, disbursed: 900_000n });
  });

  it("is not applicable to a department, whose undisbursed capital lapses instead", () => {
    const ref = status(year, "2023-02-01", "REF", [], "department");
    expect(ref).toMatchObject({ status: "not_applicable", allocated: 0n, disbursed: 0n, shortfall: 0n });
    expect(ref?.lapsed).toBe(550_000n);
    // Nothing else changes for a department.
    expect(status(year, "2023-02-01", "M90", [], "department")).toEqual(status(year, "2023-02-01", "M90"));
  });

  it("shows nothing lapsed when a department left nothing undisbursed", () => {
    const all = [entry("allocation", 1_000n, "2022-01-10"), entry("disbursement", 1_000n, "2022-12-01")];
    expect(status(all, "2023-02-01", "REF", [], "department")).toMatchObject({
      status: "not_applicable",
      lapsed: 0n,
    });
  });
});
