// Case 3: PostgreSQL stopped for a few seconds and started again under load. A real service
// process posts disbursements for four clients at once, each with its own Idempotency-Key. While
// the database is away every answer is 503 with a JSON body (never 500), /readyz says 503; once it
// is back the same process answers 2xx again by itself. Afterwards the ledger holds exactly the
// acknowledged postings: a client that got a 503 retries with its key, and a posting that had in
// fact committed is answered from the idempotency record, never written twice.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServiceProcess, startService, stopAllServices } from "../helpers/service-process.js";
import { ADMIN_KEY, createFaultApp, sleep } from "./helpers/app.js";
import { recordFigures } from "./helpers/figures.js";
import {
  canStartPostgres,
  type FreshDatabase,
  freshDatabase,
  type PgServer,
  startPgServer,
  warnSkipped,
} from "./helpers/postgres.js";
import { createRng, seedOf } from "./helpers/prng.js";
import { verifyFiguresAt } from "./helpers/verify-figures.js";

const SEED = seedOf(7103);
const WORKERS = 4;
const DOWN_MS = 4_000;
const UNIT = "PGR1";
const canRun = canStartPostgres();
if (!canRun) warnSkipped("3-postgres-restart", "PostgreSQL stopped and started under load", "no-binaries");

let server: PgServer | undefined;
let fresh: FreshDatabase | undefined;
let service: ServiceProcess | undefined;
let year = 0;
let today = "";

beforeAll(async () => {
  if (!canRun) return;
  // Our own server, always: this case stops it, which a shared DATABASE_URL must never see.
  server = await startPgServer();
  fresh = await freshDatabase(server.url);
  const t = await createFaultApp(fresh.db);
  today = t.container.today();
  year = Number(today.slice(0, 4));
  await t.expect(201, "POST", "/api/v1/units", {
    code: UNIT,
    name: "UBND huyện Thử nghiệm khởi động lại",
    kind: "district",
    headName: "Nguyễn Văn An",
    headEmail: "an@thu-nghiem.example.org",
  });
  await t.expect(201, "POST", "/api/v1/allocations", {
    unitCode: UNIT,
    program: "NTM",
    planYear: year,
    source: "central",
    capitalType: "investment",
    amount: 1_000_000_000_000_000,
    decisionRef: "01/QĐ-UBND",
    decidedOn: `${year}-01-05`,
  });
  await t.close();
  await fresh.db.close();
  service = await startService({
    name: "pg-restart",
    env: {
      DATABASE_URL: fresh.url,
      ADMIN_API_KEY: ADMIN_KEY,
      RATE_LIMIT_WRITES_PER_MINUTE: "1000000",
      LOG_LEVEL: "warn",
    },
  });
}, 180_000);

afterAll(async () => {
  await stopAllServices();
  if (fresh) await verifyFiguresAt(fresh.url);
  // The database was closed after seeding; drop it through the server, then the server itself.
  await fresh?.drop().catch(() => {});
  await server?.destroy();
});

type Posting = { key: string; amount: number; acknowledged: boolean; replayed: boolean; attempts: number };
type Answer = { at: number; status: number; json: boolean; error?: string };

