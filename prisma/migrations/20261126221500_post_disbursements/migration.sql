-- Posting disbursements in one round trip. The function locks the touched scopes, sums them, and
-- inserts only when no entry would take a scope's disbursed above its allocation or below zero;
-- otherwise it inserts nothing and returns the failing entries with the totals they would reach.
-- It runs as its own statement or inside a caller's transaction. Each statement in a PL/pgSQL
-- function takes a new snapshot, so the sums see every post committed before the locks were won.
-- scope_keys: the distinct, sorted lock keys of the scopes (the service's scopeKey), the same keys
-- every other writer of those scopes locks. units: the distinct unit codes (a list with repeats
-- makes the planner expect many more rows and scan the whole ledger instead of its index).
CREATE FUNCTION "post_disbursements"(
  scope_keys text[], units text[], unit_codes text[], program_codes text[], plan_years int[], carried_over_froms int[],
  sources text[], capital_types text[], amounts bigint[], disbursed_ons date[], refs text[],
  corrects_ids bigint[], notes text[], by_whom text)
RETURNS TABLE (
  ord bigint, would_allocate bigint, would_disburse bigint,
  id bigint, unit_code text, program_code text, plan_year int, carried_over_from int, source text,
  capital_type text, amount bigint, disbursed_on date, reference text, corrects_id bigint, note text,
  posted_by text, posted_at timestamptz(3))
LANGUAGE plpgsql
-- Planned afresh on each call: a cached generic plan came to scan the whole ledger on PGlite, which
-- has no autovacuum, so its statistics stay those of the table when it was last analysed.
SET plan_cache_mode = force_custom_plan
AS $$
#variable_conflict use_column
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended(k, 0)) FROM unnest(scope_keys) WITH ORDINALITY AS t(k, i);

  RETURN QUERY
  WITH e AS (
    SELECT * FROM unnest(unit_codes, program_codes, plan_years, carried_over_froms, sources, capital_types, amounts)
      WITH ORDINALITY AS e(unit_code, program_code, plan_year, carried_over_from, source, capital_type, amount, ord)
  ), totals AS (
    SELECT l.unit_code, l.program_code, l.plan_year, l.carried_over_from, l.source::text AS source,
           l.capital_type::text AS capital_type, SUM(l.allocated)::bigint AS allocated, SUM(l.disbursed)::bigint AS disbursed
    FROM (
      SELECT a.unit_code, a.program_code, a.plan_year, a.carried_over_from, a.source, a.capital_type, a.amount AS allocated, 0::bigint AS disbursed
        FROM allocation a WHERE a.unit_code = ANY(units)
      UNION ALL
      SELECT d.unit_code, d.program_code, d.plan_year, d.carried_over_from, d.source, d.capital_type, 0::bigint, d.amount
        FROM disbursement d WHERE d.unit_code = ANY(units)
    ) l
    GROUP BY 1, 2, 3, 4, 5, 6
  ), running AS (
    SELECT e.ord, COALESCE(t.allocated, 0) AS allocated,
           COALESCE(t.disbursed, 0) + SUM(e.amount) OVER (
             PARTITION BY e.unit_code, e.program_code, e.plan_year, e.carried_over_from, e.source, e.capital_type
             ORDER BY e.ord) AS disbursed
    FROM e LEFT JOIN totals t
      ON t.unit_code = e.unit_code AND t.program_code = e.program_code AND t.plan_year = e.plan_year
     AND t.carried_over_from IS NOT DISTINCT FROM e.carried_over_from
     AND t.source = e.source AND t.capital_type = e.capital_type
  )
  SELECT r.ord, r.allocated, r.disbursed::bigint, NULL::bigint, NULL::text, NULL::text, NULL::int, NULL::int,
         NULL::text, NULL::text, NULL::bigint, NULL::date, NULL::text, NULL::bigint, NULL::text, NULL::text,
         NULL::timestamptz(3)
  FROM running r WHERE r.disbursed > r.allocated OR r.disbursed < 0
  ORDER BY r.ord;
  IF FOUND THEN
    RETURN;
  END IF;

  RETURN QUERY
  WITH ins AS (
    INSERT INTO disbursement AS d (unit_code, program_code, plan_year, carried_over_from, source, capital_type,
                                   amount, disbursed_on, reference, corrects_id, note, posted_by)
    SELECT e.unit_code, e.program_code, e.plan_year, e.carried_over_from, e.source::"CapitalSource",
           e.capital_type::"CapitalType", e.amount, e.disbursed_on, e.reference, e.corrects_id, e.note, by_whom
    FROM unnest(unit_codes, program_codes, plan_years, carried_over_froms, sources, capital_types, amounts,
                disbursed_ons, refs, corrects_ids, notes)
      WITH ORDINALITY AS e(unit_code, program_code, plan_year, carried_over_from, source, capital_type,
                           amount, disbursed_on, reference, corrects_id, note, ord)
    ORDER BY e.ord
    RETURNING d.*
  )
  SELECT NULL::bigint, NULL::bigint, NULL::bigint, ins.id, ins.unit_code, ins.program_code, ins.plan_year,
         ins.carried_over_from, ins.source::text, ins.capital_type::text, ins.amount, ins.disbursed_on,
         ins.reference, ins.corrects_id, ins.note, ins.posted_by, ins.posted_at
  FROM ins ORDER BY ins.id;
END
$$;
