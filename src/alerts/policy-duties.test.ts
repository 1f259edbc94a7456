// Issue 15: duties in the alert policy (reminders, missed notice, escalation, digest), and the
// Treasury's unresolved differences in the admins' digest. Pure: plain inputs, intents out.
import { describe, expect, it } from "vitest";
import type { DutyEvaluation, DutyStatus } from "../domain/duties.js";
import type { LocalDate } from "../domain/local-date.js";
import { DEFAULT_PLAN_2022 } from "../domain/plan.js";
import { WEEKENDS_ONLY } from "../domain/working-days.js";
import {
  DEFAULT_ALERT_POLICY,
  DIGEST_TREASURY_LIMIT,
  decideAlerts,
  type PolicyInput,
  type TreasuryDifference,
} from "./policy.js";

const HEAD = "head@tamky.example.org";
const ADMINS = ["admin1@example.org", "admin2@example.org"];

/** The 6-monthly report, due Monday 20/06/2022, or the same duty due another day. */
const duty = (status: DutyStatus, over: Partial<DutyEvaluation> = {}): DutyEvaluation => ({
  id: "BC_6_THANG",
  title: "Báo cáo kết quả thực hiện 6 tháng đầu năm 2022",
  document: "Báo cáo kết quả thực hiện 6 tháng",
  dueOn: "2022-06-20",
  unitCode: "TAM_KY",
  status,
  workingDaysLeft: 3,
  ...over,
});

const input = (asOf: LocalDate, duties: DutyEvaluation[], over: Partial<PolicyInput> = {}): PolicyInput => ({
  plan: DEFAULT_PLAN_2022,
  asOf,
  evaluations: [],
  duties,
  units: new Map([
    [
      "TAM_KY",
      { code: "TAM_KY", name: "UBND thành phố Tam Kỳ", headName: "Ông A", headEmail: HEAD, ccEmails: [] },
    ],
  ]),
  programNames: new Map([["NTM", "Chương trình MTQG xây dựng nông thôn mới"]]),
  admins: ADMINS,
  warnings: new Map(),
  policy: DEFAULT_ALERT_POLICY,
  calendar: WEEKENDS_ONLY,
  ...over,
});

/** What goes out: `stage:queued:recipient` of everything but the digest. */
const queued = (asOf: LocalDate, d: DutyEvaluation, over: Partial<PolicyInput> = {}) =>
  stages(asOf, d, over).filter((s) => s.includes(":queued:"));

/** `stage:outcome:recipient` of everything but the digest (a stage past its window: skipped). */
const stages = (asOf: LocalDate, d: DutyEvaluation, over: Partial<PolicyInput> = {}) =>
  decideAlerts(input(asOf, [d], over))
    .filter((i) => i.route.kind !== "digest")
    .map((i) => `${i.key.stage}:${i.outcome}:${i.key.recipient}`);

const difference = (n: number, amount: bigint): TreasuryDifference => ({
  unitCode: "TAM_KY",
  program: "NTM",
  planYear: 2022,
  carriedOverFrom: null,
  source: "provincial",
  capitalType: "recurrent",
  treasury: 20_000_000n + amount,
  reported: 20_000_000n,
  difference: amount,
  asOf: "2022-05-31",
  documentRef: `KBNN-${n}`,
  ageDays: 10,
});

