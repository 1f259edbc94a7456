// The documents the plan asks of the unit, what it sent, and the form to record a submission.
import { statusBadge } from "../../components";
import { h, scrollTable } from "../../dom";
import { date, daysLeftText, dutyStatusLabel } from "../../format";
import type { ViewContext } from "../../router";
import type { Submission, UnitView } from "../../types";
import { submissionForm, submissionsCell } from "./duty-submissions";

export function dutiesSection(
  ctx: ViewContext,
  data: UnitView,
  submissions: Map<string, Submission[]> | null,
): HTMLElement | null {
  if (data.duties.length === 0) return null;
  const dutiesTable = h(
    "table",
    { class: "data" },
    h("caption", { class: "visually-hidden" }, "Các nghĩa vụ báo cáo của đơn vị"),
    h(
      "thead",
      null,
      h(
        "tr",
        null,
        ["Nghĩa vụ", "Văn bản phải nộp", "Hạn", "Trạng thái", "Văn bản đã nộp"].map((t) =>
          h("th", { scope: "col" }, t),
        ),
      ),
    ),
    h(
      "tbody",
      null,
      data.duties.map((d) =>
        h(
          "tr",
          { "data-status": d.status, "data-duty": d.id },
          h("th", { scope: "row" }, h("abbr", { title: d.title }, d.id)),
          h("td", null, d.document),
          h(
            "td",
            null,
            date(d.dueOn),
            d.daysLeft > 0
              ? h("div", { class: "muted" }, `còn ${daysLeftText(d.daysLeft, d.workingDaysLeft)}`)
              : null,
          ),
          h("td", null, statusBadge(d.status, dutyStatusLabel(d.status, d.submission !== null))),
          h("td", null, submissionsCell(d, data.planYear, submissions?.get(d.id))),
        ),
      ),
    ),
  );

  return h(
    "section",
    { class: "card", "aria-labelledby": "duties-title" },
    h("h2", { id: "duties-title" }, `Nghĩa vụ báo cáo năm ${data.planYear}`),
    scrollTable(dutiesTable, "Nghĩa vụ báo cáo"),
    submissionForm(ctx, data),
  );
}
