import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { DutyStatus, SubmissionFact } from "./duties.js";
import {
  compareDuties,
  type DutyKey,
  dutyTotalsOf,
  type JudgedDuty,
  latestSubmission,
  pageDuties,
  selectDutiesAtRisk,
  summarizeDuties,
} from "./duty-views.js";

const row = (o: Partial<JudgedDuty> & { status: DutyStatus }): JudgedDuty => ({
  kind: "duty",
  id: "BC_6_THANG",
  title: "Báo cáo 6 tháng",
  document: "Báo cáo kết quả thực hiện 6 tháng",
  dueOn: "2022-06-20",
  unitCode: "TAMKY",
  unitName: "UBND thành phố Tam Kỳ",
  unitKind: "district",
  workingDaysLeft: 0,
  daysLeft: 0,
  submission: null,
  ...o,
});
const fact = (id: string, submittedOn: string, recordedOn = submittedOn): SubmissionFact => ({
  id,
  submittedOn,
  recordedOn,
  withdrawsId: null,
});

describe("latestSubmission", () => {
  it("is the latest by date, then the latest recorded; none without submissions", () => {
    expect(latestSubmission([])).toBeNull();
    const a = fact("1", "2022-06-18");
    const b = fact("2", "2022-06-21");
    const c = fact("3", "2022-06-21", "2022-06-23");
    expect(latestSubmission([b, a])?.id).toBe("2");
    expect(latestSubmission([c, a, b])?.id).toBe("3");
  });
});

describe("selectDutiesAtRisk", () => {
  const rows = [
    row({
      status: "at_risk",
      id: "VB_HUONG_DAN",
      dueOn: "2022-06-30",
      unitCode: "SO_NNPTNT",
      unitKind: "department",
    }),
    row({ status: "met", unitCode: "A" }),
    row({ status: "missed", unitCode: "C" }),
    row({ status: "on_track", id: "BC_NAM", dueOn: "2022-12-20" }),
    row({ status: "missed", unitCode: "B" }),
    row({ status: "not_applicable", unitCode: "D" }),
  ];

  it("keeps at_risk and missed, missed first, then due date, unit and duty", () => {
    expect(selectDutiesAtRisk(rows).map((r) => `${r.status}:${r.unitCode}`)).toEqual([
      "missed:B",
      "missed:C",
      "at_risk:SO_NNPTNT",
    ]);
  });

  it("narrows to one duty and one unit kind", () => {
    expect(selectDutiesAtRisk(rows, { duty: "VB_HUONG_DAN" }).map((r) => r.unitCode)).toEqual(["SO_NNPTNT"]);
    expect(selectDutiesAtRisk(rows, { unitKind: "district" }).map((r) => r.unitCode)).toEqual(["B", "C"]);
  });

  it("orders totally: no two distinct (duty, unit) compare equal", () => {
    const sorted = [...rows].sort(compareDuties);
    for (let i = 1; i < sorted.length; i += 1)
      expect(compareDuties(sorted[i - 1]!, sorted[i]!)).toBeLessThan(0);
  });

  it("counts at_risk and missed", () => {
    expect(dutyTotalsOf(rows)).toEqual({ at_risk: 1, missed: 2 });
  });
});

describe("summarizeDuties", () => {
  it("counts each duty's units by status, in the plan's order, zero for a duty nobody holds", () => {
    const duties = [
      { id: "BC_6_THANG", title: "t", document: "d", dueOn: "2022-06-20" },
      { id: "BC_NAM", title: "t", document: "d", dueOn: "2022-12-20" },
    ];
    const s = summarizeDuties(duties, [
      row({ status: "met" }),
      row({ status: "missed" }),
      row({ status: "missed" }),
    ]);
    expect(s.map((d) => d.id)).toEqual(["BC_6_THANG", "BC_NAM"]);
    expect(s[0]!.counts).toEqual({ not_applicable: 0, met: 1, on_track: 0, at_risk: 0, missed: 2 });
    expect(s[1]!.counts).toEqual({ not_applicable: 0, met: 0, on_track: 0, at_risk: 0, missed: 0 });
  });
});

describe("pageDuties", () => {
  it("walks the whole list in its order, each row once, whatever the page size", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.record({
            status: fc.constantFrom<DutyStatus>("missed", "at_risk"),
            dueOn: fc.constantFrom("2022-06-20", "2022-06-30", "2022-12-20"),
            unitCode: fc.constantFrom("A", "B", "C"),
            id: fc.constantFrom("BC_6_THANG", "BC_NAM"),
          }),
          { selector: (r) => `${r.id}|${r.unitCode}|${r.dueOn}`, maxLength: 18 },
        ),
        fc.integer({ min: 1, max: 7 }),
        (keys, limit) => {
          const sorted = keys.map((k) => row(k)).sort(compareDuties);
          const walked: JudgedDuty[] = [];
          let after: DutyKey | undefined;
          for (let guard = 0; guard <= sorted.length; guard++) {
            const page = pageDuties(sorted, { limit, after });
            expect(page.items.length).toBeLessThanOrEqual(limit);
            walked.push(...page.items);
            if (!page.next) break;
            after = page.next;
          }
          expect(walked).toEqual(sorted);
        },
      ),
    );
  });
});
