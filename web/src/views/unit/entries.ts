// The unit's entries, latest first, a page at a time ("Xem thêm").
import { getJson } from "../../api";
import { errorBox } from "../../components";
import { h, scrollTable } from "../../dom";
import { CAPITAL_TYPE_LABEL, date, SOURCE_LABEL, vnd } from "../../format";
import type { EntriesPage, Entry, UnitView } from "../../types";
import type { Names } from "./names";

export const ENTRIES_PAGE = 50;

export function entriesSection(code: string, data: UnitView, names: Names): HTMLElement {
  const entryRow = (e: Entry) =>
    h(
      "tr",
      { class: e.amount < 0n ? "negative" : null },
      h("td", null, date(e.date)),
      h("td", null, e.kind === "allocation" ? "Phân bổ vốn" : "Giải ngân"),
      h("td", null, names.program(e.program)),
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

  return h(
    "section",
    { class: "card", "aria-labelledby": "entries-title" },
    h("h2", { id: "entries-title" }, "Bút toán"),
    entriesCount,
    scrollTable(entriesTable, "Bút toán"),
    more,
  );
}
