// The plan year's ledger lines: capital, disbursed, refunded, carried forward and what is left,
// by program, source and capital type.
import { h, scrollTable } from "../../dom";
import { CAPITAL_TYPE_LABEL, SOURCE_LABEL, vnd } from "../../format";
import type { UnitView } from "../../types";
import type { Names } from "./names";

export function ledgerLinesSection(data: UnitView, names: Names): HTMLElement {
  const linesTable = h(
    "table",
    { class: "data" },
    h("caption", { class: "visually-hidden" }, "Kế hoạch vốn và giải ngân theo nguồn vốn"),
    h(
      "thead",
      null,
      h(
        "tr",
        null,
        ["Chương trình", "Vốn", "Nguồn vốn", "Loại vốn"].map((t) => h("th", { scope: "col" }, t)),
        ["Kế hoạch vốn", "Đã giải ngân", "Đã hoàn trả", "Chuyển nguồn", "Còn lại"].map((t) =>
          h("th", { scope: "col", class: "num" }, t),
        ),
      ),
    ),
    h(
      "tbody",
      null,
      data.ledger.lines.map((l) =>
        h(
          "tr",
          null,
          h("td", null, names.program(l.program)),
          h("td", null, l.carriedOverFrom ? `Năm ${l.carriedOverFrom} kéo dài` : `Năm ${data.planYear}`),
          h("td", null, SOURCE_LABEL[l.source] ?? l.source),
          h("td", null, CAPITAL_TYPE_LABEL[l.capitalType] ?? l.capitalType),
          h("td", { class: "num" }, vnd(l.allocated)),
          h("td", { class: "num" }, vnd(l.disbursed)),
          h("td", { class: "num" }, vnd(l.refunded)),
          h("td", { class: "num" }, vnd(l.carriedForward)),
          h("td", { class: "num" }, vnd(l.remaining)),
        ),
      ),
      h(
        "tr",
        { class: "total" },
        h("th", { scope: "row", colspan: 4 }, "Tổng cộng"),
        h("td", { class: "num" }, vnd(data.ledger.total.allocated)),
        h("td", { class: "num" }, vnd(data.ledger.total.disbursed)),
        h("td", { class: "num" }, vnd(data.ledger.total.refunded)),
        h("td", { class: "num" }, vnd(data.ledger.total.carriedForward)),
        h("td", { class: "num" }, vnd(data.ledger.total.remaining)),
      ),
    ),
  );

  return h(
    "section",
    { class: "card", "aria-labelledby": "lines-title" },
    h("h2", { id: "lines-title" }, "Kế hoạch vốn và giải ngân theo nguồn"),
    scrollTable(linesTable, "Kế hoạch vốn theo nguồn"),
  );
}
