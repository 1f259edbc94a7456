// The message to an admin: the units that missed a milestone, to escalate, and those whose head
// has not acknowledged the missed notice within the policy's working days.
import type { AlertItem, EscalationMessage, RenderedMessage } from "../alert.types.js";
import {
  ADMIN_GREETING,
  compareByShortfallDesc,
  compareText,
  earliestDue,
  footerText,
  formatAcknowledgement,
  formatCount,
  formatDate,
  formatDue,
  formatDutyLine,
  formatMoney,
  formatRate,
  formatTarget,
  groupBy,
  isDuty,
  SERVICE_NAME,
  SUBJECT_PREFIX,
  sumShortfall,
  unacknowledgedText,
} from "./format.js";
import { dataTable, heading, htmlDocument, paragraph } from "./html.js";

/** The units among the items, as the message writes the count (30.000). */
function unitCount(items: readonly AlertItem[]): string {
  return formatCount(new Set(items.map((i) => i.snapshot.unitCode)).size);
}

const isUnacknowledged = (i: AlertItem) => i.stage === "unacknowledged";

/**
 * `[Giải ngân MTQG] Báo cáo không đạt mốc <earliest due>: <n> đơn vị`, or, when the message holds
 * only units that have not acknowledged their missed notice, `… Chưa xác nhận thông báo …`.
 */
export function escalationSubject(items: readonly AlertItem[]): string {
  const missed = items.filter((i) => !isUnacknowledged(i));
  const escalates = missed.length > 0 || items.length === 0;
  const of = escalates ? missed : items;
  // A message about documents only says so; money, alone or with documents, keeps its words.
  const documentsOnly = of.length > 0 && of.every(isDuty);
  const headline = escalates
    ? documentsOnly
      ? "Báo cáo chưa nộp văn bản đúng hạn"
      : "Báo cáo không đạt mốc"
    : "Chưa xác nhận thông báo không đạt mốc";
  const due = earliestDue(of);
  if (due === null) return `${SUBJECT_PREFIX} ${headline}: không có đơn vị`;
  const first = of.find((i) => i.snapshot.dueOn === due)!.snapshot;
  const others = items.length - of.length;
  const more = others > 0 ? ` (+${unitCount(items.filter(isUnacknowledged))} đơn vị chưa xác nhận)` : "";
  return `${SUBJECT_PREFIX} ${headline} (${formatDue(first)}): ${unitCount(of)} đơn vị${more}`;
}

type MilestoneGroup = {
  title: string;
  dueOn: string;
  unacknowledged: boolean;
  duty: boolean;
  items: AlertItem[];
};

/** Missed units first, then the unacknowledged; by milestone (earliest due first), largest shortfall first. */
function groupByMilestone(items: readonly AlertItem[]): MilestoneGroup[] {
  return groupBy(items, (i) => `${isUnacknowledged(i)}|${i.snapshot.dueOn}|${i.snapshot.milestoneId}`)
    .map(([, group]) => ({
      title: group[0]!.snapshot.milestoneTitle,
      dueOn: group[0]!.snapshot.dueOn,
      unacknowledged: isUnacknowledged(group[0]!),
      duty: isDuty(group[0]!),
      items: [...group].sort(compareByShortfallDesc),
    }))
    .sort(
      (a, b) =>
        Number(a.unacknowledged) - Number(b.unacknowledged) ||
        compareText(a.dueOn, b.dueOn) ||
        compareText(a.title, b.title),
    );
}

const HEADERS = [
  "Đơn vị",
  "Chương trình",
  "Kế hoạch vốn",
  "Đã giải ngân",
  "Tỷ lệ",
  "Còn thiếu",
  "Xác nhận của đơn vị",
];

function row(item: AlertItem): string[] {
  const s = item.snapshot;
  return [
    s.unitName,
    s.programName,
    formatMoney(s.allocated),
    formatMoney(s.disbursed),
    `${formatRate(s.rate)} (yêu cầu ${formatTarget(s)})`,
    formatMoney(s.shortfall),
    item.stage === "unacknowledged"
      ? `${unacknowledgedText(s).toLocaleLowerCase("vi")}${s.missedNoticeSentOn ? ` (thông báo gửi ngày ${formatDate(s.missedNoticeSentOn)})` : ""}`
      : formatAcknowledgement(s.acknowledgement),
  ];
}

const DUTY_HEADERS = ["Đơn vị", "Văn bản phải nộp", "Xác nhận của đơn vị"];

function dutyRow(item: AlertItem): string[] {
  const s = item.snapshot;
  const ack =
    item.stage === "unacknowledged"
      ? `${unacknowledgedText(s).toLocaleLowerCase("vi")}${s.missedNoticeSentOn ? ` (thông báo gửi ngày ${formatDate(s.missedNoticeSentOn)})` : ""}`
      : formatAcknowledgement(s.acknowledgement);
  return [s.unitName, formatDutyLine(s), ack];
}

/**
 * Rows an escalation lists per milestone, the largest shortfall first; the others are counted
 * with their shortfall. The day after a national deadline escalates tens of thousands of pairs:
 * no one reads such a list, and no mail server takes it.
 */
export const ESCALATION_LIST_LIMIT = 200;

