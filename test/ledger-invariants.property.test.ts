// The ledger's rules live in one pure module (src/domain/ledger-rules.ts) and the database
// enforces the same invariants as a guard of its own (migration ..._ledger_guard). Random sequences
// of all five movements (allocations and cuts, disbursements and corrections, reallocations,
// carry-forwards, refunds) with random dates, written straight into the database: the guard and
// the pure rules must agree on every accept and every refuse, here on PGlite and on PostgreSQL,
// and the figures the ledger keeps as it moves must stay the figures its entries make.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../src/db/database.js";
import {
  admissionIssues,
  type CorrectedEntry,
  correctionIssues,
  type IncomingMovement,
  type LedgerScope,
  type Movement,
  SCOPE_LIMIT,
  scopeKey,
} from "../src/domain/ledger-rules.js";
import type { Prisma } from "../src/generated/prisma/client.js";
import { createLedgerFiguresRepository } from "../src/ledger/ledger-figures.repository.js";
import { createTestDatabase } from "./helpers/test-database.js";

let db: Database;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

const day = fc
  .integer({ min: 0, max: 45 })
  .map((n) => new Date(Date.UTC(2022, 0, 1 + n)).toISOString().slice(0, 10));
const amount = fc.oneof(
  { weight: 8, arbitrary: fc.bigInt(-400n, 1_000n).filter((a) => a !== 0n) },
  { weight: 1, arbitrary: fc.constantFrom(SCOPE_LIMIT, SCOPE_LIMIT - 1n, -SCOPE_LIMIT) },
);
const positive = fc.oneof(
  { weight: 8, arbitrary: fc.bigInt(1n, 600n) },
  { weight: 1, arbitrary: fc.constant(SCOPE_LIMIT) },
);
const which = fc.integer({ min: 0, max: 1 });

type Op =
  | { op: "allocation" | "disbursement"; s: number; date: string; amount: bigint; correct: boolean }
  | { op: "refund" | "carryForward"; s: number; date: string; amount: bigint }
  | { op: "reallocation"; s: number; date: string; amount: bigint };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant("allocation" as const), s: which, date: day, amount, correct: fc.boolean() }),
  fc.record({ op: fc.constant("disbursement" as const), s: which, date: day, amount, correct: fc.boolean() }),
  fc.record({ op: fc.constant("refund" as const), s: which, date: day, amount: positive }),
  fc.record({ op: fc.constant("carryForward" as const), s: which, date: day, amount: positive }),
  fc.record({ op: fc.constant("reallocation" as const), s: which, date: day, amount: positive }),
);

let run = 0;

type Tx = Prisma.TransactionClient;
type Row = {
  kind: Movement["kind"];
  scope: LedgerScope;
  date: string;
  amount: bigint;
  corrects: bigint | null;
};

async function insert(tx: Tx, r: Row): Promise<bigint> {
  const s = r.scope;
  const [row] =
    r.kind === "allocation"
      ? await tx.$queryRaw<{ id: bigint }[]>`
          INSERT INTO allocation (unit_code, program_code, plan_year, carried_over_from, source, capital_type, amount, decision_ref, decided_on, corrects_id, posted_by)
          VALUES (${s.unitCode}, ${s.program}, ${s.planYear}, NULL, ${s.source}::"CapitalSource", ${s.capitalType}::"CapitalType",
                  ${r.amount}, 'QĐ', ${r.date}::date, ${r.corrects}, 'property') RETURNING id`
      : r.kind === "disbursement"
        ? await tx.$queryRaw<{ id: bigint }[]>`
          INSERT INTO disbursement (unit_code, program_code, plan_year, carried_over_from, source, capital_type, amount, disbursed_on, reference, corrects_id, posted_by)
          VALUES (${s.unitCode}, ${s.program}, ${s.planYear}, NULL, ${s.source}::"CapitalSource", ${s.capitalType}::"CapitalType",
                  ${r.amount}, ${r.date}::date, 'KB', ${r.corrects}, 'property') RETURNING id`
        : r.kind === "refund"
          ? await tx.$queryRaw<{ id: bigint }[]>`
          INSERT INTO refund (unit_code, program_code, plan_year, carried_over_from, source, capital_type, amount, refunded_on, reference, created_by)
          VALUES (${s.unitCode}, ${s.program}, ${s.planYear}, NULL, ${s.source}::"CapitalSource", ${s.capitalType}::"CapitalType",
                  ${r.amount}, ${r.date}::date, 'HT', 'property') RETURNING id`
          : await tx.$queryRaw<{ id: bigint }[]>`
          INSERT INTO carry_forward (unit_code, program_code, plan_year, carried_over_from, source, capital_type, amount, legal_basis, approved_on, created_by)
          VALUES (${s.unitCode}, ${s.program}, ${s.planYear}, NULL, ${s.source}::"CapitalSource", ${s.capitalType}::"CapitalType",
                  ${r.amount}, 'CN', ${r.date}::date, 'property') RETURNING id`;
  return row!.id;
}

