// Duties of a plan year and the submissions that meet them: recording a submission (with its
// optional file), withdrawing one, and each unit's status as of a day.
import { actorOf, assertCanReadUnit, assertCanWriteUnit, type Principal } from "../access/principal.js";
import type { Unit } from "../catalog/catalog.repository.js";
import type { UnitInfo } from "../domain/at-risk.js";
import {
  type Duty,
  type DutyStatus,
  dutyAsks,
  evaluateDuty,
  type SubmissionFact,
  standingSubmissions,
  submissionRefusal,
} from "../domain/duties.js";
import { type JudgedDuty, latestSubmission } from "../domain/duty-views.js";
import { ConflictError, NotFoundError, RuleViolationError } from "../domain/errors.js";
import { daysBetween, type LocalDate, todayIn } from "../domain/local-date.js";
import type { Plan } from "../domain/plan.js";
import type { WorkingCalendar } from "../domain/working-days.js";
import { type KeepRead, READ_EACH_TIME } from "../rules/answer-cache.js";
import type { DutiesRepository, SubmissionRecord } from "./duties.repository.js";
import type { SubmissionFile } from "./submission-file.js";

type Deps = {
  repo: Pick<
    DutiesRepository,
    "listSubmissions" | "findSubmission" | "withdrawalsOf" | "fileOf" | "insertSubmission"
  >;
  plans: { getPlan(year: number): Promise<{ plan: Plan }> };
  units: {
    findUnit(code: string): Promise<Unit | null>;
    listUnits(kind?: undefined, codes?: string[]): Promise<Unit[]>;
  };
  calendar: { workingCalendar(): Promise<WorkingCalendar> };
  today: () => LocalDate;
  now: () => Date;
};

export type SubmissionInput = {
  unit: string;
  documentNumber: string;
  submittedOn: LocalDate;
  note?: string | undefined;
  file?: SubmissionFile | undefined;
};

const STATUSES: DutyStatus[] = ["not_applicable", "met", "on_track", "at_risk", "missed"];

const factOf = (r: SubmissionRecord): SubmissionFact => ({
  id: String(r.id),
  submittedOn: r.submittedOn,
  recordedOn: todayIn(r.createdAt),
  withdrawsId: r.withdrawsId === null ? null : String(r.withdrawsId),
});

/** A submission as the API shows it; `withdrawal` once a withdrawal known by asOf names it. */
function submissionView(r: SubmissionRecord, withdrawal: SubmissionRecord | undefined) {
  return {
    id: String(r.id),
    unitCode: r.unitCode,
    documentNumber: r.documentNumber,
    submittedOn: r.submittedOn,
    note: r.note,
    file: r.file,
    createdBy: r.createdBy,
    createdAt: r.createdAt,
    withdrawal: withdrawal
      ? {
          id: String(withdrawal.id),
          reason: withdrawal.note,
          createdBy: withdrawal.createdBy,
          createdAt: withdrawal.createdAt,
        }
      : null,
  };
}

/** How the rules service asks for judged duties (its dependency on this service is this shape). */
export type JudgedDutiesOptions = {
  unitCodes?: string[] | undefined;
  knownAt?: Date | undefined;
  /**
   * Every unit, by code, when the caller holds the list already (the rules service keeps it
   * per units epoch): a national read then does not read 10,000 units again.
   */
  allUnits?: readonly UnitInfo[] | undefined;
  /** Reads kept for the ledger version of a national answer (the rules service's): submissions and calendar. */
  keep?: KeepRead | undefined;
  /**
   * eachJudgedDuty hands over one row object, rewritten for each (duty, unit): for a walker that
   * copies what it keeps. A national page judged 30,000 rows into new objects (2.3 MB of its
   * garbage, in a probe) to keep 100.
   */
  reused?: boolean | undefined;
};

/** A row for eachJudgedDuty to fill, every field set so that all rows share one shape. */
const blankDuty = (): JudgedDuty => ({
  kind: "duty",
  id: "",
  title: "",
  document: "",
  dueOn: "",
  unitCode: "",
  unitName: "",
  unitKind: "district",
  status: "not_applicable",
  workingDaysLeft: 0,
  daysLeft: 0,
  submission: null,
});

type FactsByPair = ReadonlyMap<string, readonly (SubmissionFact & { documentNumber: string })[]>;

/** The submissions recorded by knownAt (all without it), as facts per `duty|unit`. */
function factsByPair(rows: readonly SubmissionRecord[], knownAt: Date | undefined): FactsByPair {
  const byPair = new Map<string, (SubmissionFact & { documentNumber: string })[]>();
  for (const r of rows) {
    if (knownAt && r.createdAt > knownAt) continue;
    const k = `${r.dutyId}|${r.unitCode}`;
    const facts = byPair.get(k) ?? [];
    facts.push({ ...factOf(r), documentNumber: r.documentNumber });
    byPair.set(k, facts);
  }
  return byPair;
}

