// The copy of the kept figures that national reads answer from (src/rules/figures-replica.ts):
// after any post, from this instance or another, from many at once, or a rebuild, the next read
// answers what the ledger holds, exactly as the SQL read of the same figures and the entries do.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_PLAN_2022 } from "../src/domain/plan.js";
import { createLedgerFiguresRepository } from "../src/ledger/ledger-figures.repository.js";
import { createFiguresReplica } from "../src/rules/figures-replica.js";
import { createRulesRepository, type PlanFigures } from "../src/rules/rules.repository.js";
import { createUnit, postAllocation, postDisbursement } from "./factories.js";
import { createTestApp, fixedClock, type TestApp } from "./helpers/test-app.js";

let t: TestApp;
const UNITS = ["RA", "RB", "RC", "RD"];
beforeAll(async () => {
  t = await createTestApp({ clock: fixedClock("2022-12-20T05:00:00Z") });
  for (const code of UNITS) {
    await createUnit(t, { code });
    await postAllocation(t, { unitCode: code, amount: 1_000_000_000 });
  }
}, 120_000);
afterAll(() => t?.close());

const sorted = <T extends { unitCode: string; program: string }>(rows: T[]) =>
  [...rows].sort((a, b) => `${a.unitCode}|${a.program}`.localeCompare(`${b.unitCode}|${b.program}`));

/** Plan figures as plain values (a Map or a view of kept sums alike), for comparing. */
const IDS = [...DEFAULT_PLAN_2022.milestones.map((m) => m.id), "M-unknown"];
const figuresOf = (figures: PlanFigures) =>
  sorted([...figures.pairs]).map((p) => ({
    unitCode: p.unitCode,
    program: p.program,
    byMilestone: IDS.map((id) => [id, figures.figuresOf(id, p)]),
  }));

const DATES = ["2022-03-01", "2022-09-30", "2022-10-15", "2022-12-20", "2023-01-31"];

/** The copy's answers against the SQL read of the kept figures and against the entries, at every date. */
async function expectSameAsLedger(repo: ReturnType<typeof createRulesRepository>) {
  const sql = createRulesRepository(t.db.prisma);
  const entries = createRulesRepository(t.db.prisma, { source: "entries" });
  const refund = DEFAULT_PLAN_2022.milestones.find((m) => m.kind === "refund")!;
  for (const asOf of DATES) {
    const fromCopy = figuresOf(await repo.planFigures(DEFAULT_PLAN_2022, asOf));
    expect(fromCopy, asOf).toEqual(figuresOf(await sql.planFigures(DEFAULT_PLAN_2022, asOf)));
    expect(fromCopy, asOf).toEqual(figuresOf(await entries.planFigures(DEFAULT_PLAN_2022, asOf)));
    expect(sorted(await repo.ownCapitalTotals(2022, asOf)), asOf).toEqual(
      sorted(await entries.ownCapitalTotals(2022, asOf)),
    );
    if (refund.kind !== "request")
      expect(await repo.refundFigures(DEFAULT_PLAN_2022, refund, asOf), asOf).toEqual(
        await entries.refundFigures(DEFAULT_PLAN_2022, refund, asOf),
      );
  }
}

