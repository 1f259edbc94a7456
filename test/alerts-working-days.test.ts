// Issue 14 through the real service and database: Tết 2023 entered as data (20–26/01 off, and
// Monday 02/01 as the observed New Year day), the demo province replayed day by day from
// 26/12/2022 to 02/02/2023 as the 07:00 schedule would run it. Reminders due on a day off go out
// the working day before, missed notices the working day after; a missed notice no one
// acknowledged within 3 working days is escalated to the admins again, once (one head answers
// through the link in their e-mail); the pair watch is written by real runs only. The clock is
// the only fake.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_NOW, generateDemoProvince, loadDemoProvince } from "../scripts/demo-data.js";
import { addDays, type LocalDate, localDateToUtcDate } from "../src/domain/local-date.js";
import { DEFAULT_PLAN_2022 } from "../src/domain/plan.js";
import { type WorkingCalendar, workingCalendar } from "../src/domain/working-days.js";
import { createTestApp, fixedClock, type TestApp } from "./helpers/test-app.js";

const ADMINS = ["thuongtruc@bcd-mtqg.example.org", "kehoach@bcd-mtqg.example.org"];
const FIRST_DAY = "2022-12-26";
const LAST_DAY = "2023-02-02";

function days(from: LocalDate, to: LocalDate): LocalDate[] {
  const out: LocalDate[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

const TET_2023: WorkingCalendar = workingCalendar({
  holidays: [{ date: "2023-01-01", name: "Tết Dương lịch" }],
  daysOff: [
    { date: "2023-01-02", name: "Nghỉ bù Tết Dương lịch" },
    ...days("2023-01-20", "2023-01-26").map((date) => ({ date, name: "Tết Nguyên Đán" })),
  ],
  workingDays: [],
});
/** Days of the replay on which nothing may go out: weekends, New Year, Tết. */
const OFF = days(FIRST_DAY, LAST_DAY).filter((d) => !TET_2023.isWorkingDay(d));

let t: TestApp;
let clock: ReturnType<typeof fixedClock>;
type Row = {
  milestoneId: string;
  unitCode: string;
  program: string;
  stage: string;
  recipient: string;
  outcome: string;
  asOf: LocalDate;
  messageId: bigint | null;
  snapshot: unknown;
};
let rows: Row[];
/** The unit head who acknowledged their missed notice on 04/01, and the pairs that message carried. */
let acknowledged: { recipient: string; pairs: string[] };

const readRows = async (): Promise<Row[]> =>
  (await t.db.prisma.alertRecord.findMany({ orderBy: { id: "asc" } })).map((r) => ({
    ...r,
    asOf: r.asOf.toISOString().slice(0, 10),
  }));
/**
 * The money milestones' rows: the 2022 plan's duties (BC_NAM missed on 20/12) have their own
 * notices and escalations from 26/12 on (test/alerts-duties.test.ts); the acknowledgement and
 * unacknowledged checks below are about the M90 and C100 notices of 03/01.
 */
const DUTY_IDS = new Set((DEFAULT_PLAN_2022.duties ?? []).map((d) => d.id));
const isMilestone = (r: Pick<Row, "milestoneId">) => !DUTY_IDS.has(r.milestoneId);
const pairOf = (r: Pick<Row, "milestoneId" | "unitCode" | "program">) =>
  `${r.milestoneId}|${r.unitCode}|${r.program}`;

async function runOn(day: LocalDate) {
  clock.set(`${day}T00:00:00Z`); // 07:00 in Asia/Ho_Chi_Minh
  const r = await t.container.alerts.runEvaluation({ asOf: day, dryRun: false, trigger: "schedule" });
  expect(r.ran).toBe(true);
  return r;
}

beforeAll(async () => {
  clock = fixedClock(DEMO_NOW);
  t = await createTestApp({ clock, adminEmails: ADMINS, kickSender: () => {} });
  expect((await loadDemoProvince(t.container, generateDemoProvince(), { maxBatchSize: 1000 })).status).toBe(
    "loaded",
  );
  // The days off entered as an admin would, before the season: through the API, into the
  // calendar the service keeps (the law's 01/01 and Tết days come from the holidays library).
  clock.set("2022-12-20T03:00:00Z");
  const entered = await t.request("PUT", "/api/v1/calendar/2023", {
    body: {
      daysOff: [
        { date: "2023-01-02", name: "Nghỉ bù Tết Dương lịch" },
        ...days("2023-01-20", "2023-01-26").map((date) => ({ date, name: "Nghỉ Tết Nguyên Đán" })),
      ],
      workingDays: [],
      sourceDocument: "Thông báo nghỉ Tết Dương lịch và Tết Nguyên Đán 2023 (dữ liệu thử)",
    },
  });
  expect(entered.status, JSON.stringify(entered.body)).toBe(200);
  for (const day of days(FIRST_DAY, LAST_DAY)) {
    await runOn(day);
    if (day === "2023-01-04") {
      // One unit head answers the link of the message that carried their missed notice.
      const notice = (await readRows()).find(
        (r) => isMilestone(r) && r.stage === "missed" && r.outcome === "queued",
      )!;
      const mail = await t.db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: notice.messageId! } });
      const link = /\/ack\/[A-Za-z0-9_-]+/.exec(mail.text)?.[0];
      expect(link).toBeDefined();
      const ack = await t.request("POST", link!, {
        body: { plannedAction: "Đẩy nhanh thanh toán khối lượng hoàn thành", plannedOn: "2023-01-15" },
      });
      expect(ack.status, JSON.stringify(ack.body)).toBe(201);
      const carried = (await readRows()).filter((r) => r.messageId === notice.messageId);
      acknowledged = { recipient: notice.recipient, pairs: [...new Set(carried.map(pairOf))] };
    }
  }
  rows = await readRows();
}, 300_000);

