// Data of the CURRENT year through the API, for the cases that run real service processes on
// the real clock: a plan whose milestones fall due in 5 days (Q60) and tomorrow (Q30), so that
// T-7 and T-1 reminders, at-risk warnings and the admins' weekly digest are due today; and units
// added in deterministic groups (the same codes, heads and figures for the same indexes, so a
// reference database can be seeded identically).
import { addDays, type LocalDate, maxDate } from "../../../src/domain/local-date.js";
import { currentYearPlan } from "../../helpers/current-year-plan.js";
import type { FaultApp } from "./app.js";

export const ADMINS = ["thuongtruc@bcd-mtqg.example.org", "kehoach@bcd-mtqg.example.org"];
const MILLION = 1_000_000;

export async function putCurrentYearPlan(app: FaultApp): Promise<{ today: LocalDate; year: number }> {
  const today = app.container.today();
  const year = Number(today.slice(0, 4));
  const plan = currentYearPlan(today, "kiểm thử lỗi");
  await app.expect(200, "PUT", `/api/v1/plans/${year}`, plan.body);
  return { today, year };
}

// Disbursed share (%) and how many days ago: at risk of both milestones, of Q60 only, met both,
// nothing disbursed, recent pace. The head of the second unit of each eight also heads the first.
const SHARES: [pct: number, daysAgo: number][] = [
  [10, 60],
  [20, 60],
  [25, 60],
  [40, 60],
  [65, 60],
  [0, 0],
  [50, 3],
  [35, 45],
];

export type UnitSpec = { code: string; head: string; pct: number; daysAgo: number };

/** Units `from` .. `from + count - 1` of a series: pure, so two databases get the same ones. */
export function unitSpecs(prefix: string, from: number, count: number): UnitSpec[] {
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    const [pct, daysAgo] = SHARES[i % SHARES.length]!;
    const headOf = i % SHARES.length === 1 ? i - 1 : i;
    return {
      code: `${prefix}${String(i).padStart(4, "0")}`,
      head: `chutich.${prefix.toLowerCase()}${String(headOf).padStart(4, "0")}@thu-nghiem.example.org`,
      pct,
      daysAgo,
    };
  });
}

/** Creates the units with their 1 tỷ allocation and their disbursements, through the API. */
export async function addUnits(app: FaultApp, specs: UnitSpec[]): Promise<void> {
  if (specs.length === 0) return;
  const today = app.container.today();
  const year = Number(today.slice(0, 4));
  for (const u of specs) {
    await app.expect(201, "POST", "/api/v1/units", {
      code: u.code,
      name: `UBND huyện Thử nghiệm ${u.code}`,
      kind: "district",
      headName: `Chủ tịch ${u.head.split("@")[0]}`,
      headEmail: u.head,
      ccEmails: [`tckh.${u.code.toLowerCase()}@thu-nghiem.example.org`],
    });
  }
  const scope = (unitCode: string) => ({
    unitCode,
    program: "NTM",
    planYear: year,
    source: "central",
    capitalType: "investment",
  });
  await app.expect(
    201,
    "POST",
    "/api/v1/allocations",
    specs.map((u) => ({
      ...scope(u.code),
      amount: 1_000 * MILLION,
      decisionRef: "01/QĐ-UBND",
      // Dated within the plan year and never after today, whatever day of the year it is.
      decidedOn: `${year}-01-01`,
    })),
  );
  const paid = specs.filter((u) => u.pct > 0);
  if (paid.length > 0)
    await app.expect(
      201,
      "POST",
      "/api/v1/disbursements",
      paid.map((u) => ({
        ...scope(u.code),
        amount: u.pct * 10 * MILLION,
        disbursedOn: maxDate(addDays(today, -u.daysAgo), `${year}-01-01`),
        reference: `KBNN-${u.code}-1`,
      })),
    );
}

/** Heads that have something due today: every unit but those that met both milestones. */
export function headsWithAlerts(specs: UnitSpec[]): string[] {
  return [...new Set(specs.filter((u) => u.pct < 60).map((u) => u.head))].sort();
}
