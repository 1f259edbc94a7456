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

type Tallied = Pick<DigestMessage, "items" | "tally">;

/**
 * Counts of everything at risk or missed, listed or not (the tally), in the items' shape; a
 * digest without a tally lists all there is. With a program: that program's alone.
 */
function moneyCounts(m: Tallied, program?: string): Array<[MilestoneStatus, number]> {
  if (!m.tally)
    return countByStatus(
      program === undefined ? m.items : m.items.filter((i) => i.snapshot.program === program),
    );
  let missed = 0;
  let atRisk = 0;
  for (const p of m.tally.programs)
    if (program === undefined || p.program === program) {
      missed += p.missed;
      atRisk += p.atRisk;
    }
  return (
    [
      ["missed", missed],
      ["at_risk", atRisk],
    ] as Array<[MilestoneStatus, number]>
  ).filter(([, n]) => n > 0);
}

const countsText = (counts: Array<[MilestoneStatus, number]>) =>
  counts.map(([st, n]) => `${statusLabel(st)}: ${formatCount(n)}`).join("; ");

const sum = (counts: Array<[MilestoneStatus, number]>) => counts.reduce((n, [, k]) => n + k, 0);

/** Duties not sent, listed or not: [overdue, due soon]. */
function dutyCounts(m: Tallied): [number, number] {
  if (m.tally) return [m.tally.duties.missed, m.tally.duties.atRisk];
  const duties = m.items.filter(isDuty);
  const overdue = duties.filter((i) => i.snapshot.status === "missed").length;
  return [overdue, duties.length - overdue];
}

/** `[Giải ngân MTQG] Tổng hợp tuần <weekOf>: 2 không đạt, 3 có nguy cơ không đạt`. */
export function digestSubject(m: Pick<DigestMessage, "weekOf" | "items" | "treasury" | "tally">): string {
  const counts = moneyCounts(m).map(
    ([st, n]) => `${formatCount(n)} ${statusLabel(st).toLocaleLowerCase("vi")}`,
  );
  const [overdue, soon] = dutyCounts(m);
  const duties = overdue + soon;
  if (duties > 0) counts.push(`${formatCount(duties)} văn bản chưa nộp`);
  if (m.treasury?.total) counts.push(`${formatCount(m.treasury.total)} chênh lệch với Kho bạc`);
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
function dutySection(m: Tallied): { text: string[]; html: string[] } {
  const items = m.items.filter(isDuty);
  const [overdue, soon] = dutyCounts(m);
  if (overdue + soon === 0) return { text: [], html: [] };
  const sorted = [...items].sort(compareDuties);
  const title = "Văn bản phải nộp";
  const summary = `${formatCount(overdue + soon)} văn bản chưa nộp (${formatCount(overdue)} quá hạn, ${formatCount(soon)} sắp đến hạn).`;
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
  const more = overdue + soon - sorted.length;
  const rest = more > 0 ? `Và ${formatCount(more)} văn bản khác.` : null;
  if (rest) text.push(rest);
  text.push("");
  const html = [heading(title), paragraph(summary), dataTable(DUTY_HEADERS, rows)];
  if (rest) html.push(paragraph(rest));
  return { text, html };
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
  const listed = groupBy(money, (i) => i.snapshot.program);
  // Every program with something at risk or missed, listed or not.
  const names = new Map(money.map((i) => [i.snapshot.program, i.snapshot.programName]));
  for (const p of m.tally?.programs ?? []) if (p.missed + p.atRisk > 0) names.set(p.program, p.programName);
  const programs = [...names]
    .map(([program, name]) => ({
      program,
      name,
      items: [...(listed.find(([p]) => p === program)?.[1] ?? [])].sort(compareByShortfallDesc),
    }))
    .sort((a, b) => compareText(a.name, b.name));

  const counts = moneyCounts(m);
  const total = sum(counts);
  const intro = `${SERVICE_NAME} xin gửi bản tổng hợp tiến độ giải ngân tuần bắt đầu ngày ${formatDate(m.weekOf)}, theo số liệu đến hết ngày ${formatDate(m.asOf)}.`;
  let summary =
    total === 0
      ? "Trong tuần, không có đơn vị nào có nguy cơ không đạt hoặc không đạt mốc giải ngân."
      : `Tổng cộng ${formatCount(total)} nội dung cần theo dõi (${countsText(counts)}), xếp theo số vốn còn thiếu giảm dần.`;
  if (money.length < total)
    summary += ` Thư này nêu ${formatCount(money.length)} nội dung có số vốn còn thiếu lớn nhất; danh sách đầy đủ xem trên bảng theo dõi của hệ thống.`;

  const text: string[] = [intro, summary, ""];
  const html: string[] = [paragraph(intro), paragraph(summary)];

  for (const p of programs) {
    const ofProgram = moneyCounts(m, p.program);
    const more = sum(ofProgram) - p.items.length;
    const line =
      more <= 0
        ? countsText(ofProgram)
        : p.items.length === 0
          ? `${countsText(ofProgram)}. Không nội dung nào nằm trong số được nêu.`
          : `${countsText(ofProgram)}. Nêu ${formatCount(p.items.length)} nội dung có số vốn còn thiếu lớn nhất.`;
    text.push(p.name, "=".repeat(p.name.length), line);
    p.items.forEach((item, i) => {
      const [unit, milestone, status, rate, shortfall, ack] = row(item);
      text.push(`${i + 1}. ${unit}: ${milestone}`, `   ${status}; tỷ lệ ${rate}; còn thiếu ${shortfall}.`);
      // Old snapshots do not say: the table shows "—", the text says nothing.
      if (item.snapshot.acknowledgement !== undefined) text.push(`   Xác nhận của đơn vị: ${ack}.`);
    });
    text.push("");
    html.push(heading(p.name), paragraph(line));
    if (p.items.length > 0) html.push(dataTable(HEADERS, p.items.map(row), [3, 4]));
  }
  for (const section of [dutySection(m), treasurySection(m.treasury)]) {
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
