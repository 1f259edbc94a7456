// The message to a unit head: every item of every unit they head, grouped by unit.
import { formatDeadline } from "../../domain/deadline.js";
import type { AlertItem, AlertStage, RenderedMessage, UnitAlertMessage } from "../alert.types.js";
import {
  compareItems,
  compareText,
  earliestDue,
  footerText,
  formatDate,
  formatDue,
  formatDutyLine,
  formatMoney,
  formatPace,
  formatRate,
  formatTarget,
  formatTimeLeft,
  groupBy,
  isDuty,
  reminderDays,
  SERVICE_NAME,
  SUBJECT_PREFIX,
  stageRank,
  statusLabel,
  warningNumber,
} from "./format.js";
import {
  banner,
  buttonLink,
  factsTable,
  heading,
  htmlDocument,
  paragraph,
  STAGE_COLORS,
  subheading,
} from "./html.js";

/** The words of the acknowledgement link's button, and of the page it opens (src/acknowledgements). */
export const ACK_LABEL = "Đã nhận — kế hoạch khắc phục";

type StageKind = "missed" | "at_risk" | "reminder" | "recovered" | "other";

function stageKind(stage: AlertStage): StageKind {
  if (reminderDays(stage) !== null) return "reminder";
  if (warningNumber(stage) !== null) return "at_risk";
  if (stage === "missed" || stage === "recovered") return stage;
  return "other";
}

/**
 * `[Giải ngân MTQG] <stage> <due>: <n> chương trình <state>[ (+k nội dung khác)]`, naming the
 * most urgent stage of the message (missed > at_risk > reminders > recovered), the earliest due
 * date among its items and how many items share it; the other items are only counted.
 */
export function unitAlertSubject(items: readonly AlertItem[]): string {
  const sorted = [...items].sort(compareItems);
  const top = sorted[0];
  if (!top) return `${SUBJECT_PREFIX} Thông tin tiến độ giải ngân`;
  const kind = stageKind(top.stage);
  const ofKind = sorted.filter((i) => stageKind(i.stage) === kind);
  const dueOn = earliestDue(ofKind) ?? top.snapshot.dueOn;
  // Count programmes for the headline's own due date: M60 and M90 of one programme are two items.
  const same = ofKind.filter((i) => i.snapshot.dueOn === dueOn);
  const due = formatDue(same[0]?.snapshot ?? top.snapshot);
  // Duties are counted as documents, and only when the headline's items are all duties.
  const money = same.filter((i) => !isDuty(i));
  if (money.length === 0 && same.length > 0) {
    const documents =
      kind === "missed" ? `Chưa nộp văn bản đúng hạn (${due})` : `Nhắc hạn nộp văn bản (${due})`;
    const rest = sorted.length - same.length;
    return `${SUBJECT_PREFIX} ${documents}: ${same.length} văn bản chưa nộp${rest > 0 ? ` (+${rest} nội dung khác)` : ""}`;
  }
  const n = new Set(money.map((i) => `${i.snapshot.unitCode}|${i.snapshot.program}`)).size;
  let headline: string;
  switch (kind) {
    case "missed":
      headline = `Không đạt mốc (${due}): ${n} chương trình`;
      break;
    case "at_risk":
      headline = `Cảnh báo (${due}): ${n} chương trình có nguy cơ không đạt`;
      break;
    case "reminder": {
      const unmet = same.filter((i) => i.snapshot.status !== "met").length;
      headline = unmet > 0 ? `Nhắc ${due}: ${unmet} chương trình chưa đạt` : `Nhắc ${due}: ${n} chương trình`;
      break;
    }
    case "recovered":
      headline = `Đã đạt mốc (${due}): ${n} chương trình`;
      break;
    default:
      headline = `Tiến độ giải ngân (${due}): ${n} chương trình`;
  }
  const others = sorted.length - money.length;
  return `${SUBJECT_PREFIX} ${headline}${others > 0 ? ` (+${others} nội dung khác)` : ""}`;
}

/** The one-line reason this item is in the message. */
function stageSentence(item: AlertItem): string {
  const s = item.snapshot;
  const due = formatDue(s);
  if (isDuty(item))
    return stageKind(item.stage) === "missed"
      ? `Thông báo: chưa nộp văn bản đúng hạn (${due}).`
      : `Nhắc hạn nộp văn bản: ${formatTimeLeft(s)}, ${due}.`;
  switch (stageKind(item.stage)) {
    case "reminder":
      // No nested brackets: the time left may carry its working days in its own.
      return `Nhắc hạn: ${formatTimeLeft(s)}, ${due}.`;
    case "at_risk":
      return `Cảnh báo: theo tốc độ giải ngân hiện nay, có nguy cơ không đạt mốc (${due}).`;
    case "missed":
      return `Thông báo: không đạt mốc (${due}).`;
    case "recovered":
      return `Ghi nhận: đã đạt mốc (${due}) sau cảnh báo trước đó.`;
    default:
      return `Tiến độ giải ngân (${due}).`;
  }
}

