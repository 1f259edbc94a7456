import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Duty, dutyAsks, dutySchema, evaluateDuty, type SubmissionFact } from "./duties.js";
import { addDays, type LocalDate } from "./local-date.js";
import { DEFAULT_PLAN_2022, planSchema } from "./plan.js";
import { isRuleChange, planChanges } from "./plan-amendment.js";
import { WEEKENDS_ONLY, workingCalendar } from "./working-days.js";

const REPORT: Duty = {
  id: "BC_6_THANG",
  title: "Báo cáo 6 tháng",
  document: "Báo cáo kết quả thực hiện 6 tháng",
  from: { all: true },
  dueOn: "2022-06-20", // a Monday
  legalBasis: { document: "Kế hoạch công tác năm 2022", issuedOn: null },
};
const UNIT = { code: "TAMKY", kind: "district" as const };

let n = 0;
const sub = (submittedOn: LocalDate, o: Partial<SubmissionFact> = {}): SubmissionFact => ({
  id: String(++n),
  submittedOn,
  recordedOn: submittedOn,
  withdrawsId: null,
  ...o,
});
const judge = (subs: SubmissionFact[], asOf: LocalDate, duty: Duty = REPORT) =>
  evaluateDuty(duty, UNIT, subs, asOf, WEEKENDS_ONLY);

describe("evaluateDuty", () => {
  const onDay = sub("2022-06-20");
  const dayLate = sub("2022-06-21");
  const withdrawal = sub("2022-06-25", { withdrawsId: onDay.id });
  it.each<[string, SubmissionFact[], LocalDate, string, number]>([
    ["met by a submission on the due day", [onDay], "2022-06-20", "met", 0],
    ["still met after the due date", [onDay], "2022-07-01", "met", 0],
    ["missed by a submission a day late", [dayLate], "2022-06-21", "missed", 0],
    ["missed with nothing", [], "2022-06-21", "missed", 0],
    ["at_risk on the due day without one", [], "2022-06-20", "at_risk", 0],
    // (13/6, 20/6]: 14, 15, 16, 17, 20 = 5 working days, the default threshold.
    ["at_risk five working days before", [], "2022-06-13", "at_risk", 5],
    ["on_track six working days before", [], "2022-06-10", "on_track", 6],
    ["missed again once its only submission is withdrawn", [onDay, withdrawal], "2022-06-25", "missed", 0],
    ["a withdrawal recorded later is not known yet", [onDay, withdrawal], "2022-06-24", "met", 0],
    [
      "a submission recorded after asOf is not known",
      [sub("2022-06-01", { recordedOn: "2022-06-15" })],
      "2022-06-14",
      "at_risk",
      4,
    ],
    [
      "a submission dated after asOf does not count yet",
      [sub("2022-06-16", { recordedOn: "2022-06-01" })],
      "2022-06-10",
      "on_track",
      6,
    ],
  ])("%s", (_what, subs, asOf, status, left) => {
    expect(judge(subs, asOf)).toMatchObject({ status, workingDaysLeft: left });
  });

  it("names the earliest submission on time as the one that met it", () => {
    const [a, b] = [sub("2022-06-18"), sub("2022-06-10")];
    expect(judge([a, b], "2022-06-30").metBy).toBe(b.id);
  });

  it("counts working days on the calendar it is given (a holiday is not a day left)", () => {
    const withHoliday = workingCalendar({
      holidays: [{ date: "2022-06-17", name: "Ngày nghỉ thử" }],
      daysOff: [],
      workingDays: [],
    });
    expect(evaluateDuty(REPORT, UNIT, [], "2022-06-10", withHoliday)).toMatchObject({
      status: "at_risk",
      workingDaysLeft: 5,
    });
    expect(judge([], "2022-06-10", { ...REPORT, atRiskWithinWorkingDays: 6 }).status).toBe("at_risk");
  });

  it("is not_applicable to a unit the duty does not ask", () => {
    const depts: Duty = { ...REPORT, from: { unitKinds: ["department"] } };
    expect(judge([], "2022-07-01", depts).status).toBe("not_applicable");
    expect(dutyAsks({ from: { units: ["SO_NNPTNT"] } }, { code: "SO_NNPTNT", kind: "department" })).toBe(
      true,
    );
    expect(dutyAsks({ from: { units: ["SO_NNPTNT"] } }, { code: "SO_TC", kind: "department" })).toBe(false);
  });
});

/** Weekdays in (from, to], counted on JavaScript's own calendar: not the production counter. */
function weekdaysBetween(from: LocalDate, to: LocalDate): number {
  let count = 0;
  for (let d = new Date(`${from}T00:00:00Z`); ; ) {
    d = new Date(d.getTime() + 86_400_000);
    if (d.toISOString().slice(0, 10) > to) return count;
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) count++;
  }
}

