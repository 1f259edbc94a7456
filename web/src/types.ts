// The shapes of /api/v1/dashboard answers (amounts are whole đồng).
export type Status = "not_applicable" | "met" | "on_track" | "at_risk" | "missed";
export type Counts = Record<Status, number>;
export type Totals = { allocated: number; disbursed: number; rate: number | null };

export type PlanMilestone = {
  id: string;
  kind: string;
  title: string;
  dueOn: string;
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
  allocated: number;
  disbursed: number;
  rate: number | null;
  threshold: number;
  comparison: "gt" | "gte";
  shortfall: number;
  daysLeft: number;
  requiredDailyPace: number | null;
  projectedRate: number | null;
  projectedDisbursed: number | null;
};

export type AtRiskItem = Evaluation & {
  unitCode: string;
  unitName: string;
  unitKind: "department" | "district";
};

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
  };
  atRisk: AtRiskItem[];
};

export type Entry = {
  kind: "allocation" | "disbursement";
  id: number;
  date: string;
  program: string;
  carriedOverFrom: number | null;
  source: string;
  capitalType: string;
  amount: number;
  reference: string;
  corrects: number | null;
  note: string | null;
};

export type EntriesPage = { items: Entry[]; nextCursor: string | null };

export type UnitView = ViewHeader & {
  unit: { code: string; name: string; kind: "department" | "district"; headName: string };
  milestones: Evaluation[];
  ledger: {
    lines: {
      program: string;
      carriedOverFrom: number | null;
      source: string;
      capitalType: string;
      allocated: number;
      disbursed: number;
      remaining: number;
    }[];
    total: { allocated: number; disbursed: number; remaining: number };
  };
  series: {
    dates: string[];
    total: { allocated: number[]; disbursed: number[] };
    byProgram: { program: string; allocated: number[]; disbursed: number[] }[];
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
};
