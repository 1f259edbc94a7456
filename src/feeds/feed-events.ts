// What a feed's events say, in Vietnamese: one event per milestone and due date, for a unit (its
// programs' statuses and shortfalls) or for the province (counts, total shortfall, units at risk).
// Pure: judged rows in, events out; statuses are worded by the alert templates' own helpers.
import {
  formatDate,
  formatRate,
  formatTarget,
  formatTimeLeft,
  statusLabel,
} from "../alerts/templates/format.js";
import { formatDeadline } from "../domain/deadline.js";
import { daysBetween, type LocalDate } from "../domain/local-date.js";
import { isWorse, type MilestoneStatus } from "../domain/milestone-status.js";
import { formatVnd } from "../domain/money.js";
import type { Milestone } from "../domain/plan.js";
import type { JudgedRow } from "../domain/recorded-verdicts.js";
import type { StatusCounts } from "../domain/summary.js";
import type { FeedEvent } from "./ical.js";

export type FeedPlan = { year: number; version: number; milestones: readonly Milestone[] };

export type UnitRow = Pick<
  JudgedRow,
  | "id"
  | "program"
  | "status"
  | "rate"
  | "threshold"
  | "comparison"
  | "shortfall"
  | "kind"
  | "requestSentOn"
  | "closed"
  | "recordedStatus"
>;

export type AtRiskRow = Pick<JudgedRow, "id" | "unitCode" | "program" | "status" | "shortfall"> & {
  unitName: string;
};

export type MilestoneCounts = { id: string; unitCounts: StatusCounts };

const DOMAIN = "disbursement-monitor";
/** Units named in a province event; the rest are counted. */
export const PROVINCE_UNITS_LISTED = 20;

/** `<year>-<milestone>-<unit>@…`; the province's is lower-case, which no unit code can be. */
export const eventUid = (year: number, milestoneId: string, unitCode: string | null) =>
  `${year}-${milestoneId}-${unitCode ?? "province"}@${DOMAIN}`;

const dueLine = (m: Milestone, asOf: LocalDate) =>
  `Hạn: ${formatDeadline(m)} (${formatTimeLeft({ asOf, dueOn: m.dueOn, daysLeft: daysBetween(asOf, m.dueOn) })})`;

const asOfLine = (asOf: LocalDate) => `Số liệu tính đến hết ngày ${formatDate(asOf)}.`;

/** The worst status among rows that apply; null when none does. */
function worstOf(statuses: readonly MilestoneStatus[]): MilestoneStatus | null {
  let worst: MilestoneStatus | null = null;
  for (const s of statuses) if (s !== "not_applicable" && (worst === null || isWorse(s, worst))) worst = s;
  return worst;
}

function programLines(r: UnitRow, programName: string | undefined, asOf: LocalDate): string[] {
  const lines = [`Chương trình ${programName ? `${programName} (${r.program})` : r.program}:`];
  lines.push(`- Tình trạng: ${statusLabel(r.status)}`);
  if (r.closed && r.recordedStatus) lines.push(`- Kết quả đã chốt: ${statusLabel(r.recordedStatus)}`);
  if (r.status === "not_applicable") return lines;
  if (r.kind === "request") {
    if (r.requestSentOn) lines.push(`- Đã gửi văn bản đề xuất ngày ${formatDate(r.requestSentOn)}`);
    else if (r.status !== "met") lines.push(`- Chưa gửi văn bản đề xuất (tính đến ${formatDate(asOf)})`);
  } else {
    const what = r.kind === "refund" ? "Tỷ lệ hoàn trả" : "Tỷ lệ giải ngân";
    lines.push(`- ${what}: ${formatRate(r.rate)} (yêu cầu ${formatTarget(r)})`);
  }
  if (r.shortfall > 0n) {
    const what =
      r.kind === "refund"
        ? "Số còn phải hoàn trả"
        : r.kind === "request"
          ? "Số còn thiếu của mốc giải ngân liên quan"
          : "Số còn thiếu để đạt mốc";
    lines.push(`- ${what}: ${formatVnd(r.shortfall)}`);
  }
  return lines;
}

/**
 * A unit's events: one per milestone of the plan that concerns it (some program's row applies),
 * its programs listed in the description.
 */
