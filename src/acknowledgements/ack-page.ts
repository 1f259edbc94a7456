// The pages behind an acknowledgement link, in Vietnamese. Pure HTML: no script at all, inline
// styles only (the page's own Content-Security-Policy, in the routes, allows nothing else), and
// every interpolated string escaped. The form posts to the page's own URL.

import {
  formatDate,
  formatMoney,
  SERVICE_NAME,
  stageLabel,
  statusLabel,
} from "../alerts/templates/format.js";
import { escapeHtml } from "../alerts/templates/html.js";
import { ACK_LABEL } from "../alerts/templates/unit-alert.template.js";
import { formatDeadline } from "../domain/deadline.js";
import { addDays, type LocalDate } from "../domain/local-date.js";
import type { AcknowledgementRecord } from "./acknowledgements.repository.js";
import { type AckPageItem, type AckView, MAX_PLANNED_DAYS_AHEAD } from "./acknowledgements.service.js";

export const MAX_PLANNED_ACTION_CHARS = 1000;

const e = escapeHtml;

/** "09:15 ngày 05/10/2022", in Vietnam's time (UTC+7 all year). */
export function formatInstant(at: Date): string {
  const local = new Date(at.getTime() + 7 * 3_600_000).toISOString();
  return `${local.slice(11, 16)} ngày ${formatDate(local.slice(0, 10))}`;
}

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="vi">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${e(title)}</title></head>
<body style="margin:0;padding:16px;font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#1f2933;background:#f7f9fb">
<main style="max-width:760px;margin:0 auto;background:#fff;padding:16px 20px;border:1px solid #d0d7de">
<h1 style="font-size:20px;margin:0 0 12px 0;color:#0b3d91">${e(title)}</h1>
${body}
<p style="margin:24px 0 0 0;padding-top:8px;border-top:1px solid #d0d7de;font-size:12px;color:#7b8794">${e(SERVICE_NAME)}</p>
</main>
</body>
</html>
`;
}

const p = (text: string, style = "") => `<p style="margin:0 0 12px 0;${style}">${e(text)}</p>`;
const CELL = "padding:4px 8px;border:1px solid #d0d7de;vertical-align:top;text-align:left";

function itemsTable(items: readonly AckPageItem[]): string {
  if (items.length === 0) return p("Thư không còn nội dung nào để hiển thị.");
  const head = ["Đơn vị", "Chương trình", "Mốc", "Nội dung", "Tình trạng", "Còn thiếu", "Hạn"]
    .map((h) => `<th style="${CELL};background:#eef2f6">${e(h)}</th>`)
    .join("");
  const rows = items
    .map((i) =>
      [
        i.unitName,
        i.programName,
        i.milestoneTitle,
        stageLabel(i.stage),
        i.status ? statusLabel(i.status) : "—",
        i.shortfall !== null && i.shortfall > 0n ? formatMoney(i.shortfall) : "—",
        i.dueOn ? formatDeadline({ dueOn: i.dueOn, deadlineText: i.deadlineText }) : "—",
      ]
        .map((c) => `<td style="${CELL}">${e(c)}</td>`)
        .join(""),
    )
    .map((r) => `<tr>${r}</tr>`)
    .join("\n");
  return `<div style="overflow-x:auto"><table style="border-collapse:collapse;width:100%;margin:0 0 16px 0"><thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table></div>`;
}

function acknowledgedText(a: AcknowledgementRecord): string[] {
  const lines = [`Thông báo đã được xác nhận lúc ${formatInstant(a.acknowledgedAt)}.`];
  if (a.plannedAction) lines.push(`Kế hoạch khắc phục: ${a.plannedAction}`);
  if (a.plannedOn) lines.push(`Dự kiến hoàn thành: ngày ${formatDate(a.plannedOn)}.`);
  if (!a.plannedAction && !a.plannedOn) lines.push("Không kèm kế hoạch khắc phục.");
  return lines;
}

function acknowledgedBox(a: AcknowledgementRecord): string {
  return `<div style="margin:0 0 16px 0;padding:8px 12px;border-left:4px solid #2e7d32;background:#f1f8f1">${acknowledgedText(
    a,
  )
    .map((l) => p(l, "white-space:pre-wrap"))
    .join("")}</div>`;
}

export type FormState = {
  /** Vietnamese, naming the field that is wrong. */
  error?: string;
  plannedAction?: string;
  plannedOn?: string;
};

function form(today: LocalDate, s: FormState): string {
  const error = s.error
    ? `<p role="alert" style="margin:0 0 12px 0;padding:8px 12px;border-left:4px solid #c62828;background:#fdecea">${e(s.error)}</p>`
    : "";
  const label = "display:block;font-weight:bold;margin:0 0 4px 0";
  const input = "width:100%;box-sizing:border-box;padding:6px;font:inherit;border:1px solid #9aa5b1";
  return `<form method="post" style="margin:16px 0 0 0">
