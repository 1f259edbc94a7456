// The one clock. Services, jobs and repositories take it (or its `now`) from the composition root
// (src/container.ts); only systemClock reads the machine's time, so a test or a replay can fix it.
import { DEFAULT_TIME_ZONE, type LocalDate, todayIn } from "./domain/local-date.js";

export type Clock = { now(): Date };
export const systemClock: Clock = { now: () => new Date() };

/**
 * The local date on the clock, asked on every post: the zone's offset is looked up (through Intl,
 * about 1% of a post's time) once a minute instead of on every call. A minute is kept only when its
 * first and last millisecond fall on the same local day, so a midnight inside it is never missed:
 * the answer is always todayIn's.
 */
export function todayOn(clock: Clock, tz: string = DEFAULT_TIME_ZONE): () => LocalDate {
  let minute = Number.NaN;
  let kept = "" as LocalDate;
  return () => {
    const now = clock.now();
    const m = Math.floor(now.getTime() / 60_000);
    if (m === minute) return kept;
    const day = todayIn(now, tz);
    const sameDay =
      todayIn(new Date(m * 60_000), tz) === day && todayIn(new Date(m * 60_000 + 59_999), tz) === day;
    minute = sameDay ? m : Number.NaN;
    kept = day;
    return day;
  };
}