/** "Và 29.800 nội dung khác, còn thiếu tổng cộng 1.234 đ." for the rows a group does not list. */
function restOf(g: MilestoneGroup, listed: number): string | null {
  const rest = g.items.slice(listed);
  if (rest.length === 0) return null;
  const n = formatCount(rest.length);
  return g.duty
    ? `Và ${n} đơn vị khác.`
    : `Và ${n} nội dung khác, còn thiếu tổng cộng ${formatMoney(sumShortfall(rest))}.`;
}

/** The body of an escalation without greeting and sign-off, so an admin message can hold it with a digest. */
export function escalationSections(m: EscalationMessage): { text: string[]; html: string[] } {
  const groups = groupByMilestone(m.items);
  const asOf = formatDate(m.asOf);
  const missed = m.items.filter((i) => !isUnacknowledged(i));
  const unacknowledged = m.items.filter(isUnacknowledged);

  const missedMoney = missed.filter((i) => !isDuty(i));
  const missedDuties = missed.filter(isDuty);
  const documents = `${unitCount(missedDuties)} đơn vị chưa nộp văn bản theo yêu cầu đúng hạn`;
  const intro =
    missedDuties.length > 0 && missedMoney.length === 0
      ? `${SERVICE_NAME} xin báo cáo: theo số liệu đến hết ngày ${asOf}, ${documents}.`
      : m.items.length === 0
        ? `${SERVICE_NAME} xin báo cáo: theo số liệu đến hết ngày ${asOf}, không có đơn vị nào không đạt mốc giải ngân.`
        : missed.length === 0
          ? `${SERVICE_NAME} xin báo cáo: theo số liệu đến hết ngày ${asOf}, ${unitCount(unacknowledged)} đơn vị không đạt mốc giải ngân chưa xác nhận thông báo đã gửi.`
          : `${SERVICE_NAME} xin báo cáo: theo số liệu đến hết ngày ${asOf}, ${unitCount(missedMoney)} đơn vị không đạt mốc giải ngân, tổng số vốn còn thiếu so với mốc là ${formatMoney(sumShortfall(missedMoney))}.${missedDuties.length > 0 ? ` Ngoài ra, ${documents}.` : ""}`;
  const request = "Đề nghị Thường trực Ban Chỉ đạo xem xét, chỉ đạo các đơn vị có giải pháp khắc phục.";

  const text: string[] = [intro, ""];
  const html: string[] = [paragraph(intro)];

  for (const g of groups) {
    const first = g.items[0]!.snapshot;
    const what = g.unacknowledged
      ? `${formatCount(g.items.length)} nội dung ${unacknowledgedText(first).toLocaleLowerCase("vi")}`
      : `${formatCount(g.items.length)} nội dung không đạt`;
    const listed = g.items.slice(0, ESCALATION_LIST_LIMIT);
    const rest = restOf(g, listed.length);
    if (g.duty) {
      const title = `Văn bản: ${g.title} (${formatDue(first)}): ${g.unacknowledged ? what : `${formatCount(g.items.length)} đơn vị chưa nộp`}`;
      text.push(title, "=".repeat(title.length));
      listed.forEach((item, i) => {
        const [unit, line, ack] = dutyRow(item);
        text.push(`${i + 1}. ${unit}: ${line}.`);
        if (g.unacknowledged || item.snapshot.acknowledgement !== undefined)
          text.push(`   Xác nhận của đơn vị: ${ack}.`);
      });
      if (rest) text.push(rest);
      text.push("");
      html.push(heading(title), dataTable(DUTY_HEADERS, listed.map(dutyRow)));
      if (rest) html.push(paragraph(rest));
      continue;
    }
    const title = `Mốc: ${g.title} (${formatDue(first)}): ${what}`;
    text.push(title, "=".repeat(title.length));
    listed.forEach((item, i) => {
      const [unit, program, allocated, disbursed, rate, shortfall, ack] = row(item);
      text.push(
        `${i + 1}. ${unit}: ${program}`,
        `   Kế hoạch vốn ${allocated}; đã giải ngân ${disbursed}; tỷ lệ ${rate}; còn thiếu ${shortfall}.`,
      );
      // Old snapshots do not say: the table shows "—", the text says nothing.
      if (g.unacknowledged || item.snapshot.acknowledgement !== undefined)
        text.push(`   Xác nhận của đơn vị: ${ack}.`);
    });
    if (rest) text.push(rest);
    text.push("");
    html.push(heading(title), dataTable(HEADERS, listed.map(row), [2, 3, 4, 5]));
    if (rest) html.push(paragraph(rest));
  }

  if (m.items.length > 0) {
    text.push(request);
    html.push(paragraph(request));
  }
  return { text, html };
}

export function renderEscalation(m: EscalationMessage): RenderedMessage {
  const subject = escalationSubject(m.items);
  const footer = footerText(m.asOf);
  const body = escalationSections(m);
  const text = [ADMIN_GREETING, "", ...body.text, "", "Trân trọng.", "", "-- ", footer, ""];
  const html = [paragraph(ADMIN_GREETING), ...body.html, paragraph("Trân trọng.")];
  return { subject, text: text.join("\n"), html: htmlDocument(subject, html.join("\n"), footer) };
}
