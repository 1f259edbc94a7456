// Issue 15 through the real service and database: the built-in 2022 plan's 6-monthly report
// (BC_6_THANG, due Monday 20/06/2022) in the alert policy, replayed day by day from 20/05 to
// 22/06 as the 07:00 schedule would run it. One unit sends nothing: reminders on their working
// days, then the missed notice and the escalation on Tuesday 21/06. The other sends the report
// on 16/06: nothing more after that. A Treasury statement imported on 01/06 that differs from the
// ledger by 1 đồng is in the admins' digest once it is 7 days old (Wednesday 08/06: that week's
// digest, with nothing else to list, goes out that day), and in the next (13/06).
// The clock is the only fake.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays, type LocalDate } from "../src/domain/local-date.js";
import { DEFAULT_PLAN_2022 } from "../src/domain/plan.js";
import { createUnit, postAllocation, postDisbursement } from "./factories.js";
import { ADMIN_KEY, createTestApp, fixedClock, type TestApp } from "./helpers/test-app.js";

const ADMINS = ["thuongtruc@bcd-mtqg.example.org"];
const FIRST_DAY = "2022-05-20";
const LAST_DAY = "2022-06-22";
const SILENT = "DUTY_SILENT";
const ON_TIME = "DUTY_ONTIME";
const at0700 = (d: LocalDate) => `${d}T00:00:00Z`; // 07:00 in Asia/Ho_Chi_Minh
const atNoon = (d: LocalDate) => `${d}T05:00:00Z`;

type Row = {
  milestoneId: string;
  unitCode: string;
  program: string;
  stage: string;
  recipient: string;
  outcome: string;
  asOf: LocalDate;
  messageId: bigint | null;
};

let t: TestApp;
const clock = fixedClock(atNoon(FIRST_DAY));
let rows: Row[];
let heads: Record<string, string>;

function days(from: LocalDate, to: LocalDate): LocalDate[] {
  const out: LocalDate[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

/** A statement of the Treasury (CSV), imported over HTTP as an admin would. */
async function importStatement(csv: string, asOf: LocalDate, documentRef: string) {
  const res = await t.app.inject({
    method: "POST",
    url: `/api/v1/treasury/statements?asOf=${asOf}&documentRef=${encodeURIComponent(documentRef)}`,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "text/csv" },
    payload: Buffer.from(csv, "utf8"),
  });
  expect(res.statusCode, res.body).toBe(201);
}

/** The text of the digest message the admin got for the week of `weekOf`, or null when none went out. */
async function digestText(weekOf: LocalDate): Promise<string | null> {
  const row = rows.find((r) => r.milestoneId === "DIGEST" && r.stage === `digest:${weekOf}`);
  if (!row?.messageId) return null;
  return (await t.db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: row.messageId } })).text;
}

const dutyRows = (unitCode: string) =>
  rows.filter((r) => r.milestoneId === "BC_6_THANG" && r.unitCode === unitCode);
const queuedOn = (rs: Row[]) => rs.filter((r) => r.outcome === "queued").map((r) => `${r.stage} ${r.asOf}`);

beforeAll(async () => {
  t = await createTestApp({ clock, adminEmails: ADMINS, kickSender: () => {} });
  const silent = await createUnit(t, { code: SILENT });
  const onTime = await createUnit(t, { code: ON_TIME });
  heads = { [SILENT]: silent.headEmail.toLowerCase(), [ON_TIME]: onTime.headEmail.toLowerCase() };
  await postAllocation(t, {
    unitCode: SILENT,
    source: "provincial",
    capitalType: "recurrent",
    amount: 20_000_000,
  });
  for (const day of days(FIRST_DAY, LAST_DAY)) {
    clock.set(at0700(day));
    const r = await t.container.alerts.runEvaluation({ asOf: day, dryRun: false, trigger: "schedule" });
    expect(r.ran).toBe(true);
    clock.set(atNoon(day));
    if (day === "2022-06-01") {
      // The ledger holds 20,000,000 disbursed by 31/05; the Treasury says 1 đồng more.
      await postDisbursement(t, {
        unitCode: SILENT,
        source: "provincial",
        capitalType: "recurrent",
        amount: 20_000_000,
        disbursedOn: "2022-05-31",
      });
      await importStatement(
        [
          "Mã đơn vị,Mã chương trình,Năm kế hoạch,Nguồn vốn,Loại vốn,Lũy kế giải ngân",
          `${SILENT},NTM,2022,Ngân sách tỉnh,Vốn sự nghiệp,20.000.001`,
        ].join("\r\n"),
        "2022-05-31",
        "KBNN-QNa 31/5/2022",
      );
    }
    if (day === "2022-06-16") {
      const sent = await t.request("POST", "/api/v1/duties/2022/BC_6_THANG/submissions", {
        body: { unit: ON_TIME, documentNumber: `12/BC-${ON_TIME}`, submittedOn: day },
      });
      expect(sent.status, JSON.stringify(sent.body)).toBe(201);
    }
  }
  rows = (await t.db.prisma.alertRecord.findMany({ orderBy: { id: "asc" } })).map((r) => ({
    ...r,
    asOf: r.asOf.toISOString().slice(0, 10),
  }));
}, 300_000);

