import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_PLAN_2022, type RateMilestone } from "../src/domain/plan.js";
import { createTestApp, type TestApp } from "./helpers/test-app.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const { year: _y, ...plan2022 } = DEFAULT_PLAN_2022;
const plan2023 = {
  ...plan2022,
  title: "Kế hoạch giải ngân năm 2023",
  // The rate milestones only, moved a year on.
  milestones: plan2022.milestones
    .filter((m): m is RateMilestone => m.kind === "rate")
    .map((m) => ({
      ...m,
      dueOn: m.dueOn.replace("2022", "2023"),
      scope: m.scope.kind === "carriedOver" ? { kind: "carriedOver" as const, fromYear: 2022 } : m.scope,
    })),
};

describe("plans as data", () => {
  it("serves the 2022 plan by default as version 0", async () => {
    const res = await t.request("GET", "/api/v1/plans/2022");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ version: 0, plan: { year: 2022 } });
    expect((res.body as { plan: { milestones: { id: string }[] } }).plan.milestones.map((m) => m.id)).toEqual(
      ["M60", "M90", "C100", "REQ", "REF"],
    );
    expect((await t.request("GET", "/api/v1/plans")).body).toEqual({ years: [2022] });
    expect((await t.request("GET", "/api/v1/plans/2031")).status).toBe(404);
  });

  it("creates another year, and moving a due date needs the act that moved it", async () => {
    const created = await t.request("PUT", "/api/v1/plans/2023", { body: plan2023 });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(created.body).toMatchObject({ version: 1 });

    const moved = structuredClone(plan2023);
    moved.milestones[0]!.dueOn = "2023-10-15";
    const refused = await t.request("PUT", "/api/v1/plans/2023", { body: moved });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ issues: [{ path: "body.amendment", rule: "act_required" }] });

    const act = { document: "Nghị quyết 01/NQ-HĐND", issuedOn: "2023-09-20" };
    const amended = await t.request("PUT", "/api/v1/plans/2023", {
      body: { ...moved, amendment: { act, reason: "gia hạn" } },
    });
    expect(amended.status, JSON.stringify(amended.body)).toBe(200);
    expect(amended.body).toMatchObject({
      version: 2,
      changes: [{ milestone: "M60", field: "dueOn", from: "2023-09-30", to: "2023-10-15" }],
    });

    const read = await t.request("GET", "/api/v1/plans/2023");
    const body = read.body as {
      version: number;
      plan: { milestones: { id: string; dueOn: string }[] };
      history: unknown[];
    };
    expect(body.version).toBe(2);
    expect(body.plan.milestones[0]).toMatchObject({ id: "M60", dueOn: "2023-10-15" });
    expect(body.history).toMatchObject([
      { version: 1, changes: [] },
      { version: 2, act, reason: "gia hạn" },
    ]);
    expect((await t.request("GET", "/api/v1/plans")).body).toEqual({ years: [2022, 2023] });
  });

  it("rejects an invalid plan naming the field, and writes nothing", async () => {
    const bad = structuredClone(plan2023);
    bad.milestones[0]!.thresholdPercent = "60.123";
    const res = await t.request("PUT", "/api/v1/plans/2024", { body: bad });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain("body.milestones.0.thresholdPercent");
    const dup = structuredClone(plan2023);
    dup.milestones[1]!.id = "M60";
    const res2 = await t.request("PUT", "/api/v1/plans/2024", { body: dup });
    expect(res2.status).toBe(422);
    expect(JSON.stringify(res2.body)).toContain("body.milestones.1.id");
    expect((await t.request("GET", "/api/v1/plans/2024")).status).toBe(404);
  });

  it("only admins amend plans", async () => {
    const viewer = await t.keyFor("viewer");
    expect((await t.request("PUT", "/api/v1/plans/2025", { key: viewer, body: plan2023 })).status).toBe(403);
    expect((await t.request("GET", "/api/v1/plans/2022", { key: viewer })).status).toBe(200);
  });
});
