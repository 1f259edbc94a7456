// The weekly digest to an admin: every unit at risk or missed, grouped by program.
import type { MilestoneStatus } from "../../domain/milestone-status.js";
import { CAPITAL_TYPE_LABELS, SOURCE_LABELS } from "../../spreadsheets/columns.js";
import type {
  AlertItem,
  DigestMessage,
  RenderedMessage,
  TreasuryDifferenceSnapshot,
  TreasurySection,
} from "../alert.types.js";
import {
  ADMIN_GREETING,
  compareByShortfallDesc,
  compareText,
  footerText,
  formatAcknowledgement,
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
  statusLabel,
} from "./format.js";
import { dataTable, heading, htmlDocument, paragraph } from "./html.js";

const STATUS_ORDER: readonly MilestoneStatus[] = ["missed", "at_risk", "on_track", "met", "not_applicable"];

/** Counts of the money items in severity order, zero counts left out: [["missed", 2], ["at_risk", 3]]. */
export function countByStatus(items: readonly AlertItem[]): Array<[MilestoneStatus, number]> {
  const money = items.filter((i) => !isDuty(i));
  return STATUS_ORDER.map((st): [MilestoneStatus, number] => [
    st,
    money.filter((i) => i.snapshot.status === st).length,
  ]).filter(([, n]) => n > 0);
}

function countsText(items: readonly AlertItem[]): string {
  return countByStatus(items)
    .map(([st, n]) => `${statusLabel(st)}: ${n}`)
    .join("; ");
}

/** `[Giải ngân MTQG] Tổng hợp tuần <weekOf>: 2 không đạt, 3 có nguy cơ không đạt`. */
export function digestSubject(m: Pick<DigestMessage, "weekOf" | "items" | "treasury">): string {
  const counts = countByStatus(m.items).map(([st, n]) => `${n} ${statusLabel(st).toLocaleLowerCase("vi")}`);
  const duties = m.items.filter(isDuty).length;
  if (duties > 0) counts.push(`${duties} văn bản chưa nộp`);
  if (m.treasury?.total) counts.push(`${m.treasury.total} chênh lệch với Kho bạc`);
  return `${SUBJECT_PREFIX} Tổng hợp tuần ${formatDate(m.weekOf)}: ${counts.join(", ") || "không có đơn vị chậm tiến độ"}`;
}

const HEADERS = ["Đơn vị", "Mốc", "Tình trạng", "Tỷ lệ", "Còn thiếu", "Xác nhận của đơn vị"];

function row(item: AlertItem): string[] {
  const s = item.snapshot;
  return [
    s.unitName,
    `${s.milestoneTitle} (${formatDue(s)})`,
    statusLabel(s.status),
    `${formatRate(s.rate)} (yêu cầu ${formatTarget(s)})`,
    formatMoney(s.shortfall),
    formatAcknowledgement(s.acknowledgement),
  ];
}

const DUTY_HEADERS = ["Đơn vị", "Văn bản phải nộp", "Xác nhận của đơn vị"];
const DUTY_STATUS_ORDER: readonly MilestoneStatus[] = ["missed", "at_risk", "on_track"];

/** Missed first, then by due date, unit and duty. */
function compareDuties(a: AlertItem, b: AlertItem): number {
  return (
    DUTY_STATUS_ORDER.indexOf(a.snapshot.status) - DUTY_STATUS_ORDER.indexOf(b.snapshot.status) ||
    compareText(a.snapshot.dueOn, b.snapshot.dueOn) ||
    compareText(a.snapshot.unitName, b.snapshot.unitName) ||
    compareText(a.snapshot.milestoneId, b.snapshot.milestoneId)
  );
}

/** The documents units owe and have not sent: overdue, or close to their date. */
function dutySection(items: readonly AlertItem[]): { text: string[]; html: string[] } {
  if (items.length === 0) return { text: [], html: [] };
  const sorted = [...items].sort(compareDuties);
  const title = "Văn bản phải nộp";
  const overdue = sorted.filter((i) => i.snapshot.status === "missed").length;
  const summary = `${sorted.length} văn bản chưa nộp (${overdue} quá hạn, ${sorted.length - overdue} sắp đến hạn).`;
  const rows = sorted.map((i) => [
    i.snapshot.unitName,
    formatDutyLine(i.snapshot),
    formatAcknowledgement(i.snapshot.acknowledgement),
  ]);
  const text = [title, "=".repeat(title.length), summary];
  sorted.forEach((item, n) => {
    const [unit, line, ack] = rows[n]!;
    text.push(`${n + 1}. ${unit}: ${line}.`);
    if (item.snapshot.acknowledgement !== undefined) text.push(`   Xác nhận của đơn vị: ${ack}.`);
  });
  text.push("");
  return { text, html: [heading(title), paragraph(summary), dataTable(DUTY_HEADERS, rows)] };
}

