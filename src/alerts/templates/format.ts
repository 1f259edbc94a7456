// Vietnamese formatting shared by every template. Pure: no clock, no locale of the machine.
import { formatDeadline } from "../../domain/deadline.js";
import { daysBetween, formatLocalDate, type LocalDate } from "../../domain/local-date.js";
import type { MilestoneStatus } from "../../domain/milestone-status.js";
import { formatVnd } from "../../domain/money.js";
import type { Acknowledgement, AlertItem, AlertSnapshot, AlertStage } from "../alert.types.js";

export const SUBJECT_PREFIX = "[Giải ngân MTQG]";
export const SERVICE_NAME = "Hệ thống theo dõi giải ngân vốn các Chương trình mục tiêu quốc gia";

/** "2022-09-30" → "30/09/2022"; a RangeError for anything but a valid local date. */
export function formatDate(d: LocalDate): string {
  // uuuu, the proleptic year, writes 0000 as 0000 (yyyy, the year of an era, would write 0001).
  return formatLocalDate(d, "dd/MM/uuuu");
}

/** "1234567" → "1.234.567". */
function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ".");
}

/**
 * 59.99 → "59,99%", 1234.5 → "1.234,50%" (always 2 decimals, decimal comma); null → "—". The
 * domain already rounded the rate toward its verdict; its hundredths are read back as an integer
 * so that formatting never rounds it a second time.
 */
export function formatRate(rate: number | null): string {
  if (rate === null || !Number.isFinite(rate)) return "—";
  const hundredths = Math.round(Math.abs(rate) * 100);
  const sign = rate < 0 && hundredths > 0 ? "-" : "";
  const whole = groupThousands(String(Math.trunc(hundredths / 100)));
  return `${sign}${whole},${String(hundredths % 100).padStart(2, "0")}%`;
}

/** Thresholds as the plan writes them: 60 → "60%", 99.5 → "99,5%". */
export function formatThresholdPercent(threshold: number): string {
  const fixed = threshold.toFixed(2).replace(/\.?0+$/, "");
  return `${fixed.replace(".", ",")}%`;
}

/** "trên 60%" (strict) or "đạt ít nhất 100%". */
export function formatTarget(s: Pick<AlertSnapshot, "threshold" | "comparison">): string {
  const pct = formatThresholdPercent(s.threshold);
  return s.comparison === "gt" ? `trên ${pct}` : `đạt ít nhất ${pct}`;
}

export const formatMoney = formatVnd;

export function formatPace(perDay: bigint): string {
  return `${formatVnd(perDay)}/ngày`;
}

/**
 * "hạn đến hết ngày 30/09/2022", "hạn gửi trước ngày 10/11/2022": every template words an item's
 * deadline through the domain's one helper, so a unit reads the plan's own words everywhere.
 */
export function formatDue(s: Pick<AlertSnapshot, "dueOn" | "deadlineText">): string {
  return `hạn ${formatDeadline(s)}`;
}

/**
 * "còn 15 ngày (11 ngày làm việc)", "hôm nay là hạn cuối", "đã quá hạn 3 ngày": from the
 * snapshot's own asOf; the working days only where the snapshot has them.
 */
export function formatTimeLeft(
  s: Pick<AlertSnapshot, "asOf" | "dueOn" | "daysLeft"> & { workingDaysLeft?: number | undefined },
): string {
  const late = daysBetween(s.dueOn, s.asOf);
  if (late > 0) return `đã quá hạn ${late} ngày`;
  if (s.daysLeft <= 0) return "hôm nay là hạn cuối";
  const working = s.workingDaysLeft === undefined ? "" : ` (${s.workingDaysLeft} ngày làm việc)`;
  return `còn ${s.daysLeft} ngày${working}`;
}

/** 2 of `at_risk_2`, 1 of `at_risk`, or null for any other stage. */
export function warningNumber(stage: AlertStage): number | null {
  if (stage === "at_risk") return 1;
  const m = /^at_risk_(\d+)$/.exec(stage);
  return m ? Number(m[1]) : null;
}

/** "Chưa xác nhận thông báo không đạt mốc sau 3 ngày làm việc" (the days where the snapshot has them). */
export function unacknowledgedText(s: Pick<AlertSnapshot, "unacknowledgedAfterWorkingDays">): string {
  const n = s.unacknowledgedAfterWorkingDays;
  return `Chưa xác nhận thông báo không đạt mốc${n ? ` sau ${n} ngày làm việc` : ""}`;
}

/**
 * A unit head's answer as admins read it: "đã xác nhận ngày 05/10/2022; kế hoạch: …; dự kiến
 * hoàn thành 15/10/2022", "chưa xác nhận", or "—" where the snapshot does not say.
 */
export function formatAcknowledgement(a: Acknowledgement | null | undefined): string {
  if (a === undefined) return "—";
  if (a === null) return "chưa xác nhận";
  const parts = [`đã xác nhận ngày ${formatDate(a.on)}`];
  // Quoted: the unit head's own words, which may end in their own full stop. On one line: their
  // line breaks would otherwise start lines of the text e-mail that look like the service's own.
  const action = a.plannedAction?.replace(/\s+/g, " ").trim();
  if (action) parts.push(`kế hoạch: “${action}”`);
  if (a.plannedOn) parts.push(`dự kiến hoàn thành ${formatDate(a.plannedOn)}`);
  return parts.join("; ");
}

/** N of `reminder_N`, or null for any other stage. */
export function reminderDays(stage: AlertStage): number | null {
  const m = /^reminder_(\d+)$/.exec(stage);
  return m ? Number(m[1]) : null;
}

