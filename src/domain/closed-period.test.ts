import { describe, expect, it } from "vitest";
import { closedBy, closedPeriodIssue, type Touch } from "./closed-period.js";
import type { ClosedMilestone } from "./closing.js";
import { DEFAULT_PLAN_2022 } from "./plan.js";

const closing = (id: string): ClosedMilestone => {
  const milestone = DEFAULT_PLAN_2022.milestones.find((m) => m.id === id)!;
  return {
    planYear: 2022,
    milestoneId: id,
    milestone,
    dueOn: milestone.dueOn,
    closedAt: new Date("2022-10-05T00:00:00Z"),
    closedBy: "admin:a",
    document: "BB-01",
    reason: "khóa sổ",
  };
};
const touch = (o: Partial<Touch>): Touch => ({
  kind: "disbursement",
  planYear: 2022,
  carriedOverFrom: null,
  program: "NTM",
  source: "central",
  capitalType: "investment",
  date: "2022-09-15",
  ...o,
});
const ids = (t: Touch, ...closed: string[]) => closedBy(t, closed.map(closing)).map((c) => c.milestoneId);

describe("closed periods", () => {
  it("guard entries dated on or before the due date, in the milestone's scope and kinds", () => {
    expect(ids(touch({}), "M60")).toEqual(["M60"]);
    expect(ids(touch({ date: "2022-09-30" }), "M60")).toEqual(["M60"]);
    expect(ids(touch({ date: "2022-10-01" }), "M60")).toEqual([]);
    expect(ids(touch({ planYear: 2023 }), "M60")).toEqual([]);
    expect(ids(touch({ carriedOverFrom: 2021 }), "M60")).toEqual([]);
    expect(ids(touch({ carriedOverFrom: 2021 }), "C100")).toEqual(["C100"]);
    // Refunds change no rate; they change the refund milestone's figures.
    expect(ids(touch({ kind: "refund" }), "M60")).toEqual([]);
    expect(ids(touch({ kind: "refund", date: "2023-01-20" }), "REF")).toEqual(["REF"]);
    // REF concerns central and provincial capital only.
    expect(ids(touch({ kind: "refund", source: "district", date: "2023-01-20" }), "REF")).toEqual([]);
    expect(
      ids(touch({ kind: "request", source: undefined, capitalType: undefined, date: "2022-11-01" }), "REQ"),
    ).toEqual(["REQ"]);
  });

  it("name the rule, the field and the date", () => {
    expect(
      closedPeriodIssue({ ...touch({}), field: "disbursedOn", entry: 2 }, [closing("M60")]),
    ).toMatchObject({
      entry: 2,
      field: "disbursedOn",
      rule: "closed_period",
      date: "2022-09-15",
    });
    expect(
      closedPeriodIssue({ ...touch({ date: "2022-10-02" }), field: "disbursedOn" }, [closing("M60")]),
    ).toBeNull();
  });
});