/** Writes the rows in one transaction; false when the database's guard refuses them. */
async function guardAccepts(rows: Row[]): Promise<bigint[] | null> {
  try {
    return await db.prisma.$transaction(async (tx) => {
      const ids: bigint[] = [];
      for (const r of rows) ids.push(await insert(tx, r));
      // The guard runs at commit; the PGlite adapter does not report a COMMIT's error, so ask now.
      await tx.$executeRaw`SET CONSTRAINTS ALL IMMEDIATE`;
      return ids;
    });
  } catch (e) {
    if (/ledger guard/.test(String((e as Error).message) + String((e as { cause?: unknown }).cause ?? "")))
      return null;
    throw e;
  }
}

describe("the database guard and the pure rules", () => {
  it("agree on every accept and refuse of random movements with random dates", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 14 }), async (ops) => {
        run += 1;
        const units = [`PA${run}`, `PB${run}`];
        for (const code of units)
          await db.prisma.unit.create({
            data: {
              code,
              name: code,
              kind: "district",
              headName: "x",
              headEmail: "x@example.org",
              createdBy: "t",
            },
          });
        const scopes: LedgerScope[] = units.map((unitCode) => ({
          unitCode,
          program: "NTM",
          planYear: 2022,
          carriedOverFrom: null,
          source: "central",
          capitalType: "investment",
        }));
        const history = new Map<string, Movement[]>(scopes.map((s) => [scopeKey(s), []]));
        const lastOf = new Map<string, { id: bigint } & CorrectedEntry>();
        for (const o of ops) {
          const scope = scopes[o.s]!;
          let rows: Row[];
          if (o.op === "reallocation") {
            const other = scopes[1 - o.s]!;
            rows = [
              { kind: "allocation", scope, date: o.date, amount: -o.amount, corrects: null },
              { kind: "allocation", scope: other, date: o.date, amount: o.amount, corrects: null },
            ];
          } else {
            const target = "correct" in o && o.correct ? lastOf.get(`${o.op}|${scopeKey(scope)}`) : undefined;
            rows = [{ kind: o.op, scope, date: o.date, amount: o.amount, corrects: target?.id ?? null }];
          }
          const incoming: IncomingMovement[] = rows.map((r, entry) => ({
            ...r.scope,
            kind: r.kind,
            date: r.date,
            amount: r.amount,
            entry,
          }));
          // Ids are per table: a correction names an entry of its own kind.
          const correctedOf = (kind: string) =>
            new Map([...lastOf].filter(([k]) => k.startsWith(`${kind}|`)).map(([, t]) => [t.id, t] as const));
          const pure =
            admissionIssues(history, incoming).length === 0 &&
            rows.every(
              (r) =>
                (r.kind !== "allocation" && r.kind !== "disbursement") ||
                correctionIssues(
                  [{ ...r.scope, corrects: r.corrects ?? undefined, date: r.date, entry: 0 }],
                  correctedOf(r.kind),
                  r.kind,
                  "date",
                ).length === 0,
            );
          const ids = await guardAccepts(rows);
          expect({ ops: o, accepted: ids !== null }).toEqual({ ops: o, accepted: pure });
          if (!ids) continue;
          rows.forEach((r, i) => {
            history.get(scopeKey(r.scope))!.push({ kind: r.kind, date: r.date, amount: r.amount });
            lastOf.set(`${r.kind}|${scopeKey(r.scope)}`, { id: ids[i]!, ...r.scope, date: r.date });
          });
        }
        // The figures kept as the ledger moved (refused writes rolled back with them) are the
        // figures the entries make.
        expect(await createLedgerFiguresRepository(db.prisma).differences()).toEqual({ count: 0, first: [] });
      }),
      { numRuns: 150 },
    );
  });
});
