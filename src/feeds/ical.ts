// A feed as iCalendar text, built with ical-generator from plain values. Pure: the clock enters
// as `generatedAt`, and the same input always gives the same text.
import ical, { ICalCalendarMethod, ICalEventTransparency } from "ical-generator";
import { addDays, DEFAULT_TIME_ZONE, type LocalDate } from "../domain/local-date.js";

/** One all-day event on a due date. */
export type FeedEvent = {
  /** Stable across fetches, so a client updates the event instead of adding a second one. */
  uid: string;
  dueOn: LocalDate;
  summary: string;
  description: string;
  /** Raised when the event's date may have moved (the plan's version). */
  sequence: number;
};

export type FeedCalendar = {
  name: string;
  description: string;
  events: readonly FeedEvent[];
  /** The moment the figures were read: DTSTAMP and LAST-MODIFIED of every event. */
  generatedAt: Date;
  /** How often a client should fetch again (REFRESH-INTERVAL, X-PUBLISHED-TTL). */
  refreshMinutes: number;
};

export const PRODUCT_ID = { company: "disbursement-monitor", product: "calendar-feeds", language: "VI" };

/**
 * ical-generator writes NAME and X-WR-CALNAME unescaped, and clients disagree on unescaping
 * X-WR-CALNAME anyway: the few characters that would need it become spaces in the name.
 */
export function calendarName(name: string): string {
  return calendarDescription(name.replace(/[\\;,]+/g, " "));
}

/**
 * RFC 5545's TEXT has no room for control characters (a tab aside), and ical-generator writes
 * X-WR-CALDESC unescaped: a line break there (a unit's name may hold one) would start a property
 * of the attacker's choosing. Line breaks and other controls become spaces.
 */
export function calendarDescription(text: string): string {
  return (
    text
      // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
      .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, " ")
      .replace(/ {2,}/g, " ")
      .trim()
  );
}

/** An event's text: line breaks stay (written as \n), other controls become spaces. */
const eventText = (text: string) =>
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, " ");

export function renderCalendar(c: FeedCalendar): string {
  const cal = ical({
    name: calendarName(c.name),
    description: calendarDescription(c.description),
    prodId: PRODUCT_ID,
    method: ICalCalendarMethod.PUBLISH,
    ttl: c.refreshMinutes * 60,
    // The calendar's own timezone is not set: ical-generator would then write DTSTAMP as a local
    // time without "Z", which RFC 5545 forbids. Every event is a DATE, so no VTIMEZONE is needed;
    // X-WR-TIMEZONE only tells clients whose calendar this is.
    x: { "X-WR-TIMEZONE": DEFAULT_TIME_ZONE },
  });
  for (const e of c.events) {
    cal.createEvent({
      id: e.uid,
      allDay: true,
      // Strings, not Dates: a DATE value is written as given, whatever the machine's zone.
      start: e.dueOn,
      end: addDays(e.dueOn, 1),
      summary: eventText(e.summary),
      description: eventText(e.description),
      sequence: e.sequence,
      stamp: c.generatedAt,
      // The description (status, figures, days left) is recomputed on every fetch.
      lastModified: c.generatedAt,
      // A deadline does not make the day busy.
      transparency: ICalEventTransparency.TRANSPARENT,
    });
  }
  return cal.toString();
}
