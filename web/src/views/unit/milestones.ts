// The unit's milestones: every (program, milestone) it holds capital for, with the Treasury's
// reading beside the reported one where a statement speaks, and the refunds it does not owe.
import { closedMarker } from "../../closing-marker";
import { statusBadge } from "../../components";
import { h, scrollTable } from "../../dom";
import { date, daysLeftText, pct, vnd } from "../../format";
import { readingsNote, statementsNote, verdictBasis } from "../../readings";
import type { UnitView } from "../../types";
import type { Names } from "./names";

export function milestonesSection(data: UnitView, names: Names): HTMLElement {
  const evaluations = [...data.milestones]
    .filter((m) => m.status !== "not_applicable")
    .sort((a, b) => (a.dueOn < b.dueOn ? -1 : a.dueOn > b.dueOn ? 1 : a.program < b.program ? -1 : 1));
  // A refund the unit's kind does not owe (a department's): its undisbursed capital lapses, and is
  // listed as such below, not counted among the milestones without capital in scope.
  const notOwed = data.milestones.filter((m) => m.status === "not_applicable" && m.lapsed !== undefined);
  const lapsed = notOwed.filter((m) => m.lapsed !== undefined && m.lapsed > 0n);
  const notApplicable = data.milestones.length - evaluations.length - notOwed.length;
  const milestonesTable = h(
    "table",
    { class: "data" },
    h("caption", { class: "visually-hidden" }, "Các mốc giải ngân của đơn vị"),
    h(
      "thead",
      null,
      h(
        "tr",
        null,
        ["Mốc", "Chương trình", "Hạn", "Trạng thái"].map((t) => h("th", { scope: "col" }, t)),
        [
          "Kế hoạch vốn",
          "Đã giải ngân",
          "Tỷ lệ",
          "Ngưỡng",
          "Còn thiếu",
          "Cần giải ngân mỗi ngày",
          "Dự báo tại hạn",
        ].map((t) => h("th", { scope: "col", class: "num" }, t)),
      ),
    ),
    h(
      "tbody",
      null,
      evaluations.map((e) =>
        h(
          "tr",
          { "data-status": e.status },
          h("th", { scope: "row" }, h("abbr", { title: names.title(e.id) }, e.id)),
          h("td", null, names.program(e.program)),
          h(
            "td",
            null,
            names.deadline(e.id) ?? date(e.dueOn),
            e.daysLeft > 0
              ? h("div", { class: "muted" }, `còn ${daysLeftText(e.daysLeft, e.workingDaysLeft)}`)
              : null,
          ),
          h("td", null, statusBadge(e.status), closedMarker(e), verdictBasis(e)),
          h("td", { class: "num" }, vnd(e.allocated)),
          h("td", { class: "num" }, vnd(e.disbursed)),
          h("td", { class: "num" }, pct(e.rate), readingsNote(e)),
          h(
            "td",
            { class: "num" },
            e.kind === "request" ? "—" : `${e.comparison === "gt" ? "trên" : "từ"} ${e.threshold}%`,
          ),
          h("td", { class: "num" }, vnd(e.shortfall)),
          h("td", { class: "num" }, e.requiredDailyPace === null ? "—" : vnd(e.requiredDailyPace)),
          h("td", { class: "num" }, pct(e.projectedRate)),
        ),
      ),
    ),
  );

  return h(
    "section",
    { class: "card", "aria-labelledby": "milestones-title" },
    h("h2", { id: "milestones-title" }, `Các mốc giải ngân năm ${data.planYear}`),
    evaluations.length === 0
      ? h("p", { class: "muted" }, "Đơn vị chưa có kế hoạch vốn thuộc phạm vi các mốc.")
      : [scrollTable(milestonesTable, "Các mốc giải ngân"), statementsNote(evaluations)],
    evaluations.some((e) => e.kind === "refund")
      ? h(
          "p",
          { class: "muted small" },
          "Với mốc hoàn trả (REF), hai cột số tiền là số phải hoàn trả ngân sách cấp trên và số đã hoàn trả.",
        )
      : null,
    lapsed.length > 0
      ? h(
          "ul",
          { class: "small" },
          lapsed.map((m) =>
            h(
              "li",
              null,
              `${m.id} · ${names.programName(m.program)}: Vốn không giải ngân hết (không thuộc diện hoàn trả ngân sách cấp trên): ${vnd(m.lapsed ?? 0n)}`,
            ),
          ),
        )
      : null,
    notApplicable > 0
      ? h(
          "p",
          { class: "muted small" },
          `${notApplicable} mốc không áp dụng (đơn vị không có vốn thuộc phạm vi mốc) không được liệt kê.`,
        )
      : null,
  );
}
