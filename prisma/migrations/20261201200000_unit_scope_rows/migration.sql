-- Why: a post alone is judged on the scopes this process keeps (src/ledger/kept-scopes.ts) and
-- sent as its INSERT alone, one round trip. A post on a scope not kept reads, in the same one round
-- trip it took before, every scope its units have in its plan years, not its own alone: an
-- officer posts for one unit, so its next posts, on that scope or another of the unit's, need no
-- read. Rows as ledger_scope_rows (migration ..._scope_rows) gives them without locks, from one
-- snapshot, each with its unit and year as "unit|year"; a scope of those units and years without a
-- row has no figures yet. Beside them the admission epoch, on a row of its own when none has any.
CREATE FUNCTION "ledger_unit_scope_rows"(units text[], years int[])
RETURNS TABLE (epoch text, "unitYear" text, key text, changed text,
               "allocationDays" text, "allocationTotals" text, "disbursementDays" text, "disbursementTotals" text,
               "refundDays" text, "refundTotals" text, "carryForwardDays" text, "carryForwardTotals" text)
LANGUAGE plpgsql VOLATILE SET plan_cache_mode = force_generic_plan AS $$
BEGIN
  RETURN QUERY
    SELECT v.admission_epoch::text, f.unit_code || '|' || f.plan_year::text, f.scope_key,
           COALESCE(f.changed_tx, 0)::text,
           to_json(f.allocation_days)::text, f.allocation_totals::text,
           to_json(f.disbursement_days)::text, f.disbursement_totals::text,
           to_json(f.refund_days)::text, f.refund_totals::text,
           to_json(f.carry_forward_days)::text, f.carry_forward_totals::text
    FROM ledger_version v
    LEFT JOIN (
      SELECT g.* FROM unnest(units, years) AS t(u, y)
      JOIN ledger_figures g ON g.plan_year = t.y AND g.unit_code = t.u
    ) f ON true;
END
$$;
