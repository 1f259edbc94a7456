// A national-sized ledger made inside the database with generate_series: 10,000 units,
// 3 programs, 2 sources, 1,000,000 disbursements. Deterministic, so runs compare.
import type { ScriptRunner } from "../src/db/database.js";

export const BENCH_UNITS = 10_000;
export const BENCH_DISBURSEMENTS = 1_000_000;

export async function generateRulesDataset(raw: ScriptRunner): Promise<void> {
  await raw.query(`
    INSERT INTO unit (code, name, kind, head_name, head_email, created_by)
    SELECT 'U' || lpad(g::text, 5, '0'), 'Đơn vị ' || g, CASE WHEN g % 10 = 0 THEN 'department' ELSE 'district' END::"UnitKind",
           'Thủ trưởng ' || g, 'head' || g || '@bench.example.org', 'bench'
    FROM generate_series(1, ${BENCH_UNITS}) g`);
  // Per unit, program and source: 4 billion đồng of 2022 capital; every 7th unit also holds 2021 capital.
  await raw.query(`
    INSERT INTO allocation (unit_code, program_code, plan_year, carried_over_from, source, capital_type, amount, decision_ref, decided_on, posted_by)
    SELECT 'U' || lpad(u::text, 5, '0'), p, 2022, NULL, s::"CapitalSource", 'investment'::"CapitalType", 4000000000, 'bench', DATE '2022-01-10', 'bench'
    FROM generate_series(1, ${BENCH_UNITS}) u, unnest(ARRAY['NTM','GNBV','DTTS']) p, unnest(ARRAY['central','provincial']) s
    UNION ALL
    SELECT 'U' || lpad(u::text, 5, '0'), 'NTM', 2022, 2021, 'central'::"CapitalSource", 'investment'::"CapitalType", 500000000, 'bench', DATE '2022-01-10', 'bench'
    FROM generate_series(7, ${BENCH_UNITS}, 7) u`);
  // Amounts up to 120 million: 1e6 entries over 60,000 scopes stay within each 4-billion allocation.
  await raw.query(`
    INSERT INTO disbursement (unit_code, program_code, plan_year, carried_over_from, source, capital_type, amount, disbursed_on, reference, posted_by)
    SELECT 'U' || lpad((g % ${BENCH_UNITS} + 1)::text, 5, '0'),
           (ARRAY['NTM','GNBV','DTTS'])[(g / ${BENCH_UNITS}) % 3 + 1],
           2022, NULL, (ARRAY['central','provincial'])[(g / 30000) % 2 + 1]::"CapitalSource", 'investment'::"CapitalType",
           1000000 + (g::bigint * 7919) % 119000000,
           DATE '2022-01-01' + ((g * 31) % 365)::int, 'bench', 'bench'
    FROM generate_series(1, ${BENCH_DISBURSEMENTS}) g`);
  await raw.query("ANALYZE");
}