export function createDutiesService(d: Deps) {
  async function dutyOf(planYear: number, dutyId: string): Promise<{ plan: Plan; duty: Duty }> {
    const { plan } = await d.plans.getPlan(planYear);
    const duty = plan.duties?.find((x) => x.id === dutyId);
    if (!duty) throw new NotFoundError(`plan ${planYear} has no duty ${dutyId}`);
    return { plan, duty };
  }

  /**
   * judgedDuties' rows handed one at a time to `emit`, in the same order: a view that keeps a page
   * of them or counts them (the national at-risk page, the summary) never holds them all.
   */
  async function eachJudgedDuty(
    planYear: number,
    duties: readonly Duty[],
    asOf: LocalDate,
    o: JudgedDutiesOptions,
    emit: (row: JudgedDuty) => void,
  ): Promise<void> {
    if (duties.length === 0) return;
    // Kept only for the whole country as the ledger stands: a few units' or a past moment's read each time.
    const keep = o.unitCodes || o.knownAt ? READ_EACH_TIME : (o.keep ?? READ_EACH_TIME);
    // Kept for a version as the facts per (duty, unit), not as the rows read: what the verdicts need.
    const [units, byPair, calendar] = await Promise.all([
      o.allUnits && !o.unitCodes ? o.allUnits : d.units.listUnits(undefined, o.unitCodes),
      keep(`submissions|${planYear}`, async () =>
        factsByPair(
          await d.repo.listSubmissions(planYear, o.unitCodes ? { unitCodes: o.unitCodes } : {}),
          o.knownAt,
        ),
      ),
      keep("duties|calendar", () => d.calendar.workingCalendar()),
    ]);
    // Plain loops: flatMap over 10,000 units a duty took 4.4 ms for three duties in a loop of
    // nothing else, against 1.8 ms this way (a national page judges these on every cold read).
    const shared = o.reused ? blankDuty() : undefined;
    for (const duty of duties) {
      // Every unit without a submission gets the same verdict: worked out once per duty (a
      // national read judges 10,000 units, mostly without one).
      let unsubmittedVerdict: ReturnType<typeof evaluateDuty> | undefined;
      const daysLeft = Math.max(0, daysBetween(asOf, duty.dueOn));
      for (let i = 0; i < units.length; i++) {
        const u = units[i]!;
        if (!dutyAsks(duty, u)) continue;
        const facts = byPair.size > 0 ? byPair.get(`${duty.id}|${u.code}`) : undefined;
        let verdict: ReturnType<typeof evaluateDuty>;
        if (facts) verdict = evaluateDuty(duty, u, facts, asOf, calendar);
        else verdict = unsubmittedVerdict ??= evaluateDuty(duty, u, [], asOf, calendar);
        const latest = facts ? latestSubmission(standingSubmissions(facts, asOf)) : undefined;
        const row = shared ?? blankDuty();
        row.id = duty.id;
        row.title = duty.title;
        row.document = duty.document;
        row.dueOn = duty.dueOn;
        row.unitCode = u.code;
        row.unitName = u.name;
        row.unitKind = u.kind;
        row.status = verdict.status;
        row.workingDaysLeft = verdict.workingDaysLeft;
        row.daysLeft = daysLeft;
        row.submission = latest
          ? { id: latest.id, documentNumber: latest.documentNumber, submittedOn: latest.submittedOn }
          : null;
        emit(row);
      }
    }
  }

  /**
   * Each duty with each unit it asks: status as of asOf, working days left, the submissions known.
   * `restricted`: the units are some of the catalog's (an officer's, one unit), so only theirs are read.
   */
  async function judge(
    planYear: number,
    asOf: LocalDate,
    units: readonly UnitInfo[],
    duties: Duty[],
    restricted: boolean,
  ) {
    const [rows, calendar] = await Promise.all([
      d.repo.listSubmissions(planYear, restricted ? { unitCodes: units.map((u) => u.code) } : {}),
      d.calendar.workingCalendar(),
    ]);
    const known = rows.filter((r) => todayIn(r.createdAt) <= asOf);
    const withdrawals = new Map(
      known.flatMap((r) => (r.withdrawsId === null ? [] : [[r.withdrawsId, r] as const])),
    );
    return duties.map((duty) => {
      const asked = units.filter((u) => dutyAsks(duty, u));
      const unitRows = asked.map((u) => {
        const mine = known.filter((r) => r.dutyId === duty.id && r.unitCode === u.code);
        const verdict = evaluateDuty(duty, u, mine.map(factOf), asOf, calendar);
        return {
          unitCode: u.code,
          unitName: u.name,
          kind: u.kind,
          ...verdict,
          submissions: mine
            .filter((r) => r.withdrawsId === null)
            .map((r) => submissionView(r, withdrawals.get(r.id))),
        };
      });
      const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<DutyStatus, number>;
      for (const r of unitRows) counts[r.status] += 1;
      return { ...duty, counts, units: unitRows };
    });
  }

  return {
    /** An officer records for their own units, an admin for any; nothing is written when refused. */
    async recordSubmission(planYear: number, dutyId: string, input: SubmissionInput, by: Principal) {
      assertCanWriteUnit(by, input.unit);
      const { duty } = await dutyOf(planYear, dutyId);
      const unit = await d.units.findUnit(input.unit);
      if (!unit)
        throw new RuleViolationError(`no unit with code ${input.unit}`, [
          { field: "unit", rule: "unknown_unit", message: `no unit with code ${input.unit}` },
        ]);
      const today = d.today();
      const refused = submissionRefusal(duty, unit, input.submittedOn, today);
      if (refused)
        throw new RuleViolationError(refused.message, [
          refused.field === "submittedOn" ? { ...refused, date: input.submittedOn } : refused,
        ]);
      const saved = await d.repo.insertSubmission({
        planYear,
        dutyId: duty.id,
        unitCode: unit.code,
        documentNumber: input.documentNumber,
        submittedOn: input.submittedOn,
        note: input.note ?? null,
        withdrawsId: null,
        file: input.file
          ? {
              name: input.file.name,
              type: input.file.type,
              size: input.file.size,
              sha256: input.file.sha256,
              content: input.file.content,
            }
          : null,
        createdBy: actorOf(by),
        createdAt: d.now(),
      });
      return { planYear, dutyId: duty.id, ...submissionView(saved, undefined) };
    },

    /** A withdrawal is a new row: the submission stays on record, and no longer counts. */
    async withdrawSubmission(planYear: number, dutyId: string, id: bigint, reason: string, by: Principal) {
      await dutyOf(planYear, dutyId);
      const s = await d.repo.findSubmission(planYear, dutyId, id);
      if (!s) throw new NotFoundError(`duty ${dutyId} of ${planYear} has no submission ${id}`);
      assertCanWriteUnit(by, s.unitCode);
      if (s.withdrawsId !== null)
        throw new RuleViolationError(`${id} is a withdrawal, not a submission`, [
          { field: "params.id", rule: "not_a_submission", message: "only a submission can be withdrawn" },
        ]);
      const earlier = await d.repo.withdrawalsOf(id);
      if (earlier[0])
        throw new ConflictError(
          `submission ${id} was withdrawn already (${earlier[0].createdAt.toISOString()})`,
        );
      const today = d.today();
      const row = await d.repo.insertSubmission({
        planYear,
        dutyId,
        unitCode: s.unitCode,
        documentNumber: s.documentNumber,
        submittedOn: today,
        note: reason,
        withdrawsId: s.id,
        file: null,
        createdBy: actorOf(by),
        createdAt: d.now(),
      });
      return { planYear, dutyId, ...submissionView(s, row) };
    },

    /**
     * Each (duty, unit) the duties ask, judged on asOf as the rules' views show it (status, at-risk,
     * summary, exports): the duties of the plan version those views read, the submissions recorded
     * by knownAt when given. All units, or the ones named.
     */
    async judgedDuties(
      planYear: number,
      duties: readonly Duty[],
      asOf: LocalDate,
      o: JudgedDutiesOptions = {},
    ): Promise<JudgedDuty[]> {
      const out: JudgedDuty[] = [];
      await eachJudgedDuty(planYear, duties, asOf, o, (row) => {
        out.push(row);
      });
      return out;
    },

    eachJudgedDuty,

    /** Every duty of the plan year; an officer sees the units of their key only. */
    async planDuties(planYear: number, asOf: LocalDate, by: Principal) {
      const { plan } = await d.plans.getPlan(planYear);
      const units = await d.units.listUnits(undefined, by.role === "officer" ? by.unitCodes : undefined);
      return {
        planYear,
        asOf,
        duties: await judge(planYear, asOf, units, plan.duties ?? [], by.role === "officer"),
      };
    },

    /** One unit's duties of the plan year (those that do not ask it are left out). */
    async unitDuties(unitCode: string, planYear: number, asOf: LocalDate, by: Principal) {
      assertCanReadUnit(by, unitCode);
      const unit = await d.units.findUnit(unitCode);
      if (!unit) throw new NotFoundError(`no unit with code ${unitCode}`);
      const { plan } = await d.plans.getPlan(planYear);
      const judged = await judge(planYear, asOf, [unit], plan.duties ?? [], true);
      return {
        unitCode,
        planYear,
        asOf,
        duties: judged.flatMap(({ units, counts: _c, ...duty }) =>
          units.map(({ unitCode: _u, unitName: _n, kind: _k, ...row }) => ({ ...duty, ...row })),
        ),
      };
    },

    /** The stored file; an officer reads their own units' files only. */
    async submissionFile(planYear: number, dutyId: string, id: bigint, by: Principal) {
      const f = await d.repo.fileOf(planYear, dutyId, id);
      if (!f) throw new NotFoundError(`submission ${id} of duty ${dutyId} (${planYear}) has no file`);
      assertCanReadUnit(by, f.unitCode);
      return f;
    },
  };
}

export type DutiesService = ReturnType<typeof createDutiesService>;
