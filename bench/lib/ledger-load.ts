// Posting load: a ledger with many units and generous allocations, request bodies spread over
// them, autocannon against the API, and the floor: the same INSERTs straight into the database
// at the same concurrency for the same time.
import autocannon from "autocannon";
import type { ScriptRunner } from "../../src/db/database.js";
import { unitYearOf } from "../../src/domain/ledger-rules.js";
import { addDays, type LocalDate, todayIn } from "../../src/domain/local-date.js";
import { LOCK_SCOPE_HISTORIES_SQL, UNIT_SCOPE_ROWS_SQL } from "../../src/ledger/ledger.repository.js";
import { percentile } from "./stats.js";

export const PROGRAMS = ["NTM", "GNBV", "DTTS"] as const;
export const SOURCES = ["central", "provincial"] as const;
/** 10^15 đồng per scope: no post of the run can reach it, so none is refused. */
const ALLOCATION = "1000000000000000";

export type Mode = "single" | "batch";
export const ENTRIES_PER_REQUEST: Record<Mode, number> = { single: 1, batch: 100 };

export type LoadShape = { units: number; year: number; today: LocalDate };

export function loadShape(units: number): LoadShape {
  const today = todayIn(new Date());
  return { units, year: Number(today.slice(0, 4)), today };
}

export const unitCode = (i: number) => `B${String(i).padStart(5, "0")}`;

/** Units B00001.. and one allocation per unit, program and source (6 scopes a unit). */
export async function seedPostingDataset(raw: ScriptRunner, shape: LoadShape): Promise<void> {
  await raw.query(`
    INSERT INTO unit (code, name, kind, head_name, head_email, created_by)
    SELECT 'B' || lpad(g::text, 5, '0'), 'Đơn vị ' || g, 'district'::"UnitKind", 'Thủ trưởng ' || g,
           'head' || g || '@bench.example.org', 'bench'
    FROM generate_series(1, ${shape.units}) g`);
  await raw.query(`
    INSERT INTO allocation (unit_code, program_code, plan_year, carried_over_from, source, capital_type, amount, decision_ref, decided_on, posted_by)
    SELECT 'B' || lpad(u::text, 5, '0'), p, ${shape.year}, NULL, s::"CapitalSource", 'investment'::"CapitalType",
           ${ALLOCATION}, 'bench', DATE '${shape.year}-01-01', 'bench'
    FROM generate_series(1, ${shape.units}) u, unnest(ARRAY['${PROGRAMS.join("','")}']) p,
         unnest(ARRAY['${SOURCES.join("','")}']) s`);
  await raw.query("ANALYZE");
}

export type Entry = {
  unitCode: string;
  program: string;
  planYear: number;
  source: string;
  capitalType: "investment";
  amount: number;
  disbursedOn: LocalDate;
  reference: string;
};

/** Deterministic bodies: single entries on a random scope; batches of 100 for one unit. */
export function entryGenerator(shape: LoadShape, seed = 1) {
  let state = seed >>> 0 || 1;
  const rand = (n: number) => {
    // xorshift32: cheap and repeatable
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) % n;
  };
  const first = `${shape.year}-01-01` as LocalDate;
  const dates: LocalDate[] = [];
  for (let i = 0; i < 60; i++) {
    const d = addDays(shape.today, -i);
    if (d < first) break;
    dates.push(d);
  }
  let counter = 0;
  const entry = (unit: number): Entry => ({
    unitCode: unitCode(unit),
    program: PROGRAMS[rand(PROGRAMS.length)]!,
    planYear: shape.year,
    source: SOURCES[rand(SOURCES.length)]!,
    capitalType: "investment",
    amount: 1000 + rand(1_000_000),
    disbursedOn: dates[rand(dates.length)]!,
    reference: `BENCH-${seed}-${++counter}`,
  });
  return {
    single: () => [entry(1 + rand(shape.units))],
    batch: () => {
      const unit = 1 + rand(shape.units);
      return Array.from({ length: ENTRIES_PER_REQUEST.batch }, () => entry(unit));
    },
  };
}

export type LoadResult = {
  durationS: number;
  requests: number;
  entries: number;
  requestsPerS: number;
  entriesPerS: number;
  p50Ms: number;
  p99Ms: number;
  /** Non-2xx answers, connection errors and timeouts (API); failed statements (floor). */
  failures: number;
  failureDetail: string;
};

