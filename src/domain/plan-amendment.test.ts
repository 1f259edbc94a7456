import { describe, expect, it } from "vitest";
import { DEFAULT_PLAN_2022, type Plan, type RateMilestone } from "./plan.js";
import {
  closedMilestonesRewritten,
  describeChanges,
  isRuleChange,
  MILESTONE_FIELDS,
  type PlanChange,
  planChanges,
} from "./plan-amendment.js";

const amended = (edit: (p: Plan) => void): Plan => {
  const next = structuredClone(DEFAULT_PLAN_2022);
  edit(next);
  return next;
};
const byId = (p: Plan, id: string) => p.milestones.find((m) => m.id === id)! as RateMilestone;
/** An edit setting (or, with undefined, removing) one field of one milestone. */
const set = (id: string, field: string, value: unknown) => (p: Plan) => {
  const m = p.milestones.find((x) => x.id === id) as unknown as Record<string, unknown>;
  if (value === undefined) delete m[field];
  else m[field] = value;
};

describe("planChanges", () => {
  it("finds nothing between a plan and itself", () => {
    expect(planChanges(DEFAULT_PLAN_2022, structuredClone(DEFAULT_PLAN_2022))).toEqual([]);
  });

  it("ignores the order of keys, as jsonb reorders them, and keys present as undefined", () => {
    const next = amended((p) => {
      const { document, issuedOn, note } = p.milestones[2]!.legalBasis;
      p.milestones[2]!.legalBasis = { note, issuedOn, document };
      (p.milestones[0] as RateMilestone).program = undefined;
    });
    expect(planChanges(DEFAULT_PLAN_2022, next)).toEqual([]);
  });

  it("reports a moved due date with both dates", () => {
    const next = amended((p) => {
      p.milestones[0]!.dueOn = "2022-10-15";
    });
    expect(planChanges(DEFAULT_PLAN_2022, next)).toEqual([
      { milestone: "M60", change: "modified", field: "dueOn", from: "2022-09-30", to: "2022-10-15" },
    ]);
  });

  it("reports added and removed milestones, threshold changes and the plan's own fields", () => {
    const next = amended((p) => {
      p.milestones = p.milestones.filter((m) => m.id !== "C100");
      (p.milestones[0] as RateMilestone).thresholdPercent = "65";
      p.milestones.push({ ...p.milestones[0]!, id: "M75", dueOn: "2022-11-30" });
      p.projectionWindowDays = 45;
      p.title = "Kế hoạch sửa đổi";
    });
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
    expect(changes).toContainEqual({ change: "modified", field: "projectionWindowDays", from: 30, to: 45 });
    expect(changes).toContainEqual({
      change: "modified",
      field: "title",
      from: DEFAULT_PLAN_2022.title,
      to: "Kế hoạch sửa đổi",
    });
  });
});

describe("isRuleChange: what needs the legal act behind it", () => {
  const ruleEdits: [string, (p: Plan) => void][] = [
    ["a due date", set("M60", "dueOn", "2022-10-15")],
    ["a threshold", set("M90", "thresholdPercent", "85")],
    ["'above' to 'at least'", set("M60", "comparison", "gte")],
    ["a kind", set("M90", "kind", "refund")],
    ["a scope", set("C100", "scope", { kind: "carriedOver", fromYear: 2020 })],
    ["a program", set("M60", "program", "NTM")],
    ["a source", set("M60", "source", "central")],
    ["a capital type", set("M60", "capitalType", "investment")],
    ["whom it applies to", set("REF", "appliesTo", { unitKinds: ["district", "department"] })],
    ["what a request rests on", set("REQ", "requiredAfterMissing", "M90")],
    ["the advisory of a request", set("REQ", "advisoryWhenAtRisk", undefined)],
    ["automatic closing", set("M60", "autoCloseAfterDays", 30)],
    ["a due date moved off a non-working day", set("M90", "nonWorkingDueDate", "next_working_day")],
    ["the deadline's words", set("REQ", "deadlineText", "gửi trước ngày 15/11/2022")],
    ["a milestone removed", (p) => p.milestones.splice(2, 1)],
    ["a milestone added", (p) => p.milestones.push({ ...byId(p, "M60"), id: "M75" })],
    ["the projection window", (p) => Object.assign(p, { projectionWindowDays: 14 })],
  ];
  it.each(ruleEdits)("%s", (_what, edit) => {
    const changes = planChanges(DEFAULT_PLAN_2022, amended(edit));
    expect(changes.length).toBeGreaterThan(0);
    expect(changes.every(isRuleChange)).toBe(true);
  });

  const wordingEdits: [string, (p: Plan) => void][] = [
    ["a milestone's title", set("M60", "title", "Giải ngân trên 60% (sửa lời)")],
    ["guidance", set("M90", "guidance", "Đề nghị đẩy nhanh tiến độ.")],
    ["guidance removed", set("REF", "guidance", undefined)],
    ["the legal basis's words", set("M60", "legalBasis", { document: "QĐ 1", issuedOn: null })],
    ["the plan's title", (p) => Object.assign(p, { title: "Kế hoạch năm 2022 (bản sửa lời)" })],
  ];
  it.each(wordingEdits)("not %s", (_what, edit) => {
    const changes = planChanges(DEFAULT_PLAN_2022, amended(edit));
    expect(changes.length).toBeGreaterThan(0);
    expect(changes.some(isRuleChange)).toBe(false);
  });

  it("classifies every field the built-in plan uses (the type makes it a compile error otherwise)", () => {
    const used = DEFAULT_PLAN_2022.milestones.flatMap((m) => Object.keys(m)).filter((k) => k !== "id");
    for (const k of used) expect(Object.keys(MILESTONE_FIELDS), k).toContain(k);
  });
});

