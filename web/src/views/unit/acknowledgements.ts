// The unit page's section of acknowledgements: what unit heads answered through the links in
// their e-mails, latest first.
import { h, scrollTable } from "../../dom";
import { date, dateTime, stageLabel } from "../../format";
import type { UnitView } from "../../types";

export function acknowledgementsSection(data: Pick<UnitView, "acknowledgements" | "asOf">): HTMLElement {
  const items = data.acknowledgements ?? [];
  const body =
    items.length === 0
      ? h("p", { class: "muted" }, `Chưa có xác nhận nào của thủ trưởng đơn vị đến ngày ${date(data.asOf)}.`)
      : scrollTable(
          h(
            "table",
            { class: "data" },
            h("caption", { class: "visually-hidden" }, "Xác nhận đã nhận thông báo"),
            h(
              "thead",
              null,
              h(
                "tr",
                null,
                [
                  "Thời điểm xác nhận",
                  "Người xác nhận",
                  "Thông báo",
                  "Kế hoạch khắc phục",
                  "Dự kiến hoàn thành",
                ].map((t) => h("th", { scope: "col" }, t)),
              ),
            ),
            h(
              "tbody",
              null,
              items.map((a) =>
                h(
                  "tr",
                  null,
                  h("td", null, dateTime(a.at)),
                  h("td", null, a.recipient),
                  h(
                    "td",
                    { title: a.subject },
                    a.alerts
                      .map((x) => `${x.milestoneId} · ${x.program}: ${stageLabel(x.stage)}`)
                      .join("; ") || a.subject,
                  ),
                  h("td", { style: "white-space:pre-wrap" }, a.plannedAction ?? "—"),
                  h("td", null, date(a.plannedOn)),
                ),
              ),
            ),
          ),
          "Xác nhận đã nhận thông báo",
        );
  return h(
    "section",
    { class: "card", "aria-labelledby": "acknowledgements-title" },
    h("h2", { id: "acknowledgements-title" }, "Xác nhận của thủ trưởng đơn vị"),
    body,
  );
}
