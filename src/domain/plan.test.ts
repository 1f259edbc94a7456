import { describe, expect, it } from "vitest";
import {
  DEFAULT_PLAN_2022,
  parsePlan,
  planSchema,
  type RateMilestone,
  thresholdBasisPoints,
} from "./plan.js";

const m60 = DEFAULT_PLAN_2022.milestones[0] as RateMilestone;

function planWith(overrides: Partial<RateMilestone>[], year = 2022): unknown {
  return {
    year,
    title: "Kế hoạch thử",
    milestones: overrides.map((o, i) => ({ ...m60, id: `M${i}0`, ...o })),
  };
}

function issuesOf(input: unknown): string[] {
  const result = planSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

describe("DEFAULT_PLAN_2022", () => {
  it("is valid under its own schema and unchanged by parsing", () => {
    expect(parsePlan(DEFAULT_PLAN_2022)).toEqual(DEFAULT_PLAN_2022);
  });

  it("carries M60, M90 and C100 as section III.5 states them", () => {
    const byId = Object.fromEntries(DEFAULT_PLAN_2022.milestones.map((m) => [m.id, m]));
    expect(byId.M60).toMatchObject({ thresholdPercent: "60", comparison: "gt", dueOn: "2022-09-30" });
    expect(byId.M90).toMatchObject({ thresholdPercent: "90", comparison: "gt", dueOn: "2022-12-31" });
    expect(byId.C100).toMatchObject({
      thresholdPercent: "100",
      comparison: "gte",
      dueOn: "2022-12-31",
      scope: { kind: "carriedOver", fromYear: 2021 },
    });
    expect(byId.M60?.kind === "rate" && byId.M60.scope).toEqual({ kind: "own" });
    expect(byId.M60?.legalBasis.document).toContain("mục III.5");
    expect(byId.M60?.title).toBe("Giải ngân trên 60% kế hoạch vốn năm 2022");
  });

  it("reads 'gửi trước 10/11/2022' strictly: REQ's last day is 9/11, in the seed's words", () => {
    const req = DEFAULT_PLAN_2022.milestones.find((m) => m.id === "REQ");
    expect(req).toMatchObject({ dueOn: "2022-11-09", deadlineText: "gửi trước ngày 10/11/2022" });
    expect(req?.legalBasis.note).toContain("nghĩa chặt");
  });

  it("makes REF a duty of districts, over capital from a higher level", () => {
    const ref = DEFAULT_PLAN_2022.milestones.find((m) => m.id === "REF") as RateMilestone;
    expect(ref.appliesTo).toEqual({ unitKinds: ["district"], sources: ["central", "provincial"] });
  });

  it("closes nothing automatically, so a past year's figures can still be loaded", () => {
    expect(DEFAULT_PLAN_2022.milestones.every((m) => m.autoCloseAfterDays === undefined)).toBe(true);
  });
});

describe("thresholdBasisPoints", () => {
  it.each([
    ["60", 6000n],
    ["62.5", 6250n],
    ["62.55", 6255n],
    ["100", 10_000n],
    ["0.01", 1n],
  ])("%s → %s", (thresholdPercent, bp) => {
    expect(thresholdBasisPoints({ thresholdPercent })).toBe(bp);
  });

  it("refuses malformed input", () => {
    expect(() => thresholdBasisPoints({ thresholdPercent: "60.125" })).toThrow(RangeError);
    expect(() => thresholdBasisPoints({ thresholdPercent: "6e1" })).toThrow(RangeError);
  });
});

describe("planSchema", () => {
  it("defaults the projection window to 30 days", () => {
    expect(planSchema.parse(planWith([{}])).projectionWindowDays).toBe(30);
  });

  it("accepts gte 100 and thresholds with up to 2 decimals", () => {
    expect(
      issuesOf(planWith([{ thresholdPercent: "100", comparison: "gte" }, { thresholdPercent: "62.5" }])),
    ).toEqual([]);
  });

  it.each([
    ["0", "thresholdPercent"],
    ["100.01", "thresholdPercent"],
    ["101", "thresholdPercent"],
    ["60.125", "thresholdPercent"],
    ["060", "thresholdPercent"],
    ["-5", "thresholdPercent"],
    ["60.", "thresholdPercent"],
  ])("rejects threshold %s", (thresholdPercent, field) => {
    expect(issuesOf(planWith([{ thresholdPercent }])).join()).toContain(field);
  });

  it("rejects 'gt' 100, which no unit could ever meet", () => {
    expect(issuesOf(planWith([{ thresholdPercent: "100", comparison: "gt" }])).join()).toContain(
      "comparison",
    );
  });

  it("rejects duplicate and malformed milestone ids", () => {
    expect(issuesOf(planWith([{ id: "M60" }, { id: "M60" }])).join()).toContain("Duplicate milestone id M60");
    for (const id of ["m60", "M", "6M", "M-60", "M60_TOO_LONG_FOR_IT"]) {
      expect(issuesOf(planWith([{ id }])).join(), id).toContain("milestones.0.id");
    }
  });

  it("rejects invalid dates", () => {
    expect(issuesOf(planWith([{ dueOn: "2022-09-31" }])).join()).toContain("dueOn");
    const basis = { document: "QĐ", issuedOn: "2022-13-01" };
    expect(issuesOf(planWith([{ legalBasis: basis }])).join()).toContain("legalBasis.issuedOn");
  });

  it("requires carried-over capital to come from an earlier year", () => {
    const scope = (fromYear: number) => ({ kind: "carriedOver" as const, fromYear });
    expect(issuesOf(planWith([{ scope: scope(2021) }]))).toEqual([]);
    expect(issuesOf(planWith([{ scope: scope(2022) }])).join()).toContain("scope.fromYear");
    expect(issuesOf(planWith([{ scope: scope(2023) }])).join()).toContain("scope.fromYear");
  });

  it("rejects a window that is not a positive whole number of days", () => {
    for (const projectionWindowDays of [0, -1, 1.5]) {
      const plan = { ...(planWith([{}]) as object), projectionWindowDays };
      expect(issuesOf(plan).join()).toContain("projectionWindowDays");
    }
  });

  it("rejects unknown sources and capital types", () => {
    expect(issuesOf(planWith([{ source: "foreign" as never }])).join()).toContain("source");
    expect(issuesOf(planWith([{ capitalType: "loan" as never }])).join()).toContain("capitalType");
  });

  it("accepts whom a milestone applies to, and refuses what says nothing or says it twice", () => {
    expect(issuesOf(planWith([{ appliesTo: { unitKinds: ["district"] } }]))).toEqual([]);
    expect(issuesOf(planWith([{ appliesTo: { sources: ["central", "provincial"] } }]))).toEqual([]);
    expect(issuesOf(planWith([{ appliesTo: {} }])).join()).toContain("appliesTo");
    expect(issuesOf(planWith([{ appliesTo: { unitKinds: [] } }])).join()).toContain("appliesTo.unitKinds");
    expect(issuesOf(planWith([{ appliesTo: { unitKinds: ["commune" as never] } }])).join()).toContain(
      "appliesTo.unitKinds",
    );
    expect(issuesOf(planWith([{ appliesTo: { unitKinds: ["district", "district"] } }])).join()).toContain(
      "appliesTo.unitKinds",
    );
    expect(issuesOf(planWith([{ source: "central", appliesTo: { sources: ["central"] } }])).join()).toContain(
      "appliesTo.sources",
    );
  });

  it("takes automatic closing in whole days from 1 to 3650", () => {
    for (const autoCloseAfterDays of [1, 30, 3650])
      expect(issuesOf(planWith([{ autoCloseAfterDays }]))).toEqual([]);
    for (const autoCloseAfterDays of [0, 3651, 1.5, -1])
      expect(issuesOf(planWith([{ autoCloseAfterDays }])).join()).toContain("autoCloseAfterDays");
  });

  it("takes the deadline's words as text, never empty", () => {
    expect(issuesOf(planWith([{ deadlineText: "gửi trước ngày 10/11/2022" }]))).toEqual([]);
    expect(issuesOf(planWith([{ deadlineText: " " }])).join()).toContain("deadlineText");
  });

  it("accepts every field of a request milestone as the built-in plan writes it", () => {
    const req = { ...DEFAULT_PLAN_2022.milestones.find((m) => m.id === "REQ")!, autoCloseAfterDays: 10 };
    expect(
      issuesOf({ ...DEFAULT_PLAN_2022, milestones: [...DEFAULT_PLAN_2022.milestones.slice(0, 3), req] }),
    ).toEqual([]);
  });
});
