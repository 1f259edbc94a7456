// A plan for the CURRENT year, for tests that run real service processes on the real clock: Q60
// falls due in 5 days and Q30 tomorrow, so T-7 and T-1 reminders and at-risk warnings are due today.
import { addDays, type LocalDate } from "../../src/domain/local-date.js";

export function currentYearPlan(today: LocalDate, label: string) {
  const year = Number(today.slice(0, 4));
  const basis = { document: `Kế hoạch ${label} (dữ liệu minh họa)`, issuedOn: `${year}-01-05` };
  return {
    year,
    body: {
      title: `Kế hoạch giải ngân năm ${year} (${label})`,
      projectionWindowDays: 30,
      milestones: [
        {
          id: "Q60",
          kind: "rate",
          title: `Giải ngân trên 60% kế hoạch vốn năm ${year}`,
          scope: { kind: "own" },
          thresholdPercent: "60",
          comparison: "gt",
          dueOn: addDays(today, 5),
          legalBasis: basis,
          guidance: "Đề nghị đơn vị đẩy nhanh giải ngân.",
        },
        {
          id: "Q30",
          kind: "rate",
          title: `Giải ngân trên 30% kế hoạch vốn năm ${year}`,
          scope: { kind: "own" },
          thresholdPercent: "30",
          comparison: "gt",
          dueOn: addDays(today, 1),
          legalBasis: basis,
        },
      ],
    },
  };
}
