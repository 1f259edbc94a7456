import { describe, expect, it } from "vitest";
import { selectAtRisk } from "./at-risk.js";
import type { ClosedMilestone, RecordedVerdict } from "./closing.js";
import { DEFAULT_PLAN_2022 } from "./plan.js";
import type { PairEvaluation } from "./plan-evaluation.js";
import { closingCounts, withRecordedVerdicts } from "./recorded-verdicts.js";

const M60 = DEFAULT_PLAN_2022.milestones.find((m) => m.id === "M60")!;

function row(o: Partial<PairEvaluation> = {}): PairEvaluation {
  return {
    id: "M60",
    dueOn: "2022-09-30",
    status: "missed",
    allocated: 1_000n,
    disbursed: 500n,
    rate: 50,
    threshold: 60,
    comparison: "gt",
    shortfall: 101n,
    daysLeft: 0,
    requiredDailyPace: null,
    projectedRate: null,
    projectedDisbursed: null,
    unitCode: "U1",
    program: "NTM",
    planYear: 2022,
    kind: "rate",
    requestSentOn: undefined,
    advisory: undefined,
    ...o,
  };
}

const closing: ClosedMilestone = {
  planYear: 2022,
  milestoneId: "M60",
  milestone: M60,
  dueOn: "2022-09-30",
  closedAt: new Date("2022-10-05T03:00:00Z"),
  closedBy: "admin",
  document: "123/QĐ-UBND",
  reason: "the 30/9 review",
};

const verdict = (o: Partial<RecordedVerdict> = {}): RecordedVerdict => ({
  milestoneId: "M60",
  unitCode: "U1",
  program: "NTM",
  status: "missed",
  allocated: 1_000n,
  disbursed: 500n,
  rate: 50,
  shortfall: 101n,
  ...o,
});

describe("withRecordedVerdicts", () => {
  it("returns the evaluations as they are when nothing is closed", () => {
    const evals = [row()];
    expect(withRecordedVerdicts(evals, [], [], "2022-12-31")).toBe(evals);
  });

  it("marks a closed milestone's rows with the recorded status; unchanged rows are not restated", () => {
    const [r] = withRecordedVerdicts([row()], [closing], [verdict()], "2022-12-31");
    expect(r).toMatchObject({ id: "M60", status: "missed", closed: true, recordedStatus: "missed" });
    expect(r).not.toHaveProperty("restated");
    expect(r).not.toHaveProperty("recorded");
  });

  it("shows both readings when a restatement changed the figures or the outcome", () => {
    const today = row({ status: "met", disbursed: 700n, rate: 70, shortfall: 0n });
    const [r] = withRecordedVerdicts([today], [closing], [verdict()], "2022-12-31");
    expect(r).toMatchObject({
      status: "met",
      disbursed: 700n,
      closed: true,
      recordedStatus: "missed",
      restated: true,
      recorded: { status: "missed", allocated: 1_000n, disbursed: 500n, rate: 50, shortfall: 101n },
    });
  });

  it("counts a change of figures with the same status as a restatement", () => {
    const today = row({ disbursed: 510n, rate: 51, shortfall: 91n });
    const [r] = withRecordedVerdicts([today], [closing], [verdict()], "2022-12-31");
    expect(r).toMatchObject({ status: "missed", recordedStatus: "missed", restated: true });
  });

  it("does not compare the rate, whose display rounding may change", () => {
    const [r] = withRecordedVerdicts([row({ rate: 49.99 })], [closing], [verdict()], "2022-12-31");
    expect(r).not.toHaveProperty("restated");
  });

  it("reads a pair the closing did not judge as recorded with nothing in scope", () => {
    const [r] = withRecordedVerdicts([row({ unitCode: "U2" })], [closing], [verdict()], "2022-12-31");
    expect(r).toMatchObject({
      recordedStatus: "not_applicable",
      restated: true,
      recorded: { status: "not_applicable", allocated: 0n, disbursed: 0n, rate: null, shortfall: 0n },
    });
  });

  it("leaves rows of other milestones, and readings up to the due date, unmarked", () => {
    const other = row({ id: "M100", dueOn: "2023-01-31" });
    const [m60, m100] = withRecordedVerdicts([row(), other], [closing], [verdict()], "2022-12-31");
    expect(m60).toHaveProperty("closed", true);
    expect(m100).not.toHaveProperty("closed");
    const [onDue] = withRecordedVerdicts([row()], [closing], [verdict()], "2022-09-30");
    expect(onDue).not.toHaveProperty("closed");
  });

  it("never changes the evaluation it was given", () => {
    const e = row({ status: "met", shortfall: 0n });
    withRecordedVerdicts([e], [closing], [verdict()], "2022-12-31");
    expect(e).not.toHaveProperty("closed");
  });
});

describe("closingCounts", () => {
  it("counts recorded verdicts and restated rows per closed milestone", () => {
    const verdicts = [verdict(), verdict({ unitCode: "U2", status: "met", shortfall: 0n })];
    const rows = withRecordedVerdicts(
      [
        row({ status: "met", disbursed: 700n, shortfall: 0n }),
        row({ unitCode: "U2", status: "met", shortfall: 0n }),
      ],
      [closing],
      verdicts,
      "2022-12-31",
    );
    const c = closingCounts(rows, [closing], verdicts, "2022-12-31").get("M60");
    expect(c).toMatchObject({
      closedBy: "admin",
      automatic: false,
      recordedCounts: { not_applicable: 0, met: 1, on_track: 0, at_risk: 0, missed: 1 },
      restated: 1,
    });
  });
});

describe("selectAtRisk with closed milestones", () => {
  const units = new Map([
    ["U1", { code: "U1", name: "Đơn vị 1", kind: "district" as const }],
    ["U2", { code: "U2", name: "Đơn vị 2", kind: "district" as const }],
  ]);

  it("keeps a pair recorded as missed after a restatement made it met, with both readings", () => {
    const rows = withRecordedVerdicts(
      [row({ status: "met", disbursed: 700n, shortfall: 0n })],
      [closing],
      [verdict()],
      "2022-12-31",
    );
    const [item] = selectAtRisk(rows, units, {});
    expect(item).toMatchObject({
      unitName: "Đơn vị 1",
      status: "met",
      closed: true,
      recordedStatus: "missed",
      restated: true,
      recorded: { status: "missed", disbursed: 500n },
    });
  });

  it("carries the closed marks on an unchanged missed pair", () => {
    const rows = withRecordedVerdicts([row()], [closing], [verdict()], "2022-12-31");
    const [item] = selectAtRisk(rows, units, {});
    expect(item).toMatchObject({ closed: true, recordedStatus: "missed" });
    expect(item).not.toHaveProperty("restated");
  });
});
