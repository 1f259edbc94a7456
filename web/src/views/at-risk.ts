// The (unit, program, milestone) items at risk or missed on the chosen date, largest shortfall
// first, a page at a time ("Xem thêm" asks for the next): filtered by program, milestone and unit
// kind on the server, so the totals are the filtered list's; the rows shown sort by any column.
import { getJson } from "../api";
import { closedMarker } from "../closing-marker";
import { errorBox, loader, pageHeader, statusBadge, viewControls, viewLink } from "../components";
import { h, scrollTable } from "../dom";
import {
  DUTY_STATUS_LABEL,
  date,
  daysLeftText,
  dutyStatusLabel,
  pct,
  STATUS_LABEL,
  shortProgramName,
  UNIT_KIND_LABEL,
  UNIT_KIND_SHORT,
  vnd,
} from "../format";
import type { View } from "../router";
import type { AtRiskItem, AtRiskPage, AtRiskView } from "../types";

/** Rows per page: a province's list runs to thousands. The address may ask for 1 to 1000. */
const PAGE = 100;
const pageSize = (q: URLSearchParams) => {
  const n = Number(q.get("limit"));
  return /^\d{1,4}$/.test(q.get("limit") ?? "") && n >= 1 && n <= 1000 ? n : PAGE;
};
/** The filters, as query parameters of the view's address and of /at-risk ("" for all). */
type Filter = { program: string; milestone: string; kind: string };

type Column = {
  key: string;
  label: string;
  numeric?: boolean;
  /** Amounts sort as bigint, exactly; rates and days as numbers; names as text. */
  sortValue: (i: AtRiskItem) => bigint | number | string;
  cell: (i: AtRiskItem) => Node | string;
};

const collator = new Intl.Collator("vi", { numeric: true });
const severity: Record<string, number> = { missed: 2, at_risk: 1 };