/** "Năm 2022, Ngân sách tỉnh, Vốn sự nghiệp" (and the year carried over from, if any). */
function scopeText(d: TreasuryDifferenceSnapshot): string {
  const source = SOURCE_LABELS[d.source as keyof typeof SOURCE_LABELS] ?? d.source;
  const type = CAPITAL_TYPE_LABELS[d.capitalType as keyof typeof CAPITAL_TYPE_LABELS] ?? d.capitalType;
  const year =
    d.carriedOverFrom === null
      ? `năm ${d.planYear}`
      : `năm ${d.carriedOverFrom} kéo dài sang năm ${d.planYear}`;
  return `Vốn ${year}, ${source}, ${type}`;
}

const TREASURY_HEADERS = [
  "Đơn vị",
  "Chương trình",
  "Phạm vi",
  "Số Kho bạc",
  "Số đơn vị báo cáo",
  "Chênh lệch",
  "Sao kê Kho bạc",
];

/** Differences the Treasury showed that nobody has resolved: the largest first, the rest counted. */
function treasurySection(t: TreasurySection | undefined): { text: string[]; html: string[] } {
  if (!t || t.total === 0) return { text: [], html: [] };
  const title = "Chênh lệch với số liệu Kho bạc chưa được xử lý";
  const summary = `${t.total} chênh lệch giữa số liệu Kho bạc Nhà nước và số liệu đơn vị báo cáo chưa được xử lý, xếp theo mức chênh lệch giảm dần.`;
  const rows = t.items.map((d) => [
    d.unitName,
    d.programName,
    scopeText(d),
    formatMoney(d.treasury),
    formatMoney(d.reported),
    formatMoney(d.difference),
    `${d.documentRef}, số liệu đến ngày ${formatDate(d.statementAsOf)} (nhập ${d.ageDays} ngày trước)`,
  ]);
  const text = [title, "=".repeat(title.length), summary];
  rows.forEach(([unit, program, scope, treasury, reported, difference, statement], n) => {
    text.push(
      `${n + 1}. ${unit}: ${program} (${scope})`,
      `   Kho bạc ${treasury}; đơn vị báo cáo ${reported}; chênh lệch ${difference}; sao kê ${statement}.`,
    );
  });
  const more = t.total - t.items.length;
  const rest = more > 0 ? `Và ${more} chênh lệch khác.` : null;
  if (rest) text.push(rest);
  text.push("");
  const html = [heading(title), paragraph(summary), dataTable(TREASURY_HEADERS, rows, [3, 4, 5])];
  if (rest) html.push(paragraph(rest));
  return { text, html };
}

/** The body of a digest without greeting and sign-off, so an admin message can hold it with an escalation. */
export function digestSections(m: DigestMessage): { text: string[]; html: string[] } {
  const money = m.items.filter((i) => !isDuty(i));
  const programs = groupBy(money, (i) => i.snapshot.program)
    .map(([, group]) => ({
      name: group[0]!.snapshot.programName,
      items: [...group].sort(compareByShortfallDesc),
    }))
    .sort((a, b) => compareText(a.name, b.name));

  const intro = `${SERVICE_NAME} xin gửi bản tổng hợp tiến độ giải ngân tuần bắt đầu ngày ${formatDate(m.weekOf)}, theo số liệu đến hết ngày ${formatDate(m.asOf)}.`;
  const summary =
    money.length === 0
      ? "Trong tuần, không có đơn vị nào có nguy cơ không đạt hoặc không đạt mốc giải ngân."
      : `Tổng cộng ${money.length} nội dung cần theo dõi (${countsText(money)}), xếp theo số vốn còn thiếu giảm dần.`;

  const text: string[] = [intro, summary, ""];
  const html: string[] = [paragraph(intro), paragraph(summary)];

  for (const p of programs) {
    const counts = countsText(p.items);
    text.push(p.name, "=".repeat(p.name.length), counts);
    p.items.forEach((item, i) => {
      const [unit, milestone, status, rate, shortfall, ack] = row(item);
      text.push(`${i + 1}. ${unit}: ${milestone}`, `   ${status}; tỷ lệ ${rate}; còn thiếu ${shortfall}.`);
      // Old snapshots do not say: the table shows "—", the text says nothing.
      if (item.snapshot.acknowledgement !== undefined) text.push(`   Xác nhận của đơn vị: ${ack}.`);
    });
    text.push("");
    html.push(heading(p.name), paragraph(counts), dataTable(HEADERS, p.items.map(row), [3, 4]));
  }
  for (const section of [dutySection(m.items.filter(isDuty)), treasurySection(m.treasury)]) {
    for (const line of section.text) text.push(line);
    for (const part of section.html) html.push(part);
  }
  return { text, html };
}

export function renderDigest(m: DigestMessage): RenderedMessage {
  const subject = digestSubject(m);
  const footer = footerText(m.asOf);
  const body = digestSections(m);
  const text = [ADMIN_GREETING, "", ...body.text, "Trân trọng.", "", "-- ", footer, ""];
  const html = [paragraph(ADMIN_GREETING), ...body.html, paragraph("Trân trọng.")];
  return { subject, text: text.join("\n"), html: htmlDocument(subject, html.join("\n"), footer) };
}