export function unitFeedEvents(input: {
  unit: { code: string; name: string };
  plan: FeedPlan;
  rows: readonly UnitRow[];
  programNames: ReadonlyMap<string, string>;
  asOf: LocalDate;
}): FeedEvent[] {
  const { unit, plan, asOf } = input;
  const events: FeedEvent[] = [];
  for (const m of plan.milestones) {
    const rows = input.rows.filter((r) => r.id === m.id);
    const worst = worstOf(rows.map((r) => r.status));
    if (worst === null) continue;
    const description = [
      m.title,
      dueLine(m, asOf),
      `Tình trạng chung: ${statusLabel(worst)}`,
      ...rows.flatMap((r) => ["", ...programLines(r, input.programNames.get(r.program), asOf)]),
      "",
      asOfLine(asOf),
    ];
    events.push({
      uid: eventUid(plan.year, m.id, unit.code),
      dueOn: m.dueOn,
      summary: `${m.title} — ${unit.name}: ${statusLabel(worst)}`,
      description: description.join("\n"),
      sequence: plan.version,
    });
  }
  return events;
}

const COUNTED: readonly MilestoneStatus[] = ["met", "on_track", "at_risk", "missed"];

/** Each unit once, with the sum of its programs' shortfalls and its worst status; largest first. */
function unitsAtRisk(rows: readonly AtRiskRow[]) {
  const byUnit = new Map<
    string,
    { code: string; name: string; shortfall: bigint; status: MilestoneStatus }
  >();
  for (const r of rows) {
    const u = byUnit.get(r.unitCode);
    if (!u)
      byUnit.set(r.unitCode, {
        code: r.unitCode,
        name: r.unitName,
        shortfall: r.shortfall,
        status: r.status,
      });
    else {
      u.shortfall += r.shortfall;
      if (isWorse(r.status, u.status)) u.status = r.status;
    }
  }
  return [...byUnit.values()].sort(
    (a, b) =>
      (a.shortfall < b.shortfall ? 1 : a.shortfall > b.shortfall ? -1 : 0) || (a.code < b.code ? -1 : 1),
  );
}

/**
 * The province's events: per milestone, units by their worst status, the shortfall of the
 * (unit, program) pairs at risk or missed, and the units with the largest of it.
 */
export function provinceFeedEvents(input: {
  plan: FeedPlan;
  counts: readonly MilestoneCounts[];
  atRisk: readonly AtRiskRow[];
  asOf: LocalDate;
  listed?: number;
}): FeedEvent[] {
  const { plan, asOf } = input;
  const listed = input.listed ?? PROVINCE_UNITS_LISTED;
  return plan.milestones.map((m) => {
    const counts = input.counts.find((c) => c.id === m.id)?.unitCounts;
    const rows = input.atRisk.filter((r) => r.id === m.id);
    const shortfall = rows.reduce((sum, r) => sum + r.shortfall, 0n);
    const units = unitsAtRisk(rows);
    const lines = [m.title, dueLine(m, asOf)];
    if (counts)
      lines.push(
        `Số đơn vị theo tình trạng (xấu nhất trong các chương trình): ${COUNTED.map((s) => `${statusLabel(s)}: ${counts[s]}`).join("; ")}`,
      );
    lines.push(`Tổng số còn thiếu của các đơn vị có nguy cơ hoặc không đạt: ${formatVnd(shortfall)}`);
    if (units.length > 0) {
      lines.push("", "Đơn vị có nguy cơ hoặc không đạt (số còn thiếu lớn nhất trước):");
      for (const [i, u] of units.slice(0, listed).entries())
        lines.push(
          `${i + 1}. ${u.name} (${u.code}): ${statusLabel(u.status)}, còn thiếu ${formatVnd(u.shortfall)}`,
        );
      if (units.length > listed) lines.push(`và ${units.length - listed} đơn vị khác.`);
    }
    lines.push("", asOfLine(asOf));
    const flagged = (counts?.at_risk ?? 0) + (counts?.missed ?? 0);
    return {
      uid: eventUid(plan.year, m.id, null),
      dueOn: m.dueOn,
      summary: `${m.title} — toàn tỉnh: ${flagged} đơn vị có nguy cơ hoặc không đạt`,
      description: lines.join("\n"),
      sequence: plan.version,
    };
  });
}

/**
 * The plans a feed shows on `today`: this year's, and last year's until its last deadline has
 * passed (the 2022 plan's refunds are due on 31/01/2023).
 */
export function plansInFeed<P extends FeedPlan>(plans: readonly P[], today: LocalDate): P[] {
  const year = Number(today.slice(0, 4));
  return plans
    .filter((p) => p.year === year || (p.year === year - 1 && p.milestones.some((m) => m.dueOn >= today)))
    .sort((a, b) => a.year - b.year);
}