afterAll(async () => {
  await t?.close();
});

describe("alerts on working days, Tết 2023 entered as data", () => {
  it("sends the T-7 refund reminder (due 31/01, T-7 on 24/01 in Tết) on Thursday 19/01", () => {
    const t7 = rows.filter((r) => r.milestoneId === "REF" && r.stage === "reminder_7");
    expect(t7.length).toBeGreaterThan(0);
    expect(new Set(t7.map((r) => `${r.outcome} ${r.asOf}`))).toEqual(new Set(["queued 2023-01-19"]));
  });

  it("sends the M90 missed notices (due Saturday 31/12) on Tuesday 03/01, with their escalations", () => {
    const missed = rows.filter(
      (r) => r.milestoneId === "M90" && (r.stage === "missed" || r.stage === "escalation"),
    );
    expect(missed.length).toBeGreaterThan(0);
    expect(new Set(missed.map((r) => `${r.outcome} ${r.asOf}`))).toEqual(new Set(["queued 2023-01-03"]));
  });

  it("queues nothing on a weekend, on New Year's days off or during Tết", () => {
    expect(OFF).toEqual(expect.arrayContaining(["2023-01-01", "2023-01-02", "2023-01-20", "2023-01-26"]));
    expect(rows.filter((r) => r.outcome === "queued" && OFF.includes(r.asOf))).toEqual([]);
    // The digest of the week of Tết goes out on its first working day, Friday 27/01.
    const digests = rows.filter((r) => r.milestoneId === "DIGEST" && r.stage === "digest:2023-01-23");
    expect(new Set(digests.map((r) => r.asOf))).toEqual(new Set(["2023-01-27"]));
    expect(new Set(rows.filter((r) => r.stage === "digest:2023-01-02").map((r) => r.asOf))).toEqual(
      new Set(["2023-01-03"]),
    );
  });

  it("escalates the missed notices not acknowledged within 3 working days to every admin, once", () => {
    const missed = rows.filter(
      (r) => isMilestone(r) && r.stage === "missed" && r.outcome === "queued" && r.asOf === "2023-01-03",
    );
    const unack = rows.filter((r) => isMilestone(r) && r.stage === "unacknowledged");
    expect(unack.every((r) => r.outcome === "queued" && r.asOf === "2023-01-06")).toBe(true);
    expect(unack.every((r) => ADMINS.includes(r.recipient))).toBe(true);
    const expected = missed.map(pairOf).filter((p) => !acknowledged.pairs.includes(p));
    expect(expected.length).toBeGreaterThan(0);
    expect(unack.map(pairOf).sort()).toEqual(expected.flatMap((p) => ADMINS.map(() => p)).sort());
    // They ride in the admins' messages, not the unit heads'.
    expect(unack.every((r) => r.messageId !== null)).toBe(true);
  });

  it("counts an acknowledgement only from its day: a run for an earlier day does not see it", async () => {
    const pair = rows
      .filter((r) => r.stage === "missed" && r.outcome === "queued" && r.asOf === "2023-01-03")
      .map(pairOf)
      .find((p) => acknowledged.pairs.includes(p))!;
    expect(pair).toBeDefined();
    const ledger = t.container.alertLedger;
    // Acknowledged on 04/01: as known on 03/01 the notice was unanswered, and had no plan to show.
    expect((await ledger.missedNotices(2022, "2023-01-03")).get(pair)?.acknowledged).toBe(false);
    expect((await ledger.acknowledgementsOf(2022, "2023-01-03")).has(pair)).toBe(false);
    expect((await ledger.missedNotices(2022, "2023-01-04")).get(pair)?.acknowledged).toBe(true);
    expect((await ledger.acknowledgementsOf(2022, "2023-01-04")).get(pair)?.on).toBe("2023-01-04");
    // Nor a notice sent later: as known on 02/01 this one had not gone out.
    expect((await ledger.missedNotices(2022, "2023-01-02")).has(pair)).toBe(false);
  });

  it("shows the acknowledgement in the next digest", () => {
    const digest = rows.find((r) => r.stage === "digest:2023-01-09")!;
    const snapshots = digest.snapshot as {
      milestoneId: string;
      unitCode: string;
      program: string;
      acknowledgement: unknown;
    }[];
    const acked = snapshots.filter((s) => acknowledged.pairs.includes(pairOf(s)));
    expect(acked.length).toBeGreaterThan(0);
    for (const s of acked)
      expect(s.acknowledgement).toEqual({
        on: "2023-01-04",
        plannedAction: "Đẩy nhanh thanh toán khối lượng hoàn thành",
        plannedOn: "2023-01-15",
      });
    expect(
      snapshots
        .filter((s) => !acknowledged.pairs.includes(pairOf(s)))
        .every((s) => s.acknowledgement === null),
    ).toBe(true);
  });

  it("runs again any day of the replay without a new alert, message or watch change", async () => {
    const before = {
      alerts: await t.db.prisma.alertRecord.count(),
      messages: await t.db.prisma.outboxMessage.count(),
      watch: await t.db.prisma.alertPairWatch.findMany({
        orderBy: [{ milestoneId: "asc" }, { unitCode: "asc" }, { program: "asc" }],
      }),
    };
    for (const day of ["2023-01-01", "2023-01-03", "2023-01-06", "2023-01-19", "2023-01-27", LAST_DAY]) {
      const r = await runOn(day);
      expect(r, day).toMatchObject({ queued: 0, skipped: 0, messages: [] });
    }
    expect(await t.db.prisma.alertRecord.count()).toBe(before.alerts);
    expect(await t.db.prisma.outboxMessage.count()).toBe(before.messages);
    expect(
      await t.db.prisma.alertPairWatch.findMany({
        orderBy: [{ milestoneId: "asc" }, { unitCode: "asc" }, { program: "asc" }],
      }),
    ).toEqual(before.watch);
  });

  it("previews and dry-runs write nothing, the pair watch included", async () => {
    const watch = await t.db.prisma.alertPairWatch.count();
    expect(watch).toBeGreaterThan(0); // warned pairs are watched
    await t.container.alerts.runEvaluation({ asOf: "2023-02-03", dryRun: true, trigger: "api" });
    await t.container.alerts.preview("2023-02-03");
    expect(await t.db.prisma.alertPairWatch.count()).toBe(watch);
    expect(
      await t.db.prisma.alertPairWatch.count({ where: { updatedOn: { gt: localDateToUtcDate(LAST_DAY) } } }),
    ).toBe(0);
  });
});
