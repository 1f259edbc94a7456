import { describe, expect, it, vi } from "vitest";
import type { UnitView } from "./types";

// uPlot draws on a canvas; the model under test is plain data.
vi.mock("uplot", () => ({ default: {} }));
const { chartModel } = await import("./chart");

describe("chartModel", () => {
  it("keeps every column exact in đồng, beyond 2^53, for the legend and the summary", () => {
    const A = 12_000_000_000_000_000n;
    const D = 10_808_639_105_689_189n;
    const view = {
      asOf: "2022-01-03",
      planYear: 2022,
      plan: {
        milestones: [
          {
            id: "M60",
            charted: true,
            threshold: 60,
            program: null,
            dueOn: "2022-01-05",
            deadline: "trước 05/01/2022",
          },
        ],
      },
      series: {
        dates: ["2022-01-01", "2022-01-02", "2022-01-03"],
        total: { allocated: [0n, A, A], disbursed: [0n, 0n, D] },
        byProgram: [],
      },
      milestones: [
        { id: "M60", program: "NTM", disbursed: D - 1n, projectedDisbursed: D },
        { id: "M60", program: "GNBV", disbursed: 1n, projectedDisbursed: null },
      ],
    } as unknown as UnitView;
    const m = chartModel(view, null);
    expect(m.disbursed.slice(0, 3)).toEqual([0n, 0n, D]);
    expect(m.lines[0]!.values.slice(0, 3)).toEqual([0n, 7_200_000_000_000_000n, 7_200_000_000_000_000n]);
    // At the due date: the projections added up, a pair without one counted at its disbursed.
    expect(m.projection.filter((v) => v !== null)).toEqual([D, D + 1n]);
    expect(m.summary).toBe(
      "Đến ngày 03/01/2022: đã giải ngân 10.808.639.105.689.189 đ trên kế hoạch vốn 12.000.000.000.000.000 đ (90,07%). Mốc M60 cần trên 60% (7.200.000.000.000.000 đ) trước 05/01/2022.",
    );
  });
});