describe("duties in the alert policy", () => {
  it("sends each reminder on its working day: the day itself, or the working day before", () => {
    // 30 days before 20/06 is Saturday 21/05: Friday 20/05. 14 and 7 before are Mondays. 1 before is Sunday 19/06: Friday 17/06.
    expect(queued("2022-05-20", duty("on_track"))).toEqual([`reminder_30:queued:${HEAD}`]);
    expect(queued("2022-05-21", duty("on_track"))).toEqual([]);
    expect(queued("2022-06-06", duty("on_track"))).toEqual([`reminder_14:queued:${HEAD}`]);
    expect(queued("2022-06-13", duty("at_risk"))).toEqual([`reminder_7:queued:${HEAD}`]);
    expect(queued("2022-06-17", duty("at_risk"))).toEqual([`reminder_1:queued:${HEAD}`]);
    expect(queued("2022-06-19", duty("at_risk"))).toEqual([]);
    // No at-risk warning for a duty: its reminders come closer as the date nears.
    expect(queued("2022-06-15", duty("at_risk"))).toEqual([`reminder_7:queued:${HEAD}`]);
  });

  it("keys a duty's alerts by its id and program *, with the document in the snapshot", () => {
    const intent = decideAlerts(input("2022-06-17", [duty("at_risk", { workingDaysLeft: 1 })])).find(
      (i) => i.outcome === "queued",
    );
    expect(intent?.key).toEqual({
      planYear: 2022,
      milestoneId: "BC_6_THANG",
      unitCode: "TAM_KY",
      program: "*",
      stage: "reminder_1",
      recipient: HEAD,
    });
    expect(intent?.route).toMatchObject({ kind: "unit", to: HEAD });
    expect(intent?.snapshots[0]).toMatchObject({
      milestoneKind: "duty",
      document: "Báo cáo kết quả thực hiện 6 tháng",
      dueOn: "2022-06-20",
      status: "at_risk",
      workingDaysLeft: 1,
      unitName: "UBND thành phố Tam Kỳ",
      allocated: 0n,
    });
  });

  it("sends the missed notice and the escalation the working day after the due date", () => {
    // Due Friday 01/07: nothing on the weekend, both on Monday 04/07.
    const missed = duty("missed", { dueOn: "2022-07-01", workingDaysLeft: 0 });
    expect(queued("2022-07-02", missed)).toEqual([]);
    expect(queued("2022-07-03", missed)).toEqual([]);
    expect(stages("2022-07-04", missed).sort()).toEqual(
      [
        `missed:queued:${HEAD}`,
        ...ADMINS.map((a) => `escalation:queued:${a}`),
        // The reminders never sent before it are recorded as skipped, never sent late.
        ...[30, 14, 7, 1].map((d) => `reminder_${d}:skipped:${HEAD}`),
      ].sort(),
    );
    // Stale after missedMaxLateDays: recorded, not sent.
    expect(queued("2022-07-25", missed)).toEqual([]);
    expect(stages("2022-07-25", missed)).toContain(`missed:skipped:${HEAD}`);
  });

  it("escalates a missed notice no one acknowledged within the policy's working days", () => {
    const missed = duty("missed", { dueOn: "2022-07-01", workingDaysLeft: 0 });
    const notices = new Map([["BC_6_THANG|TAM_KY|*", { sentOn: "2022-07-04", acknowledged: false }]]);
    expect(
      queued("2022-07-07", missed, { missedNotices: notices }).filter((s) => s.startsWith("unack")),
    ).toEqual(ADMINS.map((a) => `unacknowledged:queued:${a}`));
  });

  it("decides nothing for a met duty, nor for a duty that does not ask the unit", () => {
    for (const day of ["2022-05-20", "2022-06-17", "2022-06-20", "2022-06-21", "2022-06-27"])
      for (const status of ["met", "not_applicable"] as const)
        expect(decideAlerts(input(day, [duty(status)])), `${day} ${status}`).toEqual([]);
  });
});

describe("the admins' digest", () => {
  const digestOf = (over: Partial<PolicyInput>, duties: DutyEvaluation[] = []) =>
    decideAlerts(input("2022-06-27", duties, over)).filter((i) => i.route.kind === "digest");

  it("lists the duties missed or at risk", () => {
    const digests = digestOf({}, [
      duty("missed", { workingDaysLeft: 0 }),
      duty("on_track", { id: "BC_NAM", dueOn: "2022-12-20" }),
    ]);
    expect(digests.map((d) => d.key.recipient)).toEqual(ADMINS);
    expect(digests[0]?.snapshots.map((s) => [s.milestoneId, s.status, s.milestoneKind])).toEqual([
      ["BC_6_THANG", "missed", "duty"],
    ]);
    expect(digests[0]?.treasury).toBeUndefined();
  });

  it("lists the Treasury's unresolved differences, the largest first, at most a bounded number", () => {
    const many = Array.from({ length: DIGEST_TREASURY_LIMIT + 7 }, (_, n) =>
      difference(n, BigInt((n % 2 === 0 ? 1 : -1) * (n + 1))),
    );
    // Nothing at risk or missed: the differences alone make a digest.
    const [digest] = digestOf({ treasuryDifferences: many });
    expect(digest?.snapshots).toEqual([]);
    expect(digest?.treasury?.total).toBe(DIGEST_TREASURY_LIMIT + 7);
    expect(digest?.treasury?.items).toHaveLength(DIGEST_TREASURY_LIMIT);
    expect(digest?.treasury?.items[0]).toMatchObject({
      unitName: "UBND thành phố Tam Kỳ",
      programName: "Chương trình MTQG xây dựng nông thôn mới",
      difference: 57n,
      documentRef: "KBNN-56",
      statementAsOf: "2022-05-31",
    });
    expect(digest?.treasury?.items[1]?.difference).toBe(-56n);
    expect(digest?.treasury?.items.at(-1)?.difference).toBe(-8n);
  });

  it("lists a 1 đồng difference, and sends no digest when nothing is open", () => {
    const [digest] = digestOf({ treasuryDifferences: [difference(1, -1n)] });
    expect(digest?.treasury?.items.map((i) => i.difference)).toEqual([-1n]);
    expect(digestOf({ treasuryDifferences: [] }, [duty("met")])).toEqual([]);
    // Only the digest's own working days: none on the Sunday before.
    expect(
      decideAlerts(input("2022-06-26", [], { treasuryDifferences: [difference(1, 1n)] })).filter(
        (i) => i.route.kind === "digest",
      ),
    ).toEqual([]);
  });

  it("decides a national run's duties: more alerts than one call takes arguments", () => {
    // 150,000 alerts (three reminder stages a duty): push(...them) overflowed the stack (about
    // 120,000 arguments here).
    const many = Array.from({ length: 50_000 }, (_, i) => duty("at_risk", { id: `D${i}` }));
    const intents = decideAlerts(input("2022-06-15", many)).filter((i) => i.route.kind !== "digest");
    expect(intents).toHaveLength(150_000);
    expect(new Set(intents.map((i) => i.key.milestoneId)).size).toBe(50_000);
  });
});
