// The at-risk view and the province summary as .xlsx (one sheet per program; sheets per program,
// unit kind and milestone) and as one CSV with the same rows. Figures come from the rules
// service, so a file always agrees with /api/v1/at-risk and /api/v1/reports/summary.
import { STATUS_LABELS } from "../alerts/templates/format.js";
import type { AtRiskFilter } from "../domain/at-risk.js";
import type { DutyStatus } from "../domain/duties.js";
import type { LocalDate } from "../domain/local-date.js";
import type { UnitKind } from "../domain/plan-fields.js";
import type { RulesService } from "../rules/rules.service.js";
import { writeCsv } from "./csv.js";
import {
  addTableSheet,
  asciiSlug,
  CSV_TYPE,
  csvValue,
  type Download,
  newWorkbook,
  type SheetColumn,
  type SheetRecord,
  workbookBuffer,
  XLSX_TYPE,
} from "./workbook.js";

type Deps = {
  rules: Pick<RulesService, "atRisk" | "summary" | "dutyRoster">;
  catalog: { listPrograms(): Promise<{ code: string; name: string }[]> };
};

export type ExportFormat = "xlsx" | "csv";

export const UNIT_KIND_LABELS = {
  department: "Sở, ban, ngành",
  district: "Huyện, thị xã, thành phố",
} as const;

const vnDate = (d: LocalDate) => `${d.slice(8, 10)}-${d.slice(5, 7)}-${d.slice(0, 4)}`;

const AT_RISK_COLUMNS: SheetColumn[] = [
  { key: "unitCode", header: "Mã đơn vị", kind: "text", width: 14 },
  { key: "unitName", header: "Tên đơn vị", kind: "text", width: 34 },
  { key: "unitKind", header: "Loại đơn vị", kind: "text", width: 22 },
  { key: "program", header: "Chương trình", kind: "text", width: 12 },
  { key: "milestone", header: "Mốc", kind: "text", width: 8 },
  { key: "dueOn", header: "Hạn", kind: "date", width: 12 },
  { key: "status", header: "Tình trạng", kind: "text", width: 20 },
  { key: "allocated", header: "Kế hoạch vốn", kind: "vnd", width: 22 },
  { key: "disbursed", header: "Đã giải ngân", kind: "vnd", width: 22 },
  { key: "rate", header: "Tỷ lệ giải ngân", kind: "percent", width: 14 },
  { key: "threshold", header: "Ngưỡng", kind: "percent", width: 10 },
  { key: "shortfall", header: "Còn thiếu để đạt mốc", kind: "vnd", width: 22 },
  { key: "daysLeft", header: "Số ngày còn lại", kind: "integer", width: 12 },
  { key: "requiredDailyPace", header: "Cần giải ngân mỗi ngày", kind: "vnd", width: 22 },
  { key: "projectedRate", header: "Tỷ lệ dự kiến đến hạn", kind: "percent", width: 16 },
];

/** A duty's status as units read it: a document sent or not. */
export function dutyStatusLabel(status: DutyStatus, submitted: boolean): string {
  if (status === "missed") return submitted ? "Nộp muộn" : "Chưa nộp – quá hạn";
  return DUTY_STATUS_LABELS[status];
}
const DUTY_STATUS_LABELS: Record<DutyStatus, string> = {
  met: "Đã nộp",
  missed: "Chưa nộp – quá hạn",
  at_risk: "Sắp đến hạn",
  on_track: "Đúng tiến độ",
  not_applicable: "Không áp dụng",
};

const DUTY_COLUMNS: SheetColumn[] = [
  { key: "unitCode", header: "Mã đơn vị", kind: "text", width: 14 },
  { key: "unitName", header: "Tên đơn vị", kind: "text", width: 34 },
  { key: "unitKind", header: "Loại đơn vị", kind: "text", width: 22 },
  { key: "duty", header: "Nghĩa vụ", kind: "text", width: 14 },
  { key: "title", header: "Nội dung", kind: "text", width: 40 },
  { key: "dueOn", header: "Hạn", kind: "date", width: 12 },
  { key: "status", header: "Tình trạng", kind: "text", width: 20 },
  { key: "documentNumber", header: "Số văn bản", kind: "text", width: 18 },
  { key: "submittedOn", header: "Ngày gửi", kind: "date", width: 12 },
  { key: "workingDaysLeft", header: "Số ngày làm việc còn lại", kind: "integer", width: 14 },
];

const COUNT_COLUMNS = (prefix: string, header: string): SheetColumn[] =>
  (["met", "on_track", "at_risk", "missed", "not_applicable"] as const).map((s) => ({
    key: `${prefix}${s}`,
    header: `${header}${STATUS_LABELS[s]}`,
    kind: "integer",
    width: 14,
  }));