afterAll(async () => {
  await t?.close();
});

describe("a duty not met", () => {
  it("reminds the head on each reminder's working day, under the duty's id and program *", () => {
    const reminders = dutyRows(SILENT).filter((r) => r.stage.startsWith("reminder_"));
    // 30 days before is Saturday 21/05: Friday 20/05; 1 day before is Sunday 19/06: Friday 17/06.
    expect(queuedOn(reminders)).toEqual([
      "reminder_30 2022-05-20",
      "reminder_14 2022-06-06",
      "reminder_7 2022-06-13",
      "reminder_1 2022-06-17",
    ]);
    expect(reminders.every((r) => r.program === "*" && r.recipient === heads[SILENT])).toBe(true);
    expect(reminders.every((r) => r.messageId !== null)).toBe(true);
  });

  it("sends the missed notice to the head and the escalation to the admins the working day after", () => {
    const after = dutyRows(SILENT).filter((r) => !r.stage.startsWith("reminder_"));
    expect(after.map((r) => `${r.stage} ${r.outcome} ${r.asOf} ${r.recipient}`).sort()).toEqual(
      [`missed queued 2022-06-21 ${heads[SILENT]}`, `escalation queued 2022-06-21 ${ADMINS[0]}`].sort(),
    );
  });

  it("writes the document, its due date and the days left into the head's e-mail, in Vietnamese", async () => {
    const reminder = dutyRows(SILENT).find((r) => r.stage === "reminder_7")!;
    const mail = await t.db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: reminder.messageId! } });
    const document = DEFAULT_PLAN_2022.duties!.find((d) => d.id === "BC_6_THANG")!.document;
    expect(mail.text).toContain(`${document}: chưa nộp, hạn 20/06/2022 (còn 5 ngày làm việc)`);
    const missed = dutyRows(SILENT).find((r) => r.stage === "escalation")!;
    const escalation = await t.db.prisma.outboxMessage.findUniqueOrThrow({
      where: { id: missed.messageId! },
    });
    expect(escalation.subject).toContain("Báo cáo chưa nộp văn bản đúng hạn (hạn đến hết ngày 20/06/2022)");
    expect(escalation.text).toContain("chưa nộp, hạn 20/06/2022 (đã quá hạn 1 ngày)");
  });
});

describe("a duty met on time", () => {
  it("gets the reminders before the submission, and nothing after it", () => {
    expect(queuedOn(dutyRows(ON_TIME))).toEqual([
      "reminder_30 2022-05-20",
      "reminder_14 2022-06-06",
      "reminder_7 2022-06-13",
    ]);
    expect(dutyRows(ON_TIME).filter((r) => r.asOf >= "2022-06-17")).toEqual([]);
  });
});

describe("the admins' digest", () => {
  it("lists the duties at risk, and the Treasury's 1 đồng once its statement is 7 days old", async () => {
    const week13 = await digestText("2022-06-13");
    expect(week13).toContain("Văn bản phải nộp");
    expect(week13).toContain("Chênh lệch với số liệu Kho bạc chưa được xử lý");
    expect(week13).toContain(
      "Kho bạc 20.000.001 đ; đơn vị báo cáo 20.000.000 đ; chênh lệch 1 đ; sao kê KBNN-QNa 31/5/2022, số liệu đến ngày 31/05/2022 (nhập 12 ngày trước).",
    );
    // Five days after the import: not yet.
    // The week before: nothing to list on Monday 06/06 or Tuesday 07/06; the statement is 7 days
    // old on Wednesday 08/06, and the week's digest goes out that day, with the difference alone.
    const week06 = rows.filter((r) => r.milestoneId === "DIGEST" && r.stage === "digest:2022-06-06");
    expect(week06.map((r) => `${r.outcome} ${r.asOf}`)).toEqual(["queued 2022-06-08"]);
    expect(await digestText("2022-06-06")).toContain(
      "chênh lệch 1 đ; sao kê KBNN-QNa 31/5/2022, số liệu đến ngày 31/05/2022 (nhập 7 ngày trước).",
    );
    // The week of the due date: only the unit that has not sent it.
    const week20 = (await digestText("2022-06-20")) ?? "";
    expect(week20).toContain(`UBND huyện ${SILENT}: Báo cáo kết quả thực hiện 6 tháng`);
    expect(week20).not.toContain(`UBND huyện ${ON_TIME}`);
  });

  it("queued nothing on a weekend", () => {
    const weekend = (d: LocalDate) => [0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay());
    expect(rows.filter((r) => r.outcome === "queued" && weekend(r.asOf))).toEqual([]);
  });
});
