// What each dashboard view shows, in one answer per view: the existing services decide every
// figure and status; this only gathers them (and reads the unit's daily series in one query).
import { assertCanReadUnit, type Principal } from "../access/principal.js";
import type { AcknowledgementsService } from "../acknowledgements/acknowledgements.service.js";
import type { AlertLedgerRepository } from "../alerts/alert-ledger.repository.js";
import type { CatalogService } from "../catalog/catalog.service.js";
import type { AtRiskFilter } from "../domain/at-risk.js";
import { formatDeadline } from "../domain/deadline.js";
import { type LocalDate, minDate, utcDateToLocalDate } from "../domain/local-date.js";
import { pageOf } from "../domain/page.js";
import type { Plan } from "../domain/plan.js";
import type { LedgerService } from "../ledger/ledger.service.js";
import { ledgerTotal } from "../ledger/ledger.types.js";
import type { PlansService } from "../plans/plans.service.js";
import type { EvaluationGate } from "../rules/evaluation-gate.js";
import type { AtRiskPageQuery, RulesService } from "../rules/rules.service.js";
import type { DashboardRepository, EntryRow, SeriesRow } from "./dashboard.repository.js";
import { decodeEntryCursor, encodeEntryCursor } from "./entry-cursor.js";

type Deps = {
  repo: DashboardRepository;
  plans: Pick<PlansService, "planFor" | "years">;
  rules: Pick<RulesService, "overview" | "atRiskPage" | "unitStatus">;
  catalog: Pick<CatalogService, "listPrograms" | "getUnit">;
  ledger: Pick<LedgerService, "unitLedger">;
  alerts: Pick<AlertLedgerRepository, "list">;
  today: () => LocalDate;
  gate: Pick<EvaluationGate, "run">;
  /** Unit heads' acknowledgements of the unit's alerts (src/acknowledgements). */
  acknowledgements?: Pick<AcknowledgementsService, "recentForUnit">;
};

/** The unit page shows at most this many alerts, latest first. */
const MAX_ALERTS = 200;

/** The plan's milestones as the views draw them (lines, badges, column headers). */
function planInfo(plan: Plan) {
  return {
    year: plan.year,
    title: plan.title,
    projectionWindowDays: plan.projectionWindowDays,
    milestones: plan.milestones.map((m) => {
      const rate = "thresholdPercent" in m ? m : undefined;
      return {
        id: m.id,
        kind: m.kind as string,
        title: m.title,
        dueOn: m.dueOn,
        /** Worded once, by the domain: the views show it as it is. */
        deadline: formatDeadline(m),
        threshold: rate ? Number(rate.thresholdPercent) : null,
        comparison: rate?.comparison ?? null,
        scope: rate ? (rate.scope.kind === "own" ? "own" : `carriedOver:${rate.scope.fromYear}`) : null,
        program: rate?.program ?? null,
        /** Own capital of the whole program (no source or capital type filter): drawn on the unit chart. */
        charted: Boolean(
          rate && rate.kind === "rate" && rate.scope.kind === "own" && !rate.source && !rate.capitalType,
        ),
      };
    }),
  };
}

/** Columns per program and for the unit's total, one value per day. */
function toColumns(rows: SeriesRow[]) {
  const dates: LocalDate[] = [];
  const byProgram = new Map<string, { allocated: bigint[]; disbursed: bigint[] }>();
  for (const r of rows) {
    let p = byProgram.get(r.program);
    if (!p) {
      p = { allocated: [], disbursed: [] };
      byProgram.set(r.program, p);
    }
    if (byProgram.size === 1) dates.push(r.date);
    p.allocated.push(r.allocated);
    p.disbursed.push(r.disbursed);
  }
  const total = {
    allocated: dates.map((_, i) => [...byProgram.values()].reduce((t, p) => t + p.allocated[i]!, 0n)),
    disbursed: dates.map((_, i) => [...byProgram.values()].reduce((t, p) => t + p.disbursed[i]!, 0n)),
  };
  return {
    dates,
    total,
    byProgram: [...byProgram.entries()].map(([program, p]) => ({ program, ...p })),
  };
}

