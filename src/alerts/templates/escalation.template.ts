// The message to an admin: the units that missed a milestone, to escalate.
import type { AlertItem, EscalationMessage, RenderedMessage } from "../alert.types.js";
import {
  ADMIN_GREETING,
  compareByShortfallDesc,
  compareText,
  earliestDue,
  footerText,
  formatDate,
  formatDue,
  formatMoney,
  formatRate,
  formatTarget,
  groupBy,
  SERVICE_NAME,
  SUBJECT_PREFIX,
  sumShortfall,
} from "./format.js";
import { dataTable, heading, htmlDocument, paragraph } from "./html.js";

function unitCount(items: readonly AlertItem[]): number {
  return new Set(items.map((i) => i.snapshot.unitCode)).size;
}

/** `[Giải ngân MTQG] Báo cáo không đạt mốc <earliest due>: <n> đơn vị`. */
export function escalationSubject(items: readonly AlertItem[]): string {
  const due = earliestDue(items);
  if (due === null) return `${SUBJECT_PREFIX} Báo cáo không đạt mốc: không có đơn vị`;
  const first = items.find((i) => i.snapshot.dueOn === due)!.snapshot;
  return `${SUBJECT_PREFIX} Báo cáo không đạt mốc (${formatDue(first)}): ${unitCount(items)} đơn vị`;
}

type MilestoneGroup = { title: string; dueOn: string; items: AlertItem[] };

/** By milestone (earliest due first), units with the largest shortfall first. */
function groupByMilestone(items: readonly AlertItem[]): MilestoneGroup[] {
  return groupBy(items, (i) => `${i.snapshot.dueOn}|${i.snapshot.milestoneId}`)
    .map(([, group]) => ({
      title: group[0]!.snapshot.milestoneTitle,
      dueOn: group[0]!.snapshot.dueOn,
      items: [...group].sort(compareByShortfallDesc),
    }))
    .sort((a, b) => compareText(a.dueOn, b.dueOn) || compareText(a.title, b.title));
}

const HEADERS = ["Đơn vị", "Chương trình", "Kế hoạch vốn", "Đã giải ngân", "Tỷ lệ", "Còn thiếu"];

function row(item: AlertItem): string[] {
  const s = item.snapshot;
  return [
    s.unitName,
    s.programName,
    formatMoney(s.allocated),
    formatMoney(s.disbursed),
    `${formatRate(s.rate)} (yêu cầu ${formatTarget(s)})`,
    formatMoney(s.shortfall),
  ];
}

/** The body of an escalation without greeting and sign-off, so an admin message can hold it with a digest. */
export function escalationSections(m: EscalationMessage): { text: string[]; html: string[] } {
  const groups = groupByMilestone(m.items);
  const asOf = formatDate(m.asOf);

  const intro =
    m.items.length === 0
      ? `${SERVICE_NAME} xin báo cáo: theo số liệu đến hết ngày ${asOf}, không có đơn vị nào không đạt mốc giải ngân.`
      : `${SERVICE_NAME} xin báo cáo: theo số liệu đến hết ngày ${asOf}, ${unitCount(m.items)} đơn vị không đạt mốc giải ngân, tổng số vốn còn thiếu so với mốc là ${formatMoney(sumShortfall(m.items))}.`;
  const request = "Đề nghị Thường trực Ban Chỉ đạo xem xét, chỉ đạo các đơn vị có giải pháp khắc phục.";

  const text: string[] = [intro, ""];
  const html: string[] = [paragraph(intro)];

  for (const g of groups) {
    const title = `Mốc: ${g.title} (${formatDue(g.items[0]!.snapshot)}): ${g.items.length} nội dung không đạt`;
    text.push(title, "=".repeat(title.length));
    g.items.forEach((item, i) => {
      const [unit, program, allocated, disbursed, rate, shortfall] = row(item);
      text.push(
        `${i + 1}. ${unit}: ${program}`,
        `   Kế hoạch vốn ${allocated}; đã giải ngân ${disbursed}; tỷ lệ ${rate}; còn thiếu ${shortfall}.`,
      );
    });
    text.push("");
    html.push(heading(title), dataTable(HEADERS, g.items.map(row), [2, 3, 4, 5]));
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
