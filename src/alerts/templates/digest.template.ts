// The weekly digest to an admin: every unit at risk or missed, grouped by program.
import type { MilestoneStatus } from "../../domain/milestone-status.js";
import type { AlertItem, DigestMessage, RenderedMessage } from "../alert.types.js";
import {
  ADMIN_GREETING,
  compareByShortfallDesc,
  compareText,
  footerText,
  formatAcknowledgement,
  formatDate,
  formatDue,
  formatMoney,
  formatRate,
  formatTarget,
  groupBy,
  SERVICE_NAME,
  SUBJECT_PREFIX,
  statusLabel,
} from "./format.js";
import { dataTable, heading, htmlDocument, paragraph } from "./html.js";

const STATUS_ORDER: readonly MilestoneStatus[] = ["missed", "at_risk", "on_track", "met", "not_applicable"];

/** Counts in severity order, zero counts left out: [["missed", 2], ["at_risk", 3]]. */
export function countByStatus(items: readonly AlertItem[]): Array<[MilestoneStatus, number]> {
  return STATUS_ORDER.map((st): [MilestoneStatus, number] => [
    st,
    items.filter((i) => i.snapshot.status === st).length,
  ]).filter(([, n]) => n > 0);
}

function countsText(items: readonly AlertItem[]): string {
  return countByStatus(items)
    .map(([st, n]) => `${statusLabel(st)}: ${n}`)
    .join("; ");
}

/** `[Giải ngân MTQG] Tổng hợp tuần <weekOf>: 2 không đạt, 3 có nguy cơ không đạt`. */
export function digestSubject(m: Pick<DigestMessage, "weekOf" | "items">): string {
  const counts = countByStatus(m.items)
    .map(([st, n]) => `${n} ${statusLabel(st).toLocaleLowerCase("vi")}`)
    .join(", ");
  return `${SUBJECT_PREFIX} Tổng hợp tuần ${formatDate(m.weekOf)}: ${counts || "không có đơn vị chậm tiến độ"}`;
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

/** The body of a digest without greeting and sign-off, so an admin message can hold it with an escalation. */
export function digestSections(m: DigestMessage): { text: string[]; html: string[] } {
  const programs = groupBy(m.items, (i) => i.snapshot.program)
    .map(([, group]) => ({
      name: group[0]!.snapshot.programName,
      items: [...group].sort(compareByShortfallDesc),
    }))
    .sort((a, b) => compareText(a.name, b.name));

  const intro = `${SERVICE_NAME} xin gửi bản tổng hợp tiến độ giải ngân tuần bắt đầu ngày ${formatDate(m.weekOf)}, theo số liệu đến hết ngày ${formatDate(m.asOf)}.`;
  const summary =
    m.items.length === 0
      ? "Trong tuần, không có đơn vị nào có nguy cơ không đạt hoặc không đạt mốc giải ngân."
      : `Tổng cộng ${m.items.length} nội dung cần theo dõi (${countsText(m.items)}), xếp theo số vốn còn thiếu giảm dần.`;

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