export const atRiskView: View = async (root, ctx) => {
  root.replaceChildren(loader());
  const limit = pageSize(ctx.query);
  const filter: Filter = {
    program: ctx.query.get("program") ?? "",
    milestone: ctx.query.get("milestone") ?? "",
    kind: ctx.query.get("kind") ?? "",
  };
  const data = await getJson<AtRiskView>("/dashboard/at-risk", {
    asOf: ctx.query.get("asOf"),
    planYear: ctx.query.get("planYear"),
    ...filter,
    limit,
    dutiesLimit: limit,
  });
  if (!ctx.isCurrent()) return;
  // The rows fetched so far, the whole list's totals and the token of the next page.
  let list: AtRiskPage = {
    items: data.items,
    totals: data.totals,
    nextCursor: data.nextCursor,
    duties: data.duties,
  };
  const programName = new Map(data.programs.map((p) => [p.code, shortProgramName(p.name)]));
  const unitHref = (code: string) => viewLink(`/units/${encodeURIComponent(code)}`, data);
  const deadline = new Map(data.plan.milestones.map((m) => [m.id, m.deadline]));

  const columns: Column[] = [
    {
      key: "unit",
      label: "Đơn vị",
      sortValue: (i) => i.unitName,
      // The unit's kind under its name: filterable above, and one column less to scroll.
      cell: (i) =>
        h(
          "span",
          null,
          h("a", { href: unitHref(i.unitCode), class: "unit-link" }, i.unitName),
          h(
            "span",
            { class: "unit-kind", title: UNIT_KIND_LABEL[i.unitKind] ?? "" },
            UNIT_KIND_SHORT[i.unitKind] ?? i.unitKind,
          ),
        ),
    },
    {
      key: "program",
      label: "Chương trình",
      sortValue: (i) => i.program,
      cell: (i) => h("abbr", { title: programName.get(i.program) ?? i.program }, i.program),
    },
    {
      key: "milestone",
      label: "Mốc",
      sortValue: (i) => `${i.dueOn} ${i.id}`,
      // The id only: a short date would be a second wording of a deadline the plan words itself.
      cell: (i) => h("span", { class: "nowrap", title: `Hạn: ${deadline.get(i.id) ?? date(i.dueOn)}` }, i.id),
    },
    {
      key: "status",
      label: "Trạng thái",
      sortValue: (i) => severity[i.status] ?? 0,
      cell: (i) => h("span", null, statusBadge(i.status), closedMarker(i)),
    },
    {
      key: "allocated",
      label: "Kế hoạch vốn",
      numeric: true,
      sortValue: (i) => i.allocated,
      cell: (i) => vnd(i.allocated),
    },
    {
      key: "disbursed",
      label: "Đã giải ngân",
      numeric: true,
      sortValue: (i) => i.disbursed,
      cell: (i) => vnd(i.disbursed),
    },
    { key: "rate", label: "Tỷ lệ", numeric: true, sortValue: (i) => i.rate ?? -1, cell: (i) => pct(i.rate) },
    {
      key: "shortfall",
      label: "Còn thiếu",
      numeric: true,
      sortValue: (i) => i.shortfall,
      cell: (i) => vnd(i.shortfall),
    },
    {
      key: "pace",
      label: "Cần mỗi ngày",
      numeric: true,
      sortValue: (i) => i.requiredDailyPace ?? -1n,
      cell: (i) => (i.requiredDailyPace === null ? "—" : vnd(i.requiredDailyPace)),
    },
    {
      key: "daysLeft",
      label: "Còn lại",
      numeric: true,
      sortValue: (i) => i.daysLeft,
      cell: (i) => daysLeftText(i.daysLeft, i.workingDaysLeft),
    },
    {
      key: "projected",
      label: "Dự báo tại hạn",
      numeric: true,
      sortValue: (i) => i.projectedRate ?? -1,
      cell: (i) => pct(i.projectedRate),
    },
  ];

  const state = {
    sort: columns.some((c) => c.key === ctx.query.get("sort")) ? ctx.query.get("sort")! : "shortfall",
    dir: ctx.query.get("dir") === "asc" ? "asc" : ctx.query.get("dir") === "desc" ? "desc" : "",
  };

  /** A page of the list on the view's date and plan year, with the filters chosen now. */
  const fetchPage = (cursor: string | null) =>
    getJson<AtRiskPage>("/at-risk", {
      asOf: data.asOf,
      planYear: data.planYear,
      ...filter,
      limit,
      dutiesLimit: limit,
      cursor,
    });
  // Answers arriving after the filters changed again are dropped.
  let generation = 0;
  const problem = h("div");

  async function load(cursor: string | null) {
    const gen = ++generation;
    more.disabled = true;
    problem.replaceChildren();
    try {
      const page = await fetchPage(cursor);
      if (gen !== generation || !ctx.isCurrent()) return;
      // Duties come with the first page (and their own pages): a next money page keeps those shown.
      list = {
        ...page,
        items: cursor ? [...list.items, ...page.items] : page.items,
        duties: cursor
          ? { ...page.duties, items: list.duties.items, nextCursor: list.duties.nextCursor }
          : page.duties,
      };
      drawTable();
      drawDuties();
    } catch (err) {
      if (gen === generation)
        problem.replaceChildren(errorBox((err as Error).message, () => void load(cursor)));
    } finally {
      if (gen === generation) more.disabled = false;
    }
  }

  const select = (id: string, label: string, value: string, options: [string, string][]) =>
    h(
      "div",
      { class: "control" },
      h("label", { for: id }, label),
      h(
        "select",
        {
          id,
          onchange: (ev: Event) => {
            const key = id.replace("filter-", "") as keyof Filter;
            filter[key] = (ev.target as HTMLSelectElement).value;
            ctx.setQuery({ [key]: filter[key] || null }, { redraw: false });
            count.textContent = "Đang tải dữ liệu…";
            void load(null);
          },
        },
        options.map(([v, text]) => h("option", { value: v, selected: v === value }, text)),
      ),
    );

  const filters = h(
    "div",
    { class: "controls filters", role: "group", "aria-label": "Bộ lọc" },
    select("filter-program", "Chương trình", filter.program, [
      ["", "Tất cả chương trình"],
      ...data.programs.map((p): [string, string] => [p.code, `${p.code} · ${shortProgramName(p.name)}`]),
    ]),
    select("filter-milestone", "Mốc", filter.milestone, [
      ["", "Tất cả các mốc"],
      ...data.plan.milestones.map((m): [string, string] => [m.id, `${m.id} · hạn ${m.deadline}`]),
    ]),
    select("filter-kind", "Loại đơn vị", filter.kind, [
      ["", "Tất cả"],
      ["district", UNIT_KIND_LABEL.district!],
      ["department", UNIT_KIND_LABEL.department!],
    ]),
  );

  const count = h("p", { class: "result-count", role: "status", "aria-live": "polite" });
  const tableHolder = h("div");
  const more = h(
    "button",
    {
      type: "button",
      class: "button",
      onclick: () => {
        if (list.nextCursor) void load(list.nextCursor);
      },
    },
    "Xem thêm",
  );

  function sorted(items: AtRiskItem[]): AtRiskItem[] {
    const col = columns.find((c) => c.key === state.sort)!;
    // Amounts and rates read best largest first; names and codes A to Z.
    const dir = state.dir || (col.numeric || col.key === "status" ? "desc" : "asc");
    const sign = dir === "asc" ? 1 : -1;
    return items
      .map((item, index) => ({ item, index }))
      .sort((a, b) => {
        const x = col.sortValue(a.item);
        const y = col.sortValue(b.item);
        const c =
          typeof x === "bigint" && typeof y === "bigint"
            ? Number(x > y) - Number(x < y)
            : typeof x === "number" && typeof y === "number"
              ? x - y
              : collator.compare(String(x), String(y));
        return c * sign || a.index - b.index;
      })
      .map((e) => e.item);
  }

  function drawTable() {
    const items = sorted(list.items);
    const { totals } = list;
    const col = columns.find((c) => c.key === state.sort)!;
    const dir = state.dir || (col.numeric || col.key === "status" ? "desc" : "asc");
    const { missed, at_risk: atRisk } = totals.byStatus;
    // A closed milestone recorded as missed stays listed after a restatement changed its reading.
    const restated = totals.count - missed - atRisk;
    const shown =
      items.length < totals.count
        ? ` Đang hiển thị ${items.length} trường hợp còn thiếu nhiều nhất; bấm tiêu đề cột để sắp xếp các dòng đang hiển thị.`
        : "";
    count.textContent =
      totals.count === 0
        ? "Không có trường hợp nào phù hợp."
        : `${totals.count} trường hợp: ${atRisk} ${STATUS_LABEL.at_risk!.toLowerCase()}, ${missed} ${STATUS_LABEL.missed!.toLowerCase()}${restated > 0 ? `, ${restated} đã điều chỉnh lại sau khi khóa sổ` : ""}; tổng số còn thiếu ${vnd(totals.shortfall)}.${shown}`;
    more.hidden = !list.nextCursor;
    more.textContent = `Xem thêm ${Math.min(limit, totals.count - items.length)} trường hợp`;
    const table = h(
      "table",
      { class: "data at-risk-table", "data-rows": items.length },
      h(
        "caption",
        { class: "visually-hidden" },
        "Danh sách đơn vị có nguy cơ hoặc không đạt mốc; bấm tiêu đề cột để sắp xếp",
      ),
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          columns.map((c) =>
            h(
              "th",
              {
                scope: "col",
                class: c.numeric ? "num" : null,
                "aria-sort": c.key === state.sort ? (dir === "asc" ? "ascending" : "descending") : null,
              },
              h(
                "button",
                {
                  type: "button",
                  class: "sort",
                  "data-sort": c.key,
                  onclick: () => {
                    const current = c.key === state.sort ? dir : "";
                    state.sort = c.key;
                    state.dir =
                      current === "desc"
                        ? "asc"
                        : current === "asc"
                          ? "desc"
                          : c.numeric || c.key === "status"
                            ? "desc"
                            : "asc";
                    ctx.setQuery({ sort: state.sort, dir: state.dir }, { redraw: false });
                    drawTable();
                    tableHolder.querySelector<HTMLButtonElement>(`button[data-sort="${c.key}"]`)?.focus();
                  },
                },
                c.label,
                h(
                  "span",
                  { class: "sort-mark", "aria-hidden": "true" },
                  c.key === state.sort ? (dir === "asc" ? "▲" : "▼") : "↕",
                ),
              ),
            ),
          ),
        ),
      ),
      h(
        "tbody",
        null,
        items.map((i) =>
          h(
            "tr",
            { "data-unit": i.unitCode, "data-program": i.program },
            columns.map((c) =>
              h(
                c.key === "unit" ? "th" : "td",
                { class: c.numeric ? "num" : null, ...(c.key === "unit" ? { scope: "row" } : {}) },
                c.cell(i),
              ),
            ),
          ),
        ),
      ),
    );
    tableHolder.replaceChildren(scrollTable(table, "Danh sách có nguy cơ"));
  }
  drawTable();

  // Duties at risk or missed: no shortfall to rank them among the money items, so a table of
  // their own, as the server orders them (missed first, then the nearest due date).
  const dutiesCount = h("p", { class: "duties-count", role: "status", "aria-live": "polite" });
  const dutiesHolder = h("div");
  const dutiesProblem = h("div");
  // The next duties, appended: the money items' page size of 1 keeps that part of the answer small.
  const moreDuties = h(
    "button",
    {
      type: "button",
      class: "button",
      onclick: async () => {
        const next = list.duties.nextCursor;
        if (!next) return;
        const gen = generation;
        moreDuties.disabled = true;
        dutiesProblem.replaceChildren();
        try {
          const page = await getJson<AtRiskPage>("/at-risk", {
            asOf: data.asOf,
            planYear: data.planYear,
            ...filter,
            limit: 1,
            dutiesLimit: limit,
            dutiesCursor: next,
          });
          if (gen !== generation || !ctx.isCurrent()) return;
          list = {
            ...list,
            duties: { ...page.duties, items: [...list.duties.items, ...page.duties.items] },
          };
          drawDuties();
        } catch (err) {
          dutiesProblem.replaceChildren(errorBox((err as Error).message, () => moreDuties.click()));
        } finally {
          moreDuties.disabled = false;
        }
      },
    },
    "Xem thêm nghĩa vụ",
  );
  function drawDuties() {
    const { items, totals } = list.duties;
    moreDuties.hidden = !list.duties.nextCursor;
    dutiesCount.textContent = filter.program
      ? "Nghĩa vụ báo cáo không thuộc riêng chương trình nào: bỏ lọc chương trình để xem."
      : totals.missed + totals.at_risk === 0
        ? "Không có nghĩa vụ báo cáo nào chậm hoặc sắp đến hạn."
        : `${totals.missed} trường hợp ${DUTY_STATUS_LABEL.missed!.toLowerCase()}, ${totals.at_risk} trường hợp ${DUTY_STATUS_LABEL.at_risk!.toLowerCase()}.${
            items.length < totals.missed + totals.at_risk
              ? ` Đang hiển thị ${items.length} trường hợp đầu.`
              : ""
          }`;
    if (items.length === 0) return dutiesHolder.replaceChildren();
    const table = h(
      "table",
      { class: "data duties-table", "data-rows": items.length },
      h("caption", { class: "visually-hidden" }, "Nghĩa vụ báo cáo chậm hoặc sắp đến hạn"),
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          ["Đơn vị", "Nghĩa vụ", "Hạn", "Trạng thái"].map((t) => h("th", { scope: "col" }, t)),
          h("th", { scope: "col", class: "num" }, "Còn lại"),
        ),
      ),
      h(
        "tbody",
        null,
        items.map((d) =>
          h(
            "tr",
            { "data-unit": d.unitCode, "data-duty": d.id, "data-status": d.status },
            h(
              "th",
              { scope: "row" },
              h("a", { href: unitHref(d.unitCode), class: "unit-link" }, d.unitName),
              h(
                "span",
                { class: "unit-kind", title: UNIT_KIND_LABEL[d.unitKind] ?? "" },
                UNIT_KIND_SHORT[d.unitKind] ?? d.unitKind,
              ),
            ),
            h("td", { class: "nowrap" }, h("abbr", { title: d.title }, d.id)),
            h("td", { class: "nowrap" }, date(d.dueOn)),
            h("td", null, statusBadge(d.status, dutyStatusLabel(d.status, d.submission !== null))),
            h("td", { class: "num" }, daysLeftText(d.daysLeft, d.workingDaysLeft)),
          ),
        ),
      ),
    );
    // Each duty's words once, under the table, rather than on each of its (many) rows.
    const named = [...new Map(items.map((d) => [d.id, d])).values()];
    dutiesHolder.replaceChildren(
      scrollTable(table, "Nghĩa vụ báo cáo chậm hoặc sắp đến hạn"),
      h(
        "dl",
        { class: "duty-legend small" },
        named.map((d) => [
          h("dt", null, d.id),
          h("dd", null, d.title, h("span", { class: "muted" }, `. Văn bản phải nộp: ${d.document}.`)),
        ]),
      ),
    );
  }
  drawDuties();

  root.replaceChildren(
    pageHeader("Đơn vị có nguy cơ, không đạt mốc", `Đến ngày ${date(data.asOf)} · ${data.plan.title}`),
    viewControls(ctx, data),
    h(
      "section",
      { class: "card" },
      filters,
      h(
        "p",
        { class: "muted" },
        "“Còn thiếu” là số tiền tối thiểu cần giải ngân thêm để đạt mốc; “Cần giải ngân mỗi ngày” chia số đó cho số ngày còn lại. Dự báo: tốc độ giải ngân ",
        String(data.plan.projectionWindowDays),
        " ngày gần nhất kéo dài đến hạn.",
      ),
      count,
      tableHolder,
      problem,
      more,
    ),
    h(
      "section",
      { class: "card", "aria-labelledby": "duties-title" },
      h("h2", { id: "duties-title" }, "Nghĩa vụ báo cáo chậm hoặc sắp đến hạn"),
      dutiesCount,
      dutiesHolder,
      dutiesProblem,
      moreDuties,
    ),
  );
};
