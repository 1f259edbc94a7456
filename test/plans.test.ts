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

type PlanAnswer = {
  plan: Record<string, unknown> & { milestones: Record<string, unknown>[] };
  version: number;
};
const act = { document: "Quyết định 100/QĐ-UBND", issuedOn: "2022-12-01" };
const amendment = { act, reason: "điều chỉnh kế hoạch" };

/** The 2022 plan as GET shows it, for editing a copy. */
async function current2022(): Promise<PlanAnswer> {
  const res = await t.request("GET", "/api/v1/plans/2022");
  expect(res.status).toBe(200);
  return res.body as PlanAnswer;
}
const milestone = (p: PlanAnswer["plan"], id: string) => p.milestones.find((m) => m.id === id)!;

describe("a plan round-trips", () => {
  it("GET's plan of every year is a valid PUT body as it is: no change, the same version", async () => {
    const years = ((await t.request("GET", "/api/v1/plans")).body as { years: number[] }).years;
    expect(years).toContain(2022);
    for (const year of years) {
      const got = (await t.request("GET", `/api/v1/plans/${year}`)).body as PlanAnswer;
      const put = await t.request("PUT", `/api/v1/plans/${year}`, { body: got.plan });
      expect(put.status, `${year}: ${JSON.stringify(put.body)}`).toBe(200);
      expect(put.body).toMatchObject({ version: got.version, changes: [] });
      expect((await t.request("GET", `/api/v1/plans/${year}`)).body).toMatchObject({ version: got.version });
    }
    // Every milestone kind went through: rate, request (REQ) and refund (REF).
    const kinds = (await current2022()).plan.milestones.map((m) => m.kind);
    expect(new Set(kinds)).toEqual(new Set(["rate", "request", "refund"]));
  });

  it("stores a wording change without an act, and the new version round-trips too", async () => {
    const { plan, version } = await current2022();
    milestone(plan, "M90").guidance = "Đề nghị các đơn vị đẩy nhanh tiến độ giải ngân.";
    plan.title = `${plan.title} (bản sửa lời)`;
    const put = await t.request("PUT", "/api/v1/plans/2022", { body: plan });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toMatchObject({
      version: version + 1,
      changes: [{ field: "title" }, { milestone: "M90", field: "guidance" }],
    });
    const again = await current2022();
    expect(again.version).toBe(version + 1);
    const back = await t.request("PUT", "/api/v1/plans/2022", { body: again.plan });
    expect(back.body).toMatchObject({ version: version + 1, changes: [] });
  });

  it("refuses a body whose year is not the path's, naming the field", async () => {
    const { plan } = await current2022();
    const res = await t.request("PUT", "/api/v1/plans/2022", { body: { ...plan, year: 2023 } });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ issues: [{ path: "body.year", rule: "year_mismatch" }] });
  });
});

