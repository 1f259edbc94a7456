// A province made inside the database with generate_series: units P00001.., each with 10 billion
// đồng of 2022 capital in 3 programs × 2 sources, and disbursements spread over them (at most 100
// million each, so no scope is ever overdrawn). Deterministic, so runs compare. The benchmark's
// part 6 uses 1,003 units and 33,000 entries (the probe of issue 12); tests use fewer.
import type { ScriptRunner } from "../src/db/database.js";

export const pressureUnit = (i: number) => `P${String(i).padStart(5, "0")}`;

export async function seedPressureDataset(
  raw: ScriptRunner,
  { units, entries }: { units: number; entries: number },
): Promise<void> {
  await raw.query(`
    INSERT INTO unit (code, name, kind, head_name, head_email, created_by)
    SELECT 'P' || lpad(g::text, 5, '0'), 'Đơn vị ' || g, CASE WHEN g % 10 = 0 THEN 'department' ELSE 'district' END::"UnitKind",
           'Thủ trưởng ' || g, 'head' || g || '@bench.example.org', 'bench'
    FROM generate_series(1, ${units}) g`);
  await raw.query(`
    INSERT INTO allocation (unit_code, program_code, plan_year, carried_over_from, source, capital_type, amount, decision_ref, decided_on, posted_by)
    SELECT 'P' || lpad(u::text, 5, '0'), p, 2022, NULL, s::"CapitalSource", 'investment'::"CapitalType", 10000000000, 'bench', DATE '2022-01-10', 'bench'
    FROM generate_series(1, ${units}) u, unnest(ARRAY['NTM','GNBV','DTTS']) p, unnest(ARRAY['central','provincial']) s`);
  await raw.query(`
    INSERT INTO disbursement (unit_code, program_code, plan_year, carried_over_from, source, capital_type, amount, disbursed_on, reference, posted_by)
    SELECT 'P' || lpad((g % ${units} + 1)::text, 5, '0'), (ARRAY['NTM','GNBV','DTTS'])[(g / ${units}) % 3 + 1],
           2022, NULL, (ARRAY['central','provincial'])[(g / (${units} * 3)) % 2 + 1]::"CapitalSource", 'investment'::"CapitalType",
           1000000 + (g::bigint * 7919) % 99000000, DATE '2022-01-15' + ((g * 31) % 300)::int, 'bench', 'bench'
    FROM generate_series(1, ${entries}) g`);
  await raw.query("ANALYZE");
}