export function stageLabel(stage: AlertStage): string {
  const days = reminderDays(stage);
  if (days !== null) return `Nhắc hạn (trước ${days} ngày)`;
  const warning = warningNumber(stage);
  if (warning !== null && warning > 1) return `Cảnh báo nguy cơ không đạt mốc (lần ${warning})`;
  switch (stage) {
    case "at_risk":
      return "Cảnh báo nguy cơ không đạt mốc";
    case "missed":
      return "Thông báo không đạt mốc";
    case "recovered":
      return "Đã đạt mốc sau cảnh báo";
    case "escalation":
      return "Báo cáo đơn vị không đạt mốc";
    case "unacknowledged":
      return "Đơn vị chưa xác nhận thông báo không đạt mốc";
    case "digest":
      return "Tổng hợp hằng tuần";
    default:
      return stage;
  }
}

export const STATUS_LABELS: Record<MilestoneStatus, string> = {
  not_applicable: "Không áp dụng",
  met: "Đã đạt",
  on_track: "Đúng tiến độ",
  at_risk: "Có nguy cơ không đạt",
  missed: "Không đạt",
};

export function statusLabel(status: MilestoneStatus): string {
  return STATUS_LABELS[status];
}

/**
 * Urgency, lower first: missed (and escalation) > at_risk > reminders (fewest days first) >
 * recovered > digest. The subject names the most urgent stage of a message.
 */
export function stageRank(stage: AlertStage): number {
  const days = reminderDays(stage);
  if (days !== null) return 2 + Math.min(days, 9_999) / 10_000;
  if (warningNumber(stage) !== null) return 1;
  switch (stage) {
    case "missed":
    case "escalation":
    case "unacknowledged":
      return 0;
    case "at_risk":
      return 1;
    case "recovered":
      return 4;
    default:
      return 5;
  }
}

const collator = new Intl.Collator("vi", { sensitivity: "base", numeric: true });

/** A count as Vietnamese writes it: 101.428. */
export const formatCount = (n: number) => n.toLocaleString("vi-VN");

export function compareText(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** Most urgent first, then earlier due date, then program, then milestone id. */
export function compareItems(a: AlertItem, b: AlertItem): number {
  return (
    stageRank(a.stage) - stageRank(b.stage) ||
    compareText(a.snapshot.dueOn, b.snapshot.dueOn) ||
    compareText(a.snapshot.programName, b.snapshot.programName) ||
    compareText(a.snapshot.milestoneId, b.snapshot.milestoneId) ||
    compareText(a.snapshot.unitName, b.snapshot.unitName)
  );
}

/** Larger shortfall first; ties by unit name, then milestone. */
export function compareByShortfallDesc(a: AlertItem, b: AlertItem): number {
  const sa = a.snapshot.shortfall;
  const sb = b.snapshot.shortfall;
  if (sa !== sb) return sa > sb ? -1 : 1;
  return (
    compareText(a.snapshot.unitName, b.snapshot.unitName) ||
    compareText(a.snapshot.dueOn, b.snapshot.dueOn) ||
    compareText(a.snapshot.milestoneId, b.snapshot.milestoneId)
  );
}

/** Groups in order of first appearance. */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): Array<[string, T[]]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return [...groups];
}

export function earliestDue(items: readonly AlertItem[]): LocalDate | null {
  let best: LocalDate | null = null;
  for (const { snapshot } of items) if (best === null || snapshot.dueOn < best) best = snapshot.dueOn;
  return best;
}

export function sumShortfall(items: readonly AlertItem[]): bigint {
  return items.reduce((acc, i) => acc + i.snapshot.shortfall, 0n);
}

/** The closing line of every message: sent automatically, and the date of the figures. */
export function footerText(asOf: LocalDate): string {
  return `Thư này được gửi tự động bởi ${SERVICE_NAME} (disbursement-monitor). Số liệu tính đến hết ngày ${formatDate(asOf)}.`;
}

/** Admins are the steering committee's standing agency. */
export const ADMIN_GREETING = "Kính gửi Thường trực Ban Chỉ đạo các Chương trình mục tiêu quốc gia,";

/** A duty's item (a document the unit owes), not a money milestone's. */
export const isDuty = (i: AlertItem): boolean => i.snapshot.milestoneKind === "duty";

/** "chưa nộp" or "đã nộp": a duty is about whether the document was sent. */
export function dutyStatusText(s: Pick<AlertSnapshot, "status">): string {
  return s.status === "met" ? "đã nộp" : "chưa nộp";
}

/** "còn 3 ngày làm việc", "hôm nay là hạn cuối", "đã quá hạn 2 ngày": duties count working days. */
export function dutyTimeLeft(s: Pick<AlertSnapshot, "asOf" | "dueOn" | "workingDaysLeft">): string {
  const late = daysBetween(s.dueOn, s.asOf);
  if (late > 0) return `đã quá hạn ${late} ngày`;
  if (late === 0) return "hôm nay là hạn cuối";
  return `còn ${s.workingDaysLeft ?? 0} ngày làm việc`;
}

/** "Báo cáo kết quả thực hiện 6 tháng: chưa nộp, hạn 20/06/2022 (còn 3 ngày làm việc)". */
export function formatDutyLine(
  s: Pick<AlertSnapshot, "asOf" | "dueOn" | "workingDaysLeft" | "status" | "document" | "milestoneTitle">,
): string {
  return `${s.document ?? s.milestoneTitle}: ${dutyStatusText(s)}, hạn ${formatDate(s.dueOn)} (${dutyTimeLeft(s)})`;
}
