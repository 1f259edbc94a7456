// A national-sized ledger made inside the database with generate_series: 10,000 units,
// 3 programs, 2 sources, 1,000,000 disbursements (or as many as asked). Deterministic, so runs
// compare; entries are numbered, so a ledger can be grown in place by adding the next numbers.

/** Where the statements go: a Database's `raw`. */
type Statements = { query(sql: string): Promise<unknown> };

export const BENCH_UNITS = 10_000;
export const BENCH_DISBURSEMENTS = 1_000_000;
/** (unit, program, source): the scopes entries spread over, each holding 4 billion of 2022 capital. */
export const BENCH_SCOPES = BENCH_UNITS * 3 * 2;
const SCOPE_ALLOCATION = 4_000_000_000;
const MIN_AMOUNT = 1_000_000;
/** The amounts' spread up to 1,000,000 entries (as before: part 2's amounts are unchanged). */
const WIDEST_SPAN = 119_000_000;
/**
 * Scopes one INSERT touches: entries go in a block of scopes at a time, all of each scope's new
 * entries at once, so each statement merges every scope's kept figures (migration
 * ..._ledger_figures) once and holds the row locks of 2,000 scopes, not of the whole country.
 */
const SCOPES_PER_STATEMENT = 2000;

/**
 * Amounts are MIN_AMOUNT + (g·7919 mod span). Every run of BENCH_SCOPES consecutive entries puts
 * exactly one in each scope, so a scope holds at most ⌈size / BENCH_SCOPES⌉ entries; the span
 * keeps even that many maximal amounts within the scope's allocation (3,000,000 entries: 50 per
 * scope, amounts below 80 million).
 */
export function amountSpan(ledgerSize: number): number {
  const perScope = Math.max(1, Math.ceil(ledgerSize / BENCH_SCOPES));
  const span = Math.min(WIDEST_SPAN, Math.floor(SCOPE_ALLOCATION / perScope) - MIN_AMOUNT);
  if (span < 1) throw new Error(`${ledgerSize} entries cannot fit within the allocations`);
  return span;
}

/**
 * Units, allocations and entries 1..`disbursements`, with amounts sized for a ledger that will
 * grow to `ledgerSize` (by default the entries made now).
 */
export async function generateRulesDataset(
  raw: Statements,
  opts: { disbursements?: number; ledgerSize?: number } = {},
): Promise<void> {
  const disbursements = opts.disbursements ?? BENCH_DISBURSEMENTS;
  await raw.query(`
    INSERT INTO unit (code, name, kind, head_name, head_email, created_by)
    SELECT 'U' || lpad(g::text, 5, '0'), 'Đơn vị ' || g, CASE WHEN g % 10 = 0 THEN 'department' ELSE 'district' END::"UnitKind",
           'Thủ trưởng ' || g, 'head' || g || '@bench.example.org', 'bench'
    FROM generate_series(1, ${BENCH_UNITS}) g`);
  // Per unit, program and source: 4 billion đồng of 2022 capital; every 7th unit also holds 2021
  // capital. Decided on 1 January, the first entries' date: the ledger guard refuses an entry dated
  // before its scope's allocation. A block of units at a time (see SCOPES_PER_STATEMENT).
  const unitsPerStatement = Math.floor(SCOPES_PER_STATEMENT / 7);
  for (let u0 = 1; u0 <= BENCH_UNITS; u0 += unitsPerStatement) {
    const u1 = Math.min(BENCH_UNITS, u0 + unitsPerStatement - 1);
    await raw.query(`
      INSERT INTO allocation (unit_code, program_code, plan_year, carried_over_from, source, capital_type, amount, decision_ref, decided_on, posted_by)
      SELECT 'U' || lpad(u::text, 5, '0'), p, 2022, NULL, s::"CapitalSource", 'investment'::"CapitalType", ${SCOPE_ALLOCATION}, 'bench', DATE '2022-01-01', 'bench'
      FROM generate_series(${u0}, ${u1}) u, unnest(ARRAY['NTM','GNBV','DTTS']) p, unnest(ARRAY['central','provincial']) s
      UNION ALL
      SELECT 'U' || lpad(u::text, 5, '0'), 'NTM', 2022, 2021, 'central'::"CapitalSource", 'investment'::"CapitalType", 500000000, 'bench', DATE '2022-01-01', 'bench'
      FROM generate_series(${u0}, ${u1}) u WHERE u % 7 = 0`);
  }
  await addRulesDisbursements(raw, {
    from: 1,
    to: disbursements,
    ledgerSize: opts.ledgerSize ?? disbursements,
  });
}

/**
 * Entries `from`..`to` of the sequence (dates spread over 2022), then VACUUM (ANALYZE), as after any
 * bulk load: left to autovacuum, PostgreSQL vacuumed the new rows within the minute after the load
 * (24 to 30 s after a load of 1,000,000 entries, in a probe), when the growth part measures its
 * reads. Growing a ledger of n entries to m is `{ from: n + 1, to: m }` with the same `ledgerSize`
 * as its first entries.
 * Entry g belongs to scope g mod BENCH_SCOPES; scopes are written a block at a time, so the rows
 * of one statement are g = k·BENCH_SCOPES + r for r in the block and every k that falls in range.
 */
export async function addRulesDisbursements(
  raw: Statements,
  { from, to, ledgerSize }: { from: number; to: number; ledgerSize: number },
): Promise<void> {
  if (to > ledgerSize) throw new Error(`entry ${to} is past the ledger size ${ledgerSize}`);
  const span = amountSpan(ledgerSize);
  for (let r0 = 0; r0 < BENCH_SCOPES; r0 += SCOPES_PER_STATEMENT) {
    const r1 = Math.min(BENCH_SCOPES, r0 + SCOPES_PER_STATEMENT) - 1;
    await raw.query(`
      INSERT INTO disbursement (unit_code, program_code, plan_year, carried_over_from, source, capital_type, amount, disbursed_on, reference, posted_by)
      SELECT 'U' || lpad((g % ${BENCH_UNITS} + 1)::text, 5, '0'),
             (ARRAY['NTM','GNBV','DTTS'])[(g / ${BENCH_UNITS}) % 3 + 1],
             2022, NULL, (ARRAY['central','provincial'])[(g / ${3 * BENCH_UNITS}) % 2 + 1]::"CapitalSource", 'investment'::"CapitalType",
             ${MIN_AMOUNT} + (g::bigint * 7919) % ${span},
             DATE '2022-01-01' + ((g * 31) % 365)::int, 'bench', 'bench'
      FROM (SELECT k * ${BENCH_SCOPES} + r AS g
              FROM generate_series(${r0}, ${r1}) r, generate_series(${Math.floor(from / BENCH_SCOPES)}, ${Math.floor(to / BENCH_SCOPES)}) k) e
      WHERE g BETWEEN ${from} AND ${to}
      ORDER BY g % ${BENCH_SCOPES}, g`);
  }
  await raw.query("VACUUM (ANALYZE)");
}
