// Case 6: the same Idempotency-Key retried concurrently 100 times, over real sockets (100
// connections at once), on PGlite and on PostgreSQL (truly concurrent: ten pooled connections
// race for the key). Exactly one entry is written; every answer is the first one, byte for byte
// (201 and the same body; the replays say so in a header). A different body under the same key
// is refused (409) and writes nothing.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Database } from "../../src/db/database.js";
import { ADMIN_KEY, createFaultApp, type FaultApp, openPglite } from "./helpers/app.js";
import { recordFigures } from "./helpers/figures.js";
import { type FreshDatabase, freshDatabase, warnSkipped } from "./helpers/postgres.js";
import { verifyFiguresAt, verifyFiguresOf } from "./helpers/verify-figures.js";

const pgUrl = inject("faultsPostgresUrl");
if (!pgUrl)
  warnSkipped("6-idempotency-postgres", "one Idempotency-Key retried 100 times at once", "no-server");
const CONCURRENCY = 100;
const UNIT = "IDEM1";

type Reply = { status: number; body: string; replayed: boolean };

async function post(base: string, path: string, key: string, body: unknown): Promise<Reply> {
  const res = await fetch(`${base}${path}`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${ADMIN_KEY}`,
      "content-type": "application/json",
      "idempotency-key": key,
    },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    body: await res.text(),
    replayed: res.headers.get("idempotent-replayed") === "true",
  };
}

const disbursement = (amount: number, reference: string) => ({
  unitCode: UNIT,
  program: "NTM",
  planYear: 2026,
  source: "central",
  capitalType: "investment",
  amount,
  disbursedOn: "2026-03-02",
  reference,
});

for (const kind of ["pglite", "postgres"] as const) {
  describe.skipIf(kind === "postgres" && !pgUrl)(
    `case 6: one Idempotency-Key, 100 concurrent retries (${kind})`,
    () => {
      let db: Database;
      let fresh: FreshDatabase | undefined;
      let t: FaultApp;
      let base: string;
      const figures = {
        requests: 0,
        status5xx: 0,
        scenarios: 0,
        entriesWritten: 0,
        replays: 0,
        conflicts: 0,
      };
      let started = 0;

      beforeAll(async () => {
        started = Date.now();
        if (kind === "postgres") {
          fresh = await freshDatabase(pgUrl!);
          db = fresh.db;
        } else db = await openPglite();
        t = await createFaultApp(db);
        await t.expect(201, "POST", "/api/v1/units", {
          code: UNIT,
          name: "UBND huyện Thử nghiệm trùng lặp",
          kind: "district",
          headName: "Nguyễn Văn An",
          headEmail: "an@thu-nghiem.example.org",
        });
        await t.expect(201, "POST", "/api/v1/allocations", {
          unitCode: UNIT,
          program: "NTM",
          planYear: 2026,
          source: "central",
          capitalType: "investment",
          amount: 1_000_000_000_000,
          decisionRef: "01/QĐ-UBND",
          decidedOn: "2026-01-10",
        });
        base = await t.app.listen({ port: 0, host: "127.0.0.1" });
      }, 120_000);

      afterAll(async () => {
        if (fresh) await verifyFiguresAt(fresh.url);
        else if (db) await verifyFiguresOf(db);
        await t?.close();
        if (fresh) await fresh.drop();
        else await db?.close();
        recordFigures({
          id: `6-idempotency-${kind}`,
          title: "one Idempotency-Key retried 100 times at once",
          database: kind,
          casesRun: figures.scenarios,
          faultsInjected: figures.requests - figures.scenarios,
          requests: figures.requests,
          status5xx: figures.status5xx,
          durationMs: Date.now() - started,
          details: figures,
        });
      });

      const entriesWith = (reference: string) => t.db.prisma.disbursement.count({ where: { reference } });
      const tally = (replies: Reply[]) => {
        figures.requests += replies.length;
        figures.status5xx += replies.filter((r) => r.status >= 500).length;
        figures.replays += replies.filter((r) => r.replayed).length;
        figures.conflicts += replies.filter((r) => r.status === 409).length;
        figures.scenarios += 1;
      };

      it("writes one entry and answers all 100 with the first answer", async () => {
        const body = disbursement(123_456_789, "KBNN-IDEM-1");
        const replies = await Promise.all(
          Array.from({ length: CONCURRENCY }, () =>
            post(base, "/api/v1/disbursements", "retry-same-1", body),
          ),
        );
        tally(replies);
        expect(await entriesWith("KBNN-IDEM-1")).toBe(1);
        figures.entriesWritten += 1;
        expect(replies.filter((r) => r.status !== 201)).toEqual([]);
        const first = replies.filter((r) => !r.replayed);
        expect(first).toHaveLength(1);
        expect(replies.every((r) => r.body === first[0]!.body)).toBe(true);
        expect(JSON.parse(first[0]!.body)).toMatchObject({ amount: 123_456_789, reference: "KBNN-IDEM-1" });
      });

      it("a batch under one key: its entries once", async () => {
        const body = [1, 2, 3].map((i) => disbursement(1_000 * i, `KBNN-IDEM-BATCH-${i}`));
        const replies = await Promise.all(
          Array.from({ length: CONCURRENCY }, () =>
            post(base, "/api/v1/disbursements", "retry-batch-1", body),
          ),
        );
        tally(replies);
        for (const i of [1, 2, 3]) expect(await entriesWith(`KBNN-IDEM-BATCH-${i}`)).toBe(1);
        figures.entriesWritten += 3;
        expect(replies.filter((r) => r.status !== 201)).toEqual([]);
        expect(replies.filter((r) => !r.replayed)).toHaveLength(1);
        expect(new Set(replies.map((r) => r.body)).size).toBe(1);
      });

      it("the same key with two different bodies at once: one entry, the other body refused with 409", async () => {
        const bodies = [disbursement(5_000, "KBNN-IDEM-X"), disbursement(7_000, "KBNN-IDEM-X")];
        const replies = await Promise.all(
          Array.from({ length: CONCURRENCY }, (_, i) =>
            post(base, "/api/v1/disbursements", "retry-conflict-1", bodies[i % 2]),
          ),
        );
        tally(replies);
        expect(await entriesWith("KBNN-IDEM-X")).toBe(1);
        figures.entriesWritten += 1;
        const created = replies.filter((r) => r.status === 201);
        const refused = replies.filter((r) => r.status === 409);
        expect(created.length + refused.length).toBe(CONCURRENCY);
        expect(created).toHaveLength(CONCURRENCY / 2);
        expect(new Set(created.map((r) => r.body)).size).toBe(1);
        const winner = JSON.parse(created[0]!.body) as { amount: number };
        const entry = await t.db.prisma.disbursement.findFirst({ where: { reference: "KBNN-IDEM-X" } });
        expect(Number(entry!.amount)).toBe(winner.amount);
        for (const r of refused) {
          const b = JSON.parse(r.body) as { error: string; issues: { path: string }[] };
          expect(b.error).toBe("conflict");
          expect(b.issues.map((i) => i.path)).toEqual(["headers.idempotency-key"]);
        }
      });
    },
  );
}
