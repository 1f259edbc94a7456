// A milestone due on a non-working day: judged on that day ("keep", the default, as the Treasury
// keeps budget deadlines whatever the weekday), or on the next working day when its plan says so.
import type { LocalDate } from "./local-date.js";
import type { Milestone, Plan } from "./plan.js";
import type { WorkingCalendar } from "./working-days.js";

/** The day a milestone is judged on: its due date, or the next working day when the plan moves it. */
export function judgedDueOn(m: Milestone, calendar: WorkingCalendar): LocalDate {
  return m.nonWorkingDueDate === "next_working_day" ? calendar.onOrAfter(m.dueOn) : m.dueOn;
}

/**
 * The plan with each moved milestone's dueOn replaced by the day it is judged on, so figures,
 * days left and verdicts all cut at one date. The same object when nothing moves (the default),
 * so every answer of a plan without the setting stays what it was. Idempotent.
 */
export function withJudgedDueDates(plan: Plan, calendar: WorkingCalendar): Plan {
  let moved = false;
  const milestones = plan.milestones.map((m) => {
    const dueOn = judgedDueOn(m, calendar);
    if (dueOn === m.dueOn) return m;
    moved = true;
    return { ...m, dueOn };
  });
  return moved ? { ...plan, milestones } : plan;
}

/** What the plan view says of a due date on a non-working day: why, and where it moves (null: kept). */
export type NonWorkingDueDateFlag = { reason: string; movesTo: LocalDate | null };

export function nonWorkingDueDateFlag(m: Milestone, calendar: WorkingCalendar): NonWorkingDueDateFlag | null {
  const reason = calendar.offReason(m.dueOn);
  if (reason === null) return null;
  return { reason, movesTo: m.nonWorkingDueDate === "next_working_day" ? calendar.onOrAfter(m.dueOn) : null };
}
