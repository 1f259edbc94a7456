// Status, at-risk and summary: SQL figures in, the pure domain decides.

import { assertCanReadUnit, type Principal } from "../access/principal.js";
import {
  type AtRiskFilter,
  type AtRiskItem,
  type AtRiskKey,
  type AtRiskPage,
  atRiskItemOf,
  atRiskPager,
  compareAtRisk,
  inAtRiskFilter,
  totalsOf,
  type UnitInfo,
} from "../domain/at-risk.js";
import type { RecordedVerdictsReader } from "../domain/closing.js";
import type { Duty } from "../domain/duties.js";
import {
  type DutyKey,
  type DutyTotals,
  dutyPager,
  dutyTally,
  type JudgedDuty,
  selectDutiesAtRisk,
} from "../domain/duty-views.js";
import { InvalidInputError } from "../domain/errors.js";
import { EvaluationTable } from "../domain/evaluation-table.js";
import type { LocalDate } from "../domain/local-date.js";
import { figuresWindow, type ScopeFigures } from "../domain/milestone-status.js";
import { withJudgedDueDates } from "../domain/non-working-due-date.js";
import { isRateLike, type Plan, type RateMilestone } from "../domain/plan.js";
import {
  cmp,
  evaluatePlanEach,
  type FiguresOf,
  type PairEvaluation,
  pickPairs,
  planForFlagged,
  planNarrowedTo,
  type UnitProgram,
} from "../domain/plan-evaluation.js";
import {
  closingCountsOf,
  countRestated,
  type JudgedRow,
  recordedVerdictMarks,
} from "../domain/recorded-verdicts.js";
import { NO_REFUNDS, refundScopeFigures } from "../domain/refund.js";
import { milestoneTally, summaryOf } from "../domain/summary.js";
import {
  DEFAULT_VERDICT_FIGURES,
  rowKey,
  type StatementOnFile,
  statementFor,
  treasuryReading,
  treasuryScopeFigures,
} from "../domain/treasury-reading.js";
import { WEEKENDS_ONLY, type WorkingCalendar } from "../domain/working-days.js";
import type { JudgedDutiesOptions } from "../duties/duties.service.js";
import { type AnswerCache, type KeepRead, READ_EACH_TIME } from "./answer-cache.js";
import {
  type AtRiskListId,
  atRiskListFingerprint,
  decodeAtRiskCursor,
  decodeDutyCursor,
  encodeAtRiskCursor,
  encodeDutyCursor,
} from "./at-risk-cursor.js";
import type { EvaluationGate } from "./evaluation-gate.js";
import type { PlanFigures, RulesRepository } from "./rules.repository.js";
import { lastHit, unitsInWalkOrder } from "./walk-lookups.js";

type Deps = {
  repo: RulesRepository;
  plans: { planFor(asOf: LocalDate, year?: number, knownAt?: Date): Promise<Plan> };
  units: { listUnits(): Promise<UnitInfo[]>; getUnit(code: string): Promise<UnitInfo> };
  closings: Pick<RecordedVerdictsReader, "closedMilestones" | "recordedVerdicts">;
  /** Bounds and shares national evaluations; by default each runs on its own. */
  gate?: EvaluationGate;
  /** Keeps national answers per ledger version; by default each is computed when asked. */
  cache?: AnswerCache;
  /**
   * Working days: due dates a plan moves off non-working days, and working days left. Weekends
   * only by default. A calendar change bumps the ledger version, so cached answers follow it.
   */
  calendar?: { workingCalendar(): Promise<WorkingCalendar> };
  /**
   * The plan's duties judged per unit (src/duties): beside the milestones in every view. Without
   * it the views list no duties. Inserting a submission bumps the ledger version, so cached
   * national answers follow submissions too.
   */
  duties?: {
    judgedDuties(
      planYear: number,
      duties: readonly Duty[],
      asOf: LocalDate,
      o?: JudgedDutiesOptions,
    ): Promise<JudgedDuty[]>;
    /** judgedDuties' rows one at a time, for views that keep a page of them or count them. */
    eachJudgedDuty(
      planYear: number,
      duties: readonly Duty[],
      asOf: LocalDate,
      o: JudgedDutiesOptions,
      emit: (row: JudgedDuty) => void,
    ): Promise<void>;
  };
};

/** Rows handed one at a time to `emit`, in order: an evaluation not kept (see `evaluation`). */
type RowWalk<R> = (emit: (row: R) => void, how?: WalkHow) => void;

/**
 * `lean`: rows with the figures shown only left null (evaluatePlanEach), for a view that keeps
 * counts and a page; `reused`: rows judged in full but, as lean ones are, one object per milestone
 * rewritten for each pair, for a walker that copies what it keeps (evaluate's table); `pairs` (unit
 * code to programs): only those pairs, to judge a page's rows again in full.
 */