describe("the kept figures' copy in memory", () => {
  it("follows every post, re-reading only the scopes written since its last read", async () => {
    const replica = createFiguresReplica(t.db.direct);
    const repo = createRulesRepository(t.db.prisma, { replica });
    await expectSameAsLedger(repo);
    expect(replica.stats()).toMatchObject({ reloads: 1, refreshes: 0 });

    const paid = await postDisbursement(t, {
      unitCode: "RA",
      amount: 600_000_001,
      disbursedOn: "2022-09-20",
    });
    await expectSameAsLedger(repo);
    await postDisbursement(t, {
      unitCode: "RA",
      amount: -1,
      disbursedOn: "2022-09-21",
      corrects: Number(paid.id),
    });
    await postDisbursement(t, { unitCode: "RB", amount: 5, disbursedOn: "2022-02-02" });
    await expectSameAsLedger(repo);
    const { reloads, refreshes } = replica.stats();
    expect(reloads).toBe(1);
    expect(refreshes).toBeGreaterThanOrEqual(2);
  });

  it("loads a year a few rows per statement, each statement's rows after the last one's", async () => {
    const replica = createFiguresReplica(t.db.direct, { chunk: 2 });
    await expectSameAsLedger(createRulesRepository(t.db.prisma, { replica }));
    expect(replica.stats()).toMatchObject({ reloads: 1 });
  });

  it("sees a post made through another instance (another copy over the same database)", async () => {
    const here = createFiguresReplica(t.db.direct);
    const repo = createRulesRepository(t.db.prisma, { replica: here });
    await expectSameAsLedger(repo);
    // The service's own container keeps its own copy: a post through it is another writer here.
    await postDisbursement(t, { unitCode: "RC", amount: 123_456_789, disbursedOn: "2022-10-01" });
    const figures = await repo.planFigures(DEFAULT_PLAN_2022, "2022-10-15");
    const rc = figures.pairs.find((p) => p.unitCode === "RC");
    expect(rc && figures.figuresOf("M90", rc)?.disbursed).toBe(123_456_789n);
    await expectSameAsLedger(repo);
  });

  it("answers reads made while posts commit as the ledger stood at some moment no older than the read", async () => {
    const replica = createFiguresReplica(t.db.direct);
    const repo = createRulesRepository(t.db.prisma, { replica });
    // What M90 counts as disbursed, all pairs together, in a read started now.
    const disbursedNow = async () => {
      const figures = await repo.planFigures(DEFAULT_PLAN_2022, "2022-12-20");
      return figures.pairs.reduce((sum, p) => sum + (figures.figuresOf("M90", p)?.disbursed ?? 0n), 0n);
    };
    const before = await disbursedNow();
    let committed = 0n;
    const posting = (async () => {
      for (let i = 0; i < 12; i++) {
        const amount = 1000 + i;
        await postDisbursement(t, { unitCode: UNITS[i % UNITS.length], amount, disbursedOn: "2022-11-01" });
        committed += BigInt(amount);
      }
    })();
    const reads: { floor: bigint; got: bigint }[] = [];
    let done = false;
    void posting.finally(() => {
      done = true;
    });
    while (!done) {
      // Every post answered before the read began is in it: read-your-writes, across the copy's refreshes.
      const floor = before + committed;
      reads.push({ floor, got: await disbursedNow() });
    }
    await posting;
    const all = before + committed;
    expect(reads.length).toBeGreaterThan(1);
    for (const r of reads) {
      expect(r.got).toBeGreaterThanOrEqual(r.floor);
      expect(r.got).toBeLessThanOrEqual(all);
    }
    expect(await disbursedNow()).toBe(all);
    await expectSameAsLedger(repo);
  });

  it("reloads whole after the figures are rebuilt, dropping a scope the rebuild dropped", async () => {
    const replica = createFiguresReplica(t.db.direct);
    const repo = createRulesRepository(t.db.prisma, { replica });
    await expectSameAsLedger(repo);
    // A scope kept by mistake (no entry makes it), then a rebuild that removes it.
    await t.db.raw.query(
      `INSERT INTO ledger_figures (scope_key, unit_code, program_code, plan_year, carried_over_from, source, capital_type,
                                   allocation_days, allocation_totals, changed_tx)
       VALUES ('RD|GNBV|2022||central|investment', 'RD', 'GNBV', 2022, NULL, 'central', 'investment',
               ARRAY[DATE '2022-01-05'], ARRAY[7::bigint], txid_current())`,
    );
    await t.db.raw.query("UPDATE ledger_version SET version = version + 1");
    expect(
      (await repo.planFigures(DEFAULT_PLAN_2022, "2022-12-20")).pairs.some((p) => p.program === "GNBV"),
    ).toBe(true);
    await createLedgerFiguresRepository(t.db.prisma).rebuild();
    expect(
      (await repo.planFigures(DEFAULT_PLAN_2022, "2022-12-20")).pairs.some((p) => p.program === "GNBV"),
    ).toBe(false);
    expect(replica.stats().reloads).toBe(2);
    await expectSameAsLedger(repo);
  });
});