function stageColor(stage: AlertStage): string {
  const kind = stageKind(stage);
  return kind === "other" ? STAGE_COLORS.reminder : STAGE_COLORS[kind];
}

/** The figures of one item as label/value pairs, rendered both as text and as an HTML table. */
export function itemFacts(item: AlertItem): Array<[string, string]> {
  const s = item.snapshot;
  // A duty's title heads its item already: the document line says the rest.
  if (s.milestoneKind === "duty") return [["Văn bản phải nộp", formatDutyLine(s)]];
  const facts: Array<[string, string]> = [
    ["Mốc", s.milestoneTitle],
    ["Hạn", `${formatDeadline(s)}, ${formatTimeLeft(s)}`],
    ["Tình trạng", statusLabel(s.status)],
  ];
  if (s.milestoneKind === "refund" && s.lapsed != null) {
    // A unit the refund does not concern (a department): what it left undisbursed lapses.
    facts.push([
      "Vốn không giải ngân hết (không thuộc diện hoàn trả ngân sách cấp trên)",
      formatMoney(s.lapsed),
    ]);
  } else if (s.milestoneKind === "refund") {
    // REF: the figures are what is due back and what was refunded, not a disbursement rate.
    facts.push(["Số vốn phải hoàn trả", formatMoney(s.allocated)], ["Đã hoàn trả", formatMoney(s.disbursed)]);
    if (s.shortfall > 0n) facts.push(["Còn phải hoàn trả", formatMoney(s.shortfall)]);
  } else if (s.milestoneKind === "request") {
    facts.push(
      [
        "Văn bản đề xuất điều chuyển",
        s.requestSentOn ? `đã gửi ngày ${formatDate(s.requestSentOn)}` : "chưa gửi",
      ],
      ["Tỷ lệ giải ngân", `${formatRate(s.rate)} (yêu cầu: ${formatTarget(s)})`],
    );
    if (s.advisory)
      facts.push([
        "Ghi chú",
        "Đơn vị có nguy cơ không đạt mốc tiếp theo; xem xét đề xuất điều chuyển nếu cần.",
      ]);
  } else {
    facts.push(
      ["Kế hoạch vốn", formatMoney(s.allocated)],
      ["Đã giải ngân", formatMoney(s.disbursed)],
      ["Tỷ lệ giải ngân", `${formatRate(s.rate)} (yêu cầu: ${formatTarget(s)})`],
    );
    if (s.shortfall > 0n) facts.push(["Còn thiếu so với mốc", formatMoney(s.shortfall)]);
    if (s.requiredDailyPace !== null && s.requiredDailyPace > 0n) {
      facts.push(["Cần giải ngân bình quân", formatPace(s.requiredDailyPace)]);
    }
    if (s.projectedRate !== null) {
      facts.push(["Tỷ lệ dự kiến đến hạn", `${formatRate(s.projectedRate)} (theo tốc độ giải ngân gần đây)`]);
    }
  }
  // The refund's guidance speaks to those who owe it; a unit whose capital lapses owes nothing.
  if (s.guidance && item.stage !== "recovered" && s.lapsed == null) facts.push(["Lưu ý", s.guidance]);
  return facts;
}

type UnitGroup = { unitCode: string; unitName: string; items: AlertItem[] };

/** Units ordered by their most urgent item, then by name; items most urgent first. */
function groupByUnit(items: readonly AlertItem[]): UnitGroup[] {
  const sorted = [...items].sort(compareItems);
  return groupBy(sorted, (i) => i.snapshot.unitCode)
    .map(([unitCode, group]) => ({
      unitCode,
      unitName: group[0]?.snapshot.unitName ?? unitCode,
      items: group,
    }))
    .sort(
      (a, b) =>
        stageRank(a.items[0]!.stage) - stageRank(b.items[0]!.stage) ||
        compareText(a.unitName, b.unitName) ||
        compareText(a.unitCode, b.unitCode),
    );
}

function greeting(name: string): string {
  const trimmed = name.trim();
  return trimmed ? `Kính gửi ông/bà ${trimmed},` : "Kính gửi Thủ trưởng đơn vị,";
}

