// The figures the ledger keeps as it moves (migration ..._ledger_figures) against its entries: the
// rules read the kept figures, and must answer exactly as they did when they summed the entries;
// `npm run db:verify` finds any scope where the two differ, and a rebuild repairs it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_NOW, generateDemoProvince, loadDemoProvince } from "../scripts/demo-data.js";
import { createClosingsRepository } from "../src/closings/closings.repository.js";
import { createLedgerFiguresRepository } from "../src/ledger/ledger-figures.repository.js";
import { createEvaluationGate, DEFAULT_GATE } from "../src/rules/evaluation-gate.js";
import { createFiguresReplica } from "../src/rules/figures-replica.js";
import { createRulesRepository } from "../src/rules/rules.repository.js";
import { createRulesService } from "../src/rules/rules.service.js";
import { createTestApp, fixedClock, type TestApp } from "./helpers/test-app.js";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ clock: fixedClock(DEMO_NOW) });
  expect((await loadDemoProvince(t.container, generateDemoProvince(), { maxBatchSize: 1000 })).status).toBe(
    "loaded",
  );
  // Year-end movements too (the refund milestone reads them): a carry-forward and two refunds of
  // one district's central capital, one inside REF's projection window.
  await t.db.raw.query(`
    INSERT INTO carry_forward (unit_code, program_code, plan_year, carried_over_from, source, capital_type, amount, legal_basis, approved_on, created_by)
    VALUES ('TAY_GIANG', 'NTM', 2022, NULL, 'central', 'investment', 1000000, 'CN', DATE '2022-12-20', 'test')`);
  await t.db.raw.query(`
    INSERT INTO refund (unit_code, program_code, plan_year, carried_over_from, source, capital_type, amount, refunded_on, reference, created_by)
    VALUES ('TAY_GIANG', 'NTM', 2022, NULL, 'central', 'investment', 2000000, DATE '2022-12-28', 'HT1', 'test'),
           ('TAY_GIANG', 'NTM', 2022, NULL, 'central', 'investment', 3000000, DATE '2023-01-20', 'HT2', 'test')`);
}, 180_000);
afterAll(() => t?.close());

/** figures: the kept figures read in SQL; copy: the same figures copied into memory (national reads). */
const rulesOver = (source: "figures" | "copy" | "entries") =>
  createRulesService({
    repo:
      source === "copy"
        ? createRulesRepository(t.db.prisma, { replica: createFiguresReplica(t.db.direct) })
        : createRulesRepository(t.db.prisma, { source }),
    plans: t.container.plans,
    units: t.container.catalog,
    closings: createClosingsRepository(t.db.prisma),
  });

describe("the rules over the kept figures", () => {
  const dates = [
    "2021-12-31",
    "2022-03-31",
    "2022-09-15",
    "2022-09-30",
    "2022-10-01",
    "2022-11-09",
    "2022-12-27",
    "2022-12-31",
    "2023-01-20",
    "2023-01-31",
    "2023-02-15",
  ];

  it("answer every evaluation, summary and at-risk list of the demo province as the entries do", async () => {
    const entries = rulesOver("entries");
    let judged = 0;
    for (const figures of [rulesOver("figures"), rulesOver("copy")])
      for (const asOf of dates) {
        const plan = await t.container.plans.planFor(asOf, 2022);
        const fromFigures = (await figures.evaluate(plan, asOf)).rows();
        expect(fromFigures, asOf).toStrictEqual((await entries.evaluate(plan, asOf)).rows());
        expect(await figures.summary(asOf, 2022), asOf).toEqual(await entries.summary(asOf, 2022));
        expect(await figures.atRisk(asOf, 2022, {}), asOf).toEqual(await entries.atRisk(asOf, 2022, {}));
        judged += fromFigures.length;
      }
    // Not a vacuous comparison: the province's pairs were judged at every date after its plans.
    expect(judged).toBeGreaterThan(500);
  });

  it("answer one unit's status as the entries do", async () => {
    const admin = { keyId: "t", name: "t", role: "admin" as const, unitCodes: [] };
    for (const asOf of ["2022-09-30", "2023-01-31"])
      for (const unit of ["TAY_GIANG", "SO_KHDT", "TAM_KY"])
        expect(await rulesOver("figures").unitStatus(unit, asOf, 2022, admin)).toEqual(
          await rulesOver("entries").unitStatus(unit, asOf, 2022, admin),
        );
  });
});

describe("db:verify's check", () => {
  it("finds no difference, names a scope whose kept figures were changed behind the ledger's back, and a rebuild repairs it", async () => {
    const figures = createLedgerFiguresRepository(t.db.prisma);
    expect(await figures.differences()).toEqual({ count: 0, first: [] });

    const key = "TAY_GIANG|NTM|2022||central|investment";
    await t.db.raw.query(
      "UPDATE ledger_figures SET disbursement_totals[1] = disbursement_totals[1] + 1 WHERE scope_key = $1",
      [key],
    );
    await t.db.raw.query(
      "DELETE FROM ledger_figures WHERE scope_key = (SELECT MIN(scope_key) FROM ledger_figures WHERE scope_key <> $1)",
      [key],
    );
    const found = await figures.differences();
    expect(found.count).toBe(2);
    expect(found.first.map((d) => d.problem).sort()).toEqual(["different", "missing"]);
    expect(found.first.find((d) => d.problem === "different")?.scopeKey).toBe(key);

    await figures.rebuild();
    expect(await figures.differences()).toEqual({ count: 0, first: [] });
  });
});

describe("the national views of one evaluation", () => {
  it("judge the pairs once for the overview (the summary and a page), and agree with the whole list", async () => {
    const repo = createRulesRepository(t.db.prisma, { source: "figures" });
    let reads = 0;
    const counted = {
      ...repo,
      // The reads at the question's date; a Treasury statement's reading reads at its own date.
      planFigures: (...args: Parameters<typeof repo.planFigures>) => {
        if (args[1] === "2022-10-01") reads += 1;
        return repo.planFigures(...args);
      },
    };
    const gate = createEvaluationGate(DEFAULT_GATE);
    const rules = createRulesService({
      repo: counted,
      plans: t.container.plans,
      units: t.container.catalog,
      closings: createClosingsRepository(t.db.prisma),
      gate,
    });
    const { summary: overviewSummary, atRisk: page } = await rules.overview("2022-10-01", 2022, { limit: 3 });
    expect(reads).toBe(1);
    // The whole list (exports, feeds) and the summary alone: a walk each, the same figures.
    const [summary, list] = await Promise.all([
      rules.summary("2022-10-01", 2022),
      rules.atRisk("2022-10-01", 2022, {}),
    ]);
    expect(reads).toBe(3);
    expect(overviewSummary).toEqual(summary);
    expect(list.items.length).toBeGreaterThan(3);
    expect(page.items).toEqual(list.items.slice(0, 3));
    expect(page.totals.count).toBe(list.items.length);
    expect(page.totals.shortfall).toBe(list.items.reduce((n, i) => n + i.shortfall, 0n));
    // A filtered list is the whole one narrowed, in the same order.
    const ntm = await rules.atRisk("2022-10-01", 2022, { program: "NTM" });
    expect(ntm.items).toEqual(list.items.filter((i) => i.program === "NTM"));
    const counts = summary.byMilestone.reduce((n, m) => n + m.counts.at_risk + m.counts.missed, 0);
    expect(list.items.filter((i) => i.status === "at_risk" || i.status === "missed")).toHaveLength(counts);
  });
});