type WalkHow = { lean?: boolean; reused?: boolean; pairs?: ReadonlyMap<string, ReadonlySet<string>> };

const onlyPairs = <P extends UnitProgram>(pairs: readonly P[], how: WalkHow | undefined) =>
  how?.pairs ? pickPairs(pairs, how.pairs) : pairs;

/**
 * What a walk over a national evaluation keeps (`views`): of the at-risk list, every item sorted
 * (exports, feeds), one page, or nothing; and the summary's counts or not.
 */
type Wanted = {
  list: "whole" | "none" | { filter: AtRiskFilter; limit: number; after: AtRiskKey | undefined };
  summary?: boolean;
};

function collect<R>(walk: RowWalk<R>): R[] {
  const rows: R[] = [];
  walk((row) => {
    rows.push(row);
  });
  return rows;
}

/** The entries of `days` on or before asOf: all of them (the same map) when none is later. */
function sentBy(days: Map<string, LocalDate>, asOf: LocalDate): Map<string, LocalDate> {
  let later = false;
  for (const d of days.values())
    if (d > asOf) {
      later = true;
      break;
    }
  if (!later) return days;
  const out = new Map<string, LocalDate>();
  for (const [k, d] of days) if (d <= asOf) out.set(k, d);
  return out;
}

/** What a read of a plan year's requests or statements is for (rules.service's yearRead). */
type YearReadAt = {
  year: number;
  asOf: LocalDate;
  unitCodes: string[] | undefined;
  knownAt: Date | undefined;
  keep: KeepRead;
};

const UNGATED: EvaluationGate = { run: (_key, fn) => fn(), load: () => ({ running: 0, waiting: 0 }) };
const WEEKENDS = { workingCalendar: async () => WEEKENDS_ONLY };

