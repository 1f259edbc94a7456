// The unit chart: cumulative disbursement per day over the plan year against the milestone lines
// (threshold × capital allocated) and the projection from asOf to each open due date, at the pace
// the rules use (the last projectionWindowDays days). Drawn on a canvas by uPlot.
import uPlot from "uplot";
import { date, vnd, vndShort } from "./format";
import type { UnitView } from "./types";

const DAY = 86_400;
const COLORS = { allocated: "#6b7280", disbursed: "#0f4c81", projection: "#0f4c81", asOf: "#374151" };
const LINE_COLORS = ["#d97706", "#b91c1c", "#7c3aed", "#047857"];

const toUnix = (d: string) =>
  Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10))) / 1000;
const fromUnix = (s: number) => new Date(s * 1000).toISOString().slice(0, 10);

export type ChartModel = {
  xs: number[];
  allocated: (number | null)[];
  disbursed: (number | null)[];
  lines: { id: string; threshold: number; dueOn: string; values: (number | null)[] }[];
  projection: (number | null)[];
  asOfIndex: number;
  summary: string;
};

/** The chart's columns for one program, or for the unit's total when program is null. */
export function chartModel(view: UnitView, program: string | null): ChartModel {
  const { series } = view;
  const picked = program ? series.byProgram.find((p) => p.program === program) : series.total;
  const n = series.dates.length;
  const start = `${view.planYear}-01-01`;
  const charted = view.plan.milestones.filter(
    (m) => m.charted && m.threshold !== null && (m.program === null || m.program === program),
  );
  const end = [`${view.planYear}-12-31`, series.dates.at(-1) ?? start, ...charted.map((m) => m.dueOn)]
    .sort()
    .at(-1)!;
  const xs: number[] = [];
  for (let t = toUnix(start); t <= toUnix(end); t += DAY) xs.push(t);

  const known = (col: number[] | undefined) => xs.map((_, i) => (i < n ? (col?.[i] ?? 0) : null));
  const allocated = known(picked?.allocated);
  const disbursed = known(picked?.disbursed);
  const lastAllocated = n > 0 ? (allocated[n - 1] ?? 0) : 0;
  const lines = charted.map((m) => ({
    id: m.id,
    threshold: m.threshold!,
    dueOn: m.dueOn,
    values: xs.map((_, i) => ((i < n ? (allocated[i] ?? 0) : lastAllocated) * m.threshold!) / 100),
  }));

  // Projection points: disbursed at asOf, then what the rules project at each open due date.
  const projection: (number | null)[] = xs.map(() => null);
  const asOfIndex = n - 1;
  const openLines = charted.filter((m) => m.dueOn > view.asOf);
  if (n > 0 && openLines.length > 0) {
    projection[asOfIndex] = disbursed[asOfIndex] ?? 0;
    for (const m of openLines) {
      const evals = view.milestones.filter(
        (e) => e.id === m.id && (program === null || e.program === program),
      );
      const projected = evals.reduce((t, e) => t + (e.projectedDisbursed ?? e.disbursed), 0);
      const i = xs.indexOf(toUnix(m.dueOn));
      if (i >= 0) projection[i] = projected;
    }
  }

  const alloc = n > 0 ? (allocated[asOfIndex] ?? 0) : 0;
  const disb = n > 0 ? (disbursed[asOfIndex] ?? 0) : 0;
  const summary =
    n === 0
      ? `Chưa có số liệu của năm ${view.planYear} đến ngày ${date(view.asOf)}.`
      : `Đến ngày ${date(view.asOf)}: đã giải ngân ${vnd(disb)} trên kế hoạch vốn ${vnd(alloc)}` +
        (alloc > 0 ? ` (${((disb / alloc) * 100).toFixed(2).replace(".", ",")}%).` : ".") +
        lines
          .map(
            (l) =>
              ` Mốc ${l.id} cần trên ${l.threshold}% (${vnd((alloc * l.threshold) / 100)}) trước ${date(l.dueOn)}.`,
          )
          .join("");
  return { xs, allocated, disbursed, lines, projection, asOfIndex, summary };
}

