import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { DutyStatus, SubmissionFact } from "./duties.js";
import {
  compareDuties,
  type DutyFilter,
  type DutyKey,
  dutyPager,
  dutyTally,
  type JudgedDuty,
  latestSubmission,
  selectDutiesAtRisk,
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

  it("pages them with the totals of the whole list, whatever order the rows come in", () => {
    const pager = dutyPager({ limit: 2 });
    for (const r of [...rows].reverse()) pager.add(r);
    const page = pager.page();
    expect(page.totals).toEqual({ at_risk: 1, missed: 2 });
    expect(page.items.map((r) => `${r.status}:${r.unitCode}`)).toEqual(["missed:B", "missed:C"]);
    expect(page.next).toEqual({ status: "missed", dueOn: "2022-06-20", unitCode: "C", id: "BC_6_THANG" });
    const rest = dutyPager({ limit: 2, after: page.next! });
    for (const r of rows) rest.add(r);
    expect(rest.page()).toMatchObject({ totals: { at_risk: 1, missed: 2 }, next: null });
    expect(rest.page().items.map((r) => r.unitCode)).toEqual(["SO_NNPTNT"]);
  });

  it("refuses a page size that is not a positive integer", () => {
    for (const limit of [0, -1, 1.5]) expect(() => dutyPager({ limit })).toThrow(RangeError);
  });
});

describe("dutyTally", () => {
  it("counts each duty's units by status, in the plan's order, zero for a duty nobody holds", () => {
    const duties = [
      { id: "BC_6_THANG", title: "t", document: "d", dueOn: "2022-06-20" },
      { id: "BC_NAM", title: "t", document: "d", dueOn: "2022-12-20" },
    ];
    const tally = dutyTally(duties);
    for (const r of [row({ status: "met" }), row({ status: "missed" }), row({ status: "missed" })])
      tally.add(r);
    tally.add(row({ status: "missed", id: "NOT_IN_THE_PLAN" }));
    const s = tally.summaries();
    expect(s.map((d) => d.id)).toEqual(["BC_6_THANG", "BC_NAM"]);
    expect(s[0]!.counts).toEqual({ not_applicable: 0, met: 1, on_track: 0, at_risk: 0, missed: 2 });
    expect(s[1]!.counts).toEqual({ not_applicable: 0, met: 0, on_track: 0, at_risk: 0, missed: 0 });
  });
});

const rowsArb = fc.uniqueArray(
  fc.record({
    status: fc.constantFrom<DutyStatus>("missed", "at_risk", "on_track", "met", "not_applicable"),
    dueOn: fc.constantFrom("2022-06-20", "2022-06-30", "2022-12-20"),
    unitCode: fc.constantFrom("A", "B", "C", "D"),
    unitKind: fc.constantFrom<JudgedDuty["unitKind"]>("district", "department"),
    id: fc.constantFrom("BC_6_THANG", "BC_NAM"),
  }),
  // A (duty, unit) is judged once.
  { selector: (r) => `${r.id}|${r.unitCode}`, maxLength: 8 },
);
const filterArb = fc.record({
  duty: fc.constantFrom(undefined, "BC_6_THANG", "BC_NAM"),
  unitKind: fc.constantFrom<DutyFilter["unitKind"]>(undefined, "district", "department"),
});

describe("dutyPager (property)", () => {
  it("gives the oracle's page of the sorted, filtered list, whatever order the rows come in", () => {
    fc.assert(
      fc.property(
        rowsArb,
        filterArb,
        fc.integer({ min: 1, max: 5 }),
        fc.option(fc.nat(), { nil: undefined }),
        fc.infiniteStream(fc.nat()),
        (keys, filter, limit, afterAt, shuffle) => {
          const rows = keys.map((k) => row(k));
          const listed = selectDutiesAtRisk(rows, filter);
          const all = [...rows].sort(compareDuties);
          // After any key, on the list or not.
          const after: DutyKey | undefined =
            afterAt === undefined || all.length === 0 ? undefined : all[afterAt % all.length];
          const rest = after ? listed.filter((r) => compareDuties(r, after) > 0) : listed;
          const pager = dutyPager({ filter, limit, after });
          const order = [...rows];
          const it = shuffle[Symbol.iterator]();
          for (let i = order.length - 1; i > 0; i--) {
            const j = it.next().value! % (i + 1);
            [order[i], order[j]] = [order[j]!, order[i]!];
          }
          for (const r of order) pager.add(r);
          const page = pager.page();
          expect(page.items).toEqual(rest.slice(0, limit));
          expect(page.totals).toEqual({
            at_risk: listed.filter((r) => r.status === "at_risk").length,
            missed: listed.filter((r) => r.status === "missed").length,
          });
          const last = page.items.at(-1);
          expect(page.next).toEqual(
            rest.length > limit && last
              ? { status: last.status, dueOn: last.dueOn, unitCode: last.unitCode, id: last.id }
              : null,
          );
        },
      ),
    );
  });

  it("walks the whole list in its order, each row once, whatever the page size", () => {
    fc.assert(
      fc.property(rowsArb, fc.integer({ min: 1, max: 7 }), (keys, limit) => {
        const rows = keys.map((k) => row(k));
        const walked: JudgedDuty[] = [];
        let after: DutyKey | undefined;
        for (let guard = 0; guard <= rows.length; guard++) {
          const pager = dutyPager({ limit, after });
          for (const r of rows) pager.add(r);
          const page = pager.page();
          expect(page.items.length).toBeLessThanOrEqual(limit);
          walked.push(...page.items);
          if (!page.next) break;
          after = page.next;
        }
        expect(walked).toEqual(selectDutiesAtRisk(rows));
      }),
    );
  });
});
