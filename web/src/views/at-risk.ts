// Every (unit, program, milestone) at risk or missed on the chosen date: sortable by any column,
// filtered by program, milestone and unit kind, each row linking to the unit. Filtering and
// sorting happen here, on the one answer the view fetched.
import { closedMarker } from "../closing-marker";
import { loader, pageHeader, statusBadge, viewControls, viewLink } from "../components";
import { h, scrollTable } from "../dom";
import { date, pct, STATUS_LABEL, shortProgramName, UNIT_KIND_LABEL, UNIT_KIND_SHORT, vnd } from "../format";
import type { View } from "../router";
import type { AtRiskItem } from "../types";
import { fetchOverview } from "./overview";

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
  const data = await fetchOverview(ctx.query);
  if (!ctx.isCurrent()) return;
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
      label: "Còn (ngày)",
      numeric: true,
      sortValue: (i) => i.daysLeft,
      cell: (i) => String(i.daysLeft),
    },
    {
      key: "projected",
      label: "Dự báo tại hạn",
      numeric: true,
      sortValue: (i) => i.projectedRate ?? -1,
      cell: (i) => pct(i.projectedRate),
    },
  ];

  const milestoneIds = [...new Set(data.atRisk.map((i) => i.id))];
  const milestoneOptions = data.plan.milestones.filter((m) => milestoneIds.includes(m.id) || m.charted);
  const state = {
    program: ctx.query.get("program") ?? "",
    milestone: ctx.query.get("milestone") ?? "",
    kind: ctx.query.get("kind") ?? "",
    sort: columns.some((c) => c.key === ctx.query.get("sort")) ? ctx.query.get("sort")! : "shortfall",
    dir: ctx.query.get("dir") === "asc" ? "asc" : ctx.query.get("dir") === "desc" ? "desc" : "",
  };

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
            const v = (ev.target as HTMLSelectElement).value;
            (state as Record<string, string>)[id.replace("filter-", "")] = v;
            ctx.setQuery({ [id.replace("filter-", "")]: v || null }, { redraw: false });
            drawTable();
          },
        },
        options.map(([v, text]) => h("option", { value: v, selected: v === value }, text)),
      ),
    );

  const filters = h(
    "div",
    { class: "controls filters", role: "group", "aria-label": "Bộ lọc" },
    select("filter-program", "Chương trình", state.program, [
      ["", "Tất cả chương trình"],
      ...data.programs.map((p): [string, string] => [p.code, `${p.code} · ${shortProgramName(p.name)}`]),
    ]),
    select("filter-milestone", "Mốc", state.milestone, [
      ["", "Tất cả các mốc"],
      ...milestoneOptions.map((m): [string, string] => [m.id, `${m.id} · hạn ${m.deadline}`]),
    ]),
    select("filter-kind", "Loại đơn vị", state.kind, [
      ["", "Tất cả"],
      ["district", UNIT_KIND_LABEL.district!],
      ["department", UNIT_KIND_LABEL.department!],
    ]),
  );

  const count = h("p", { class: "result-count", role: "status", "aria-live": "polite" });
  const tableHolder = h("div");

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
    const items = sorted(
      data.atRisk.filter(
        (i) =>
          (!state.program || i.program === state.program) &&
          (!state.milestone || i.id === state.milestone) &&
          (!state.kind || i.unitKind === state.kind),
      ),
    );
    const col = columns.find((c) => c.key === state.sort)!;
    const dir = state.dir || (col.numeric || col.key === "status" ? "desc" : "asc");
    const missed = items.filter((i) => i.status === "missed").length;
    const atRisk = items.filter((i) => i.status === "at_risk").length;
    // A closed milestone recorded as missed stays listed after a restatement changed its reading.
    const restated = items.length - missed - atRisk;
    count.textContent =
      items.length === 0
        ? "Không có trường hợp nào phù hợp."
        : `${items.length} trường hợp: ${atRisk} ${STATUS_LABEL.at_risk!.toLowerCase()}, ${missed} ${STATUS_LABEL.missed!.toLowerCase()}${restated > 0 ? `, ${restated} đã điều chỉnh lại sau khi khóa sổ` : ""}.`;
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
    ),
  );
};
