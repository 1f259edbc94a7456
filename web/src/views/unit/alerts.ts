// The alerts sent about the unit, up to the day viewed.
import { h, scrollTable } from "../../dom";
import { date, dateTime, deliveryLabel, stageLabel } from "../../format";
import type { UnitView } from "../../types";
import type { Names } from "./names";

export function alertsSection(data: UnitView, names: Names): HTMLElement {
  const list =
    data.alerts.length === 0
      ? h("p", { class: "muted" }, `Chưa có cảnh báo nào gửi cho đơn vị đến ngày ${date(data.asOf)}.`)
      : scrollTable(
          h(
            "table",
            { class: "data" },
            h("caption", { class: "visually-hidden" }, "Cảnh báo đã gửi cho đơn vị"),
            h(
              "thead",
              null,
              h(
                "tr",
                null,
                [
                  "Ngày xét",
                  "Mốc",
                  "Chương trình",
                  "Nội dung",
                  "Người nhận",
                  "Tình trạng gửi",
                  "Thời điểm gửi",
                ].map((t) => h("th", { scope: "col" }, t)),
              ),
            ),
            h(
              "tbody",
              null,
              data.alerts.map((a) =>
                h(
                  "tr",
                  null,
                  h("td", null, date(a.asOf)),
                  h("td", null, a.milestoneId),
                  h("td", null, names.program(a.program)),
                  h("td", null, stageLabel(a.stage)),
                  h("td", null, a.recipient),
                  h("td", { title: a.skipReason ?? "" }, deliveryLabel(a)),
                  h("td", null, dateTime(a.message?.sentAt)),
                ),
              ),
            ),
          ),
          "Cảnh báo đã gửi",
        );

  return h(
    "section",
    { class: "card", "aria-labelledby": "alerts-title" },
    h("h2", { id: "alerts-title" }, "Cảnh báo cho đơn vị"),
    list,
  );
}
