// The chart of the year: cumulative disbursement against the milestones' lines, for the unit's
// total or one program, redrawn as the page's width changes.
import type uPlot from "uplot";
import { chartModel, drawChart } from "../../chart";
import { h } from "../../dom";
import type { UnitView } from "../../types";
import type { Names } from "./names";

/** The section, and `start` to draw once it is in the page (the chart measures its box). */
export function chartSection(data: UnitView, names: Names): { section: HTMLElement; start(): void } {
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
            chartPrograms.map((p) => h("option", { value: p }, `${p} · ${names.programName(p)}`)),
          ),
        )
      : null;

  const section = h(
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
  );
  const start = () => {
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
  return { section, start };
}