/** autocannon POSTing /api/v1/disbursements for `durationS` seconds. */
export async function apiLoad(opts: {
  url: string;
  apiKey: string;
  mode: Mode;
  connections: number;
  durationS: number;
  seed: number;
  shape: LoadShape;
}): Promise<LoadResult> {
  const gen = entryGenerator(opts.shape, opts.seed);
  const make =
    opts.mode === "single" ? () => JSON.stringify(gen.single()[0]) : () => JSON.stringify(gen.batch());
  const result = await autocannon({
    url: opts.url,
    connections: opts.connections,
    pipelining: 1,
    duration: opts.durationS,
    timeout: 30,
    requests: [
      {
        method: "POST",
        path: "/api/v1/disbursements",
        headers: { authorization: `Bearer ${opts.apiKey}`, "content-type": "application/json" },
        setupRequest: (req) => ({ ...req, body: make() }),
      },
    ],
  });
  const ok = result["2xx"];
  const entries = ok * ENTRIES_PER_REQUEST[opts.mode];
  const codes = Object.entries(result.statusCodeStats ?? {})
    .filter(([code]) => !code.startsWith("2"))
    .map(([code, s]) => `${code}×${s.count ?? 0}`);
  return {
    durationS: result.duration,
    requests: ok,
    entries,
    requestsPerS: ok / result.duration,
    entriesPerS: entries / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    failures: result.non2xx + result.errors + result.timeouts,
    failureDetail: [...codes, `errors ${result.errors}`, `timeouts ${result.timeouts}`].join(", "),
  };
}

const COLUMNS = [
  "unit_code",
  "program_code",
  "plan_year",
  "carried_over_from",
  "source",
  "capital_type",
  "amount",
  "disbursed_on",
  "reference",
  "corrects_id",
  "note",
  "posted_by",
];

/**
 * The INSERT of a post's rows, RETURNING every column. "unnest" is the statement the service
 * sends (src/ledger/ledger.repository.ts, insertDisbursements): one array parameter per column.
 * "values" is a multi-row VALUES list (what Prisma's createManyAndReturn sends): a little faster
 * for a single row on this machine, slower for 100, so the floor takes the faster of the two.
 */
export function insertStatement(
  entries: Entry[],
  form: "values" | "unnest",
): { sql: string; params: unknown[] } {
  const returning = `RETURNING id, ${COLUMNS.join(", ")}, posted_at`;
  if (form === "unnest") {
    return {
      sql: `INSERT INTO disbursement (${COLUMNS.join(", ")})
            SELECT u, p, y, c, s::"CapitalSource", t::"CapitalType", a, d, r, k, n, $12
            FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::text[], $6::text[], $7::bigint[],
                        $8::date[], $9::text[], $10::bigint[], $11::text[])
                 WITH ORDINALITY AS e(u, p, y, c, s, t, a, d, r, k, n, o)
            ORDER BY o ${returning}`,
      params: [
        entries.map((e) => e.unitCode),
        entries.map((e) => e.program),
        entries.map((e) => e.planYear),
        entries.map(() => null),
        entries.map((e) => e.source),
        entries.map((e) => e.capitalType),
        entries.map((e) => String(e.amount)),
        entries.map((e) => e.disbursedOn),
        entries.map((e) => e.reference),
        entries.map(() => null),
        entries.map(() => null),
        "bench",
      ],
    };
  }
  const params: unknown[] = [];
  const rows = entries.map((e) => {
    const base = params.length;
    params.push(
      e.unitCode,
      e.program,
      e.planYear,
      null,
      e.source,
      e.capitalType,
      String(e.amount),
      e.disbursedOn,
      e.reference,
      null,
      null,
      "bench",
    );
    return `(${COLUMNS.map((_, i) => `$${base + i + 1}`).join(", ")})`;
  });
  return {
    sql: `INSERT INTO disbursement (${COLUMNS.join(", ")}) VALUES ${rows.join(", ")} ${returning}`,
    params,
  };
}

/** The faster INSERT form for a post of this many rows (measured: see insertStatement). */
export const floorForm = (mode: Mode) => (mode === "single" ? "values" : "unnest");

export type Query = (sql: string, params: unknown[]) => Promise<unknown[]>;
/**
 * The floor's connections; `transaction` runs its statements on one connection, committed at the
 * end. `named`, where given (PostgreSQL), sends a named statement, prepared once per connection:
 * what the service does with a post alone's statements (src/db/database.ts, Database.direct).
 */
export type Direct = {
  query: Query;
  transaction<T>(fn: (q: Query) => Promise<T>): Promise<T>;
  named?(name: string, sql: string, params: unknown[]): Promise<unknown[]>;
};

const scopeKey = (e: Entry) => [e.unitCode, e.program, e.planYear, "", e.source, e.capitalType].join("|");