export function createRulesService({
  repo,
  plans,
  units,
  closings,
  gate = UNGATED,
  cache,
  calendar: calendars = WEEKENDS,
  duties,
}: Deps) {
  /** The plan's duties judged on asOf, for the units named or all (the kept list: unitMap). */
  async function judgeDuties(
    plan: Plan,
    asOf: LocalDate,
    unitCodes?: string[],
    knownAt?: Date,
    keep: KeepRead = READ_EACH_TIME,
  ) {
    if (!duties || !plan.duties?.length) return [] as JudgedDuty[];
    const allUnits = unitCodes ? undefined : await unitList(keep);
    return duties.judgedDuties(plan.year, plan.duties, asOf, { unitCodes, knownAt, allUnits, keep });
  }

  /**
   * A national answer: computed once per question and ledger version when a cache is given, and
   * bounded and shared by the gate while it is computed; `compute` makes its reads through `keep`,
   * once per ledger version (KeepRead). An answer as known at a moment (knownAt) reads the entries
   * and is neither kept nor looked up, nor are its reads.
   */
  function national<T>(
    question: unknown[],
    knownAt: Date | undefined,
    compute: (keep: KeepRead) => Promise<T>,
  ): Promise<T> {
    const key = JSON.stringify([...question, knownAt?.toISOString() ?? null]);
    if (!cache || knownAt) return gate.run(key, () => compute(READ_EACH_TIME));
    return cache.get(key, (versioned, keep) => gate.run(versioned, () => compute(keep)), String(question[0]));
  }

  /**
   * The plan's pairs judged on asOf; with knownAt, on what had been recorded by then. Due dates
   * the plan moves off non-working days are moved first, so the figures cut at the moved date.
   */
  async function evaluate(
    writtenPlan: Plan,
    asOf: LocalDate,
    unitCodes?: string[],
    knownAt?: Date,
    workingCalendar?: WorkingCalendar,
  ): Promise<EvaluationTable> {
    const { walk, rowsAtMost, release } = await evaluation(
      writtenPlan,
      asOf,
      unitCodes,
      knownAt,
      workingCalendar,
    );
    const table = new EvaluationTable(rowsAtMost);
    // The table copies each row, so the walk makes no row object per row.
    try {
      walk((row) => table.push(row), { reused: true });
    } finally {
      release();
    }
    return table;
  }

  /**
   * What evaluate reads, then its rows handed one at a time, in its order, to whoever walks them:
   * a view that keeps only some rows (the at-risk list) never holds them all. `rowsAtMost`: one
   * per pair and milestone. `release` once the walks are done: the figures' room serves the next
   * read (PlanFigures.release), and a walk after it throws.
   */
  async function evaluation(
    writtenPlan: Plan,
    asOf: LocalDate,
    unitCodes?: string[],
    knownAt?: Date,
    workingCalendar?: WorkingCalendar,
    keep: KeepRead = READ_EACH_TIME,
  ): Promise<{ walk: RowWalk<PairEvaluation>; rowsAtMost: number; release: () => void }> {
    const calendar = workingCalendar ?? (await calendars.workingCalendar());
    const plan = withJudgedDueDates(writtenPlan, calendar);
    const refundMilestones = plan.milestones.filter((m): m is RateMilestone => m.kind === "refund");
    // Milestones limited to some unit kinds (the 2022 refund: districts) need each pair's kind.
    const byKind = plan.milestones.some((m) => isRateLike(m) && m.appliesTo?.unitKinds);
    const [kinds, figures, requests, statements, ...refunds] = await Promise.all([
      byKind ? unitMap(keep) : new Map<string, UnitInfo>(),
      repo.planFigures(plan, asOf, unitCodes, knownAt),
      plan.milestones.some((m) => m.kind === "request")
        ? requestsSentOn({ year: plan.year, asOf, unitCodes, knownAt, keep })
        : new Map<string, LocalDate>(),
      treasuryStatements({ year: plan.year, asOf, unitCodes, knownAt, keep }),
      ...refundMilestones.map((m) => repo.refundFigures(plan, m, asOf, unitCodes, knownAt)),
    ]);
    // Only refund figures there are, and requests below: otherwise a key is built for each pair.
    const refundsOf = new Map(
      refundMilestones.flatMap((m, i) => (refunds[i]!.size > 0 ? [[m.id, refunds[i]!] as const] : [])),
    );
    const kindOf = lastHit((code: string) => kinds.get(code)?.kind);
    const rows = figures.pairs;
    const judgeOn = (
      pairs: readonly UnitProgram[],
      figuresOf: FiguresOf,
      emit: (row: PairEvaluation) => void,
      how?: WalkHow,
    ) =>
      evaluatePlanEach(
        plan,
        asOf,
        pairs,
        (m, pair) => {
          const ledger = figuresOf(m, pair);
          if (m.kind !== "refund" || !ledger) return ledger;
          return refundScopeFigures(
            ledger,
            refundsOf.get(m.id)?.get(`${pair.unitCode}|${pair.program}`) ?? NO_REFUNDS,
          );
        },
        requests.size === 0 ? () => null : (pair) => requests.get(`${pair.unitCode}|${pair.program}`) ?? null,
        (pair) => kindOf(pair.unitCode),
        calendar,
        emit,
        how?.lean,
        how?.reused,
      );
    const reportedFigures: FiguresOf = (m, pair) => figures.figuresOf(m.id, pair);
    const rowsAtMost = rows.length * plan.milestones.length;
    const release = () => figures.release?.();
    if (statements.length === 0)
      return {
        walk: (emit, how) => judgeOn(onlyPairs(rows, how), reportedFigures, emit, how),
        rowsAtMost,
        release,
      };
    // The Treasury's reading, for the units some statement lists; elsewhere it is the reported one.
    const treasury = await treasuryFigures(plan, asOf, figures, statements, knownAt);
    const covered = rows.filter((p) => statements.some((s) => s.unitCodes.has(p.unitCode)));
    const treasuryRows = new Map<string, PairEvaluation>();
    judgeOn(
      covered,
      (m, pair) =>
        treasury.figures.get(rowKey(m.id, pair.unitCode, pair.program)) ?? figures.figuresOf(m.id, pair),
      (r) => treasuryRows.set(rowKey(r.id, r.unitCode, r.program), r),
    );
    const policy = plan.verdictFigures ?? DEFAULT_VERDICT_FIGURES;
    return {
      walk: (emit, how) =>
        judgeOn(
          onlyPairs(rows, how),
          reportedFigures,
          (r) => emit(treasuryReading(r, treasuryRows, treasury.statementOf, policy)),
          how,
        ),
      rowsAtMost,
      release,
    };
  }

  /**
   * A plan year's reallocation requests or Treasury statements as of asOf. A national read keeps
   * the year's whole read for the ledger version and cuts it to asOf (`cut`); a read of some units
   * or as known at a moment asks the repository for exactly that.
   */
  async function yearRead<T>(
    name: string,
    read: (year: number, asOf: LocalDate | undefined, units?: string[], knownAt?: Date) => Promise<T>,
    cut: (all: T, asOf: LocalDate) => T,
    { year, asOf, unitCodes, knownAt, keep }: YearReadAt,
  ): Promise<T> {
    if (unitCodes || knownAt || keep === READ_EACH_TIME) return read(year, asOf, unitCodes, knownAt);
    return cut(await keep(`${name}|${year}`, () => read(year, undefined)), asOf);
  }

  /**
   * Per pair, the day its first reallocation request was sent, of those sent by asOf. Kept as each
   * pair's first day ever: its first by any asOf is that one, when sent by then (sentBy).
   */
  const requestsSentOn = (at: YearReadAt) => yearRead("requests", repo.requestsSentOn, sentBy, at);

  /** The Treasury statements dated by asOf (repo.treasuryStatements). */
  const treasuryStatements = (at: YearReadAt) =>
    yearRead("statements", repo.treasuryStatements, (all, asOf) => all.filter((s) => s.asOf <= asOf), at);

  /**
   * Each (rate milestone, pair) a statement speaks for at the milestone's cut-off: the statement,
   * and the figures on the Treasury's reading (its stated cumulative plus the reported movement
   * since its date). Two reads per statement used, whatever the number of pairs.
   */
  async function treasuryFigures(
    plan: Plan,
    asOf: LocalDate,
    figures: PlanFigures,
    statements: StatementOnFile[],
    knownAt?: Date,
  ) {
    const { pairs } = figures;
    const rateLike = plan.milestones.filter(isRateLike);
    const statementOf = new Map<string, StatementOnFile>();
    const unitsOf = new Map<StatementOnFile, Set<string>>();
    for (const m of rateLike) {
      const { cutoff } = figuresWindow(m, asOf, plan.projectionWindowDays);
      for (const pair of pairs) {
        const s = statementFor(statements, pair.unitCode, cutoff);
        if (!s) continue;
        statementOf.set(rowKey(m.id, pair.unitCode, pair.program), s);
        const units = unitsOf.get(s) ?? new Set<string>();
        unitsOf.set(s, units.add(pair.unitCode));
      }
    }
    const read = await Promise.all(
      [...unitsOf].map(async ([s, units]) => {
        const [stated, atDate] = await Promise.all([
          repo.statedFigures(plan, s.id, [...units]),
          // Cut at the statement's date: each milestone's cut-off using it is on or after it.
          repo.planFigures(plan, s.asOf, [...units], knownAt),
        ]);
        const reported = new Map(atDate.pairs.map((p) => [`${p.unitCode}|${p.program}`, p]));
        return [s, { stated, reported, atDate }] as const;
      }),
    );
    const byStatement = new Map(read);
    const treasury = new Map<string, ScopeFigures>();
    for (const pair of pairs)
      for (const m of rateLike) {
        const k = rowKey(m.id, pair.unitCode, pair.program);
        const s = statementOf.get(k);
        const now = s && figures.figuresOf(m.id, pair);
        if (!s || !now) continue;
        const r = byStatement.get(s)!;
        const then = r.reported.get(`${pair.unitCode}|${pair.program}`);
        const before = then && r.atDate.figuresOf(m.id, then);
        treasury.set(k, treasuryScopeFigures(now, before, r.stated.get(k) ?? 0n));
      }
    return { figures: treasury, statementOf };
  }

  /** The plan judged on asOf, its due dates moved as it says (what every answer shows). */
  async function judgedPlanFor(
    asOf: LocalDate,
    planYear: number | undefined,
    knownAt?: Date,
    keep: KeepRead = READ_EACH_TIME,
  ) {
    // Without a year, asOf's year picks the plan (plans.planFor).
    const [plan, calendar] = await Promise.all([
      keep(`plan|${planYear ?? `of ${asOf.slice(0, 4)}`}`, () => plans.planFor(asOf, planYear, knownAt)),
      keep("calendar", () => calendars.workingCalendar()),
    ]);
    return { plan: withJudgedDueDates(plan, calendar), calendar };
  }

  /**
   * The evaluation with each closed milestone's recorded verdict beside today's reading (closings
   * made by knownAt, read after their due date); verdicts are loaded only when one applies. A
   * national view walks the rows instead (judging), keeping only what it shows.
   */
  async function judgeNow(
    plan: Plan,
    asOf: LocalDate,
    calendar: WorkingCalendar,
    unitCodes?: string[],
    knownAt?: Date,
  ) {
    const { walk, closed, verdicts, release } = await judging(plan, asOf, calendar, unitCodes, knownAt);
    try {
      return { rows: collect(walk), closed, verdicts };
    } finally {
      release();
    }
  }

  /**
   * judgeNow's rows one at a time (evaluation), each marked with its recorded verdict.
   * `flaggedOnly`: for a walker that keeps flagged rows only, the rows of milestones that cannot
   * be flagged on asOf are neither judged nor handed over (planForFlagged).
   */
  async function judging(
    plan: Plan,
    asOf: LocalDate,
    calendar: WorkingCalendar,
    unitCodes?: string[],
    knownAt?: Date,
    flaggedOnly = false,
    keep: KeepRead = READ_EACH_TIME,
  ) {
    const ids = new Set(plan.milestones.map((m) => m.id));
    const closed = (
      await keep(`closed|${plan.year}`, () => closings.closedMilestones(plan.year, knownAt))
    ).filter((c) => ids.has(c.milestoneId) && asOf > c.dueOn);
    const judged = flaggedOnly ? planForFlagged(plan, asOf, new Set(closed.map((c) => c.milestoneId))) : plan;
    const [{ walk: evals, release }, verdicts] = await Promise.all([
      evaluation(judged, asOf, unitCodes, knownAt, calendar, keep),
      closed.length > 0 ? closings.recordedVerdicts(plan.year, { knownAt, unitCodes }) : [],
    ]);
    const mark = recordedVerdictMarks(closed, verdicts, asOf);
    const walk: RowWalk<JudgedRow> = mark ? (emit, how) => evals((r) => emit(mark(r)), how) : evals;
    return { walk, closed, verdicts, release };
  }

  // The units (10,000 rows for a province, 40 ms to read) kept while their epoch stands: any change
  // to a unit moves it in its own transaction, whoever makes it. The epoch is read before the
  // list, so a kept list is never older than its epoch. Askers of the same epoch share one read.
  let kept: { epoch: bigint; map: Promise<Map<string, UnitInfo>> } | undefined;
  const unitMap = (keep: KeepRead = READ_EACH_TIME) => keep("units", unitsNow);
  // The same units as a list, in the map's order, kept alike: a national page judges the duties
  // over it, and copied it out of the map (10,000 units) on every cold read.
  const unitList = (keep: KeepRead) => keep("units|list", async () => [...(await unitMap(keep)).values()]);
  const unitsNow = async () => {
    const epoch = await repo.unitsEpoch();
    if (kept?.epoch !== epoch) {
      const map = units.listUnits().then((list) => new Map(list.map((u) => [u.code, u])));
      const reading = { epoch, map };
      kept = reading;
      map.catch(() => {
        if (kept === reading) kept = undefined;
      });
    }
    return kept.map;
  };

  /**
   * The milestone or duty a filter names (they share one id space), refused when the plan has
   * neither: an unknown id would narrow the plan to nothing and answer an empty list, as if all
   * were well.
   */
  function wantedIn(plan: Plan, filter: AtRiskFilter) {
    const wanted = filter.milestone;
    const wantedDuty = wanted !== undefined && (plan.duties ?? []).some((d) => d.id === wanted);
    if (wanted !== undefined && !wantedDuty && !plan.milestones.some((m) => m.id === wanted))
      throw new InvalidInputError(`plan ${plan.year} has no milestone ${JSON.stringify(wanted)}`, [
        {
          field: "query.milestone",
          rule: "unknown_milestone",
          message: `must be a milestone or duty of plan ${plan.year}: ${[
            ...plan.milestones.map((m) => m.id),
            ...(plan.duties ?? []).map((d) => d.id),
          ].join(", ")}`,
        },
      ]);
    return { wanted, wantedDuty };
  }

  /** Every unit's duties judged on asOf, one row at a time (judgeDuties, without holding them). */
  async function eachNationalDuty(
    plan: Plan,
    asOf: LocalDate,
    knownAt: Date | undefined,
    emit: (row: JudgedDuty) => void,
    keep: KeepRead = READ_EACH_TIME,
  ) {
    if (!duties || !plan.duties?.length) return;
    const allUnits = await unitList(keep);
    // One row object, rewritten: the page keeps copies, the summary counts.
    await duties.eachJudgedDuty(
      plan.year,
      plan.duties,
      asOf,
      { knownAt, allUnits, keep, reused: true },
      emit,
    );
  }

  /** Whether the list shows duties beside the money: not under a program filter or a milestone's id. */
  const listsDuties = (filter: AtRiskFilter, { wanted, wantedDuty }: ReturnType<typeof wantedIn>) =>
    filter.program === undefined && (wanted === undefined || wantedDuty);

  /** The duties the list shows beside the money: none under a program filter or a milestone's id. */
  async function dutiesAtRisk(
    plan: Plan,
    asOf: LocalDate,
    filter: AtRiskFilter,
    asked: ReturnType<typeof wantedIn>,
    knownAt?: Date,
    keep: KeepRead = READ_EACH_TIME,
  ) {
    if (!listsDuties(filter, asked)) return [];
    return selectDutiesAtRisk(await judgeDuties(plan, asOf, undefined, knownAt, keep), {
      duty: asked.wanted,
      unitKind: filter.kind,
    });
  }

  /**
   * A page of the duties the list shows beside the money (dutiesAtRisk), with the totals of them
   * all, from one walk that keeps the page only. After the first page of money items, a page
   * without a duties cursor carries the totals only.
   */
  async function dutiesPage(
    plan: Plan,
    asOf: LocalDate,
    filter: AtRiskFilter,
    asked: ReturnType<typeof wantedIn>,
    knownAt: Date | undefined,
    id: AtRiskListId,
    firstPage: boolean,
    page: { limit: number; after?: DutyKey | undefined },
    keep: KeepRead,
  ): Promise<{ items: JudgedDuty[]; totals: DutyTotals; nextCursor: string | null }> {
    const pager = dutyPager({
      filter: { duty: asked.wanted, unitKind: filter.kind },
      ...page,
      keep: (r) => ({ ...r }),
    });
    if (listsDuties(filter, asked)) await eachNationalDuty(plan, asOf, knownAt, (r) => pager.add(r), keep);
    const { items, totals, next } = pager.page();
    if (!firstPage && page.after === undefined) return { items: [], totals, nextCursor: null };
    return { items, totals, nextCursor: next ? encodeDutyCursor(next, id) : null };
  }

  async function atRisk(
    asOf: LocalDate,
    planYear: number | undefined,
    filter: AtRiskFilter,
    knownAt: Date | undefined,
    keep: KeepRead,
  ): Promise<AtRiskList> {
    const { plan, calendar } = await judgedPlanFor(asOf, planYear, knownAt, keep);
    const wanted = wantedIn(plan, filter);
    const [items, duties] = await Promise.all([
      wanted.wantedDuty ? ([] as AtRiskItem[]) : moneyAtRisk(plan, calendar, asOf, filter, knownAt, keep),
      dutiesAtRisk(plan, asOf, filter, wanted, knownAt, keep),
    ]);
    return { asOf, planYear: plan.year, items, duties };
  }

  async function moneyAtRisk(
    plan: Plan,
    calendar: WorkingCalendar,
    asOf: LocalDate,
    filter: AtRiskFilter,
    knownAt: Date | undefined,
    keep: KeepRead,
  ) {
    const wanted = filter.milestone;
    const judged = wanted !== undefined ? planNarrowedTo(plan, wanted) : plan;
    const { items } = await views(judged, asOf, calendar, knownAt, { list: "whole" }, keep);
    // The whole list is sorted already: a filter narrows it and keeps its order.
    const narrowed = filter.milestone || filter.program || filter.kind;
    return narrowed ? items.filter((i) => inAtRiskFilter(i, filter)) : items;
  }

  /**
   * What the national views need of one evaluation, in one walk over its rows: the at-risk list
   * (every listed row sorted, or one page of it and the whole list's totals, or nothing), and for
   * the summary its milestone counts and the restated rows of the closed milestones. Only what is
   * asked for is kept: the rows of a page are its at most `limit` items, whatever the list's length.
   * The same plan, date, knowledge and question give the same answer: one walk serves those
   * asking at once.
   */
  function views(
    plan: Plan,
    asOf: LocalDate,
    calendar: WorkingCalendar,
    knownAt: Date | undefined,
    want: Wanted,
    keep: KeepRead,
  ) {
    const key = JSON.stringify(["views", plan, asOf, knownAt?.toISOString() ?? null, want], (_k, v) =>
      typeof v === "bigint" ? v.toString() : v,
    );
    return gate.run(key, async () => {
      // A list without the summary's counts keeps flagged rows only.
      const [{ walk, closed, verdicts, release }, units] = await Promise.all([
        judging(plan, asOf, calendar, undefined, knownAt, !want.summary, keep),
        unitMap(keep),
      ]);
      try {
        // Counts and a page need the verdicts only: the figures shown (rate, projection, daily pace:
        // bigint divisions each) are left out of the walk over 150,000 rows, and the page's rows are
        // judged again in full. A lean walk reuses its rows (evaluatePlanEach): the page keeps copies.
        const lean = want.list !== "whole";
        const items: AtRiskItem[] = [];
        // A page's walk is always lean.
        const pager =
          typeof want.list === "object"
            ? atRiskPager<AtRiskItem>({ ...want.list, keep: (i) => ({ ...i }) })
            : undefined;
        const filter = typeof want.list === "object" ? want.list.filter : {};
        const listed = want.list !== "none";
        const tally = want.summary ? milestoneTally(plan) : undefined;
        const restated = new Map<string, number>();
        const unitOf = { get: unitsInWalkOrder(units) };
        walk(
          (row) => {
            if (listed) {
              const item = atRiskItemOf(row, unitOf, filter);
              if (item) {
                if (pager) pager.add(item);
                else items.push(item);
              }
            }
            if (tally) {
              tally.add(row);
              countRestated(restated, row);
            }
          },
          { lean },
        );
        const page = pager?.page();
        /** The page's lean items, judged again in full: the same rows, every figure shown. */
        function inFull(page: AtRiskPage<AtRiskItem>): AtRiskPage<AtRiskItem> {
          if (page.items.length === 0) return page;
          const pairs = new Map<string, Set<string>>();
          for (const i of page.items)
            pairs.set(i.unitCode, (pairs.get(i.unitCode) ?? new Set()).add(i.program));
          const full = new Map<string, AtRiskItem>();
          walk(
            (row) => {
              const item = atRiskItemOf(row, units, filter);
              if (item) full.set(rowKey(item.id, item.unitCode, item.program), item);
            },
            { pairs },
          );
          const items = page.items.map((lean) => {
            const item = full.get(rowKey(lean.id, lean.unitCode, lean.program));
            // Lean and full rows share every verdict by construction (milestone-status.ts); a
            // difference is a bug to stop at, not a page to show.
            if (item?.status !== lean.status || item.shortfall !== lean.shortfall)
              throw new Error(
                `a lean and a full judgement differ: ${lean.id} ${lean.unitCode} ${lean.program}`,
              );
            return item;
          });
          return { ...page, items };
        }
        return {
          items: items.sort(compareAtRisk),
          page: page && lean ? inFull(page) : page,
          byMilestone: tally?.byMilestone() ?? [],
          restated,
          closed,
          verdicts,
        };
      } finally {
        release();
      }
    });
  }

  /**
   * One page of the at-risk list (its money items from one lean walk, `views`), the duties beside
   * them, and the whole list's totals. A cursor handed out for another list is refused before any
   * work.
   */
  async function atRiskPageOf(
    plan: Plan,
    calendar: WorkingCalendar,
    asOf: LocalDate,
    filter: AtRiskFilter,
    page: AtRiskPageQuery,
    knownAt: Date | undefined,
    withSummary: boolean,
    keep: KeepRead,
  ) {
    const asked = wantedIn(plan, filter);
    const { wanted, wantedDuty } = asked;
    const id = { asOf, planYear: plan.year, filter, knownAt };
    // Both cursors are checked before any walk.
    const after = page.cursor === undefined ? undefined : cursorKey(page.cursor, id);
    const dutiesAfter = page.dutiesCursor === undefined ? undefined : dutyCursorKey(page.dutiesCursor, id);
    const judged = wanted !== undefined && !wantedDuty ? planNarrowedTo(plan, wanted) : plan;
    const list = { filter, limit: page.limit, after };
    const [view, duties] = await Promise.all([
      wantedDuty && !withSummary
        ? undefined
        : views(
            judged,
            asOf,
            calendar,
            knownAt,
            { list: wantedDuty ? "none" : list, summary: withSummary },
            keep,
          ),
      dutiesPage(
        plan,
        asOf,
        filter,
        asked,
        knownAt,
        id,
        page.cursor === undefined,
        { limit: page.dutiesLimit ?? DEFAULT_DUTIES_PAGE, after: dutiesAfter },
        keep,
      ),
    ]);
    const money = view?.page ?? { items: [], totals: totalsOf([]), next: null };
    return {
      view,
      page: {
        asOf,
        planYear: plan.year,
        items: money.items,
        totals: money.totals,
        nextCursor: money.next ? encodeAtRiskCursor(money.next, id) : null,
        duties,
      },
    };
  }

  function atRiskList(asOf: LocalDate, planYear: number | undefined, filter: AtRiskFilter, knownAt?: Date) {
    return national(["atRisk", asOf, planYear ?? null, filter], knownAt, (keep) =>
      atRisk(asOf, planYear, filter, knownAt, keep),
    );
  }

  async function summary(
    asOf: LocalDate,
    planYear: number | undefined,
    knownAt: Date | undefined,
    keep: KeepRead,
  ) {
    const { plan, calendar } = await judgedPlanFor(asOf, planYear, knownAt, keep);
    return summaryOfViews(
      plan,
      asOf,
      views(plan, asOf, calendar, knownAt, { list: "none", summary: true }, keep),
      knownAt,
      keep,
    );
  }

  async function summaryOfViews(
    plan: Plan,
    asOf: LocalDate,
    judged: ReturnType<typeof views>,
    knownAt: Date | undefined,
    keep: KeepRead,
  ) {
    const dutyCounts = dutyTally(plan.duties ?? []);
    const [{ byMilestone, closed, verdicts, restated }, totals, map] = await Promise.all([
      judged,
      repo.ownCapitalTotals(plan.year, asOf, knownAt),
      unitMap(keep),
      eachNationalDuty(plan, asOf, knownAt, (r) => dutyCounts.add(r), keep),
    ]);
    const summary = summaryOf(plan, totals, map, byMilestone);
    const byClosing = closingCountsOf(restated, closed, verdicts, asOf);
    return {
      asOf,
      ...summary,
      byMilestone: summary.byMilestone.map((m) => {
        const closing = byClosing.get(m.id);
        return closing ? { ...m, closing } : m;
      }),
      byDuty: dutyCounts.summaries(),
    };
  }

  return {
    evaluate,

    async unitStatus(
      unitCode: string,
      asOf: LocalDate,
      planYear: number | undefined,
      by: Principal,
      knownAt?: Date,
    ) {
      assertCanReadUnit(by, unitCode);
      await units.getUnit(unitCode);
      const { plan, calendar } = await judgedPlanFor(asOf, planYear, knownAt);
      const [{ rows }, dutyRows] = await Promise.all([
        judgeNow(plan, asOf, calendar, [unitCode], knownAt),
        judgeDuties(plan, asOf, [unitCode], knownAt),
      ]);
      return { unitCode, asOf, planYear: plan.year, milestones: rows, duties: dutyRows };
    },

    /** The whole at-risk list, sorted: for exports and feeds. */
    atRisk: atRiskList,

    /**
     * One page of the list, computed for the page: the walk keeps its items only, with the whole
     * list's totals. Kept per ledger version like the other national answers.
     */
    atRiskPage(
      asOf: LocalDate,
      planYear: number | undefined,
      filter: AtRiskFilter,
      page: AtRiskPageQuery,
      knownAt?: Date,
    ) {
      return national(["atRiskPage", asOf, planYear ?? null, filter, page], knownAt, async (keep) => {
        const { plan, calendar } = await judgedPlanFor(asOf, planYear, knownAt, keep);
        return (await atRiskPageOf(plan, calendar, asOf, filter, page, knownAt, false, keep)).page;
      });
    },

    /**
     * The dashboard's overview: the summary and the first page of the at-risk list, from one
     * walk over the evaluation.
     */
    overview(asOf: LocalDate, planYear: number | undefined, page: AtRiskPageQuery) {
      return national(["overview", asOf, planYear ?? null, page], undefined, async (keep) => {
        const { plan, calendar } = await judgedPlanFor(asOf, planYear, undefined, keep);
        const { view, page: atRisk } = await atRiskPageOf(
          plan,
          calendar,
          asOf,
          {},
          page,
          undefined,
          true,
          keep,
        );
        return {
          summary: await summaryOfViews(plan, asOf, Promise.resolve(view!), undefined, keep),
          atRisk,
        };
      });
    },

    /**
     * Every (duty, unit) of the plan year judged on asOf, by due date, duty and unit: the duties
     * export. A national answer, cached per ledger version like the others.
     */
    dutyRoster(asOf: LocalDate, planYear: number | undefined, knownAt?: Date) {
      return national(["duties", asOf, planYear ?? null], knownAt, async (keep) => {
        const { plan } = await judgedPlanFor(asOf, planYear, knownAt, keep);
        const rows = await judgeDuties(plan, asOf, undefined, knownAt, keep);
        rows.sort((a, b) => cmp(a.dueOn, b.dueOn) || cmp(a.id, b.id) || cmp(a.unitCode, b.unitCode));
        return { asOf, planYear: plan.year, duties: rows };
      });
    },

    /** Hits and misses of the national answers' cache (none without one). */
    cacheStats: () => cache?.stats(),

    /** Counts by today's status; a closed milestone also carries its recorded counts. */
    summary(asOf: LocalDate, planYear: number | undefined, knownAt?: Date) {
      return national(["summary", asOf, planYear ?? null], knownAt, (keep) =>
        summary(asOf, planYear, knownAt, keep),
      );
    },
  };
}

