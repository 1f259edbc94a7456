// The shapes of /api/v1/dashboard answers. Amounts are whole đồng as bigint, read digit for digit
// by api.ts (AMOUNT_KEYS names them); rates are display numbers.

/**
 * The keys whose values are amounts in whole đồng (the API's int64 fields, the bigints below):
 * api.ts reads them as bigint from their digits, so a total above 2^53 arrives to the last
 * đồng. Ids and counts stay numbers (the parser refuses, rather than rounds, one a number
 * cannot hold).
 */
export const AMOUNT_KEYS: ReadonlySet<string> = new Set([
  "allocated",
  "disbursed",
  "remaining",
  "shortfall",
  "requiredDailyPace",
  "projectedDisbursed",
  "amount",
  "lapsed",
  "refunded",
  "carriedForward",
]);

export type Status = "not_applicable" | "met" | "on_track" | "at_risk" | "missed";
export type Counts = Record<Status, number>;
export type Totals = { allocated: bigint; disbursed: bigint; rate: number | null };

export type PlanMilestone = {
  id: string;
  kind: string;
  title: string;
  dueOn: string;
  /** The deadline as the plan words it, worded by the server: show it as it is. */
  deadline: string;
  threshold: number | null;
  comparison: "gt" | "gte" | null;
  scope: string | null;
  program: string | null;
  charted: boolean;
};

export type ViewHeader = {
  asOf: string;
  today: string;
  planYear: number;
  planYears: number[];
  plan: { year: number; title: string; projectionWindowDays: number; milestones: PlanMilestone[] };
  programs: { code: string; name: string }[];
};

export type Evaluation = {
  id: string;
  kind?: string;
  program: string;
  planYear: number;
  dueOn: string;
  status: Status;
  allocated: bigint;
  disbursed: bigint;
  rate: number | null;
  threshold: number;
  comparison: "gt" | "gte";
  shortfall: bigint;
  daysLeft: number;
  /** The same days less weekends, holidays and announced days off. */
  workingDaysLeft?: number;
  requiredDailyPace: bigint | null;
  projectedRate: number | null;
  projectedDisbursed: bigint | null;
  /** Refund milestones, for a unit the refund does not concern: capital that lapses, not a refund owed. */
  lapsed?: bigint;
  /** Where a Treasury statement speaks for the row: both readings, and the one `status` is. */
  readings?: Readings;
};

type Reading = { status: Status; disbursed: bigint; rate: number | null; shortfall: bigint };
export type Readings = {
  used: "reported" | "treasury";
  reported: Reading;
  treasury: Reading & { statementId: number; statementAsOf: string; documentRef: string };
};

export type AtRiskItem = Evaluation & {
  unitCode: string;
  unitName: string;
  unitKind: "department" | "district";
};

/** One (duty, unit): a document the plan asks of the unit, judged on asOf. */
export type DutyRow = {
  kind: "duty";
  id: string;
  title: string;
  document: string;
  dueOn: string;
  unitCode: string;
  unitName: string;
  unitKind: "department" | "district";
  status: Status;
  workingDaysLeft: number;
  daysLeft: number;
  /** The latest submission that counts (on time or late); null when none. */
  submission: { id: string; documentNumber: string; submittedOn: string } | null;
};

/** A submission as /units/{code}/duties lists it: every one recorded, withdrawn ones marked. */
export type Submission = {
  id: string;
  unitCode: string;
  documentNumber: string;
  submittedOn: string;
  note: string | null;
  file: { name: string; type: string; size: number; sha256: string } | null;
  createdBy: string;
  createdAt: string;
  withdrawal: { id: string; reason: string | null; createdBy: string; createdAt: string } | null;
};

/** /units/{code}/duties: each duty asking the unit, with the submissions known on asOf. */
export type UnitDuties = {
  unitCode: string;
  planYear: number;
  asOf: string;
  duties: { id: string; status: Status; metBy: string | null; submissions: Submission[] }[];
};

/** The signed-in key (GET /me). */
export type Me = { keyId: string; name: string; role: "admin" | "officer" | "viewer"; unitCodes: string[] };

export type Overview = ViewHeader & {
  summary: {
    total: Totals;
    byProgram: (Totals & { program: string })[];
    byUnitKind: (Totals & { kind: string })[];
    byMilestone: {
      id: string;
      title: string;
      dueOn: string;
      threshold: number | null;
      total: Totals;
      counts: Counts;
      unitCounts: Counts;
      byProgram: (Totals & { program: string; counts: Counts })[];
    }[];
    /** Per duty of the plan, the units it asks by status. */
    byDuty: { id: string; title: string; document: string; dueOn: string; counts: Counts }[];
  };
  /** The at-risk list's first items (largest shortfall first) and the totals of all of it. */
  atRisk: AtRiskPage;
};

/** The whole list's figures, the same on every page. */
export type AtRiskTotals = { count: number; shortfall: bigint; byStatus: Counts };

/** A page of /at-risk: nextCursor (opaque) asks for the next one, with the same date and filters. */
export type AtRiskPage = {
  items: AtRiskItem[];
  totals: AtRiskTotals;
  nextCursor: string | null;
  /** Duties at risk or missed: whole on the first page, empty on the next; totals on every page. */
  duties: { items: DutyRow[]; totals: { at_risk: number; missed: number }; nextCursor: string | null };
};

/** /dashboard/at-risk: the view's header and the first page. */
export type AtRiskView = ViewHeader & AtRiskPage;

export type Entry = {
  kind: "allocation" | "disbursement";
  id: number;
  date: string;
  program: string;
  carriedOverFrom: number | null;
  source: string;
  capitalType: string;
  amount: bigint;
  reference: string;
  corrects: number | null;
  note: string | null;
};

export type EntriesPage = { items: Entry[]; nextCursor: string | null };

export type UnitView = ViewHeader & {
  unit: { code: string; name: string; kind: "department" | "district"; headName: string };
  milestones: Evaluation[];
  /** Each duty of the plan that asks the unit. */
  duties: DutyRow[];
  ledger: {
    lines: {
      program: string;
      carriedOverFrom: number | null;
      source: string;
      capitalType: string;
      allocated: bigint;
      disbursed: bigint;
      refunded: bigint;
      carriedForward: bigint;
      remaining: bigint;
    }[];
    total: {
      allocated: bigint;
      disbursed: bigint;
      refunded: bigint;
      carriedForward: bigint;
      remaining: bigint;
    };
  };
  series: {
    dates: string[];
    total: { allocated: bigint[]; disbursed: bigint[] };
    byProgram: { program: string; allocated: bigint[]; disbursed: bigint[] }[];
  };
  entries: EntriesPage & { allocations: number; disbursements: number };
  alerts: {
    id: number;
    asOf: string;
    createdAt: string;
    milestoneId: string;
    program: string;
    stage: string;
    recipient: string;
    outcome: "queued" | "skipped";
    skipReason: string | null;
    message: { status: string; attempts: number; sentAt: string | null; subject: string } | null;
  }[];
  /** Unit heads' acknowledgements of the unit's alerts, latest first. */
  acknowledgements?: {
    at: string;
    on: string;
    plannedAction: string | null;
    plannedOn: string | null;
    recipient: string;
    subject: string;
    alerts: { milestoneId: string; program: string; stage: string }[];
  }[];
};