export function createDashboardService(d: Deps) {
  async function entriesPage(code: string, planYear: number, asOf: LocalDate, limit: number, after?: string) {
    const cursor = after ? decodeEntryCursor(after) : undefined;
    const rows: EntryRow[] = await d.repo.entries(code, planYear, asOf, limit + 1, cursor);
    return pageOf(rows, limit, encodeEntryCursor);
  }

  /** What every view's header shows: the dates, the plan and its milestones, the programs. */
  async function header(asOf: LocalDate, plan: Plan) {
    const [planYears, programs] = await Promise.all([d.plans.years(), d.catalog.listPrograms()]);
    return { asOf, today: d.today(), planYear: plan.year, planYears, plan: planInfo(plan), programs };
  }

  async function overview(asOf: LocalDate, planYear: number | undefined, atRiskLimit: number) {
    const plan = await d.plans.planFor(asOf, planYear);
    const [head, { summary, atRisk }] = await Promise.all([
      header(asOf, plan),
      d.rules.overview(asOf, plan.year, { limit: atRiskLimit, dutiesLimit: atRiskLimit }),
    ]);
    const { asOf: _a, planYear: _y, ...page } = atRisk;
    return { ...head, summary, atRisk: page };
  }

  return {
    /** The overview: the summary, and the first items of the at-risk list with its totals. */
    async overview(asOf: LocalDate, planYear: number | undefined, opts: { atRiskLimit: number }) {
      // One slot of the gate for the whole view: its summary and page share one evaluation.
      return d.gate.run(JSON.stringify(["overview", asOf, planYear ?? null, opts.atRiskLimit]), () =>
        overview(asOf, planYear, opts.atRiskLimit),
      );
    },

    /** The at-risk view: the header and a page of the list (further pages: this or /at-risk). */
    async atRisk(asOf: LocalDate, planYear: number | undefined, filter: AtRiskFilter, page: AtRiskPageQuery) {
      const plan = await d.plans.planFor(asOf, planYear);
      const [head, atRisk] = await Promise.all([
        header(asOf, plan),
        d.rules.atRiskPage(asOf, plan.year, filter, page),
      ]);
      return { ...head, ...atRisk };
    },

    /** The unit page: status, ledger lines, the daily series, the latest entries and alerts. */
    async unit(
      code: string,
      asOf: LocalDate,
      planYear: number | undefined,
      opts: { entriesLimit: number },
      by: Principal,
    ) {
      // unitStatus checks that the key may read the unit and that the unit exists.
      const status = await d.rules.unitStatus(code, asOf, planYear, by);
      const year = status.planYear;
      const [
        unit,
        plan,
        planYears,
        programs,
        ledger,
        seriesRows,
        entries,
        counts,
        alertRows,
        acknowledgements,
      ] = await Promise.all([
        d.catalog.getUnit(code),
        d.plans.planFor(asOf, year),
        d.plans.years(),
        d.catalog.listPrograms(),
        d.ledger.unitLedger(code, asOf, by),
        // The year's own capital from 1 January to asOf; entries of the plan year can run into
        // the next one (the budget adjustment period), never further.
        d.repo.cumulativeDaily(code, year, `${year}-01-01`, minDate(asOf, `${year + 1}-12-31`)),
        entriesPage(code, year, asOf, opts.entriesLimit),
        d.repo.countEntries(code, year, asOf),
        d.alerts.list({ unitCode: code, planYear: year, limit: 1000 }),
        d.acknowledgements?.recentForUnit(code, year, asOf) ?? [],
      ]);
      const lines = ledger.lines.filter((l) => l.planYear === year);
      const alerts = alertRows
        .filter((a) => utcDateToLocalDate(a.asOf) <= asOf)
        .reverse()
        .slice(0, MAX_ALERTS)
        .map((a) => ({
          id: a.id,
          asOf: utcDateToLocalDate(a.asOf),
          createdAt: a.createdAt,
          milestoneId: a.milestoneId,
          program: a.program,
          stage: a.stage,
          recipient: a.recipient,
          outcome: a.outcome,
          skipReason: a.skipReason,
          message: a.message
            ? {
                status: a.message.status,
                attempts: a.message.attempts,
                sentAt: a.message.sentAt,
                subject: a.message.subject,
              }
            : null,
        }));
      return {
        asOf,
        today: d.today(),
        planYear: year,
        planYears,
        plan: planInfo(plan),
        programs,
        unit: { code: unit.code, name: unit.name, kind: unit.kind, headName: unit.headName },
        milestones: status.milestones,
        duties: status.duties,
        ledger: {
          lines,
          total: ledgerTotal(lines),
        },
        series: toColumns(seriesRows),
        entries: { ...entries, ...counts },
        alerts,
        acknowledgements,
      };
    },

    /** Further pages of the unit's entries ("Xem thêm"). */
    async unitEntries(
      code: string,
      asOf: LocalDate,
      planYear: number | undefined,
      opts: { limit: number; cursor?: string | undefined },
      by: Principal,
    ) {
      assertCanReadUnit(by, code);
      const [, plan] = await Promise.all([d.catalog.getUnit(code), d.plans.planFor(asOf, planYear)]);
      const page = await entriesPage(code, plan.year, asOf, opts.limit, opts.cursor);
      return { asOf, planYear: plan.year, ...page };
    },
  };
}

export type DashboardService = ReturnType<typeof createDashboardService>;
