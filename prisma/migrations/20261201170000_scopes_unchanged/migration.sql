-- Why: a post that shares its transaction with nothing else (no Idempotency-Key, no restatement)
-- is judged on its scopes as read without their locks, then inserted by one statement that takes
-- the locks and goes on only if no writer changed those scopes, nor the plans and closings, since
-- that read (src/ledger/ledger.service.ts, writeAlone): two round trips where a transaction makes
-- four. Every write of a scope's figures stamps its row with the writer's transaction
-- (changed_tx, migration ..._figures_replica), and a transaction id is never reused, so an
-- unchanged stamp means unchanged figures. `changed` holds, per key, the stamp read (0 for a row
-- without one, -1 for no row). The caller sorts the keys, as every locker does. A VOLATILE
-- function's statements each take a new snapshot, so the check sees every write committed while
-- the locks were awaited.
CREATE FUNCTION "ledger_lock_scopes_unchanged"(keys text[], changed bigint[], epoch bigint)
RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  k text;
BEGIN
  FOREACH k IN ARRAY keys LOOP
    PERFORM pg_advisory_xact_lock(hashtextextended(k, 0));
  END LOOP;
  RETURN (SELECT v.admission_epoch FROM ledger_version v) = epoch
    AND NOT EXISTS (
      SELECT 1 FROM unnest(keys, changed) AS e(k, c) LEFT JOIN ledger_figures f ON f.scope_key = e.k
      WHERE CASE WHEN f.scope_key IS NULL THEN -1 ELSE COALESCE(f.changed_tx, 0) END <> e.c);
END
$$;

-- The scopes' rows of figures as kept, read once their locks are held (the caller sorts the keys):
-- the service turns each running total back into its dates' movements itself. In PGlite,
-- ledger_lock_scope_histories, which does it in SQL, took 0.9-1.0 ms for one scope; reading the row
-- takes about half of that.
CREATE FUNCTION "ledger_lock_scope_figures"(keys text[])
RETURNS SETOF ledger_figures LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  k text;
BEGIN
  FOREACH k IN ARRAY keys LOOP
    PERFORM pg_advisory_xact_lock(hashtextextended(k, 0));
  END LOOP;
  RETURN QUERY SELECT * FROM ledger_figures WHERE scope_key = ANY(keys);
END
$$;

-- Read by nothing any longer: the service reads the rows above.
DROP FUNCTION "ledger_lock_scope_histories"(text[]);
DROP FUNCTION "ledger_scope_histories"(text[]);
