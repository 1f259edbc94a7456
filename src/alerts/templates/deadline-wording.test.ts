// The REQ deadline reads the same in every message, in the plan's words ("gửi trước ngày
// 10/11/2022"), and a department's undisbursed capital is told as lapsed, never as a refund owed.
import { describe, expect, it } from "vitest";
import { DEFAULT_PLAN_2022 } from "../../domain/plan.js";
import type { AlertItem, AlertSnapshot } from "../alert.types.js";
import { unitAlertFixture } from "./fixtures.js";
import { renderDigest, renderEscalation, renderUnitAlert } from "./render.js";

const plan = (id: string) => DEFAULT_PLAN_2022.milestones.find((m) => m.id === id)!;
const base = unitAlertFixture.items[0]!.snapshot;

function snapshotOf(id: string, over: Partial<AlertSnapshot>): AlertSnapshot {
  const m = plan(id);
  return {
    ...base,
    milestoneId: m.id,
    milestoneTitle: m.title,
    milestoneKind: m.kind,
    guidance: m.guidance ?? null,
    dueOn: m.dueOn,
    deadlineText: m.deadlineText ?? null,
    ...over,
  };
}

const reqItem = (stage: AlertItem["stage"], asOf: string, daysLeft: number): AlertItem => ({
  stage,
  snapshot: snapshotOf("REQ", {
    asOf,
    daysLeft,
    status: stage === "missed" ? "missed" : "at_risk",
    requestSentOn: null,
    advisory: false,
  }),
});

/** Every way a text could name REQ's deadline by a date: only the plan's words may appear. */
function expectOnlyThePlansWords(text: string) {
  expect(text).toContain("gửi trước ngày 10/11/2022");
  expect(text).not.toMatch(/09\/11\/2022|chậm nhất/);
  for (const m of text.matchAll(/10\/11\/2022/g))
    expect(text.slice(Math.max(0, m.index - 15), m.index)).toBe("gửi trước ngày ");
}

describe("the REQ deadline in every message", () => {
  it("is the plan's words in a unit alert: subject, reason, facts and guidance", () => {
    for (const [stage, asOf, daysLeft] of [
      ["reminder_7", "2022-11-02", 7],
      ["at_risk", "2022-10-01", 39],
      // The day after: the figures' own date ("số liệu đến hết ngày ...") must not look like a deadline.
      ["missed", "2022-11-11", 0],
    ] as const) {
      const r = renderUnitAlert({ ...unitAlertFixture, asOf, items: [reqItem(stage, asOf, daysLeft)] });
      expectOnlyThePlansWords(r.subject);
      expectOnlyThePlansWords(r.text);
      expectOnlyThePlansWords(r.html);
    }
  });

  it("tells a request not sent by 09/11 as late on 10/11", () => {
    const r = renderUnitAlert({
      ...unitAlertFixture,
      asOf: "2022-11-10",
      items: [reqItem("missed", "2022-11-10", 0)],
    });
    expect(r.subject).toBe("[Giải ngân MTQG] Không đạt mốc (hạn gửi trước ngày 10/11/2022): 1 chương trình");
    expect(r.text).toContain("Hạn: gửi trước ngày 10/11/2022, đã quá hạn 1 ngày");
  });

  it("is the plan's words in the escalation and the digest", () => {
    const item = reqItem("missed", "2022-11-11", 0);
    const escalation = renderEscalation({
      kind: "escalation",
      asOf: "2022-11-11",
      recipient: { email: "a@example.vn" },
      items: [{ ...item, stage: "escalation" }],
    });
    expectOnlyThePlansWords(escalation.subject);
    expectOnlyThePlansWords(escalation.text);
    const digest = renderDigest({
      kind: "digest",
      asOf: "2022-11-07",
      weekOf: "2022-11-07",
      recipient: { email: "a@example.vn" },
      items: [{ ...reqItem("at_risk", "2022-11-07", 2), stage: "digest" }],
    });
    expectOnlyThePlansWords(digest.text);
  });

  it("words a milestone without its own words as the end of its due day", () => {
    const r = renderUnitAlert({
      ...unitAlertFixture,
      items: [{ stage: "at_risk", snapshot: snapshotOf("M60", { deadlineText: null }) }],
    });
    expect(r.subject).toContain("(hạn đến hết ngày 30/09/2022)");
    expect(r.text).toContain("Hạn: đến hết ngày 30/09/2022");
  });
});

describe("a refund milestone for a unit it does not concern", () => {
  it("shows the undisbursed capital as lapsed, never as a refund owed", () => {
    const snapshot = snapshotOf("REF", {
      asOf: "2023-02-01",
      status: "not_applicable",
      allocated: 0n,
      disbursed: 0n,
      shortfall: 0n,
      lapsed: 300_000_000n,
    });
    const r = renderUnitAlert({
      ...unitAlertFixture,
      asOf: "2023-02-01",
      items: [{ stage: "missed", snapshot }],
    });
    expect(r.text).toContain(
      "Vốn không giải ngân hết (không thuộc diện hoàn trả ngân sách cấp trên): 300.000.000 đ",
    );
    expect(r.text).not.toMatch(/phải hoàn trả|Đã hoàn trả/);
  });

  it("shows a district's refund as owed", () => {
    const snapshot = snapshotOf("REF", {
      asOf: "2023-02-01",
      status: "missed",
      allocated: 300_000_000n,
      disbursed: 0n,
      shortfall: 300_000_000n,
    });
    const r = renderUnitAlert({
      ...unitAlertFixture,
      asOf: "2023-02-01",
      items: [{ stage: "missed", snapshot }],
    });
    expect(r.text).toContain("Số vốn phải hoàn trả: 300.000.000 đ");
    expect(r.text).not.toContain("Vốn không giải ngân hết (không thuộc diện");
  });
});