export type RulesService = ReturnType<typeof createRulesService>;

/** The money items (by shortfall) and, beside them, the duties at risk or missed (compareDuties). */
export type AtRiskList = { asOf: LocalDate; planYear: number; items: AtRiskItem[]; duties: JudgedDuty[] };
/**
 * A page's size, and the nextCursor of the page before it (none for the first); the same for the
 * duties beside the money items (dutiesLimit DEFAULT_DUTIES_PAGE when not given).
 */
export type AtRiskPageQuery = {
  limit: number;
  cursor?: string | undefined;
  dutiesLimit?: number | undefined;
  dutiesCursor?: string | undefined;
};

export const DEFAULT_DUTIES_PAGE = 100;

/**
 * The key a cursor names: one of ours, handed out for this same list (date, plan year, filters,
 * knownAt), or refused.
 */
function cursorKey(cursor: string, id: AtRiskListId): AtRiskKey {
  const c = decodeAtRiskCursor(cursor);
  if (!c) throw cursorError("cursor", "cursor", "must be the nextCursor of a previous page");
  if (c.list !== atRiskListFingerprint(id)) throw foreignCursor("cursor");
  return c.key;
}

function dutyCursorKey(cursor: string, id: AtRiskListId): DutyKey {
  const c = decodeDutyCursor(cursor);
  if (!c) throw cursorError("dutiesCursor", "cursor", "must be the duties.nextCursor of a previous page");
  if (c.list !== atRiskListFingerprint(id)) throw foreignCursor("dutiesCursor");
  return c.key;
}

/**
 * The duties beside the money items: no shortfall to rank them among those, so a section of their
 * own, paged on its own (dutiesLimit, dutiesCursor: a province where every unit is late with a
 * report lists 10,000 of them). A next page of money items (cursor) carries no duties unless a
 * duties cursor asks for some, so a reader appending pages does not repeat them. Totals always.
 */
const cursorError = (param: string, rule: string, message: string) =>
  new InvalidInputError(`${param} ${message}`, [{ field: `query.${param}`, rule, message }]);

const foreignCursor = (param: string) =>
  cursorError(
    param,
    "foreign_cursor",
    "must be the nextCursor of a page of this same list: the same asOf, planYear, milestone, program, kind and knownAt",
  );
