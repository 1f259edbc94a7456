// How a milestone's deadline is worded, in every e-mail, view and guidance text: one helper, so a
// unit never reads two deadlines for one duty. The plan's own words when it has them (the seed
// says "gửi trước 10/11/2022" for the reallocation request), else the plan's general reading of
// a date ("đến hết 30/9/2022": by the end of that day).
import { assertLocalDate, type LocalDate } from "./local-date.js";

export type DeadlineWording = { dueOn: LocalDate; deadlineText?: string | null | undefined };

/** "gửi trước ngày 10/11/2022" (the plan's words) or "đến hết ngày 30/09/2022". */
export function formatDeadline(m: DeadlineWording): string {
  const own = m.deadlineText?.trim();
  if (own) return own;
  const [y, mo, d] = assertLocalDate(m.dueOn).split("-");
  return `đến hết ngày ${d}/${mo}/${y}`;
}