describe("nonWorkingDueDate: absent is keep", () => {
  it("setting it to keep, or leaving it out again, is no change", () => {
    const kept = amended(set("M90", "nonWorkingDueDate", "keep"));
    expect(planChanges(DEFAULT_PLAN_2022, kept)).toEqual([]);
    expect(planChanges(kept, DEFAULT_PLAN_2022)).toEqual([]);
  });
  it("names keep as the old value when it is switched on", () => {
    expect(
      planChanges(DEFAULT_PLAN_2022, amended(set("M90", "nonWorkingDueDate", "next_working_day"))),
    ).toEqual([
      {
        milestone: "M90",
        change: "modified",
        field: "nonWorkingDueDate",
        from: "keep",
        to: "next_working_day",
      },
    ]);
  });
});

describe("describeChanges", () => {
  it("names each milestone with its changed fields", () => {
    const changes: PlanChange[] = [
      { milestone: "M60", change: "modified", field: "comparison", from: "gt", to: "gte" },
      { milestone: "M60", change: "modified", field: "dueOn", from: "2022-09-30", to: "2022-10-15" },
      { milestone: "C100", change: "removed" },
      { change: "modified", field: "projectionWindowDays", from: 30, to: 14 },
    ];
    expect(describeChanges(changes)).toBe("M60 (comparison, dueOn), C100 (removed), projectionWindowDays");
  });
});

describe("closedMilestonesRewritten", () => {
  const closed = (...ids: string[]) => new Set(ids);

  it("names a closed milestone whose rule changes or that is removed", () => {
    const next = amended((p) => {
      byId(p, "M60").comparison = "gte";
      p.milestones = p.milestones.filter((m) => m.id !== "C100");
    });
    const changes = planChanges(DEFAULT_PLAN_2022, next);
    expect(closedMilestonesRewritten(DEFAULT_PLAN_2022, changes, closed("M60", "C100", "M90"))).toEqual([
      {
        milestone: "M60",
        changes: [{ milestone: "M60", change: "modified", field: "comparison", from: "gt", to: "gte" }],
      },
      { milestone: "C100", changes: [{ milestone: "C100", change: "removed" }] },
    ]);
    expect(closedMilestonesRewritten(DEFAULT_PLAN_2022, changes, closed("M90"))).toEqual([]);
  });

  it("names every closed money milestone when the figures verdicts rest on change, and absent is the default", () => {
    expect(
      planChanges(
        DEFAULT_PLAN_2022,
        amended((p) => (p.verdictFigures = "treasury_once_stated")),
      ),
    ).toEqual([]);
    const next = amended((p) => (p.verdictFigures = "reported"));
    const changes = planChanges(DEFAULT_PLAN_2022, next);
    expect(changes).toEqual([
      { change: "modified", field: "verdictFigures", from: "treasury_once_stated", to: "reported" },
    ]);
    expect(changes.every(isRuleChange)).toBe(true);
    expect(
      closedMilestonesRewritten(DEFAULT_PLAN_2022, changes, closed("M60", "REQ", "REF")).map(
        (r) => r.milestone,
      ),
    ).toEqual(["M60", "REQ", "REF"]);
  });

  it("names a closed request whose duty rests on a milestone that changed", () => {
    const next = amended((p) => {
      byId(p, "M60").thresholdPercent = "50";
    });
    const changes = planChanges(DEFAULT_PLAN_2022, next);
    expect(
      closedMilestonesRewritten(DEFAULT_PLAN_2022, changes, closed("REQ")).map((r) => r.milestone),
    ).toEqual(["REQ"]);
  });

  it("lets wording of a closed milestone change", () => {
    const next = amended((p) => {
      byId(p, "M60").guidance = "Lời hướng dẫn mới.";
    });
    const changes = planChanges(DEFAULT_PLAN_2022, next);
    expect(closedMilestonesRewritten(DEFAULT_PLAN_2022, changes, closed("M60"))).toEqual([]);
  });
});
