-- Each scope's movements per kind and date, from the figures the ledger keeps: the running totals
-- turned back into each date's movement (what the ledger's rules judge a write against).
CREATE FUNCTION "ledger_scope_histories"(keys text[])
RETURNS TABLE (scope_key text, kind text, on_date text, amount text) LANGUAGE sql STABLE AS $$
  SELECT f.scope_key, m.kind, to_char(m.d, 'YYYY-MM-DD'), m.amount::text
  FROM ledger_figures f, LATERAL (
    SELECT 'allocation' AS kind, d, t - COALESCE(lag(t) OVER (ORDER BY d), 0) AS amount
      FROM unnest(f.allocation_days, f.allocation_totals) AS a(d, t)
    UNION ALL
    SELECT 'disbursement', d, t - COALESCE(lag(t) OVER (ORDER BY d), 0)
      FROM unnest(f.disbursement_days, f.disbursement_totals) AS a(d, t)
    UNION ALL
    SELECT 'refund', d, t - COALESCE(lag(t) OVER (ORDER BY d), 0)
      FROM unnest(f.refund_days, f.refund_totals) AS a(d, t)
    UNION ALL
    SELECT 'carryForward', d, t - COALESCE(lag(t) OVER (ORDER BY d), 0)
      FROM unnest(f.carry_forward_days, f.carry_forward_totals) AS a(d, t)
  ) m
  WHERE f.scope_key = ANY(keys)
$$;

-- The scopes' locks, in the order given (the caller sorts them, as every locker does), then their
-- movements: one round trip where a post made two. A VOLATILE function's statements each take a
-- new snapshot, so the read sees every write committed while the locks were awaited.
CREATE FUNCTION "ledger_lock_scope_histories"(keys text[])
RETURNS TABLE (scope_key text, kind text, on_date text, amount text) LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  k text;
BEGIN
  FOREACH k IN ARRAY keys LOOP
    PERFORM pg_advisory_xact_lock(hashtextextended(k, 0));
  END LOOP;
  RETURN QUERY SELECT * FROM ledger_scope_histories(keys);
END
$$;
