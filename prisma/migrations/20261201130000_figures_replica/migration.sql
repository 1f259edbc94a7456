-- AlterTable
ALTER TABLE "ledger_figures" ADD COLUMN     "changed_tx" BIGINT;

-- AlterTable
ALTER TABLE "ledger_version" ADD COLUMN     "figures_epoch" BIGINT NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "ledger_figures_changed_tx_idx" ON "ledger_figures"("changed_tx");

-- Why: national reads keep a copy of the plan year's figures in the service's memory instead of
-- grouping 60,000 scope rows per request (src/rules/figures-replica.ts). The copy re-reads only
-- the rows written since its last read: every write stamps the row with its transaction, and a
-- transaction the copy's last read could not see has an id at or above that read's snapshot xmin.
-- A rebuild rewrites every row and may drop some: it bumps figures_epoch, and copies reload whole.
CREATE OR REPLACE FUNCTION "ledger_figures_add"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format($q$
    INSERT INTO ledger_figures AS f (scope_key, unit_code, program_code, plan_year, carried_over_from, source,
                                     capital_type, %1$I, %2$I, guard_pending_tx, changed_tx)
    SELECT concat_ws('|', unit_code, program_code, plan_year, COALESCE(carried_over_from::text, ''), source, capital_type),
           unit_code, program_code, plan_year, carried_over_from, source, capital_type,
           array_agg(d ORDER BY d), array_agg(t ORDER BY d), txid_current(), txid_current()
    FROM (
      SELECT unit_code, program_code, plan_year, carried_over_from, source, capital_type, d,
             (SUM(SUM(amount)) OVER (PARTITION BY unit_code, program_code, plan_year, carried_over_from, source, capital_type
                                     ORDER BY d))::bigint AS t
      FROM (SELECT unit_code, program_code, plan_year, carried_over_from, source, capital_type, %3$I AS d, amount
              FROM new_rows) n
      GROUP BY unit_code, program_code, plan_year, carried_over_from, source, capital_type, d
    ) r
    GROUP BY unit_code, program_code, plan_year, carried_over_from, source, capital_type
    ORDER BY 1
    ON CONFLICT (scope_key) DO UPDATE
      SET (%1$I, %2$I) = (SELECT s.days, s.totals
                            FROM ledger_running_add(f.%1$I, f.%2$I, EXCLUDED.%1$I, EXCLUDED.%2$I) s),
          guard_pending_tx = EXCLUDED.guard_pending_tx,
          changed_tx = EXCLUDED.changed_tx
  $q$, TG_ARGV[0] || '_days', TG_ARGV[0] || '_totals', TG_ARGV[1]);
  RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION "ledger_figures_rebuild"() RETURNS void LANGUAGE sql AS $$
  DELETE FROM ledger_figures;
  INSERT INTO ledger_figures (scope_key, unit_code, program_code, plan_year, carried_over_from, source, capital_type,
                              allocation_days, allocation_totals, disbursement_days, disbursement_totals,
                              refund_days, refund_totals, carry_forward_days, carry_forward_totals, changed_tx)
  SELECT *, txid_current() FROM ledger_figures_from_entries();
  UPDATE ledger_version SET version = version + 1, figures_epoch = figures_epoch + 1;
$$;

UPDATE ledger_figures SET changed_tx = txid_current();
UPDATE ledger_version SET figures_epoch = figures_epoch + 1;