describe.skipIf(!canRun)("case 3: PostgreSQL restarted under load", () => {
  it("answers 503 while it is away, recovers by itself, and keeps exactly what it acknowledged", async () => {
    if (!canRun) return;
    const started = Date.now();
    const svc = service!;
    const rng = createRng(SEED);
    const postings: Posting[] = [];
    const answers: Answer[] = [];
    const readiness: Answer[] = [];
    const bad: string[] = [];

    async function post(p: Posting): Promise<void> {
      p.attempts += 1;
      let status = 0;
      let text = "";
      let replayed = false;
      try {
        const res = await fetch(`${svc.url}/api/v1/disbursements`, {
          method: "POST",
          headers: {
            authorization: `Bearer ${ADMIN_KEY}`,
            "content-type": "application/json",
            "idempotency-key": p.key,
          },
          body: JSON.stringify({
            unitCode: UNIT,
            program: "NTM",
            planYear: year,
            source: "central",
            capitalType: "investment",
            amount: p.amount,
            disbursedOn: today,
            reference: p.key,
          }),
        });
        status = res.status;
        text = await res.text();
        replayed = res.headers.get("idempotent-replayed") === "true";
      } catch (err) {
        bad.push(`${p.key}: no answer (${String(err)})`);
        return;
      }
      let body: { error?: string; amount?: number } | null = null;
      try {
        body = JSON.parse(text);
      } catch {}
      answers.push({
        at: Date.now(),
        status,
        json: body !== null,
        ...(body?.error ? { error: body.error } : {}),
      });
      if (status === 201) {
        if (body?.amount !== p.amount) bad.push(`${p.key}: 201 for ${body?.amount}, posted ${p.amount}`);
        p.acknowledged = true;
        p.replayed ||= replayed;
      } else if (status !== 503 || body?.error !== "unavailable") {
        bad.push(`${p.key}: ${status} ${text.slice(0, 300)}`);
      }
    }

    let load = true;
    let seq = 0;
    const workers = Array.from({ length: WORKERS }, async (_, w) => {
      while (load) {
        const p: Posting = {
          key: `PGR-${w}-${seq++}`,
          amount: rng.int(1, 5_000_000),
          acknowledged: false,
          replayed: false,
          attempts: 0,
        };
        postings.push(p);
        await post(p);
        // A client that was refused backs off a little, as real ones do.
        if (!p.acknowledged) await sleep(25);
      }
    });
    const poller = (async () => {
      while (load) {
        const res = await fetch(`${svc.url}/readyz`).catch(() => null);
        const json = res ? await res.json().catch(() => null) : null;
        readiness.push({ at: Date.now(), status: res?.status ?? 0, json: json !== null });
        await sleep(100);
      }
    })();

    // Twice: a clean fast shutdown, then a crash (every server process killed at once). For each:
    // stop requested → down (pg_ctl returned) → start requested → up (pg_ctl returned).
    const outages: {
      mode: "fast" | "immediate";
      stoppedAt: number;
      downAt: number;
      startAt: number;
      upAt: number;
      recoveredAt: number;
    }[] = [];
    try {
      for (const mode of ["fast", "immediate"] as const) {
        await sleep(1_500);
        const stoppedAt = Date.now();
        await server!.stop(mode);
        const downAt = Date.now();
        await sleep(DOWN_MS);
        const startAt = Date.now();
        await server!.start();
        const upAt = Date.now();
        const deadline = upAt + 30_000;
        while (!answers.some((a) => a.at > upAt && a.status === 201)) {
          if (Date.now() > deadline)
            throw new Error(`no 2xx within 30 s of PostgreSQL coming back (${mode})`);
          await sleep(20);
        }
        const recoveredAt = answers.find((a) => a.at > upAt && a.status === 201)!.at;
        outages.push({ mode, stoppedAt, downAt, startAt, upAt, recoveredAt });
      }
      await sleep(1_500);
    } finally {
      load = false;
      await Promise.all([...workers, poller]);
    }

    // What the database holds now, before anyone retries: the acknowledged postings, plus any that
    // committed while the client was told 503 (their answers lost with the connection).
    const totals = async () => {
      const res = await fetch(`${svc.url}/api/v1/units/${UNIT}/ledger`, {
        headers: { authorization: `Bearer ${ADMIN_KEY}` },
      });
      expect(res.status).toBe(200);
      return (await res.json()) as { total: { disbursed: number } };
    };
    const acknowledgedSum = postings.filter((p) => p.acknowledged).reduce((n, p) => n + p.amount, 0);
    const beforeRetry = (await totals()).total.disbursed;

    // Every refused posting is retried with its key until acknowledged.
    const refused = postings.filter((p) => !p.acknowledged);
    for (const p of refused) {
      const deadline = Date.now() + 10_000;
      while (!p.acknowledged && Date.now() < deadline) {
        await post(p);
        if (!p.acknowledged) await sleep(100);
      }
    }
    const committedUnacknowledged = refused.filter((p) => p.replayed);
    const after = (await totals()).total.disbursed;

    const rows: { reference: string; amount: number }[] = [];
    for (let cursor: string | null = "", pages = 0; cursor !== null && pages < 100; pages += 1) {
      const page = (await fetch(
        `${svc.url}/api/v1/disbursements?unit=${UNIT}&limit=1000${cursor ? `&cursor=${cursor}` : ""}`,
        { headers: { authorization: `Bearer ${ADMIN_KEY}` } },
      ).then((r) => r.json())) as {
        items: { reference: string; amount: number }[];
        nextCursor: string | null;
      };
      rows.push(...page.items);
      cursor = page.nextCursor;
    }
    const byReference = new Map<string, number>();
    for (const r of rows) byReference.set(r.reference, (byReference.get(r.reference) ?? 0) + 1);

    // Answers received while the server was surely down (a little after pg_ctl said it stopped, so
    // that an answer already on its way is not counted).
    const downWindows = outages.map((o) => [o.downAt + 200, o.startAt] as const);
    const during = answers.filter((a) => downWindows.some(([from, to]) => a.at >= from && a.at < to));
    const status5xx = answers.filter((a) => a.status >= 500).length;
    const statusOther5xx = answers.filter((a) => a.status >= 500 && a.status !== 503).length;
    recordFigures({
      id: "3-postgres-restart",
      title: "PostgreSQL stopped and started under load",
      database: "postgres",
      seed: SEED,
      casesRun: outages.length,
      faultsInjected: outages.length,
      requests: answers.length + readiness.length,
      status5xx: statusOther5xx,
      durationMs: Date.now() - started,
      details: {
        postings: postings.length,
        postRequests: answers.length,
        answered201: answers.filter((a) => a.status === 201).length,
        answered503: answers.filter((a) => a.status === 503).length,
        answered5xxOther: statusOther5xx,
        answersWhileDown: during.length,
        readinessChecks: readiness.length,
        readiness503: readiness.filter((r) => r.status === 503).length,
        outages: outages.map((o) => ({
          mode: o.mode,
          stopMs: o.downAt - o.stoppedAt,
          downMs: o.startAt - o.downAt,
          startMs: o.upAt - o.startAt,
          recoveryMsAfterStart: o.recoveredAt - o.upAt,
          answered503: answers.filter((a) => a.at >= o.stoppedAt && a.at <= o.recoveredAt && a.status === 503)
            .length,
        })),
        retriedAfterRecovery: refused.length,
        committedButAnswered503: committedUnacknowledged.length,
        acknowledgedSumBeforeRetry: acknowledgedSum,
        ledgerBeforeRetry: beforeRetry,
        ledgerAfterRetry: after,
        problems: bad.slice(0, 20),
        serviceErrors: svc
          .errorLogs()
          .slice(0, 10)
          .map((l) => {
            const err = l.err as { type?: string; code?: string; message?: string } | undefined;
            return { msg: l.msg, type: err?.type, code: err?.code, message: err?.message?.slice(0, 300) };
          }),
        serviceRestarted: false,
        all5xxWere503: status5xx === answers.filter((a) => a.status === 503).length,
      },
    });

    expect(bad).toEqual([]);
    expect(statusOther5xx).toBe(0);
    // The outage was seen: refusals while it lasted, and /readyz said so.
    expect(answers.filter((a) => a.status === 503).length).toBeGreaterThan(0);
    expect(during.every((a) => a.status === 503 && a.json)).toBe(true);
    expect(during.length).toBeGreaterThan(10);
    expect(outages).toHaveLength(2);
    for (const o of outages) {
      expect(readiness.some((r) => r.at > o.downAt && r.at < o.startAt && r.status === 503)).toBe(true);
      expect(answers.some((a) => a.at > o.downAt && a.at < o.startAt && a.status === 503)).toBe(true);
    }
    expect(readiness.every((r) => r.status === 200 || r.status === 503)).toBe(true);
    const lastRecovery = outages.at(-1)!.recoveredAt;
    expect(readiness.filter((r) => r.at > lastRecovery + 500).every((r) => r.status === 200)).toBe(true);
    // The same process recovered: it never exited.
    expect(await Promise.race([svc.exited.then(() => "exited"), sleep(10).then(() => "running")])).toBe(
      "running",
    );
    // Nothing lost that was acknowledged, nothing written that was not asked for; retries wrote nothing twice.
    expect(beforeRetry).toBe(acknowledgedSum + committedUnacknowledged.reduce((n, p) => n + p.amount, 0));
    expect(postings.every((p) => p.acknowledged)).toBe(true);
    expect(after).toBe(postings.reduce((n, p) => n + p.amount, 0));
    expect(rows).toHaveLength(postings.length);
    expect([...byReference.values()].every((n) => n === 1)).toBe(true);
    expect(svc.errorLogs().filter((l) => !/database|outbox|evaluation/i.test(String(l.msg)))).toEqual([]);
  });
});