${error}<p style="margin:0 0 12px 0"><label for="plannedAction" style="${label}">Kế hoạch khắc phục (không bắt buộc, tối đa ${MAX_PLANNED_ACTION_CHARS} ký tự)</label>
<textarea id="plannedAction" name="plannedAction" rows="4" maxlength="${MAX_PLANNED_ACTION_CHARS}" style="${input}">${e(s.plannedAction ?? "")}</textarea></p>
<p style="margin:0 0 12px 0"><label for="plannedOn" style="${label}">Ngày dự kiến hoàn thành (không bắt buộc)</label>
<input id="plannedOn" name="plannedOn" type="date" min="${e(today)}" max="${e(addDays(today, MAX_PLANNED_DAYS_AHEAD))}" value="${e(s.plannedOn ?? "")}" style="${input};max-width:220px"></p>
<p style="margin:0"><button type="submit" style="padding:8px 16px;font:inherit;font-weight:bold;color:#fff;background:#0b3d91;border:0;cursor:pointer">${e(ACK_LABEL)}</button></p>
</form>`;
}

/** GET: the message's items and either the form or the acknowledgement already made. */
export function renderAckPage(v: AckView, s: FormState = {}): string {
  const parts = [
    p(`Thư: ${v.subject}`, "color:#52606d"),
    p("Nội dung thông báo gửi ông/bà:"),
    itemsTable(v.items),
  ];
  if (v.acknowledgement) parts.push(acknowledgedBox(v.acknowledgement));
  else
    parts.push(
      p(
        `Đề nghị ông/bà xác nhận đã nhận thông báo, kèm kế hoạch khắc phục nếu có. Đường dẫn này có hiệu lực đến hết ngày ${formatDate(v.expiresOn)}.`,
      ),
      form(v.today, s),
    );
  return page("Xác nhận đã nhận thông báo tiến độ giải ngân", parts.join("\n"));
}

/** POST: recorded now, or shown as it was recorded before. */
export function renderAckDone(v: AckView, created: boolean): string {
  const a = v.acknowledgement;
  const lead = created
    ? "Xin cảm ơn ông/bà. Xác nhận đã được ghi nhận."
    : "Thông báo này đã được xác nhận trước đó; nội dung gửi lần này không được ghi lại.";
  const parts = [
    p(lead, "font-weight:bold"),
    ...(a ? [acknowledgedBox(a)] : []),
    p(`Thư: ${v.subject}`, "color:#52606d"),
    itemsTable(v.items),
  ];
  return page(created ? "Đã ghi nhận xác nhận" : "Thông báo đã được xác nhận", parts.join("\n"));
}

const ERROR_PAGES = {
  malformed: [
    "Đường dẫn không hợp lệ",
    "Đường dẫn xác nhận không đúng. Đề nghị ông/bà mở lại đường dẫn trong thư, hoặc sao chép đầy đủ đường dẫn vào trình duyệt.",
  ],
  forged: [
    "Đường dẫn không hợp lệ",
    "Không thể xác nhận bằng đường dẫn này. Đề nghị ông/bà mở lại đường dẫn trong thư đã nhận.",
  ],
  expired: [
    "Đường dẫn đã hết hạn",
    "Đường dẫn xác nhận này đã hết hạn. Đề nghị ông/bà dùng đường dẫn trong thư thông báo mới nhất, hoặc liên hệ Thường trực Ban Chỉ đạo.",
  ],
} as const;

export function renderAckError(reason: keyof typeof ERROR_PAGES): string {
  const [title, text] = ERROR_PAGES[reason];
  return page(title, p(text));
}
