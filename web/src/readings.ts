// The Treasury's reading beside the units' own (issue 15): where a Treasury statement speaks for
// a milestone, the rate on each set of figures and which one the verdict rests on.
import { h } from "./dom";
import { date, pct, STATUS_LABEL, vnd } from "./format";
import type { Evaluation, Readings } from "./types";

/** Under the rate: both rates, the verdict's first. */
export function readingsNote(e: Evaluation): HTMLElement | null {
  const r = e.readings;
  if (!r) return null;
  return h(
    "div",
    {
      class: "muted readings",
      title: `Đơn vị báo cáo: ${vnd(r.reported.disbursed)} · Kho bạc: ${vnd(r.treasury.disbursed)}`,
    },
    `Báo cáo ${pct(r.reported.rate)} · Kho bạc ${pct(r.treasury.rate)}`,
  );
}

/** Under the status: which figures decided it, and the other reading's verdict when it differs. */
export function verdictBasis(e: Evaluation): HTMLElement | null {
  const r = e.readings;
  if (!r) return null;
  const other = r.used === "treasury" ? r.reported : r.treasury;
  const otherName = r.used === "treasury" ? "số liệu báo cáo" : "số liệu Kho bạc";
  return h(
    "div",
    { class: "muted" },
    r.used === "treasury" ? "theo số liệu Kho bạc" : "theo số liệu đơn vị báo cáo",
    other.status === e.status
      ? null
      : h("div", null, `(theo ${otherName}: ${STATUS_LABEL[other.status] ?? other.status})`),
  );
}

/** Below the table: the statements the readings rest on. */
export function statementsNote(evaluations: readonly Evaluation[]): HTMLElement | null {
  const seen = new Map<number, Readings["treasury"]>();
  for (const e of evaluations) if (e.readings) seen.set(e.readings.treasury.statementId, e.readings.treasury);
  if (seen.size === 0) return null;
  const list = [...seen.values()].map((t) => `${t.documentRef} (số liệu đến ngày ${date(t.statementAsOf)})`);
  return h(
    "p",
    { class: "muted" },
    `Số liệu Kho bạc Nhà nước theo sao kê: ${list.join("; ")}. Số liệu Kho bạc gồm lũy kế giải ngân theo sao kê ` +
      "cộng phần đơn vị báo cáo giải ngân sau ngày sao kê; kế hoạch quy định kết luận dựa trên số liệu nào.",
  );
}
