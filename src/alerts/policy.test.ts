import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { DutyEvaluation } from "../domain/duties.js";
import { addDays, daysBetween, type LocalDate } from "../domain/local-date.js";
import type { MilestoneStatus } from "../domain/milestone-status.js";
import { DEFAULT_PLAN_2022 } from "../domain/plan.js";
import type { PairEvaluation } from "../domain/plan-evaluation.js";
import {
  isoWeekday,
  type NamedDay,
  WEEKENDS_ONLY,
  type WorkingCalendar,
  workingCalendar,
} from "../domain/working-days.js";
import {
  type AlertIntent,
  type AlertPolicy,
  alertPolicySchema,
  DEFAULT_ALERT_POLICY,
  DIGEST_DUTY_LIMIT,
  DIGEST_PAIR_LIMIT,
  decideAlerts,
  type MissedNotice,
  nextPairWatch,
  type PairWatch,
  type PolicyInput,
  pairKey,
  warningNumber,
} from "./policy.js";

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
  warnings: new Map(),
  policy: DEFAULT_ALERT_POLICY,
  calendar: WEEKENDS_ONLY,
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
    // Saturday 1/10: nothing goes out, but what went stale is recorded.
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
    expect(stages("2022-08-22", "at_risk")).toEqual(["at_risk:queued:head@tamky.example.org"]);
    // Saturday: the warning waits for Monday's run.
    expect(stages("2022-08-20", "at_risk")).toEqual([]);
    expect(stages("2022-09-05", "at_risk")).toEqual([
      "reminder_30:queued:head@tamky.example.org",
      "at_risk:queued:head@tamky.example.org",
    ]);
  });

  it("sends the missed notice to the head and an escalation to every admin, until it is stale", () => {
    // Due Friday 30/9: not on the weekend, on Monday 3/10; stale 14 days after that.
    expect(stages("2022-10-01", "missed").filter((s) => !s.startsWith("reminder_"))).toEqual([]);
    expect(stages("2022-10-02", "missed").filter((s) => !s.startsWith("reminder_"))).toEqual([]);
    const day = stages("2022-10-03", "missed").filter((s) => !s.startsWith("reminder_"));
    expect(day).toEqual([
      "missed:queued:head@tamky.example.org",
      "escalation:queued:admin1@example.org",
      "escalation:queued:admin2@example.org",
    ]);
    expect(stages("2022-10-17", "missed")).toContain("missed:queued:head@tamky.example.org");
    expect(stages("2022-10-18", "missed")).toContain("missed:skipped:head@tamky.example.org");
  });

  it("sends a recovery notice only to units that were warned", () => {
    expect(stages("2022-09-20", "met")).toEqual([]);
    const warnings = new Map([[pairKey("M60", "TAM_KY", "NTM"), 1]]);
    expect(stages("2022-09-20", "met", { warnings })).toEqual(["recovered:queued:head@tamky.example.org"]);
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

  it("goes to every admin for the week's Monday, listing every pair at risk or missed", () => {
    // 2022-09-19 is a Monday; a run on Wednesday or Friday catches up with it.
    for (const asOf of ["2022-09-19", "2022-09-21", "2022-09-23"]) {
      const d = digests(asOf, [evaluation("at_risk"), evaluation("met", { program: "GNBV" })]);
      expect(d.map((i) => `${i.key.stage}:${i.key.recipient}`)).toEqual([
        "digest:2022-09-19:admin1@example.org",
        "digest:2022-09-19:admin2@example.org",
      ]);
      expect(d[0]?.snapshots).toHaveLength(1);
    }
    expect(digests("2022-09-26", [evaluation("at_risk")])[0]?.key.stage).toBe("digest:2022-09-26");
    // Not on the weekend: Sunday's run leaves it to Monday's (that week's own digest).
    expect(digests("2022-09-25", [evaluation("at_risk")])).toEqual([]);
  });

  it("is not sent when nothing is at risk", () => {
    expect(digests("2022-09-19", [evaluation("met")])).toEqual([]);
  });

  it("lists the pairs with the largest shortfall, at most DIGEST_PAIR_LIMIT, and counts them all", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            status: fc.constantFrom<MilestoneStatus>(
              "at_risk",
              "missed",
              "at_risk",
              "missed",
              "on_track",
              "met",
            ),
            shortfall: fc.bigInt({ min: 0n, max: 50n }),
            unit: fc.integer({ min: 0, max: 400 }),
            program: fc.constantFrom("NTM", "GNBV"),
          }),
          { maxLength: 3000, size: "max" },
        ),
        (rows) => {
          const evaluations = rows.map((r) =>
            evaluation(r.status, { shortfall: r.shortfall, unitCode: `U${r.unit}`, program: r.program }),
          );
          const open = evaluations.filter((e) => e.status === "at_risk" || e.status === "missed");
          const d = digests("2022-09-19", evaluations);
          if (open.length === 0) {
            expect(d).toEqual([]);
            return;
          }
          const [first] = d;
          // The reference: sort them all, keep the first.
          const key = (e: PairEvaluation) => `${e.unitCode}|${e.program}`;
          const expected = [...open]
            .sort(
              (a, b) =>
                (a.shortfall > b.shortfall ? -1 : a.shortfall < b.shortfall ? 1 : 0) ||
                (a.unitCode < b.unitCode ? -1 : a.unitCode > b.unitCode ? 1 : 0) ||
                (a.program < b.program ? -1 : a.program > b.program ? 1 : 0),
            )
            .slice(0, DIGEST_PAIR_LIMIT);
          expect(first!.snapshots.map((s) => `${s.unitCode}|${s.program}|${s.shortfall}`)).toEqual(
            expected.map((e) => `${key(e)}|${e.shortfall}`),
          );
          for (const program of ["NTM", "GNBV"]) {
            const of = open.filter((e) => e.program === program);
            const t = first!.tally!.programs.find((p) => p.program === program);
            expect(t?.missed ?? 0).toBe(of.filter((e) => e.status === "missed").length);
            expect(t?.atRisk ?? 0).toBe(of.filter((e) => e.status === "at_risk").length);
          }
        },
      ),
      // Lists of thousands do not shrink to anything clearer: fail at once.
      { numRuns: 60, endOnFailure: true },
    );
  });

  it("lists the overdue duties first, at most DIGEST_DUTY_LIMIT, and counts them all", () => {
    const duty = (k: number, status: "missed" | "at_risk"): DutyEvaluation => ({
      id: "BC_NAM",
      title: "Báo cáo năm",
      document: "Báo cáo kết quả thực hiện",
      dueOn: addDays("2022-09-01", k % 30),
      status,
      unitCode: `U${k}`,
      workingDaysLeft: 0,
    });
    const duties = Array.from({ length: 700 }, (_, k) => duty(k, k % 3 === 0 ? "missed" : "at_risk"));
    const [first] = decideAlerts(input("2022-09-19", [], { duties })).filter(
      (i) => i.route.kind === "digest",
    );
    const listed = first!.snapshots.filter((s) => s.milestoneKind === "duty");
    expect(listed).toHaveLength(DIGEST_DUTY_LIMIT);
    // 234 are overdue: the 200 listed are all overdue, the earliest due first.
    expect(listed.every((s) => s.status === "missed")).toBe(true);
    expect(listed.map((s) => s.dueOn)).toEqual(listed.map((s) => s.dueOn).sort());
    expect(first!.tally!.duties).toEqual({ missed: 234, atRisk: 466 });
  });
});

