// A line chart as a standalone SVG, written by hand: panels side by side sharing a log-scaled y
// axis (milliseconds) over a log-scaled x axis (ledger entries), one legend below. Enough for
// bench/growth.svg; no dependency, and a reader opens it in any browser.
import { SaxesParser } from "saxes";

export type Series = {
  label: string;
  /** x and y > 0 (both axes are logarithmic); a missing point leaves a gap. */
  points: { x: number; y: number }[];
  dashed?: boolean;
};
export type Panel = { title: string; series: Series[] };
export type LineChart = {
  title: string;
  subtitle?: string;
  xLabel: string;
  yLabel: string;
  /** Where the x ticks go, with their text. */
  xTicks: { x: number; label: string }[];
  panels: Panel[];
};

// Tableau 10, then black for a dashed floor: distinct in colour and in grey.
const COLOURS = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#9c755f"];
const PANEL_W = 420;
const PANEL_H = 300;
const MARGIN = { left: 70, right: 20, top: 70, bottom: 60 };
const GAP = 40;
const LEGEND_ROW = 20;
const LEGEND_COL = 300;

export function escapeXml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!,
  );
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

/** 1, 2, 5 × powers of ten within [lo, hi] (all of them when the range is under three decades). */
export function logTicks(lo: number, hi: number): number[] {
  const ticks: number[] = [];
  const decades = Math.log10(hi / lo);
  const steps = decades < 3 ? [1, 2, 5] : [1];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++)
    for (const s of steps) {
      const t = s * 10 ** e;
      if (t >= lo * 0.999 && t <= hi * 1.001) ticks.push(t);
    }
  return ticks;
}

export function formatMs(v: number): string {
  if (v >= 1000) return `${fmt(v / 1000)} s`;
  if (v >= 1) return `${fmt(v)} ms`;
  return `${fmt(v * 1000)} µs`;
}

function range(values: number[], pad: number): [number, number] {
  const finite = values.filter((v) => Number.isFinite(v) && v > 0);
  if (finite.length === 0) return [1, 10];
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  if (hi / lo < 10) {
    // At least a decade, so that a flat line looks flat and not like noise magnified.
    const mid = Math.sqrt(lo * hi);
    lo = mid / Math.sqrt(10);
    hi = mid * Math.sqrt(10);
  }
  return [lo / pad, hi * pad];
}

