// One unit's page, a section per file: its milestones, duties, the chart of the year, its ledger
// lines and entries, the alerts sent about it and their acknowledgements.
import { getJson } from "../../api";
import { loader, pageHeader, viewControls, viewLink } from "../../components";
import { h } from "../../dom";
import { UNIT_KIND_LABEL } from "../../format";
import type { View } from "../../router";
import type { UnitView } from "../../types";
import { acknowledgementsSection } from "./acknowledgements";
import { alertsSection } from "./alerts";
import { chartSection } from "./chart";
import { dutiesSection } from "./duties";
import { fetchDutySubmissions } from "./duty-submissions";
import { ENTRIES_PAGE, entriesSection } from "./entries";
import { ledgerLinesSection } from "./ledger-lines";
import { milestonesSection } from "./milestones";
import { namesOf } from "./names";

export const unitView: View = async (root, ctx) => {
  root.replaceChildren(loader());
  const code = ctx.params[0] ?? "";
  const data = await getJson<UnitView>(`/dashboard/units/${encodeURIComponent(code)}`, {
    asOf: ctx.query.get("asOf"),
    planYear: ctx.query.get("planYear"),
    entriesLimit: ENTRIES_PAGE,
  });
  if (!ctx.isCurrent()) return;
  const submissions = await fetchDutySubmissions(data);
  if (!ctx.isCurrent()) return;
  const names = namesOf(data);
  const chart = chartSection(data, names);
  const duties = dutiesSection(ctx, data, submissions);
  root.replaceChildren(
    pageHeader(
      data.unit.name,
      `${data.unit.code} · ${UNIT_KIND_LABEL[data.unit.kind] ?? data.unit.kind} · Thủ trưởng: ${data.unit.headName}`,
      h("a", { class: "back-link", href: viewLink("/at-risk", data) }, "← Danh sách có nguy cơ"),
    ),
    viewControls(ctx, data),
    milestonesSection(data, names),
    ...(duties ? [duties] : []),
    chart.section,
    ledgerLinesSection(data, names),
    entriesSection(code, data, names),
    alertsSection(data, names),
    acknowledgementsSection(data),
  );
  chart.start();
};