// ---------------------------------------------------------------------------------------------
// Issue 14: working days, re-warning, acknowledgement escalation, open-only digests.

function days(from: LocalDate, to: LocalDate): LocalDate[] {
  const out: LocalDate[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

/** Tết 2023 as the admins enter it: 20–26/01 off, and Monday 02/01 as the observed New Year day. */
const TET_2023: WorkingCalendar = workingCalendar({
  holidays: [{ date: "2023-01-01", name: "Tết Dương lịch" }],
  daysOff: [
    { date: "2023-01-02", name: "Nghỉ bù Tết Dương lịch" },
    ...days("2023-01-20", "2023-01-26").map((date) => ({ date, name: "Tết Nguyên Đán" })),
  ],
  workingDays: [],
});

const M90 = (status: MilestoneStatus, over: Partial<PairEvaluation> = {}) =>
  evaluation(status, { id: "M90", dueOn: "2022-12-31", threshold: 90, ...over });
const REF = (status: MilestoneStatus, over: Partial<PairEvaluation> = {}) =>
  evaluation(status, {
    id: "REF",
    dueOn: "2023-01-31",
    kind: "refund",
    threshold: 100,
    comparison: "gte",
    ...over,
  });

type Recorded = { outcome: AlertIntent["outcome"]; asOf: LocalDate; intent: AlertIntent };

/**
 * Runs the policy on each day as the service does: what the ledger already holds is not decided
 * again, warnings, missed notices and the pair watch come from what was recorded before.
 */
function replayPolicy(
  runDays: readonly LocalDate[],
  evaluationsOn: (day: LocalDate) => PairEvaluation[],
  over: Partial<PolicyInput> & { acknowledgedOn?: (pair: string) => LocalDate | null } = {},
): Map<string, Recorded> {
  const ledger = new Map<string, Recorded>();
  const watch = new Map<string, PairWatch>();
  for (const day of runDays) {
    const warnings = new Map<string, number>();
    const missedNotices = new Map<string, MissedNotice>();
    for (const r of ledger.values()) {
      const k = r.intent.key;
      const pair = pairKey(k.milestoneId, k.unitCode, k.program);
      const n = warningNumber(k.stage);
      if (r.outcome === "queued" && n !== null) warnings.set(pair, Math.max(n, warnings.get(pair) ?? 0));
      if (r.outcome === "queued" && k.stage === "missed") {
        const ack = over.acknowledgedOn?.(pair) ?? null;
        missedNotices.set(pair, { sentOn: r.asOf, acknowledged: ack !== null && ack <= day });
      }
    }
    const i = input(day, evaluationsOn(day), { warnings, watch, missedNotices, ...over });
    const decided = decideAlerts(i);
    for (const intent of decided) {
      const k = intent.key;
      const key = [k.planYear, k.milestoneId, k.unitCode, k.program, k.stage, k.recipient].join("|");
      if (!ledger.has(key)) ledger.set(key, { outcome: intent.outcome, asOf: day, intent });
    }
    for (const u of nextPairWatch(i, decided))
      watch.set(pairKey(u.milestoneId, u.unitCode, u.program), {
        recoveredOn: u.recoveredOn,
        updatedOn: u.updatedOn,
      });
  }
  return ledger;
}

const recordedAs = (ledger: Map<string, Recorded>, milestoneId: string, stage: string) =>
  [...ledger.values()]
    .filter((r) => r.intent.key.milestoneId === milestoneId && r.intent.key.stage === stage)
    .map((r) => `${r.outcome}:${r.asOf}:${r.intent.key.recipient}`);

describe("working days (issue 14)", () => {
  it("replays Tết 2023: the T-7 refund reminder goes out on 19/01, the M90 missed notice on 03/01", () => {
    const ledger = replayPolicy(
      days("2022-12-01", "2023-02-03"),
      (day) => [
        M90(day > "2022-12-31" ? "missed" : "on_track"),
        REF(day > "2023-01-31" ? "missed" : "on_track"),
      ],
      { calendar: TET_2023 },
    );
    const head = "head@tamky.example.org";
    // 24/01 (T-7) is a day of Tết: the working day before it is Thursday 19/01.
    expect(recordedAs(ledger, "REF", "reminder_7")).toEqual([`queued:2023-01-19:${head}`]);
    // T-14 (17/01) then covers 17–18/01; T-1 (30/01) a Monday, T-30 (01/01) a holiday: 30/12.
    expect(recordedAs(ledger, "REF", "reminder_14")).toEqual([`queued:2023-01-17:${head}`]);
    expect(recordedAs(ledger, "REF", "reminder_1")).toEqual([`queued:2023-01-30:${head}`]);
    expect(recordedAs(ledger, "REF", "reminder_30")).toEqual([`queued:2022-12-30:${head}`]);
    // Due Saturday 31/12; Sunday 01/01 and the observed holiday 02/01 send nothing of it.
    expect(recordedAs(ledger, "M90", "missed")).toEqual([`queued:2023-01-03:${head}`]);
    expect(recordedAs(ledger, "M90", "escalation")).toEqual([
      "queued:2023-01-03:admin1@example.org",
      "queued:2023-01-03:admin2@example.org",
    ]);
    for (const day of ["2023-01-01", "2023-01-02"]) {
      const on = decideAlerts(input(day, [M90("missed")], { calendar: TET_2023 }));
      expect(on.filter((i) => i.key.stage === "missed" || i.key.stage === "escalation")).toEqual([]);
      expect(on.filter((i) => i.outcome === "queued")).toEqual([]);
    }
  });

  it("gives two reminders landing on one working day to the nearer one; the other is superseded", () => {
    // Due Tuesday 27/09/2022 with reminders 3 and 2 days before: Sat 24 and Sun 25 both fall back to Fri 23.
    const policy: AlertPolicy = { ...DEFAULT_ALERT_POLICY, reminderDaysBefore: [3, 2] };
    const ledger = replayPolicy(
      days("2022-09-20", "2022-09-27"),
      () => [evaluation("on_track", { dueOn: "2022-09-27" })],
      { policy },
    );
    expect(recordedAs(ledger, "M60", "reminder_3")).toEqual(["skipped:2022-09-23:head@tamky.example.org"]);
    expect(ledger.get("2022|M60|TAM_KY|NTM|reminder_3|head@tamky.example.org")?.intent.skipReason).toBe(
      "superseded by the reminder 2 days before",
    );
    expect(recordedAs(ledger, "M60", "reminder_2")).toEqual(["queued:2022-09-23:head@tamky.example.org"]);
  });

  it("counts the staleness of a missed notice from its send day", () => {
    // Due Saturday 31/12; send day Tuesday 03/01 under Tết 2023; stale after 17/01.
    const on = (day: LocalDate) =>
      decideAlerts(input(day, [M90("missed")], { calendar: TET_2023 }))
        .filter((i) => i.key.stage === "missed")
        .map((i) => i.outcome);
    expect(on("2023-01-17")).toEqual(["queued"]);
    expect(on("2023-01-18")).toEqual(["skipped"]);
  });

  it("sends the digest on the first working day on or after its weekday, within the week", () => {
    const digest = (asOf: LocalDate, over: Partial<PolicyInput> = {}) =>
      decideAlerts(input(asOf, [M90("at_risk")], { calendar: TET_2023, ...over }))
        .filter((i) => i.route.kind === "digest")
        .map((i) => i.key.stage);
    // Monday 02/01/2023 is a day off: Tuesday's run sends that week's digest.
    expect(digest("2023-01-02")).toEqual([]);
    expect(digest("2023-01-03")).toEqual(["digest:2023-01-02", "digest:2023-01-02"]);
    // The week of Tết: Monday 23/01 to Thursday 26/01 off, Friday 27/01 a working day.
    for (const d of days("2023-01-23", "2023-01-26")) expect(digest(d)).toEqual([]);
    expect(digest("2023-01-27")).toEqual(["digest:2023-01-23", "digest:2023-01-23"]);
    // A Saturday digest has no working day left in its week: none that week.
    const saturday = { policy: { ...DEFAULT_ALERT_POLICY, digestWeekday: 6 } };
    for (const d of days("2023-01-09", "2023-01-15")) expect(digest(d, saturday)).toEqual([]);
  });

  it("gives every snapshot its working days left", () => {
    const reminder = decideAlerts(input("2023-01-19", [REF("on_track")], { calendar: TET_2023 })).find(
      (i) => i.outcome === "queued",
    );
    expect(reminder?.key.stage).toBe("reminder_7");
    // 20/01 to 31/01: 27/01, 30/01 and 31/01.
    expect(reminder?.snapshots[0]?.workingDaysLeft).toBe(3);
    expect(reminder?.snapshots[0]?.daysLeft).toBe(10);
  });
});

/** Random calendars: days off anywhere in late 2022 to early 2023, and a few weekend days swapped in. */
const calendarArb = fc
  .record({
    off: fc.uniqueArray(fc.integer({ min: 0, max: 200 }), { maxLength: 40 }),
    swapped: fc.uniqueArray(fc.integer({ min: 0, max: 200 }), { maxLength: 10 }),
  })
  .map(({ off, swapped }) => {
    const day = (n: number): NamedDay => ({ date: addDays("2022-09-01", n), name: "nghỉ" });
    return workingCalendar({
      holidays: [],
      daysOff: off.map(day),
      workingDays: swapped.map(day).filter((d) => isoWeekday(d.date) >= 6),
    });
  });
const statusArb = fc.constantFrom<MilestoneStatus>("on_track", "at_risk", "missed", "met");

describe("working-day properties", () => {
  it("queues nothing on a non-working day, whatever the state", () => {
    fc.assert(
      fc.property(
        calendarArb,
        fc.integer({ min: 0, max: 200 }),
        fc.array(statusArb, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        (calendar, n, statuses, acked) => {
          const asOf = addDays("2022-09-01", n);
          const evaluations = statuses.map((st, i) =>
            evaluation(st, {
              id: ["M60", "M90", "REF", "C100"][i]!,
              dueOn: addDays("2022-09-01", (i + 1) * 40),
            }),
          );
          const pair = pairKey("M60", "TAM_KY", "NTM");
          const decided = decideAlerts(
            input(asOf, evaluations, {
              calendar,
              warnings: new Map([[pair, 1]]),
              watch: new Map([[pair, { recoveredOn: "2022-08-01", updatedOn: "2022-08-01" }]]),
              missedNotices: new Map([[pair, { sentOn: "2022-08-01", acknowledged: acked }]]),
            }),
          );
          if (!calendar.isWorkingDay(asOf)) expect(decided.filter((i) => i.outcome === "queued")).toEqual([]);
        },
      ),
    );
  });

  it("in a daily replay, sends each reminder on its working send day (or not at all), and no missed notice early", () => {
    fc.assert(
      fc.property(
        calendarArb,
        fc.uniqueArray(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 60, max: 150 }),
        (calendar, reminderDaysBefore, dueIn) => {
          const dueOn = addDays("2022-09-01", dueIn);
          const policy = { ...DEFAULT_ALERT_POLICY, reminderDaysBefore };
          const ledger = replayPolicy(
            days("2022-09-01", addDays(dueOn, 40)),
            (day) => [evaluation(day > dueOn ? "missed" : "on_track", { dueOn })],
            { calendar, policy },
          );
          const sorted = [...reminderDaysBefore].sort((a, b) => b - a);
          const sendDays = sorted.map((d) => calendar.onOrBefore(addDays(dueOn, -d)));
          sorted.forEach((d, i) => {
            const [r] = recordedAs(ledger, "M60", `reminder_${d}`);
            const nearer = sendDays.slice(i + 1).some((s) => s === sendDays[i]);
            expect(r, `reminder_${d}`).toBe(
              `${nearer ? "skipped" : "queued"}:${sendDays[i]}:head@tamky.example.org`,
            );
            expect(calendar.isWorkingDay(sendDays[i]!)).toBe(true);
          });
          const [missed] = recordedAs(ledger, "M60", "missed");
          expect(missed).toBe(`queued:${calendar.onOrAfter(addDays(dueOn, 1))}:head@tamky.example.org`);
          // Each key once, every queued alert on a working day.
          for (const r of ledger.values())
            if (r.outcome === "queued") expect(calendar.isWorkingDay(r.asOf), r.asOf).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("re-warning without flapping (issue 14)", () => {
  const pair = pairKey("M60", "TAM_KY", "NTM");
  /** Statuses by day: at risk on the listed days, on track otherwise. */
  const replayRisk = (atRisk: (day: LocalDate) => boolean, to: LocalDate = "2022-09-29") =>
    replayPolicy(days("2022-07-01", to), (day) => [evaluation(atRisk(day) ? "at_risk" : "on_track")]);

  it("warns again a pair at risk after staying recovered 14 days or more", () => {
    // At risk 1–8/7, on track 9/7–2/8 (25 days), at risk again from 3/8.
    const ledger = replayRisk((d) => d <= "2022-07-08" || d >= "2022-08-03");
    expect(recordedAs(ledger, "M60", "at_risk")).toEqual(["queued:2022-07-01:head@tamky.example.org"]);
    expect(recordedAs(ledger, "M60", "at_risk_2")).toEqual(["queued:2022-08-03:head@tamky.example.org"]);
    expect(recordedAs(ledger, "M60", "at_risk_3")).toEqual([]);
  });

  it("does not warn again after a shorter recovery (a flap), and the clock restarts with it", () => {
    // Recovered 9/7–18/7 (10 days), at risk 19/7, recovered 20/7–1/8 (13 days), at risk 2/8.
    const flapping = (d: LocalDate) => d <= "2022-07-08" || d === "2022-07-19" || d >= "2022-08-02";
    const ledger = replayRisk(flapping);
    expect([...ledger.keys()].filter((k) => k.includes("|at_risk_"))).toEqual([]);
  });

  it("counts on: the third warning is at_risk_3", () => {
    const ledger = replayRisk(
      (d) => d <= "2022-07-04" || (d >= "2022-07-25" && d <= "2022-07-26") || d >= "2022-08-15",
    );
    expect(recordedAs(ledger, "M60", "at_risk_2")).toEqual(["queued:2022-07-25:head@tamky.example.org"]);
    expect(recordedAs(ledger, "M60", "at_risk_3")).toEqual(["queued:2022-08-15:head@tamky.example.org"]);
  });

  it("defers a re-warning falling on a weekend to Monday instead of losing it", () => {
    // Recovered from 1/8; at risk from Saturday 20/8.
    const ledger = replayRisk((d) => d <= "2022-07-29" || d >= "2022-08-20", "2022-08-24");
    expect(recordedAs(ledger, "M60", "at_risk_2")).toEqual(["queued:2022-08-22:head@tamky.example.org"]);
  });

  it("keeps the recovery notice: once, when a warned pair meets the milestone", () => {
    const ledger = replayPolicy(days("2022-09-01", "2022-09-30"), (d) => [
      evaluation(d <= "2022-09-05" ? "at_risk" : d <= "2022-09-10" ? "on_track" : "met"),
    ]);
    expect(recordedAs(ledger, "M60", "recovered")).toEqual(["queued:2022-09-12:head@tamky.example.org"]);
  });

  it("reads and writes the watch only forward in time", () => {
    const watch = new Map([[pair, { recoveredOn: "2022-07-10", updatedOn: "2022-08-10" }]]);
    const warnings = new Map([[pair, 1]]);
    // A rerun of an earlier day neither warns again (it decides the warning the ledger holds)
    // nor rewrites the watch.
    const earlier = input("2022-08-01", [evaluation("at_risk")], { warnings, watch });
    expect(
      decideAlerts(earlier)
        .filter((i) => i.route.kind === "unit")
        .map((i) => i.key.stage),
    ).toEqual(["at_risk"]);
    expect(nextPairWatch(earlier, decideAlerts(earlier))).toEqual([]);
    // Later: recovered long enough.
    const later = input("2022-08-15", [evaluation("at_risk")], { warnings, watch });
    const decided = decideAlerts(later);
    expect(decided.filter((i) => i.route.kind === "unit").map((i) => i.key.stage)).toEqual(["at_risk_2"]);
    expect(nextPairWatch(later, decided)).toEqual([
      {
        planYear: 2022,
        milestoneId: "M60",
        unitCode: "TAM_KY",
        program: "NTM",
        recoveredOn: null,
        updatedOn: "2022-08-15",
      },
    ]);
    // A pair never warned is not watched.
    expect(nextPairWatch(input("2022-08-15", [evaluation("on_track")]), [])).toEqual([]);
  });
});

describe("escalation of unacknowledged missed notices (issue 14)", () => {
  const pair = pairKey("M90", "TAM_KY", "NTM");
  const unack = (asOf: LocalDate, notice: MissedNotice, over: Partial<PolicyInput> = {}) =>
    decideAlerts(
      input(asOf, [M90("missed")], { missedNotices: new Map([[pair, notice]]), calendar: TET_2023, ...over }),
    )
      .filter((i) => i.key.stage === "unacknowledged")
      .map((i) => `${i.outcome}:${i.key.recipient}:${i.route.kind}`);

  it("escalates to every admin once 3 working days passed without an acknowledgement", () => {
    const notice = { sentOn: "2023-01-03", acknowledged: false };
    expect(unack("2023-01-05", notice)).toEqual([]);
    expect(unack("2023-01-06", notice)).toEqual([
      "queued:admin1@example.org:escalation",
      "queued:admin2@example.org:escalation",
    ]);
    expect(unack("2023-01-06", { ...notice, acknowledged: true })).toEqual([]);
    const off = { policy: { ...DEFAULT_ALERT_POLICY, ackEscalateAfterWorkingDays: 0 } };
    expect(unack("2023-01-06", notice, off)).toEqual([]);
    // Stale as a missed notice would be, counted from its own day.
    expect(unack("2023-01-19", notice)).toEqual([
      "queued:admin1@example.org:escalation",
      "queued:admin2@example.org:escalation",
    ]);
    expect(unack("2023-01-27", notice).every((s) => s.startsWith("skipped:"))).toBe(true);
  });

  it("counts working days: a notice of 19/01/2023 is escalated after Tết, on 31/01", () => {
    const notice = { sentOn: "2023-01-19", acknowledged: false };
    expect(unack("2023-01-30", notice)).toEqual([]);
    expect(unack("2023-01-31", notice)).toHaveLength(2);
  });

  it("in a replay, escalates once; an acknowledgement in time prevents it", () => {
    const run = (ackOn: LocalDate | null) =>
      recordedAs(
        replayPolicy(
          days("2022-12-28", "2023-01-20"),
          (d) => [M90(d > "2022-12-31" ? "missed" : "on_track")],
          {
            calendar: TET_2023,
            acknowledgedOn: () => ackOn,
          },
        ),
        "M90",
        "unacknowledged",
      );
    expect(run(null)).toEqual([
      "queued:2023-01-06:admin1@example.org",
      "queued:2023-01-06:admin2@example.org",
    ]);
    expect(run("2023-01-05")).toEqual([]);
  });

  it("shows the acknowledgement in the snapshots", () => {
    const ack = { on: "2023-01-04", plannedAction: "Đẩy nhanh giải ngân", plannedOn: "2023-01-15" };
    const decided = decideAlerts(
      input("2023-01-09", [M90("missed")], { calendar: TET_2023, acknowledgements: new Map([[pair, ack]]) }),
    );
    const digest = decided.find((i) => i.route.kind === "digest");
    expect(digest?.snapshots[0]?.acknowledgement).toEqual(ack);
    const [other] = decideAlerts(input("2023-01-09", [REF("on_track")], { calendar: TET_2023 }));
    expect(other?.snapshots[0]?.acknowledgement).toBeNull();
  });
});

describe("the digest lists only what is still open (issue 14)", () => {
  const digest = (over: Partial<PolicyInput>) =>
    decideAlerts(
      input("2022-10-10", [evaluation("missed"), M90("at_risk")], {
        ...over,
      }),
    ).filter((i) => i.route.kind === "digest");

  it("leaves out a closed milestone's pairs, and the plan year once all its milestones closed", () => {
    expect(digest({})[0]?.snapshots.map((s) => s.milestoneId)).toEqual(["M60", "M90"]);
    expect(digest({ closed: new Set(["M60"]) })[0]?.snapshots.map((s) => s.milestoneId)).toEqual(["M90"]);
    expect(digest({ closed: new Set(["M60", "M90"]) })).toEqual([]);
  });
});

describe("policy schema", () => {
  it("defaults the new settings and keeps rejecting unknown ones", () => {
    expect(DEFAULT_ALERT_POLICY).toMatchObject({
      ackEscalateAfterWorkingDays: 3,
      rewarnAfterRecoveredDays: 14,
    });
    expect(alertPolicySchema.safeParse({ rewarnAfterRecoveredDays: 0 }).success).toBe(false);
    expect(alertPolicySchema.safeParse({ ackEscalateAfterWorkingDays: 0 }).success).toBe(true);
  });

  it("spreads the days helper evenly (sanity of the test harness)", () => {
    expect(days("2022-12-30", "2023-01-02")).toHaveLength(4);
    expect(daysBetween("2023-01-19", "2023-01-31")).toBe(12);
  });
});
