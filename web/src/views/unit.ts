// One unit: its milestones, the chart of the year, its ledger lines and entries, and its alerts.
import type uPlot from "uplot";
import { getJson } from "../api";
import { chartModel, drawChart } from "../chart";
import { closedMarker } from "../closing-marker";
import { errorBox, loader, pageHeader, statusBadge, viewControls, viewLink } from "../components";
import { h, scrollTable } from "../dom";
import {
  CAPITAL_TYPE_LABEL,
  date,
  dateTime,
  daysLeftText,
  deliveryLabel,
  dutyStatusLabel,
  pct,
  SOURCE_LABEL,
  shortProgramName,
  stageLabel,
  UNIT_KIND_LABEL,
  vnd,
} from "../format";
import { readingsNote, statementsNote, verdictBasis } from "../readings";
import type { View } from "../router";
import type { EntriesPage, Entry, UnitView } from "../types";
import { acknowledgementsSection } from "./acknowledgements";
import { fetchDutySubmissions, submissionForm, submissionsCell } from "./duty-submissions";

const ENTRIES_PAGE = 50;

export const unitView: View = async (root, ctx) => {
  root.replaceChildren(loader());
  const code = ctx.params[0] ?? "";
  const asOf = ctx.query.get("asOf");
  const planYear = ctx.query.get("planYear");
  const data = await getJson<UnitView>(`/dashboard/units/${encodeURIComponent(code)}`, {
    asOf,
    planYear,
    entriesLimit: ENTRIES_PAGE,
  });
  if (!ctx.isCurrent()) return;
  const submissions = await fetchDutySubmissions(data);
  if (!ctx.isCurrent()) return;
  const programName = new Map(data.programs.map((p) => [p.code, shortProgramName(p.name)]));
  const program = (c: string) => h("abbr", { title: programName.get(c) ?? c }, c);
  const title = new Map(data.plan.milestones.map((m) => [m.id, m.title]));
  const deadline = new Map(data.plan.milestones.map((m) => [m.id, m.deadline]));

  // Milestones: every (program, milestone) the unit holds capital for.
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
          h("th", { scope: "row" }, h("abbr", { title: title.get(e.id) ?? e.id }, e.id)),
          h("td", null, program(e.program)),
          h(
            "td",
            null,
            deadline.get(e.id) ?? date(e.dueOn),
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

  // Duties: the documents the plan asks of the unit, and what it sent.
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

  const dutiesSection =
    data.duties.length === 0
      ? []
      : [
          h(
            "section",
            { class: "card", "aria-labelledby": "duties-title" },
            h("h2", { id: "duties-title" }, `Nghĩa vụ báo cáo năm ${data.planYear}`),
            scrollTable(dutiesTable, "Nghĩa vụ báo cáo"),
            submissionForm(ctx, data),
          ),
        ];

  // The chart, for the unit's total or one program.
  const chartPrograms = data.series.byProgram.map((p) => p.program);
  const chartBox = h("div", { class: "chart", role: "img" });
  const chartSummary = h("figcaption", { class: "chart-summary" });
  let chart: uPlot | null = null;
  let chartProgram: string | null = null;
  const drawFor = (p: string | null) => {
    chartProgram = p;
    const model = chartModel(data, p);
    chart?.destroy();
    chartBox.replaceChildren();
    chartBox.setAttribute("aria-label", `Biểu đồ lũy kế giải ngân. ${model.summary}`);
    chartSummary.textContent = model.summary;
    chart = drawChart(chartBox, model);
  };
  const chartSelect =
    chartPrograms.length > 1
      ? h(
          "div",
          { class: "control" },
          h("label", { for: "chart-program" }, "Chương trình"),
          h(
            "select",
            {
              id: "chart-program",
              onchange: (ev: Event) => drawFor((ev.target as HTMLSelectElement).value || null),
            },
            h("option", { value: "" }, "Tất cả chương trình"),
            chartPrograms.map((p) => h("option", { value: p }, `${p} · ${programName.get(p) ?? p}`)),
          ),
        )
      : null;

  // Ledger lines of the plan year.
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
          h("td", null, program(l.program)),
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

  // Entries, latest first, with further pages on request.
  const entryRow = (e: Entry) =>
    h(
      "tr",
      { class: e.amount < 0n ? "negative" : null },
      h("td", null, date(e.date)),
      h("td", null, e.kind === "allocation" ? "Phân bổ vốn" : "Giải ngân"),
      h("td", null, program(e.program)),
      h(
        "td",
        null,
        SOURCE_LABEL[e.source] ?? e.source,
        e.carriedOverFrom ? ` (năm ${e.carriedOverFrom})` : "",
      ),
      h("td", null, CAPITAL_TYPE_LABEL[e.capitalType] ?? e.capitalType),
      h("td", { class: "num" }, vnd(e.amount)),
      h("td", null, e.reference),
      h("td", { class: "note" }, e.corrects ? `Điều chỉnh bút toán #${e.corrects}. ` : "", e.note ?? ""),
    );
  const entriesBody = h("tbody", null, data.entries.items.map(entryRow));
  const totalEntries = data.entries.allocations + data.entries.disbursements;
  const entriesCount = h("p", { class: "muted", role: "status" });
  let shown = data.entries.items.length;
  let cursor = data.entries.nextCursor;
  const more = h("button", { type: "button", class: "button" }, "Xem thêm");
  const updateCount = () => {
    entriesCount.textContent = `Đang hiển thị ${shown} / ${totalEntries} bút toán (${data.entries.allocations} phân bổ, ${data.entries.disbursements} giải ngân), mới nhất trước.`;
    more.hidden = !cursor;
  };
  more.addEventListener("click", async () => {
    if (!cursor) return;
    more.disabled = true;
    try {
      const page = await getJson<EntriesPage>(`/dashboard/units/${encodeURIComponent(code)}/entries`, {
        asOf: data.asOf,
        planYear: data.planYear,
        limit: ENTRIES_PAGE,
        cursor,
      });
      for (const e of page.items) entriesBody.appendChild(entryRow(e));
      shown += page.items.length;
      cursor = page.nextCursor;
      updateCount();
    } catch (err) {
      more.after(errorBox((err as Error).message));
    } finally {
      more.disabled = false;
    }
  });
  updateCount();
  const entriesTable = h(
    "table",
    { class: "data" },
    h("caption", { class: "visually-hidden" }, "Bút toán phân bổ và giải ngân"),
    h(
      "thead",
      null,
      h(
        "tr",
        null,
        ["Ngày", "Loại", "Chương trình", "Nguồn vốn", "Loại vốn"].map((t) => h("th", { scope: "col" }, t)),
        h("th", { scope: "col", class: "num" }, "Số tiền"),
        h("th", { scope: "col" }, "Quyết định / chứng từ"),
        h("th", { scope: "col" }, "Ghi chú"),
      ),
    ),
    entriesBody,
  );

  // Alerts sent about the unit.
  const alertsSection =
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
                  h("td", null, program(a.program)),
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

  root.replaceChildren(
    pageHeader(
      data.unit.name,
      `${data.unit.code} · ${UNIT_KIND_LABEL[data.unit.kind] ?? data.unit.kind} · Thủ trưởng: ${data.unit.headName}`,
      h("a", { class: "back-link", href: viewLink("/at-risk", data) }, "← Danh sách có nguy cơ"),
    ),
    viewControls(ctx, data),
    h(
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
                `${m.id} · ${programName.get(m.program) ?? m.program}: Vốn không giải ngân hết (không thuộc diện hoàn trả ngân sách cấp trên): ${vnd(m.lapsed ?? 0n)}`,
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
    ),
    ...dutiesSection,
    h(
      "section",
      { class: "card", "aria-labelledby": "chart-title" },
      h(
        "div",
        { class: "section-head" },
        h("h2", { id: "chart-title" }, "Lũy kế giải ngân trong năm"),
        chartSelect,
      ),
      h(
        "p",
        { class: "muted small" },
        `Vốn kế hoạch năm ${data.planYear} của đơn vị, theo ngày. Đường mốc = ngưỡng × kế hoạch vốn; đường dự báo kéo dài tốc độ giải ngân ${data.plan.projectionWindowDays} ngày gần nhất đến hạn của từng mốc.`,
      ),
      h("figure", { class: "chart-figure" }, chartBox, chartSummary),
    ),
    h(
      "section",
      { class: "card", "aria-labelledby": "lines-title" },
      h("h2", { id: "lines-title" }, "Kế hoạch vốn và giải ngân theo nguồn"),
      scrollTable(linesTable, "Kế hoạch vốn theo nguồn"),
    ),
    h(
      "section",
      { class: "card", "aria-labelledby": "entries-title" },
      h("h2", { id: "entries-title" }, "Bút toán"),
      entriesCount,
      scrollTable(entriesTable, "Bút toán"),
      more,
    ),
    h(
      "section",
      { class: "card", "aria-labelledby": "alerts-title" },
      h("h2", { id: "alerts-title" }, "Cảnh báo cho đơn vị"),
      alertsSection,
    ),
    acknowledgementsSection(data),
  );

  drawFor(null);
  // Follow the width of the page (rotating a phone, resizing a window).
  let lastWidth = chartBox.clientWidth;
  const observer = new ResizeObserver(() => {
    if (!chartBox.isConnected) return observer.disconnect();
    if (Math.abs(chartBox.clientWidth - lastWidth) < 8) return;
    lastWidth = chartBox.clientWidth;
    drawFor(chartProgram);
  });
  observer.observe(chartBox);
};
