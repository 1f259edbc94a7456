// Pieces shared by the views.
import { h } from "./dom";
import { date, pct, STATUS_LABEL, vndShort } from "./format";
import type { ViewContext } from "./router";
import type { Status, Totals, ViewHeader } from "./types";

/** The status's badge; `label` replaces the milestones' wording (a duty's "Đã nộp"). */
export function statusBadge(status: Status | string, label?: string): HTMLElement {
  return h("span", { class: `badge badge-${status}` }, label ?? STATUS_LABEL[status] ?? status);
}

export function loader(): HTMLElement {
  return h("p", { class: "loader", role: "status" }, "Đang tải dữ liệu…");
}

export function errorBox(message: string, retry?: () => void): HTMLElement {
  return h(
    "div",
    { class: "error-box", role: "alert" },
    h("p", null, message),
    retry ? h("button", { type: "button", class: "button", onclick: retry }, "Thử lại") : null,
  );
}

/** Keeps the view's date and plan year when moving to another view. */
export function viewLink(path: string, data: Pick<ViewHeader, "asOf" | "today" | "planYear" | "planYears">) {
  const q = new URLSearchParams();
  if (data.asOf !== data.today) q.set("asOf", data.asOf);
  if (data.planYears.length > 1) q.set("planYear", String(data.planYear));
  const qs = q.toString();
  return `${path}${qs ? `?${qs}` : ""}`;
}

/** The date picker ("Số liệu đến ngày", today by default) and, with several plans, the plan year. */
export function viewControls(ctx: ViewContext, data: ViewHeader): HTMLElement {
  const input = h("input", {
    id: "as-of",
    type: "date",
    value: data.asOf,
    required: true,
    onchange: (ev: Event) => {
      const v = (ev.target as HTMLInputElement).value;
      if (/^\d{4}-\d{2}-\d{2}$/.test(v)) ctx.setQuery({ asOf: v === data.today ? null : v });
    },
  });
  const yearSelect =
    data.planYears.length > 1
      ? h(
          "div",
          { class: "control" },
          h("label", { for: "plan-year" }, "Năm kế hoạch"),
          h(
            "select",
            {
              id: "plan-year",
              onchange: (ev: Event) => ctx.setQuery({ planYear: (ev.target as HTMLSelectElement).value }),
            },
            data.planYears.map((y) => h("option", { value: y, selected: y === data.planYear }, String(y))),
          ),
        )
      : null;
  return h(
    "div",
    { class: "controls" },
    h("div", { class: "control" }, h("label", { for: "as-of" }, "Số liệu đến ngày"), input),
    data.asOf !== data.today
      ? h(
          "button",
          { type: "button", class: "button button-quiet", onclick: () => ctx.setQuery({ asOf: null }) },
          `Về hôm nay (${date(data.today)})`,
        )
      : null,
    yearSelect,
  );
}

export function pageHeader(title: string, subtitle?: string | HTMLElement | null, ...extra: HTMLElement[]) {
  return h(
    "header",
    { class: "page-header" },
    h("h1", null, title),
    subtitle ? h("p", { class: "subtitle" }, subtitle) : null,
    ...extra,
  );
}

/**
 * One horizontal bar per row: the rate disbursed, with the milestone lines (60%, 90%) drawn
 * across it. Display only: statuses are decided per unit and program, never on these totals.
 */
export function rateBars(
  rows: { label: string; sublabel?: string; totals: Totals; strong?: boolean }[],
  lines: { id: string; threshold: number; deadline: string }[],
): HTMLElement {
  return h(
    "ul",
    { class: "rate-bars" },
    rows.map((r) =>
      h(
        "li",
        { class: r.strong ? "rate-row strong" : "rate-row" },
        h(
          "div",
          { class: "rate-label" },
          h("span", { class: "rate-name" }, r.label),
          r.sublabel ? h("span", { class: "rate-sub" }, r.sublabel) : null,
        ),
        h(
          "div",
          {
            class: "bar",
            role: "img",
            "aria-label": `${r.label}: đã giải ngân ${pct(r.totals.rate)} kế hoạch vốn`,
          },
          h("div", { class: "bar-fill", style: `width:${Math.min(100, Math.max(0, r.totals.rate ?? 0))}%` }),
          lines.map((l) =>
            h(
              "div",
              {
                class: "bar-line",
                style: `left:${l.threshold}%`,
                title: `${l.id}: ${l.threshold}% (hạn ${l.deadline})`,
              },
              h("span", { class: "bar-line-label" }, `${l.threshold}%`),
            ),
          ),
        ),
        h(
          "div",
          { class: "rate-figures" },
          h("strong", { class: "rate-value" }, pct(r.totals.rate)),
          h(
            "span",
            { title: "Đã giải ngân / kế hoạch vốn" },
            `${vndShort(r.totals.disbursed)} / ${vndShort(r.totals.allocated)} đồng`,
          ),
        ),
      ),
    ),
  );
}
