// The province at a glance: allocated, disbursed and the rate per program against the milestone
// lines, how many units met, are on track, at risk or missed each milestone, and the few largest
// shortfalls (the at-risk view holds the rest).
import { getJson } from "../api";
import { loader, pageHeader, rateBars, statusBadge, viewControls, viewLink } from "../components";
import { h, scrollTable } from "../dom";
import { DUTY_STATUS_LABEL, date, STATUS_LABEL, shortProgramName, vnd } from "../format";
import type { View, ViewContext } from "../router";
import type { Counts, Me, Overview } from "../types";

const COUNTED = ["met", "on_track", "at_risk", "missed"] as const;
/** The largest shortfalls the overview lists: the answer carries no more than these. */
const TOP = 5;

const fetchOverview = (query: URLSearchParams) =>
  getJson<Overview>("/dashboard/overview", {
    asOf: query.get("asOf"),
    planYear: query.get("planYear"),
    atRiskLimit: TOP,
  });

export const overviewView: View = async (root, ctx) => {
  root.replaceChildren(loader());
  // The province is for admins and viewers: an officer is taken to their own unit, or shown them.
  const me = await getJson<Me>("/me");
  if (!ctx.isCurrent()) return;
  if (me.role === "officer") return officerHome(root, ctx, me);
  const data = await fetchOverview(ctx.query);
  if (!ctx.isCurrent()) return;
  const programName = new Map(data.programs.map((p) => [p.code, shortProgramName(p.name)]));
  const lines = data.plan.milestones
    .filter((m) => m.charted && m.threshold !== null && m.program === null)
    .map((m) => ({ id: m.id, threshold: m.threshold!, dueOn: m.dueOn, deadline: m.deadline }));
  const deadline = new Map(data.plan.milestones.map((m) => [m.id, m.deadline]));
  const s = data.summary;
  const atRiskCount = data.atRisk.totals.count;

  const bars = rateBars(
    [
      ...s.byProgram.map((p) => ({
        label: programName.get(p.program) ?? p.program,
        sublabel: p.program,
        totals: p,
      })),
      { label: "Toàn tỉnh", sublabel: "Tất cả chương trình", totals: s.total, strong: true },
    ],
    lines,
  );

  const totalsTable = h(
    "table",
    { class: "data" },
    h("caption", { class: "visually-hidden" }, "Kế hoạch vốn và giải ngân theo chương trình"),
    h(
      "thead",
      null,
      h(
        "tr",
        null,
        h("th", { scope: "col" }, "Chương trình"),
        h("th", { scope: "col", class: "num" }, "Kế hoạch vốn"),
        h("th", { scope: "col", class: "num" }, "Đã giải ngân"),
        h("th", { scope: "col", class: "num" }, "Còn lại"),
      ),
    ),
    h(
      "tbody",
      null,
      s.byProgram.map((p) =>
        h(
          "tr",
          null,
          h("th", { scope: "row" }, programName.get(p.program) ?? p.program),
          h("td", { class: "num" }, vnd(p.allocated)),
          h("td", { class: "num" }, vnd(p.disbursed)),
          h("td", { class: "num" }, vnd(p.allocated - p.disbursed)),
        ),
      ),
      h(
        "tr",
        { class: "total" },
        h("th", { scope: "row" }, "Toàn tỉnh"),
        h("td", { class: "num" }, vnd(s.total.allocated)),
        h("td", { class: "num" }, vnd(s.total.disbursed)),
        h("td", { class: "num" }, vnd(s.total.allocated - s.total.disbursed)),
      ),
    ),
  );

  const milestoneCards = s.byMilestone.map((m) => {
    const href = (program?: string) =>
      withParams(viewLink("/at-risk", data), { milestone: m.id, ...(program ? { program } : {}) });
    // At-risk and missed counts lead to those rows of the at-risk table.
    const countCells = (c: Counts, program?: string) =>
      COUNTED.map((k) =>
        h(
          "td",
          { class: `num count count-${k}${c[k] ? "" : " zero"}` },
          c[k] > 0 && (k === "at_risk" || k === "missed")
            ? h("a", { href: href(program), title: "Xem trong danh sách có nguy cơ" }, String(c[k]))
            : String(c[k]),
        ),
      );
    return h(
      "article",
      { class: "card milestone-card" },
      h("h3", null, h("span", { class: "milestone-id" }, m.id), " ", m.title),
      h(
        "p",
        { class: "muted" },
        `Hạn: ${deadline.get(m.id) ?? date(m.dueOn)}${m.dueOn < data.asOf ? " (đã qua)" : ""}`,
      ),
      scrollTable(
        h(
          "table",
          { class: "data counts" },
          h(
            "thead",
            null,
            h(
              "tr",
              null,
              h("th", { scope: "col" }, "Chương trình"),
              COUNTED.map((k) => h("th", { scope: "col", class: "num" }, STATUS_LABEL[k])),
            ),
          ),
          h(
            "tbody",
            null,
            m.byProgram.map((p) =>
              h(
                "tr",
                null,
                h(
                  "th",
                  { scope: "row" },
                  h("abbr", { title: programName.get(p.program) ?? p.program }, p.program),
                ),
                countCells(p.counts, p.program),
              ),
            ),
            h("tr", { class: "total" }, h("th", { scope: "row" }, "Số đơn vị"), countCells(m.unitCounts)),
          ),
        ),
        `Số đơn vị theo trạng thái, mốc ${m.id}`,
      ),
    );
  });

  const unitHref = (code: string) => viewLink(`/units/${encodeURIComponent(code)}`, data);
  const topTable =
    data.atRisk.items.length === 0
      ? null
      : scrollTable(
          h(
            "table",
            { class: "data top-shortfalls" },
            h("caption", { class: "visually-hidden" }, "Các trường hợp còn thiếu nhiều nhất"),
            h(
              "thead",
              null,
              h(
                "tr",
                null,
                h("th", { scope: "col" }, "Đơn vị"),
                h("th", { scope: "col" }, "Chương trình"),
                h("th", { scope: "col" }, "Mốc"),
                h("th", { scope: "col" }, "Trạng thái"),
                h("th", { scope: "col", class: "num" }, "Còn thiếu"),
              ),
            ),
            h(
              "tbody",
              null,
              data.atRisk.items.map((i) =>
                h(
                  "tr",
                  { "data-unit": i.unitCode },
                  h(
                    "th",
                    { scope: "row" },
                    h("a", { href: unitHref(i.unitCode), class: "unit-link" }, i.unitName),
                  ),
                  h("td", null, h("abbr", { title: programName.get(i.program) ?? i.program }, i.program)),
                  h("td", { title: `Hạn: ${deadline.get(i.id) ?? date(i.dueOn)}` }, i.id),
                  h("td", null, statusBadge(i.status)),
                  h("td", { class: "num" }, vnd(i.shortfall)),
                ),
              ),
            ),
          ),
          "Các trường hợp còn thiếu nhiều nhất",
        );

  // Duties: per duty, how many of the units it asks sent their document, and how many are late.
  const duties = s.byDuty;
  const dutiesSection =
    duties.length === 0
      ? []
      : [
          h(
            "section",
            { class: "card", "aria-labelledby": "duties-title" },
            h("h2", { id: "duties-title" }, "Nghĩa vụ báo cáo"),
            h(
              "p",
              { class: "muted" },
              `Số đơn vị theo tình trạng nộp văn bản: ${data.atRisk.duties.totals.missed} trường hợp chưa nộp quá hạn, ${data.atRisk.duties.totals.at_risk} trường hợp sắp đến hạn.`,
            ),
            scrollTable(
              h(
                "table",
                { class: "data counts" },
                h("caption", { class: "visually-hidden" }, "Nghĩa vụ báo cáo theo tình trạng"),
                h(
                  "thead",
                  null,
                  h(
                    "tr",
                    null,
                    h("th", { scope: "col" }, "Nghĩa vụ"),
                    h("th", { scope: "col" }, "Hạn"),
                    COUNTED.map((c) => h("th", { scope: "col", class: "num" }, DUTY_STATUS_LABEL[c])),
                  ),
                ),
                h(
                  "tbody",
                  null,
                  duties.map((d) =>
                    h(
                      "tr",
                      null,
                      h("th", { scope: "row" }, h("abbr", { title: d.title }, d.id), ` · ${d.document}`),
                      h("td", null, date(d.dueOn)),
                      COUNTED.map((c) => h("td", { class: "num" }, String(d.counts[c]))),
                    ),
                  ),
                ),
              ),
              "Nghĩa vụ báo cáo",
            ),
          ),
        ];

  root.replaceChildren(
    pageHeader("Tổng quan toàn tỉnh", data.plan.title),
    viewControls(ctx, data),
    h(
      "section",
      { class: "card", "aria-labelledby": "rates-title" },
      h("h2", { id: "rates-title" }, `Tỷ lệ giải ngân vốn năm ${data.planYear} đến ngày ${date(data.asOf)}`),
      h(
        "p",
        { class: "muted" },
        "Vốn kế hoạch năm của các đơn vị, theo chương trình; vạch dọc là ngưỡng các mốc giải ngân.",
      ),
      bars,
      scrollTable(totalsTable, "Kế hoạch vốn và giải ngân theo chương trình"),
    ),
    h(
      "section",
      { "aria-labelledby": "milestones-title" },
      h(
        "div",
        { class: "section-head" },
        h("h2", { id: "milestones-title" }, "Tình hình các mốc"),
        h(
          "a",
          { class: "button", href: viewLink("/at-risk", data) },
          atRiskCount > 0 ? `Xem ${atRiskCount} trường hợp có nguy cơ, không đạt` : "Danh sách có nguy cơ",
        ),
      ),
      h(
        "p",
        { class: "muted" },
        "Mỗi mốc được xét cho từng đơn vị và chương trình. Dòng “Số đơn vị” tính mỗi đơn vị một lần, theo trạng thái xấu nhất của đơn vị.",
      ),
      h("div", { class: "milestone-grid" }, milestoneCards),
    ),
    ...dutiesSection,
    ...(topTable
      ? [
          h(
            "section",
            { class: "card", "aria-labelledby": "top-title" },
            h("h2", { id: "top-title" }, "Còn thiếu nhiều nhất"),
            h(
              "p",
              { class: "muted" },
              [
                `${atRiskCount} trường hợp có nguy cơ hoặc không đạt mốc, tổng số còn thiếu ${vnd(data.atRisk.totals.shortfall)}.`,
                atRiskCount > data.atRisk.items.length
                  ? `Dưới đây là ${data.atRisk.items.length} trường hợp còn thiếu nhiều nhất; xem tất cả trong danh sách có nguy cơ.`
                  : null,
              ]
                .filter(Boolean)
                .join(" "),
            ),
            topTable,
          ),
        ]
      : []),
  );
};

function withParams(href: string, extra: Record<string, string>): string {
  const [path, qs] = href.split("?");
  const q = new URLSearchParams(qs);
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  return `${path}?${q.toString()}`;
}

/** An officer's start: their one unit's page, or the list of their units. */
function officerHome(root: HTMLElement, ctx: ViewContext, me: Me) {
  const unitHref = (code: string) => {
    const q = new URLSearchParams(ctx.query);
    const search = q.toString();
    return `/units/${encodeURIComponent(code)}${search ? `?${search}` : ""}`;
  };
  const [only] = me.unitCodes;
  if (me.unitCodes.length === 1 && only) return ctx.navigate(unitHref(only), { replace: true });
  root.replaceChildren(
    pageHeader("Đơn vị của bạn", `Khóa "${me.name}" ghi và xem số liệu của các đơn vị sau.`),
    h(
      "section",
      { class: "card" },
      h(
        "ul",
        null,
        me.unitCodes.map((c) => h("li", null, h("a", { href: unitHref(c) }, c))),
      ),
    ),
  );
}