function introduction(m: UnitAlertMessage, unitCount: number): string {
  const whose = unitCount > 1 ? `${unitCount} đơn vị do ông/bà phụ trách` : "đơn vị do ông/bà phụ trách";
  const duties = m.items.filter(isDuty).length;
  const about =
    duties === 0
      ? "tiến độ giải ngân vốn"
      : duties === m.items.length
        ? "văn bản phải nộp"
        : "tiến độ giải ngân vốn và văn bản phải nộp";
  return `${SERVICE_NAME} xin gửi ông/bà thông tin về ${about} của ${whose}, theo số liệu đến hết ngày ${formatDate(m.asOf)}.`;
}

function closing(items: readonly AlertItem[]): string {
  const kinds = new Set(items.map((i) => stageKind(i.stage)));
  if (items.length > 0 && items.every(isDuty))
    return kinds.has("missed")
      ? "Đề nghị ông/bà chỉ đạo hoàn thành, gửi văn bản còn thiếu trong thời gian sớm nhất và báo cáo lý do chậm trễ."
      : "Đề nghị ông/bà chỉ đạo hoàn thành và gửi văn bản đúng hạn.";
  if (kinds.has("missed")) {
    return "Đề nghị ông/bà chỉ đạo rà soát nguyên nhân, thực hiện các nội dung đề nghị nêu trên và báo cáo Ban Chỉ đạo.";
  }
  if (kinds.has("at_risk") || kinds.has("reminder")) {
    return "Đề nghị ông/bà chỉ đạo đẩy nhanh tiến độ giải ngân để bảo đảm đạt mốc đúng hạn.";
  }
  return "Xin ghi nhận kết quả giải ngân của đơn vị.";
}

const DATA_NOTE = "Nếu số liệu chưa chính xác, đề nghị đơn vị cập nhật số liệu giải ngân trên hệ thống.";
const DUTY_NOTE =
  "Nếu đơn vị đã gửi văn bản, đề nghị cập nhật văn bản đã gửi (số, ngày văn bản) trên hệ thống.";

/** The notes under the items: the money's figures, the documents sent, or both. */
function dataNotes(items: readonly AlertItem[]): string[] {
  const duties = items.filter(isDuty).length;
  if (duties === 0) return [DATA_NOTE];
  return duties === items.length ? [DUTY_NOTE] : [DATA_NOTE, DUTY_NOTE];
}

/** Asks for the acknowledgement; the page behind the link writes nothing until its button is pressed. */
function ackRequest(m: UnitAlertMessage): string | null {
  if (!m.ack) return null;
  return `Đề nghị ông/bà xác nhận đã nhận thông báo này, kèm kế hoạch khắc phục nếu có, tại đường dẫn dưới đây (có hiệu lực đến hết ngày ${formatDate(m.ack.expiresOn)}):`;
}

export function renderUnitAlert(m: UnitAlertMessage): RenderedMessage {
  const units = groupByUnit(m.items);
  const subject = unitAlertSubject(m.items);
  const footer = footerText(m.asOf);

  const text: string[] = [greeting(m.recipient.name), "", introduction(m, units.length), ""];
  const html: string[] = [paragraph(greeting(m.recipient.name)), paragraph(introduction(m, units.length))];

  let n = 0;
  for (const unit of units) {
    const title = `Đơn vị: ${unit.unitName}`;
    text.push(title, "=".repeat(title.length), "");
    html.push(heading(title));
    for (const item of unit.items) {
      n += 1;
      const facts = itemFacts(item);
      const itemTitle = isDuty(item) ? item.snapshot.milestoneTitle : item.snapshot.programName;
      text.push(`${n}. ${itemTitle}`, `   ${stageSentence(item)}`);
      for (const [label, value] of facts) text.push(`   - ${label}: ${value}`);
      text.push("");
      html.push(
        subheading(`${n}. ${itemTitle}`),
        banner(stageSentence(item), stageColor(item.stage)),
        factsTable(facts),
      );
    }
  }

  text.push(closing(m.items), ...dataNotes(m.items), "");
  html.push(paragraph(closing(m.items)), ...dataNotes(m.items).map((p) => paragraph(p)));
  const ask = ackRequest(m);
  if (ask && m.ack) {
    text.push(ask, m.ack.url, "");
    html.push(paragraph(ask), buttonLink(m.ack.url, ACK_LABEL));
  }
  text.push("Trân trọng.", "", "-- ", footer, "");
  html.push(paragraph("Trân trọng."));

  return { subject, text: text.join("\n"), html: htmlDocument(subject, html.join("\n"), footer) };
}
