// The public holidays of the law, from the date-holidays library (VN: Tết by the lunar calendar).
// The one module that knows the library. Only "public" entries are days off: "observance" ones
// (Ngày Nhà giáo, Trung thu, …) are working days.
import Holidays from "date-holidays";
import type { NamedDay } from "../domain/working-days.js";

let library: Holidays | undefined;
const byYear = new Map<number, readonly NamedDay[]>();

/** The year's public holidays as 'YYYY-MM-DD', date order; computed once per year and kept. */
export function publicHolidays(year: number): readonly NamedDay[] {
  let days = byYear.get(year);
  if (!days) {
    library ??= new Holidays("VN");
    const prefix = `${String(year).padStart(4, "0")}-`;
    days = library
      .getHolidays(year)
      .filter((h) => h.type === "public")
      // `date` is local 'YYYY-MM-DD 00:00:00'; a lunar holiday never leaks into another year here.
      .map((h) => ({ date: h.date.slice(0, 10), name: h.name }))
      .filter((h) => h.date.startsWith(prefix))
      .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    byYear.set(year, Object.freeze(days));
  }
  return days;
}