const FIGURE_COLUMNS: SheetColumn[] = [
  { key: "allocated", header: "Kế hoạch vốn", kind: "vnd", width: 24 },
  { key: "disbursed", header: "Đã giải ngân", kind: "vnd", width: 24 },
  { key: "rate", header: "Tỷ lệ giải ngân", kind: "percent", width: 14 },
];

const counts = (prefix: string, c: Record<string, number>): SheetRecord =>
  Object.fromEntries(Object.entries(c).map(([k, v]) => [`${prefix}${k}`, v]));

/** The same rows as CSV: amounts as plain digits, rates as percent numbers ("(%)" in the header). */
function toCsv(columns: SheetColumn[], records: SheetRecord[]): Buffer {
  return writeCsv([
    columns.map((c) => (c.kind === "percent" ? `${c.header} (%)` : c.header)),
    ...records.map((r) => columns.map((c) => csvValue(r[c.key]))),
  ]);
}

export function createExportsService({ rules, catalog }: Deps) {
  async function programNames() {
    return new Map((await catalog.listPrograms()).map((p) => [p.code, p.name]));
  }

  return {
    async atRisk(
      format: ExportFormat,
      asOf: LocalDate,
      planYear: number | undefined,
      filter: AtRiskFilter,
    ): Promise<Download> {
      const [view, names] = await Promise.all([rules.atRisk(asOf, planYear, filter), programNames()]);
      const records: SheetRecord[] = view.items.map((i) => ({
        unitCode: i.unitCode,
        unitName: i.unitName,
        unitKind: UNIT_KIND_LABELS[i.unitKind],
        program: i.program,
        milestone: i.id,
        dueOn: i.dueOn,
        status: STATUS_LABELS[i.status],
        allocated: i.allocated,
        disbursed: i.disbursed,
        rate: i.rate,
        threshold: i.threshold,
        shortfall: i.shortfall,
        daysLeft: i.daysLeft,
        requiredDailyPace: i.requiredDailyPace,
        projectedRate: i.projectedRate,
      }));
      const suffix = filter.program ? ` - ${filter.program}` : "";
      const name = `Danh sách có nguy cơ - KH ${view.planYear}${suffix} - đến ${vnDate(view.asOf)}`;
      const file = (ext: string) => ({
        filename: `${name}.${ext}`,
        asciiFilename: `${asciiSlug(name)}.${ext}`,
      });
      if (format === "csv")
        return { body: toCsv(AT_RISK_COLUMNS, records), contentType: CSV_TYPE, ...file("csv") };
      const wb = await newWorkbook(name);
      // One sheet per program (every program of the catalog, or the one asked for), even if empty.
      const programs = filter.program ? [filter.program] : [...names.keys()];
      for (const p of new Set([...programs, ...records.map((r) => String(r.program))]))
        addTableSheet(
          wb,
          p,
          AT_RISK_COLUMNS,
          records.filter((r) => r.program === p),
        );
      return { body: await workbookBuffer(wb), contentType: XLSX_TYPE, ...file("xlsx") };
    },

    /**
     * Every (unit, duty) of the plan year: status, the document sent and its date. One sheet; the
     * CSV has the same rows. The unit kind narrows it, status too.
     */
    async duties(
      format: ExportFormat,
      asOf: LocalDate,
      planYear: number | undefined,
      filter: { kind?: UnitKind | undefined; status?: DutyStatus | undefined },
    ): Promise<Download> {
      const view = await rules.dutyRoster(asOf, planYear);
      const records: SheetRecord[] = view.duties
        .filter(
          (r) =>
            (filter.kind === undefined || r.unitKind === filter.kind) &&
            (filter.status === undefined || r.status === filter.status),
        )
        .map((r) => ({
          unitCode: r.unitCode,
          unitName: r.unitName,
          unitKind: UNIT_KIND_LABELS[r.unitKind],
          duty: r.id,
          title: r.title,
          dueOn: r.dueOn,
          status: dutyStatusLabel(r.status, r.submission !== null),
          documentNumber: r.submission?.documentNumber ?? null,
          submittedOn: r.submission?.submittedOn ?? null,
          workingDaysLeft: r.workingDaysLeft,
        }));
      const name = `Nghĩa vụ báo cáo - KH ${view.planYear} - đến ${vnDate(view.asOf)}`;
      const file = (ext: string) => ({
        filename: `${name}.${ext}`,
        asciiFilename: `${asciiSlug(name)}.${ext}`,
      });
      if (format === "csv")
        return { body: toCsv(DUTY_COLUMNS, records), contentType: CSV_TYPE, ...file("csv") };
      const wb = await newWorkbook(name);
      addTableSheet(wb, "Nghĩa vụ báo cáo", DUTY_COLUMNS, records);
      return { body: await workbookBuffer(wb), contentType: XLSX_TYPE, ...file("xlsx") };
    },

    async summary(format: ExportFormat, asOf: LocalDate, planYear: number | undefined): Promise<Download> {
      const [s, names] = await Promise.all([rules.summary(asOf, planYear), programNames()]);
      const total = { allocated: s.total.allocated, disbursed: s.total.disbursed, rate: s.total.rate };
      const TOTAL = "Tổng cộng";
      const byProgram: SheetRecord[] = [
        ...s.byProgram.map((p) => ({ ...p, programName: names.get(p.program) ?? "" })),
        { program: TOTAL, programName: "", ...total },
      ];
      const byKind: SheetRecord[] = [
        ...s.byUnitKind.map((k) => ({
          kind: UNIT_KIND_LABELS[k.kind as keyof typeof UNIT_KIND_LABELS] ?? k.kind,
          allocated: k.allocated,
          disbursed: k.disbursed,
          rate: k.rate,
        })),
        { kind: TOTAL, ...total },
      ];
      const byMilestone: SheetRecord[] = s.byMilestone.map((m) => ({
        milestone: m.id,
        title: m.title,
        dueOn: m.dueOn,
        threshold: m.threshold,
        allocated: m.total.allocated,
        disbursed: m.total.disbursed,
        rate: m.total.rate,
        ...counts("pairs_", m.counts),
        ...counts("units_", m.unitCounts),
      }));
      const byMilestoneProgram: SheetRecord[] = s.byMilestone.flatMap((m) =>
        m.byProgram.map((p) => ({
          milestone: m.id,
          dueOn: m.dueOn,
          program: p.program,
          allocated: p.allocated,
          disbursed: p.disbursed,
          rate: p.rate,
          ...counts("pairs_", p.counts),
        })),
      );
      const programCol: SheetColumn = { key: "program", header: "Chương trình", kind: "text", width: 14 };
      const milestoneCols: SheetColumn[] = [
        { key: "milestone", header: "Mốc", kind: "text", width: 8 },
        { key: "dueOn", header: "Hạn", kind: "date", width: 12 },
      ];
      const pairCounts = COUNT_COLUMNS("pairs_", "Đơn vị-chương trình: ");
      const unitCounts = COUNT_COLUMNS("units_", "Đơn vị: ");
      const sheets: { name: string; columns: SheetColumn[]; records: SheetRecord[] }[] = [
        {
          name: "Theo chương trình",
          columns: [
            programCol,
            { key: "programName", header: "Tên chương trình", kind: "text", width: 44 },
            ...FIGURE_COLUMNS,
          ],
          records: byProgram,
        },
        {
          name: "Theo loại đơn vị",
          columns: [{ key: "kind", header: "Loại đơn vị", kind: "text", width: 26 }, ...FIGURE_COLUMNS],
          records: byKind,
        },
        {
          name: "Theo mốc",
          columns: [
            milestoneCols[0]!,
            { key: "title", header: "Nội dung", kind: "text", width: 44 },
            milestoneCols[1]!,
            { key: "threshold", header: "Ngưỡng", kind: "percent", width: 10 },
            ...FIGURE_COLUMNS,
            ...pairCounts,
            ...unitCounts,
          ],
          records: byMilestone,
        },
        {
          name: "Mốc theo chương trình",
          columns: [...milestoneCols, programCol, ...FIGURE_COLUMNS, ...pairCounts],
          records: byMilestoneProgram,
        },
      ];
      const name = `Tổng hợp giải ngân - KH ${s.planYear} - đến ${vnDate(s.asOf)}`;
      const file = (ext: string) => ({
        filename: `${name}.${ext}`,
        asciiFilename: `${asciiSlug(name)}.${ext}`,
      });
      if (format === "csv") {
        // One file: a "Bảng" column names the sheet each row comes from, columns are the union.
        const columns: SheetColumn[] = [{ key: "table", header: "Bảng", kind: "text" }];
        for (const sh of sheets)
          for (const c of sh.columns) if (!columns.some((x) => x.key === c.key)) columns.push(c);
        const records = sheets.flatMap((sh) => sh.records.map((r) => ({ table: sh.name, ...r })));
        return { body: toCsv(columns, records), contentType: CSV_TYPE, ...file("csv") };
      }
      const wb = await newWorkbook(name);
      for (const sh of sheets) addTableSheet(wb, sh.name, sh.columns, sh.records);
      return { body: await workbookBuffer(wb), contentType: XLSX_TYPE, ...file("xlsx") };
    },
  };
}

export type ExportsService = ReturnType<typeof createExportsService>;
