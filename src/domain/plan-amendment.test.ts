import { describe, expect, it } from "vitest";
import { DEFAULT_PLAN_2022, type RateMilestone } from "./plan.js";
import { movedDueDates, planChanges } from "./plan-amendment.js";

describe("planChanges", () => {
  it("finds nothing between a plan and itself", () => {
    expect(planChanges(DEFAULT_PLAN_2022, structuredClone(DEFAULT_PLAN_2022))).toEqual([]);
  });

  it("ignores the order of keys, as jsonb reorders them", () => {
    const next = structuredClone(DEFAULT_PLAN_2022);
    const { document, issuedOn, note } = next.milestones[2]!.legalBasis;
    next.milestones[2]!.legalBasis = {
      note,
      issuedOn,
      document,
    } as (typeof next.milestones)[2]["legalBasis"];
    expect(planChanges(DEFAULT_PLAN_2022, next)).toEqual([]);
  });

  it("reports a moved due date with both dates", () => {
    const next = structuredClone(DEFAULT_PLAN_2022);
    next.milestones[0]!.dueOn = "2022-10-15";
    const changes = planChanges(DEFAULT_PLAN_2022, next);
    expect(changes).toEqual([
      { milestone: "M60", change: "modified", field: "dueOn", from: "2022-09-30", to: "2022-10-15" },
    ]);
    expect(movedDueDates(changes)).toEqual(["M60"]);
  });

  it("reports added and removed milestones and threshold changes", () => {
    const next = structuredClone(DEFAULT_PLAN_2022);
    next.milestones = next.milestones.filter((m) => m.id !== "C100");
    (next.milestones[0] as RateMilestone).thresholdPercent = "65";
    next.milestones.push({ ...next.milestones[0]!, id: "M75", dueOn: "2022-11-30" });
    const changes = planChanges(DEFAULT_PLAN_2022, next);
    expect(changes).toContainEqual({ milestone: "C100", change: "removed" });
    expect(changes).toContainEqual({ milestone: "M75", change: "added" });
    expect(changes).toContainEqual({
      milestone: "M60",
      change: "modified",
      field: "thresholdPercent",
      from: "60",
      to: "65",
    });
    expect(movedDueDates(changes)).toEqual([]);
  });
});
