// The unit chart: cumulative disbursement per day over the plan year against the milestone lines
// (threshold × capital allocated) and the projection from asOf to each open due date, at the pace
// the rules use (the last projectionWindowDays days). Drawn on a canvas by uPlot.
import uPlot from "uplot";
import { date, pct, percentOf, vnd, vndShort } from "./format";
import type { UnitView } from "./types";

const DAY = 86_400;
const COLORS = { allocated: "#6b7280", disbursed: "#0f4c81", projection: "#0f4c81", asOf: "#374151" };
const LINE_COLORS = ["#d97706", "#b91c1c", "#7c3aed", "#047857"];

const toUnix = (d: string) =>
  Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10))) / 1000;
const fromUnix = (s: number) => new Date(s * 1000).toISOString().slice(0, 10);

/** A chart column: whole đồng, exact, for the legend and the summary (null where there is no value). */
type Column = (bigint | null)[];

export type ChartModel = {
  xs: number[];
  allocated: Column;
  disbursed: Column;
  lines: { id: string; threshold: number; dueOn: string; deadline: string; values: Column }[];
  projection: Column;
  asOfIndex: number;
  summary: string;
};

/** threshold% of an amount, rounded up to whole đồng (display: the line a unit must pass). */
function share(amount: bigint, threshold: number): bigint {
  const num = amount * BigInt(Math.round(threshold * 100));
  return (num + 9_999n) / 10_000n;
}

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

  const known = (col: bigint[] | undefined): Column => xs.map((_, i) => (i < n ? (col?.[i] ?? 0n) : null));
  const allocated = known(picked?.allocated);
  const disbursed = known(picked?.disbursed);
  const lastAllocated = n > 0 ? (allocated[n - 1] ?? 0n) : 0n;
  const lines = charted.map((m) => ({
    id: m.id,
    threshold: m.threshold!,
    dueOn: m.dueOn,
    deadline: m.deadline,
    values: xs.map((_, i) => share(i < n ? (allocated[i] ?? 0n) : lastAllocated, m.threshold!)),
  }));

  // Projection points: disbursed at asOf, then what the rules project at each open due date.
  const projection: Column = xs.map(() => null);
  const asOfIndex = n - 1;
  const openLines = charted.filter((m) => m.dueOn > view.asOf);
  if (n > 0 && openLines.length > 0) {
    projection[asOfIndex] = disbursed[asOfIndex] ?? 0n;
    for (const m of openLines) {
      const evals = view.milestones.filter(
        (e) => e.id === m.id && (program === null || e.program === program),
      );
      const projected = evals.reduce((t, e) => t + (e.projectedDisbursed ?? e.disbursed), 0n);
      const i = xs.indexOf(toUnix(m.dueOn));
      if (i >= 0) projection[i] = projected;
    }
  }

  const alloc = n > 0 ? (allocated[asOfIndex] ?? 0n) : 0n;
  const disb = n > 0 ? (disbursed[asOfIndex] ?? 0n) : 0n;
  const rate = percentOf(disb, alloc);
  const summary =
    n === 0
      ? `Chưa có số liệu của năm ${view.planYear} đến ngày ${date(view.asOf)}.`
      : `Đến ngày ${date(view.asOf)}: đã giải ngân ${vnd(disb)} trên kế hoạch vốn ${vnd(alloc)}` +
        (rate !== null ? ` (${pct(rate)}).` : ".") +
        lines
          .map(
            (l) => ` Mốc ${l.id} cần trên ${l.threshold}% (${vnd(share(alloc, l.threshold))}) ${l.deadline}.`,
          )
          .join("");
  return { xs, allocated, disbursed, lines, projection, asOfIndex, summary };
}

/** uPlot draws numbers: a column's position on the canvas only, never a figure shown. */
const plotted = (col: Column): (number | null)[] => col.map((v) => (v === null ? null : Number(v)));

export function drawChart(target: HTMLElement, model: ChartModel): uPlot {
  const phone = target.clientWidth < 600;
  const width = Math.max(280, target.clientWidth);
  // The legend shows the exact column, not the plotted double (amounts above 2^53 lose digits there).
  const columns = [model.allocated, model.disbursed, ...model.lines.map((l) => l.values), model.projection];
  const value = (_u: uPlot, _v: number | null, seriesIdx: number, idx: number | null) =>
    vnd(idx === null ? null : columns[seriesIdx - 1]?.[idx]);
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
  const data: uPlot.AlignedData = [model.xs, ...columns.map(plotted)];
  return new uPlot(opts, data, target);
}
