// A closed milestone: its verdict per pair was recorded as of its due date, and from then on the
// past it judged may change only as a visible restatement (an admin's, with a reason and a document).
import type { LocalDate } from "./local-date.js";
import type { MilestoneStatus } from "./milestone-status.js";
import type { Milestone } from "./plan.js";

export type ClosedMilestone = {
  planYear: number;
  milestoneId: string;
  /** The milestone as it stood when closed: its due date and scope say which entries it guards. */
  milestone: Milestone;
  dueOn: LocalDate;
  closedAt: Date;
  closedBy: string;
  document: string;
  reason: string;
};

/** An admin's explicit rewrite of a closed period, kept in the audit trail. */
export type Restatement = { reason: string; document: string };

/** What reads the closings; `knownAt` answers as the service would have at that moment. */
export type ClosingsReader = {
  closedMilestones(planYear: number, knownAt?: Date): Promise<ClosedMilestone[]>;
};

/** What a closing recorded for one (unit, program): its verdict and figures, cut at the due date. */
export type RecordedFigures = {
  status: MilestoneStatus;
  allocated: bigint;
  disbursed: bigint;
  /** The percent shown at closing; null when nothing was allocated. */
  rate: number | null;
  shortfall: bigint;
};

export type RecordedVerdict = RecordedFigures & { milestoneId: string; unitCode: string; program: string };

/** The closings of a plan year with the verdicts they recorded (the reads behind status and summary). */
export type RecordedVerdictsReader = ClosingsReader & {
  recordedVerdicts(
    planYear: number,
    opts?: { knownAt?: Date | undefined; unitCodes?: string[] | undefined },
  ): Promise<RecordedVerdict[]>;
};