export function renderLineChart(chart: LineChart): string {
  const labels = [...new Set(chart.panels.flatMap((p) => p.series.map((s) => s.label)))];
  const colourOf = (label: string, dashed?: boolean) =>
    dashed ? "#222" : COLOURS[labels.indexOf(label) % COLOURS.length]!;
  const [yLo, yHi] = range(
    chart.panels.flatMap((p) => p.series.flatMap((s) => s.points.map((pt) => pt.y))),
    1.3,
  );
  const xs = chart.xTicks.map((t) => t.x);
  const [xLo, xHi] =
    xs.length > 1 ? [Math.min(...xs) / 1.25, Math.max(...xs) * 1.25] : [xs[0]! / 3, xs[0]! * 3];
  const px = (x: number) => ((Math.log(x) - Math.log(xLo)) / (Math.log(xHi) - Math.log(xLo))) * PANEL_W;
  const py = (y: number) =>
    PANEL_H - ((Math.log(y) - Math.log(yLo)) / (Math.log(yHi) - Math.log(yLo))) * PANEL_H;
  const width = MARGIN.left + chart.panels.length * PANEL_W + (chart.panels.length - 1) * GAP + MARGIN.right;
  const legendCols = Math.max(1, Math.floor((width - MARGIN.left) / LEGEND_COL));
  const legendH = Math.ceil(labels.length / legendCols) * LEGEND_ROW + 10;
  const height = MARGIN.top + PANEL_H + MARGIN.bottom + legendH;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(chart.title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(chart.title)}</text>`,
  ];
  if (chart.subtitle)
    out.push(
      `<text x="${width / 2}" y="40" text-anchor="middle" fill="#555">${escapeXml(chart.subtitle)}</text>`,
    );
  const yTicks = logTicks(yLo, yHi);
  chart.panels.forEach((panel, i) => {
    const ox = MARGIN.left + i * (PANEL_W + GAP);
    out.push(`<g transform="translate(${ox},${MARGIN.top})">`);
    out.push(
      `<text x="${PANEL_W / 2}" y="-10" text-anchor="middle" font-weight="bold">${escapeXml(panel.title)}</text>`,
    );
    for (const t of yTicks) {
      const y = py(t).toFixed(1);
      out.push(`<line x1="0" x2="${PANEL_W}" y1="${y}" y2="${y}" stroke="#e5e5e5"/>`);
      if (i === 0)
        out.push(`<text x="-6" y="${y}" text-anchor="end" dominant-baseline="middle">${formatMs(t)}</text>`);
    }
    for (const t of chart.xTicks) {
      const x = px(t.x).toFixed(1);
      out.push(`<line x1="${x}" x2="${x}" y1="0" y2="${PANEL_H}" stroke="#e5e5e5"/>`);
      out.push(`<text x="${x}" y="${PANEL_H + 16}" text-anchor="middle">${escapeXml(t.label)}</text>`);
    }
    out.push(`<rect width="${PANEL_W}" height="${PANEL_H}" fill="none" stroke="#888"/>`);
    out.push(
      `<text x="${PANEL_W / 2}" y="${PANEL_H + 36}" text-anchor="middle">${escapeXml(chart.xLabel)}</text>`,
    );
    if (i === 0)
      out.push(
        `<text transform="translate(-55,${PANEL_H / 2}) rotate(-90)" text-anchor="middle">${escapeXml(chart.yLabel)}</text>`,
      );
    for (const s of panel.series) {
      const pts = s.points.filter((p) => Number.isFinite(p.y) && p.y > 0);
      if (pts.length === 0) continue;
      const colour = colourOf(s.label, s.dashed);
      const d = pts.map((p, k) => `${k ? "L" : "M"}${px(p.x).toFixed(1)},${py(p.y).toFixed(1)}`).join(" ");
      out.push(
        `<path d="${d}" fill="none" stroke="${colour}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ""}><title>${escapeXml(s.label)}</title></path>`,
      );
      for (const p of pts)
        out.push(
          `<circle cx="${px(p.x).toFixed(1)}" cy="${py(p.y).toFixed(1)}" r="3" fill="${colour}"><title>${escapeXml(`${s.label}: ${formatMs(p.y)}`)}</title></circle>`,
        );
    }
    out.push("</g>");
  });
  const legendY = MARGIN.top + PANEL_H + MARGIN.bottom;
  const dashedLabels = new Set(
    chart.panels.flatMap((p) => p.series.filter((s) => s.dashed).map((s) => s.label)),
  );
  labels.forEach((label, k) => {
    const x = MARGIN.left + (k % legendCols) * LEGEND_COL;
    const y = legendY + Math.floor(k / legendCols) * LEGEND_ROW;
    const dashed = dashedLabels.has(label);
    out.push(
      `<line x1="${x}" x2="${x + 28}" y1="${y}" y2="${y}" stroke="${colourOf(label, dashed)}" stroke-width="2"${dashed ? ' stroke-dasharray="6 4"' : ""}/>`,
      `<text x="${x + 36}" y="${y}" dominant-baseline="middle">${escapeXml(label)}</text>`,
    );
  });
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}

/** Throws unless `text` is well-formed XML (what a browser needs to open an .svg at all). */
export function assertWellFormedXml(text: string): void {
  const parser = new SaxesParser({ xmlns: true });
  parser.on("error", (err) => {
    throw err;
  });
  parser.write(text).close();
}