export function drawChart(target: HTMLElement, model: ChartModel): uPlot {
  const phone = target.clientWidth < 600;
  const width = Math.max(280, target.clientWidth);
  const value = (_u: uPlot, v: number | null) => (v === null || v === undefined ? "—" : vnd(v));
  const opts: uPlot.Options = {
    width,
    height: phone ? 260 : 340,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
    // Headroom above the allocation line for the due-date labels.
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.15] } },
    legend: { live: true },
    cursor: { points: { size: 6 } },
    series: [
      { label: "Ngày", value: (_u, v) => (v === null ? "—" : date(fromUnix(v))) },
      { label: "Kế hoạch vốn", stroke: COLORS.allocated, width: 1.5, value },
      {
        label: "Lũy kế giải ngân",
        stroke: COLORS.disbursed,
        width: 2.5,
        fill: "rgba(15, 76, 129, 0.10)",
        value,
      },
      ...model.lines.map((l, i) => ({
        label: `Mốc ${l.id} (${l.threshold}%)`,
        stroke: LINE_COLORS[i % LINE_COLORS.length]!,
        width: 1.5,
        dash: [8, 5],
        value,
      })),
      {
        label: "Dự báo",
        stroke: COLORS.projection,
        width: 2,
        dash: [3, 4],
        spanGaps: true,
        points: { show: true, size: 7, fill: "#fff" },
        value,
      },
    ],
    axes: [
      {
        space: phone ? 55 : 70,
        values: (_u, splits) => splits.map((s) => date(fromUnix(s)).slice(0, 5)),
      },
      { size: phone ? 56 : 72, values: (_u, splits) => splits.map((s) => vndShort(s)) },
    ],
    hooks: {
      draw: [
        (u) => {
          // The due dates as vertical lines labelled at the top, one row each so that close dates
          // stay readable; asOf labelled at the bottom. Labels sit left of their line.
          const ctx = u.ctx;
          const marks = [
            ...model.lines.map((l, i) => ({
              x: toUnix(l.dueOn),
              text: `${l.id} ${date(l.dueOn).slice(0, 5)}`,
              color: LINE_COLORS[i % LINE_COLORS.length]!,
              row: i,
            })),
            ...(model.asOfIndex >= 0
              ? [{ x: model.xs[model.asOfIndex]!, text: "Số liệu đến", color: COLORS.asOf, row: -1 }]
              : []),
          ];
          ctx.save();
          ctx.font = `${Math.round(11 * devicePixelRatio)}px system-ui, sans-serif`;
          for (const m of marks) {
            const x = Math.round(u.valToPos(m.x, "x", true));
            if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
            ctx.strokeStyle = m.color;
            ctx.fillStyle = m.color;
            ctx.lineWidth = devicePixelRatio;
            ctx.setLineDash([2 * devicePixelRatio, 3 * devicePixelRatio]);
            ctx.beginPath();
            ctx.moveTo(x, u.bbox.top);
            ctx.lineTo(x, u.bbox.top + u.bbox.height);
            ctx.stroke();
            const w = ctx.measureText(m.text).width;
            const gap = 4 * devicePixelRatio;
            const tx = x - gap - w < u.bbox.left ? x + gap : x - gap - w;
            const ty =
              m.row < 0
                ? u.bbox.top + u.bbox.height - 6 * devicePixelRatio
                : u.bbox.top + (12 + 14 * m.row) * devicePixelRatio;
            ctx.fillText(m.text, tx, ty);
          }
          ctx.restore();
        },
      ],
    },
  };
  const data: uPlot.AlignedData = [
    model.xs,
    model.allocated,
    model.disbursed,
    ...model.lines.map((l) => l.values),
    model.projection,
  ];
  return new uPlot(opts, data, target);
}
