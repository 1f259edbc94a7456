import { describe, expect, it } from "vitest";
import type { MilestoneStatus } from "../domain/milestone-status.js";
import { DEFAULT_PLAN_2022 } from "../domain/plan.js";
import type { PairEvaluation } from "../domain/plan-evaluation.js";
import { DEFAULT_ALERT_POLICY, decideAlerts, type PolicyInput, pairKey } from "./policy.js";

const evaluation = (status: MilestoneStatus, over: Partial<PairEvaluation> = {}): PairEvaluation => ({
  id: "M60",
  dueOn: "2022-09-30",
  status,
  allocated: 1000n,
  disbursed: 100n,
  rate: 10,
  threshold: 60,
  comparison: "gt",
  shortfall: 501n,
  daysLeft: 10,
  requiredDailyPace: 51n,
  projectedRate: 20,
  projectedDisbursed: 200n,
  unitCode: "TAM_KY",
  program: "NTM",
  planYear: 2022,
  kind: "rate",
  ...over,
});

const input = (
  asOf: string,
  evaluations: PairEvaluation[],
  over: Partial<PolicyInput> = {},
): PolicyInput => ({
  plan: DEFAULT_PLAN_2022,
  asOf,
  evaluations,
  units: new Map([
    [
      "TAM_KY",
      {
        code: "TAM_KY",
        name: "UBND thành phố Tam Kỳ",
        headName: "Ông A",
        headEmail: "Head@tamky.example.org",
        ccEmails: ["cc@tamky.example.org"],
      },
    ],
  ]),
  programNames: new Map([["NTM", "Nông thôn mới"]]),
  admins: ["admin1@example.org", "admin2@example.org"],
  warned: new Set(),
  policy: DEFAULT_ALERT_POLICY,
  ...over,
});

const stages = (asOf: string, status: MilestoneStatus, over: Partial<PolicyInput> = {}) =>
  decideAlerts(input(asOf, [evaluation(status)], { ...over }))
    .filter((i) => i.route.kind !== "digest")
    .map((i) => `${i.key.stage}:${i.outcome}:${i.key.recipient}`);

describe("reminders", () => {
  it("sends nothing before T-30, and the T-30 reminder on its day", () => {
    expect(stages("2022-08-30", "on_track")).toEqual([]);
    expect(stages("2022-08-31", "on_track")).toEqual(["reminder_30:queued:head@tamky.example.org"]);
  });

  it("skips an earlier reminder once a later one is due (catch-up after downtime)", () => {
    expect(stages("2022-09-23", "on_track")).toEqual([
      "reminder_30:skipped:head@tamky.example.org",
      "reminder_14:skipped:head@tamky.example.org",
      "reminder_7:queued:head@tamky.example.org",
    ]);
  });

  it("keeps T-1 due through the due date, and records every reminder as skipped after it", () => {
    expect(stages("2022-09-30", "on_track")).toContain("reminder_1:queued:head@tamky.example.org");
    const after = stages("2022-10-01", "missed");
    expect(after.filter((s) => s.startsWith("reminder_"))).toEqual([
      "reminder_30:skipped:head@tamky.example.org",
      "reminder_14:skipped:head@tamky.example.org",
      "reminder_7:skipped:head@tamky.example.org",
      "reminder_1:skipped:head@tamky.example.org",
    ]);
  });

  it("does not remind a unit that has met the milestone", () => {
    expect(stages("2022-09-23", "met")).toEqual([]);
  });
});

describe("warnings, missed notices, escalations and recovery", () => {
  it("warns when at risk", () => {
    expect(stages("2022-08-20", "at_risk")).toEqual(["at_risk:queued:head@tamky.example.org"]);
    expect(stages("2022-09-05", "at_risk")).toEqual([
      "reminder_30:queued:head@tamky.example.org",
      "at_risk:queued:head@tamky.example.org",
    ]);
  });

  it("sends the missed notice to the head and an escalation to every admin, until it is stale", () => {
    const day = stages("2022-10-01", "missed").filter((s) => !s.startsWith("reminder_"));
    expect(day).toEqual([
      "missed:queued:head@tamky.example.org",
      "escalation:queued:admin1@example.org",
      "escalation:queued:admin2@example.org",
    ]);
    expect(stages("2022-10-15", "missed")).toContain("missed:queued:head@tamky.example.org");
    expect(stages("2022-10-16", "missed")).toContain("missed:skipped:head@tamky.example.org");
  });

  it("sends a recovery notice only to units that were warned", () => {
    expect(stages("2022-09-20", "met")).toEqual([]);
    const warned = new Set([pairKey("M60", "TAM_KY", "NTM")]);
    expect(stages("2022-09-20", "met", { warned })).toEqual(["recovered:queued:head@tamky.example.org"]);
  });

  it("routes unit alerts to the head with the unit's cc list", () => {
    const [intent] = decideAlerts(input("2022-09-05", [evaluation("at_risk")]));
    expect(intent?.route).toEqual({
      kind: "unit",
      to: "Head@tamky.example.org",
      toName: "Ông A",
      cc: ["cc@tamky.example.org"],
    });
    expect(intent?.snapshots[0]).toMatchObject({
      unitName: "UBND thành phố Tam Kỳ",
      programName: "Nông thôn mới",
      shortfall: 501n,
    });
  });
});

describe("weekly digest", () => {
  const digests = (asOf: string, evaluations: PairEvaluation[]) =>
    decideAlerts(input(asOf, evaluations)).filter((i) => i.route.kind === "digest");

  it("goes to every admin for the latest Monday, listing every pair at risk or missed", () => {
    // 2022-09-19 is a Monday; a run on Wednesday catches up with it.
    for (const asOf of ["2022-09-19", "2022-09-21", "2022-09-25"]) {
      const d = digests(asOf, [evaluation("at_risk"), evaluation("met", { program: "GNBV" })]);
      expect(d.map((i) => `${i.key.stage}:${i.key.recipient}`)).toEqual([
        "digest:2022-09-19:admin1@example.org",
        "digest:2022-09-19:admin2@example.org",
      ]);
      expect(d[0]?.snapshots).toHaveLength(1);
    }
    expect(digests("2022-09-26", [evaluation("at_risk")])[0]?.key.stage).toBe("digest:2022-09-26");
  });

  it("is not sent when nothing is at risk", () => {
    expect(digests("2022-09-19", [evaluation("met")])).toEqual([]);
  });
});
