// The working-day calendar: weekends, the law's public holidays (from the library) and the days
// off and swapped working days admins enter each year with the document announcing them.
import { actorOf, type Principal } from "../access/principal.js";
import type { AuditRepository } from "../audit/audit.repository.js";
import { calendarYearIssues } from "../domain/calendar-year.js";
import { ConflictError, InvalidInputError } from "../domain/errors.js";
import { addDays, type LocalDate } from "../domain/local-date.js";
import { type NamedDay, type WorkingCalendar, workingCalendar } from "../domain/working-days.js";
import type { CalendarRepository, CalendarYearRecord } from "./calendar.repository.js";
import { publicHolidays } from "./public-holidays.js";

type Deps = {
  repo: Pick<
    CalendarRepository,
    "transaction" | "lockYear" | "findYear" | "allYears" | "upsertYear" | "yearStamps"
  >;
  audit: Pick<AuditRepository, "record">;
  /** The law's holidays of a year; the library by default. */
  holidays?: (year: number) => readonly NamedDay[];
  /** Days before today are history: changing them needs an explicit restatement. */
  today: () => LocalDate;
};

export type CalendarYearBody = {
  daysOff: NamedDay[];
  workingDays: NamedDay[];
  sourceDocument: string;
  sourceUrl?: string | undefined;
  /** Set to change days before today, which moves past alert days and judged due dates. */
  restatesPast?: boolean | undefined;
};

/** The dates whose kind of day (off, worked, neither) differs between two versions of a year. */
function changedDates(before: CalendarYearRecord | null, after: CalendarYearBody): LocalDate[] {
  const kinds = (off: readonly NamedDay[], worked: readonly NamedDay[]) =>
    new Map([...off.map((d) => [d.date, "off"] as const), ...worked.map((d) => [d.date, "worked"] as const)]);
  const a = kinds(before?.daysOff ?? [], before?.workingDays ?? []);
  const b = kinds(after.daysOff, after.workingDays);
  return [...new Set([...a.keys(), ...b.keys()])].filter((d) => a.get(d) !== b.get(d)).sort();
}

const byDate = (a: NamedDay, b: NamedDay) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0);
const NO_DAYS = { daysOff: [], workingDays: [] };

export function createCalendarService({ repo, audit, holidays = publicHolidays, today }: Deps) {
  const calendarOf = (rows: readonly CalendarYearRecord[]) => {
    const data = new Map(rows.map((r) => [r.year, r]));
    return workingCalendar((year) => ({ holidays: holidays(year), ...(data.get(year) ?? NO_DAYS) }));
  };

  // The calendar is asked for on every evaluation; rebuilt only when a year's row changed, so the
  // memo of its counts (workingDaysBetween) lives on between evaluations.
  let kept: { stamp: string; calendar: WorkingCalendar } | undefined;

  function describeYear(year: number, row: CalendarYearRecord | null, withDays: boolean) {
    const law = holidays(year).map((h) => ({ ...h, source: "law" as const }));
    const out = {
      year,
      source: row
        ? {
            document: row.sourceDocument,
            url: row.sourceUrl,
            updatedBy: row.updatedBy,
            updatedAt: row.updatedAt,
          }
        : null,
      holidays: law,
      daysOff: [...(row?.daysOff ?? [])].sort(byDate),
      workingDays: [...(row?.workingDays ?? [])].sort(byDate),
    };
    if (!withDays) return out;
    const calendar = calendarOf(row ? [row] : []);
    const nonWorkingDays: { date: LocalDate; reason: string }[] = [];
    for (let d = `${year}-01-01`; d.startsWith(`${year}-`); d = addDays(d, 1)) {
      const reason = calendar.offReason(d);
      if (reason !== null) nonWorkingDays.push({ date: d, reason });
    }
    return { ...out, nonWorkingDays };
  }

  return {
    /** The year as the calendar knows it; `source` is null when no admin entered its days yet. */
    async getYear(year: number, opts: { nonWorkingDays?: boolean } = {}) {
      return describeYear(year, await repo.findYear(year), opts.nonWorkingDays ?? false);
    },

    /** Replaces the year's announced days, recording the document in the audit trail. */
    async putYear(year: number, body: CalendarYearBody, by: Principal) {
      const issues = calendarYearIssues(year, body, holidays(year));
      if (issues.length > 0) throw new InvalidInputError(issues[0]!.message, issues);
      const actor = actorOf(by);
      const saved = await repo.transaction(async (tx) => {
        await repo.lockYear(tx, year);
        // A day off entered or removed after it passed moves alert days already acted on and the
        // judged due date of milestones that follow working days: never silently.
        const past = changedDates(await repo.findYear(year, tx), body).filter((d) => d < today());
        if (past.length > 0 && !body.restatesPast) {
          const message = `changing days before today restates the past (${past.slice(0, 10).join(", ")}${past.length > 10 ? ", …" : ""}): send restatesPast: true to do it, recorded in the audit trail`;
          // The field to set, and the first past date it is about, for callers that read issues.
          throw new ConflictError(message, [
            { field: "restatesPast", rule: "restates_past", message, date: past[0] },
          ]);
        }
        const row = await repo.upsertYear(tx, {
          year,
          daysOff: [...body.daysOff].sort(byDate),
          workingDays: [...body.workingDays].sort(byDate),
          sourceDocument: body.sourceDocument,
          sourceUrl: body.sourceUrl ?? null,
          updatedBy: actor,
        });
        await audit.record(tx, {
          entity: "calendar_year",
          entityId: String(year),
          action: past.length > 0 ? "restated" : "updated",
          actor,
          document: body.sourceDocument,
          details: {
            ...(past.length > 0 ? { restatedPastDates: past } : {}),
            sourceUrl: row.sourceUrl,
            daysOff: row.daysOff,
            workingDays: row.workingDays,
          },
        });
        return row;
      });
      return describeYear(year, saved, false);
    },

    /** Every year's calendar: the library's holidays asked lazily per year, the admins' data read now. */
    async workingCalendar(): Promise<WorkingCalendar> {
      const stamps = await repo.yearStamps();
      const stamp = stamps.map((s) => `${s.year}@${s.updatedAt.getTime()}`).join(",");
      if (kept?.stamp !== stamp) {
        const rows = stamps.length > 0 ? await repo.allYears() : [];
        // The stamp of what was read: a change in between is seen by the next call.
        const readStamp = rows.map((r) => `${r.year}@${r.updatedAt.getTime()}`).join(",");
        kept = { stamp: readStamp, calendar: calendarOf(rows) };
      }
      return kept.calendar;
    },
  };
}

export type CalendarService = ReturnType<typeof createCalendarService>;
