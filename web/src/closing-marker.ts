// The mark of a closed milestone beside its status: "Đã khóa sổ", and where a restatement changed
// the reading since, the verdict and figures recorded at closing (the status shown is today's).
import { h } from "./dom";
import { pct, STATUS_LABEL, vnd } from "./format";
import type { Evaluation, Status } from "./types";

/** What the API adds to a closed milestone's row (see milestoneOut in src/rules/rules.schemas.ts). */
export type ClosedMarks = {
  closed?: boolean;
  recordedStatus?: Status;
  restated?: boolean;
  recorded?: { status: Status; allocated: bigint; disbursed: bigint; rate: number | null; shortfall: bigint };
};

/** The recorded figures in words, for the mark and its tooltip. */
export function recordedText(r: NonNullable<ClosedMarks["recorded"]>): string {
  return `${STATUS_LABEL[r.status] ?? r.status}, đã giải ngân ${vnd(r.disbursed)} / ${vnd(r.allocated)} (${pct(r.rate)}), còn thiếu ${vnd(r.shortfall)}`;
}

export function closedMarker(e: Evaluation): HTMLElement | null {
  const m = e as Evaluation & ClosedMarks;
  if (!m.closed) return null;
  if (m.restated && m.recorded) {
    const text = `Đã điều chỉnh lại (số liệu khi khóa sổ: ${recordedText(m.recorded)})`;
    return h("span", { class: "closed-mark restated", title: text }, text);
  }
  return h(
    "span",
    {
      class: "closed-mark",
      title: `Kết quả đã ghi nhận khi khóa sổ: ${STATUS_LABEL[m.recordedStatus ?? ""] ?? m.recordedStatus ?? ""}`,
    },
    "Đã khóa sổ",
  );
}
