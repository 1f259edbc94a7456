import { describe, expect, it } from "vitest";
import { formatDeadline } from "./deadline.js";
import { DEFAULT_PLAN_2022 } from "./plan.js";

describe("formatDeadline", () => {
  it("words a due date as the end of that day", () => {
    expect(formatDeadline({ dueOn: "2022-09-30" })).toBe("đến hết ngày 30/09/2022");
    expect(formatDeadline({ dueOn: "2023-01-31", deadlineText: "  " })).toBe("đến hết ngày 31/01/2023");
  });

  it("uses the plan's own words when it has them", () => {
    expect(formatDeadline({ dueOn: "2022-11-09", deadlineText: "gửi trước ngày 10/11/2022" })).toBe(
      "gửi trước ngày 10/11/2022",
    );
  });

  it("refuses a date that is not one", () => {
    expect(() => formatDeadline({ dueOn: "2022-02-30" })).toThrow(RangeError);
  });

  it("is how the 2022 plan's guidance words every deadline it mentions", () => {
    const byId = new Map(DEFAULT_PLAN_2022.milestones.map((m) => [m.id, m]));
    const req = formatDeadline(byId.get("REQ")!);
    const ref = formatDeadline(byId.get("REF")!);
    expect(req).toBe("gửi trước ngày 10/11/2022");
    expect(byId.get("M60")?.guidance).toContain(req);
    expect(byId.get("REQ")?.guidance).toContain(req);
    expect(byId.get("M90")?.guidance).toContain(ref);
    expect(byId.get("REF")?.guidance).toContain(ref);
    // No second wording of a deadline ("chậm nhất", a bare 10/11 or 9/11) anywhere in the guidance.
    for (const m of DEFAULT_PLAN_2022.milestones) {
      expect(m.guidance ?? "", m.id).not.toMatch(/chậm nhất|09\/11|(?<!trước ngày )10\/11/);
    }
  });
});