describe("evaluateDuty, against an oracle", () => {
  const day = (offset: number) => addDays("2022-06-01", offset);
  const arbSub = fc.record({
    submitted: fc.integer({ min: 0, max: 40 }),
    recordedAfter: fc.integer({ min: 0, max: 10 }),
    withdrawnAfter: fc.option(fc.integer({ min: 0, max: 15 }), { nil: undefined }),
  });
  it("met, missed, at_risk and on_track as the plan's words say", () => {
    fc.assert(
      fc.property(
        fc.array(arbSub, { maxLength: 5 }),
        fc.integer({ min: 0, max: 45 }),
        fc.integer({ min: 0, max: 10 }),
        (drawn, asOffset, within) => {
          const asOf = day(asOffset);
          const duty = { ...REPORT, atRiskWithinWorkingDays: within };
          const rows: SubmissionFact[] = [];
          drawn.forEach((d, i) => {
            const s = {
              id: `s${i}`,
              submittedOn: day(d.submitted),
              recordedOn: day(d.submitted + d.recordedAfter),
              withdrawsId: null,
            };
            rows.push(s);
            if (d.withdrawnAfter !== undefined)
              rows.push({
                id: `w${i}`,
                submittedOn: s.recordedOn,
                recordedOn: day(d.submitted + d.recordedAfter + d.withdrawnAfter),
                withdrawsId: s.id,
              });
          });
          const standsOnTime = drawn.some(
            (d) =>
              d.submitted + d.recordedAfter <= asOffset &&
              day(d.submitted) <= duty.dueOn &&
              day(d.submitted) <= asOf &&
              (d.withdrawnAfter === undefined || d.submitted + d.recordedAfter + d.withdrawnAfter > asOffset),
          );
          const left = asOf >= duty.dueOn ? 0 : weekdaysBetween(asOf, duty.dueOn);
          const expected = standsOnTime
            ? "met"
            : asOf > duty.dueOn
              ? "missed"
              : left <= within
                ? "at_risk"
                : "on_track";
          const got = evaluateDuty(duty, UNIT, rows, asOf, WEEKENDS_ONLY);
          expect(got.status).toBe(expected);
          expect(got.workingDaysLeft).toBe(left);
        },
      ),
    );
  });

  it("a later record never unmeets a duty without a withdrawal", () => {
    fc.assert(
      fc.property(fc.array(arbSub, { maxLength: 5 }), fc.integer({ min: 0, max: 45 }), (drawn, extra) => {
        const rows = drawn.map((d, i) => ({
          id: `s${i}`,
          submittedOn: day(d.submitted),
          recordedOn: day(d.submitted + d.recordedAfter),
          withdrawsId: null,
        }));
        const before = judge(rows, "2022-07-31").status;
        const after = judge([...rows, sub(day(extra))], "2022-07-31").status;
        if (before === "met") expect(after).toBe("met");
      }),
    );
  });
});

describe("duties in the plan", () => {
  it("the 2022 plan holds the reports and the guidance, each date explained", () => {
    const plan = planSchema.parse(DEFAULT_PLAN_2022);
    expect(plan.duties?.map((d) => [d.id, d.dueOn])).toEqual([
      ["BC_6_THANG", "2022-06-20"],
      ["BC_NAM", "2022-12-20"],
      ["VB_HUONG_DAN", "2022-06-30"],
    ]);
    for (const d of plan.duties ?? []) expect(d.dateChosen, d.id).toBeTruthy();
  });

  it("refuses a duty id used twice or taken by a milestone, naming the field", () => {
    const dup = { ...DEFAULT_PLAN_2022, duties: [REPORT, { ...REPORT }, { ...REPORT, id: "M60" }] };
    const r = planSchema.safeParse(dup);
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => i.path.join("."))).toEqual(["duties.1.id", "duties.2.id"]);
  });

  it("refuses a duty asking nobody or asking in two ways", () => {
    for (const from of [{ units: [] }, { all: false }, { all: true, unitKinds: ["district"] }, {}])
      expect(dutySchema.safeParse({ ...REPORT, from }).success, JSON.stringify(from)).toBe(false);
  });

  it("a plan without duties parses without gaining the field", () => {
    const { duties: _d, ...plain } = DEFAULT_PLAN_2022;
    expect("duties" in planSchema.parse(plain)).toBe(false);
  });

  it("moving a duty's due date, or adding one, is a rule change; its words are not", () => {
    const moved = structuredClone(DEFAULT_PLAN_2022);
    moved.duties![0]!.dueOn = "2022-07-05";
    expect(planChanges(DEFAULT_PLAN_2022, moved)).toEqual([
      { duty: "BC_6_THANG", change: "modified", field: "dueOn", from: "2022-06-20", to: "2022-07-05" },
    ]);
    expect(planChanges(DEFAULT_PLAN_2022, moved).every(isRuleChange)).toBe(true);
    const added = {
      ...DEFAULT_PLAN_2022,
      duties: [...DEFAULT_PLAN_2022.duties!, { ...REPORT, id: "BC_QUY" }],
    };
    expect(planChanges(DEFAULT_PLAN_2022, added)).toEqual([{ duty: "BC_QUY", change: "added" }]);
    const reworded = structuredClone(DEFAULT_PLAN_2022);
    reworded.duties![1]!.title = "Báo cáo năm (sửa lời)";
    reworded.duties![1]!.dateChosen = "Lý do khác";
    expect(planChanges(DEFAULT_PLAN_2022, reworded).some(isRuleChange)).toBe(false);
    // The default threshold written out is the same plan.
    const explicit = structuredClone(DEFAULT_PLAN_2022);
    explicit.duties![2]!.atRiskWithinWorkingDays = 5;
    expect(planChanges(DEFAULT_PLAN_2022, explicit)).toEqual([]);
    const { duties: _d, ...none } = DEFAULT_PLAN_2022;
    expect(planChanges(none, { ...none, duties: [] })).toEqual([]);
  });
});