describe("an amendment that changes what the plan judges needs its act", () => {
  const refused = async (edit: (p: PlanAnswer["plan"]) => void, names: string[]) => {
    const { plan, version } = await current2022();
    edit(plan);
    const res = await t.request("PUT", "/api/v1/plans/2022", { body: plan });
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body).toMatchObject({ issues: [{ path: "body.amendment", rule: "act_required" }] });
    for (const n of names) expect((res.body as { message: string }).message).toContain(n);
    expect((await current2022()).version).toBe(version);
  };

  /** Sets one field of one milestone of the plan as GET shows it. */
  const set = (id: string, field: string, value: unknown) => (p: PlanAnswer["plan"]) => {
    milestone(p, id)[field] = value;
  };

  it("refuses 'above 60%' made 'at least 60%' without an act (it rewrites every verdict)", async () => {
    await refused(set("M60", "comparison", "gte"), ["M60 (comparison)"]);
  });

  it("refuses, without an act, a threshold, whom a milestone applies to, a milestone removed or added, the window", async () => {
    await refused(set("M90", "thresholdPercent", "85"), ["M90 (thresholdPercent)"]);
    await refused(set("REF", "appliesTo", { unitKinds: ["district", "department"] }), ["REF (appliesTo)"]);
    await refused(set("M60", "autoCloseAfterDays", 30), ["M60 (autoCloseAfterDays)"]);
    await refused((p) => p.milestones.splice(2, 1), ["C100 (removed)"]);
    await refused(
      (p) => p.milestones.push({ ...milestone(p, "M60"), id: "M75", dueOn: "2022-11-30" }),
      ["M75 (added)"],
    );
    await refused((p) => Object.assign(p, { projectionWindowDays: 14 }), ["projectionWindowDays"]);
  });

  it("accepts the change with the act, and keeps it in the history", async () => {
    const { plan, version } = await current2022();
    milestone(plan, "M90").thresholdPercent = "85";
    const res = await t.request("PUT", "/api/v1/plans/2022", { body: { ...plan, amendment } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      version: version + 1,
      changes: [{ milestone: "M90", field: "thresholdPercent", from: "90", to: "85" }],
    });
    const history = ((await t.request("GET", "/api/v1/plans/2022")).body as { history: unknown[] }).history;
    expect(history.at(-1)).toMatchObject({ version: version + 1, act, reason: amendment.reason });
  });
});

describe("a closed milestone changes only as a restatement", () => {
  it("refuses to change or remove a closed milestone's rules, even with an act", async () => {
    const closed = await t.request("POST", "/api/v1/plans/2022/milestones/M60/close", {
      body: { document: "Biên bản chốt số liệu 30/9", reason: "chốt mốc 30/9" },
    });
    expect(closed.status, JSON.stringify(closed.body)).toBe(201);

    const { plan, version } = await current2022();
    milestone(plan, "M60").comparison = "gte";
    const res = await t.request("PUT", "/api/v1/plans/2022", { body: { ...plan, amendment } });
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.body).toMatchObject({ issues: [{ path: "body.restatement", rule: "closed_milestone" }] });
    expect(JSON.stringify(res.body)).toContain("M60");

    const removed = structuredClone((await current2022()).plan);
    removed.milestones = removed.milestones.filter((m) => m.id !== "M60" && m.id !== "REQ");
    const res2 = await t.request("PUT", "/api/v1/plans/2022", { body: { ...removed, amendment } });
    expect(res2.status).toBe(422);
    expect(res2.body).toMatchObject({ issues: [{ path: "body.restatement", rule: "closed_milestone" }] });

    // Wording of a closed milestone is still free.
    const worded = structuredClone((await current2022()).plan);
    milestone(worded, "M60").guidance = "Lời hướng dẫn mới.";
    const res3 = await t.request("PUT", "/api/v1/plans/2022", { body: worded });
    expect(res3.status, JSON.stringify(res3.body)).toBe(200);
    expect(res3.body).toMatchObject({ version: version + 1 });
  });

  it("accepts a restatement and records it in the audit trail", async () => {
    const { plan, version } = await current2022();
    milestone(plan, "M60").comparison = "gte";
    const restatement = {
      reason: "Sửa cách hiểu ngưỡng theo văn bản mới",
      document: "Tờ trình 12/TTr-SKHĐT",
    };
    const res = await t.request("PUT", "/api/v1/plans/2022", { body: { ...plan, amendment, restatement } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ version: version + 1 });
    const audit = await t.request("GET", "/api/v1/audit?entity=plan&id=2022");
    expect(audit.status).toBe(200);
    expect((audit.body as { items: unknown[] }).items).toMatchObject([
      {
        entity: "plan",
        entityId: "2022",
        action: "restated",
        document: restatement.document,
        details: {
          version: version + 1,
          reason: restatement.reason,
          milestones: [
            { milestone: "M60", changes: [{ milestone: "M60", field: "comparison", from: "gt", to: "gte" }] },
          ],
        },
      },
    ]);
  });
});