/**
 * The statements the service sends for one post (no idempotency key), sent directly, each in a
 * transaction of its own. Unless every scope's stamp is known from this poster's own reads and
 * writes (src/ledger/kept-scopes.ts), first the read of every scope of the post's units and years
 * with their stamps and the admission epoch (UNIT_SCOPE_ROWS_SQL: what the ledger's rules judge
 * the post against); then the INSERT that takes the scopes' locks, checks that nothing moved
 * since, and answers its transaction, the scopes' new stamp (src/ledger/ledger.repository.ts,
 * insertDisbursements with `seen`); the database's guard runs at its COMMIT. When a concurrent
 * post moved a scope, the service's fallback: the read and the INSERT again, then in one
 * transaction the scopes' locks and figures (LOCK_SCOPE_HISTORIES_SQL) and the INSERT.
 */
export function checkedPoster(db: Direct): (entries: Entry[]) => Promise<void> {
  const alone = (name: string, sql: string, params: unknown[]) =>
    db.named ? db.named(name, sql, params) : db.query(sql, params);
  const stamps = new Map<string, string>();
  const unitsRead = new Set<string>();
  let epoch: string | null = null;
  const known = (e: Entry) => stamps.get(scopeKey(e)) ?? (unitsRead.has(unitYearOf(e)) ? "-1" : undefined);
  async function insert(entries: Entry[], keys: string[], at: string) {
    const byKey = new Map(entries.map((e) => [scopeKey(e), e]));
    const changed = keys.map((k) => known(byKey.get(k)!)!);
    const { sql, params } = insertStatement(entries, "unnest");
    const n = params.length;
    const rows = (await alone(
      "checked_insert",
      `WITH admitted AS MATERIALIZED (
         SELECT ledger_lock_scopes_unchanged($${n + 1}::text[], $${n + 2}::bigint[], $${n + 3}::bigint) AS ok)
       ${sql.replace("ORDER BY o", "WHERE (SELECT ok FROM admitted) ORDER BY o")}, txid_current()::text AS tx`,
      [...params, keys, changed, at],
    )) as { tx: string }[];
    if (rows.length > 0) for (const k of keys) stamps.set(k, rows[0]!.tx);
    else for (const e of entries) forget(e);
    return rows.length > 0;
  }
  function forget(e: Entry) {
    unitsRead.delete(unitYearOf(e));
    for (const k of stamps.keys()) if (k.startsWith(`${e.unitCode}|`)) stamps.delete(k);
  }
  return async (entries) => {
    const keys = [...new Set(entries.map(scopeKey))].sort();
    if (
      epoch !== null &&
      entries.every((e) => known(e) !== undefined) &&
      (await insert(entries, keys, epoch))
    )
      return;
    const units = [...new Map(entries.map((e) => [unitYearOf(e), e])).values()];
    const rows = (await alone("checked_read", UNIT_SCOPE_ROWS_SQL, [
      units.map((e) => e.unitCode),
      units.map((e) => e.planYear),
    ])) as { epoch: string; key: string | null; changed: string }[];
    epoch = rows[0]!.epoch;
    for (const e of units) forget(e);
    for (const e of units) unitsRead.add(unitYearOf(e));
    for (const r of rows) if (r.key !== null) stamps.set(r.key, r.changed);
    if (await insert(entries, keys, epoch)) return;
    const { sql, params } = insertStatement(entries, "unnest");
    await db.transaction(async (q) => {
      await q(LOCK_SCOPE_HISTORIES_SQL, [keys]);
      await q(sql, params);
    });
  };
}

/** The floor: `concurrency` loops each doing what one request would, until the time is up. */
export async function directLoad(opts: {
  /** One INSERT a post (the bare floor), or every statement of a post (`checkedPost`). */
  post: (entries: Entry[]) => Promise<unknown>;
  mode: Mode;
  concurrency: number;
  durationS: number;
  seed: number;
  shape: LoadShape;
}): Promise<LoadResult> {
  const gen = entryGenerator(opts.shape, opts.seed);
  const make = opts.mode === "single" ? gen.single : gen.batch;
  const latencies: number[] = [];
  let failures = 0;
  let firstError = "";
  const t0 = performance.now();
  const end = t0 + opts.durationS * 1000;
  await Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      while (performance.now() < end) {
        const entries = make();
        const s = performance.now();
        try {
          await opts.post(entries);
          latencies.push(performance.now() - s);
        } catch (err) {
          failures += 1;
          firstError ||= String(err);
        }
      }
    }),
  );
  const durationS = (performance.now() - t0) / 1000;
  const requests = latencies.length;
  const entries = requests * ENTRIES_PER_REQUEST[opts.mode];
  return {
    durationS,
    requests,
    entries,
    requestsPerS: requests / durationS,
    entriesPerS: entries / durationS,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    failures,
    failureDetail: firstError,
  };
}
