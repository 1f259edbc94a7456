// An independent judge of the 2022 plan (section III.5), written for tests from the plan's words
// and not from the service's code: it imports nothing from src/domain but types, so a test that
// compares the service against it proves the rules, not only the SQL that feeds them.
//
// Slow and literal on purpose: every figure is a sum over raw entries, every comparison is the
// plan's sentence in whole đồng with BigInt ("trên 60%": disbursed × 100 > 60 × allocated).
//
// What it decides, per (unit, program) and milestone: which rows exist, status, dueOn, daysLeft,
// allocated, disbursed, shortfall, requiredDailyPace, and for REQ and REF requestSentOn, advisory
// and lapsed. What it leaves to the production code (tests that need them still compare with
// evaluateUnit): the display figures rate, projectedRate and projectedDisbursed (roundings of
// the same verdicts), and workingDaysLeft (it needs the holiday calendar).
import type { LedgerEntry, RequestFiling } from "../../src/domain/reference-ledger.js";

type Status = "not_applicable" | "met" | "on_track" | "at_risk" | "missed";

export interface Judgement {
  program: string;
  id: string;
  dueOn: string;
  status: Status;
  allocated: bigint;
  disbursed: bigint;
  shortfall: bigint;
  daysLeft: number;
  requiredDailyPace: bigint | null;
  /** REQ only. */
  requestSentOn?: string | null;
  advisory?: boolean;
  /** REF only, for a unit the refund does not concern (a department). */
  lapsed?: bigint;
}

/** The plan year and the days of recent pace that project a unit forward (plan: 30 days). */
const YEAR = 2022;
const WINDOW_DAYS = 30;

// The plan's dates, as it states them.
const M60_DUE = "2022-09-30"; // "đến 30/9/2022 giải ngân trên 60%"
const M90_DUE = "2022-12-31"; // "đến 31/12/2022 giải ngân trên 90%"
const C100_DUE = "2022-12-31"; // "giải ngân 100% vốn năm 2021 kéo dài sang năm 2022" (to year end)
const REQ_LAST_DAY = "2022-11-09"; // "gửi trước ngày 10/11/2022": the 10th is late
const REF_DUE = "2023-01-31"; // "đến hết ngày 31/01/2023 (hết thời gian chỉnh lý ngân sách)"

/** Whole days from `a` to `b`, from the calendar alone. */
function dayNumber(d: string): number {
  const [y, m, day] = d.split("-").map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, day) / 86_400_000;
}
const daysFromTo = (a: string, b: string) => dayNumber(b) - dayNumber(a);
function dayBefore(d: string, n: number): string {
  return new Date((dayNumber(d) - n) * 86_400_000).toISOString().slice(0, 10);
}

type Filter = (e: LedgerEntry) => boolean;

function sum(entries: readonly LedgerEntry[], keep: Filter): bigint {
  let total = 0n;
  for (const e of entries) if (keep(e)) total += e.amount;
  return total;
}

/**
 * A rate milestone "percent% or more" (atLeast) or "above percent%" of allocated, judged on
 * asOf from what was allocated and disbursed up to min(asOf, dueOn).
 */
function judgeRate(
  entries: readonly LedgerEntry[],
  inScope: Filter,
  id: string,
  program: string,
  dueOn: string,
  percent: bigint,
  atLeast: boolean,
  asOf: string,
): Judgement {
  const cut = asOf < dueOn ? asOf : dueOn;
  const known = (e: LedgerEntry) => inScope(e) && e.date <= cut;
  const allocated = sum(entries, (e) => known(e) && e.kind === "allocation");
  const disbursed = sum(entries, (e) => known(e) && e.kind === "disbursement");
  const recent = sum(
    entries,
    (e) => known(e) && e.kind === "disbursement" && e.date > dayBefore(cut, WINDOW_DAYS),
  );
  return verdict(id, program, dueOn, asOf, allocated, disbursed, recent, percent, atLeast);
}

/** Status and figures of "disbursed reaches percent% of allocated by dueOn", seen on asOf. */
function verdict(
  id: string,
  program: string,
  dueOn: string,
  asOf: string,
  allocated: bigint,
  disbursed: bigint,
  recent: bigint,
  percent: bigint,
  atLeast: boolean,
): Judgement {
  const reaches = (amount: bigint) =>
    atLeast ? amount * 100n >= percent * allocated : amount * 100n > percent * allocated;
  const daysLeft = asOf > dueOn ? 0 : daysFromTo(asOf, dueOn);
  const base = { program, id, dueOn, allocated, disbursed, daysLeft };
  if (allocated <= 0n) return { ...base, status: "not_applicable", shortfall: 0n, requiredDailyPace: null };
  // The least amount that reaches the threshold, found by its definition.
  let needed = (percent * allocated) / 100n;
  while (!reaches(needed)) needed += 1n;
  while (needed > 0n && reaches(needed - 1n)) needed -= 1n;
  const shortfall = needed > disbursed ? needed - disbursed : 0n;
  const held = reaches(disbursed);
  if (asOf > dueOn) return { ...base, status: held ? "met" : "missed", shortfall, requiredDailyPace: null };
  const requiredDailyPace = held ? 0n : daysLeft === 0 ? shortfall : ceilDiv(shortfall, BigInt(daysLeft));
  if (held) return { ...base, status: "met", shortfall, requiredDailyPace };
  // On track when the last 30 days' pace (none if they net negative), kept up every day left,
  // would reach the threshold: disbursed + pace × daysLeft / 30, compared without rounding.
  const pace = recent > 0n ? recent : 0n;
  const W = BigInt(WINDOW_DAYS);
  const projectedW = disbursed * W + pace * BigInt(daysLeft);
  const onTrack = atLeast
    ? projectedW * 100n >= percent * allocated * W
    : projectedW * 100n > percent * allocated * W;
  return { ...base, status: onTrack ? "on_track" : "at_risk", shortfall, requiredDailyPace };
}

const ceilDiv = (a: bigint, b: bigint) => (a + b - 1n) / b;

export interface JudgeOptions {
  requests?: readonly RequestFiling[];
  /** Unknown: the unit is judged as the refund concerns it (as a district). */
  unitKind?: "district" | "department" | "province" | undefined;
}

/**
 * The unit's rows on asOf: one per program with a 2022 allocation or disbursement known by then,
 * and per milestone in date order (M60, REQ, C100, M90, REF); programs in code-unit order.
 */
export function judgeUnit(
  entries: readonly LedgerEntry[],
  unitCode: string,
  asOf: string,
  { requests = [], unitKind }: JudgeOptions = {},
): Judgement[] {
  const mine = entries.filter((e) => e.unitCode === unitCode && e.planYear === YEAR);
  const programs = [
    ...new Set(
      mine
        .filter((e) => (e.kind === "allocation" || e.kind === "disbursement") && e.date <= asOf)
        .map((e) => e.program),
    ),
  ].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const rows: Judgement[] = [];
  for (const program of programs) {
    const ofProgram = mine.filter((e) => e.program === program);
    const own: Filter = (e) => e.carriedOverFrom === null;
    const m60 = judgeRate(ofProgram, own, "M60", program, M60_DUE, 60n, false, asOf);
    const m90 = judgeRate(ofProgram, own, "M90", program, M90_DUE, 90n, false, asOf);
    const c100 = judgeRate(
      ofProgram,
      (e) => e.carriedOverFrom === 2021,
      "C100",
      program,
      C100_DUE,
      100n,
      true,
      asOf,
    );
    rows.push(m60, judgeRequest(program, asOf, m60, m90, requests, unitCode), c100, m90);
    rows.push(judgeRefund(ofProgram, program, asOf, unitKind));
  }
  return rows;
}

/**
 * REQ: a pair that missed M60 owes a written request sent by 9/11 (met if sent, at risk until
 * then, missed after); a pair that met M60 but is at risk for M90 is advised to send one while
 * the deadline is open. Every other pair owes nothing. Figures are those of the rate behind it.
 */
function judgeRequest(
  program: string,
  asOf: string,
  m60: Judgement,
  m90: Judgement,
  requests: readonly RequestFiling[],
  unitCode: string,
): Judgement {
  const sent = requests
    .filter((r) => r.unitCode === unitCode && r.program === program && r.sentOn <= asOf)
    .map((r) => r.sentOn)
    .sort()[0];
  const requestSentOn = sent ?? null;
  const onTime = sent !== undefined && sent <= REQ_LAST_DAY;
  const open = asOf <= REQ_LAST_DAY;
  const row = (status: Status, basis: Judgement, advisory: boolean): Judgement => ({
    program,
    id: "REQ",
    dueOn: REQ_LAST_DAY,
    status,
    allocated: basis.allocated,
    disbursed: basis.disbursed,
    shortfall: status === "met" || status === "not_applicable" ? 0n : basis.shortfall,
    daysLeft: open ? daysFromTo(asOf, REQ_LAST_DAY) : 0,
    requiredDailyPace: null,
    requestSentOn,
    advisory,
  });
  if (m60.status === "missed") return row(onTime ? "met" : open ? "at_risk" : "missed", m60, false);
  if (m60.status === "met" && m90.status === "at_risk" && open)
    return row(onTime ? "met" : "at_risk", m90, true);
  return row("not_applicable", m60, false);
}

/**
 * REF: a district gives back, by 31/01/2023, the central and provincial capital of the year it
 * neither disbursed nor had carried forward (all cut at the due date); met when refunds reach
 * it. Until the due date a shortfall is on track: the refund is paid in one go at the end. A
 * department owes nothing: what it left undisbursed lapses.
 */
function judgeRefund(
  entries: readonly LedgerEntry[],
  program: string,
  asOf: string,
  unitKind: JudgeOptions["unitKind"],
): Judgement {
  const cut = asOf < REF_DUE ? asOf : REF_DUE;
  const higherLevel = (e: LedgerEntry) =>
    e.carriedOverFrom === null && (e.source === "central" || e.source === "provincial") && e.date <= cut;
  const of = (kind: LedgerEntry["kind"]) => sum(entries, (e) => higherLevel(e) && e.kind === kind);
  const dueBack = of("allocation") - of("disbursement") - of("carryForward");
  if (unitKind !== undefined && unitKind !== "district") {
    return {
      program,
      id: "REF",
      dueOn: REF_DUE,
      status: "not_applicable",
      allocated: 0n,
      disbursed: 0n,
      shortfall: 0n,
      daysLeft: asOf > REF_DUE ? 0 : daysFromTo(asOf, REF_DUE),
      requiredDailyPace: null,
      lapsed: dueBack > 0n ? dueBack : 0n,
    };
  }
  const j = verdict("REF", program, REF_DUE, asOf, dueBack, of("refund"), 0n, 100n, true);
  return j.status === "at_risk" ? { ...j, status: "on_track" } : j;
}
