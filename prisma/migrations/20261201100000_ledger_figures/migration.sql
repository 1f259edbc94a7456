-- CreateTable
CREATE TABLE "ledger_figures" (
    "scope_key" TEXT NOT NULL,
    "unit_code" TEXT NOT NULL,
    "program_code" TEXT NOT NULL,
    "plan_year" INTEGER NOT NULL,
    "carried_over_from" INTEGER,
    "source" "CapitalSource" NOT NULL,
    "capital_type" "CapitalType" NOT NULL,
    "allocation_days" DATE[] DEFAULT ARRAY[]::DATE[],
    "allocation_totals" BIGINT[] DEFAULT ARRAY[]::BIGINT[],
    "disbursement_days" DATE[] DEFAULT ARRAY[]::DATE[],
    "disbursement_totals" BIGINT[] DEFAULT ARRAY[]::BIGINT[],
    "refund_days" DATE[] DEFAULT ARRAY[]::DATE[],
    "refund_totals" BIGINT[] DEFAULT ARRAY[]::BIGINT[],
    "carry_forward_days" DATE[] DEFAULT ARRAY[]::DATE[],
    "carry_forward_totals" BIGINT[] DEFAULT ARRAY[]::BIGINT[],
    "guard_pending_tx" BIGINT,

    CONSTRAINT "ledger_figures_pkey" PRIMARY KEY ("scope_key")
);

-- CreateIndex
CREATE INDEX "ledger_figures_plan_year_unit_code_idx" ON "ledger_figures"("plan_year", "unit_code");

-- CreateTable
CREATE TABLE "ledger_version" (
    "id" INTEGER NOT NULL,
    "version" BIGINT NOT NULL,

    CONSTRAINT "ledger_version_pkey" PRIMARY KEY ("id")
);

-- Why: every read used to re-sum the plan year's entries (a million rows nationally) and every post
-- re-summed its scope. The figures are kept instead, in the same transaction as the movement that
-- changes them, by the statement triggers below: per scope and kind of movement, the dates that
-- have any, and the running total at the end of each date. A total at a date d is one binary
-- search: totals[width_bucket(d, days)] (0 before the first date). Rows grow with scopes, and
-- each row with the dates that have movements (at most a few hundred a year), never with entries.

-- Two running totals over sorted dates, added: each is turned back into its days' movements,
-- the movements of a date are added, and the sums run again.
CREATE FUNCTION "ledger_running_add"(a_days date[], a_totals bigint[], b_days date[], b_totals bigint[],
                                     OUT days date[], OUT totals bigint[])
LANGUAGE sql IMMUTABLE AS $$
  SELECT COALESCE(array_agg(d ORDER BY d), '{}'), COALESCE(array_agg(t ORDER BY d), '{}')
  FROM (
    SELECT d, (SUM(SUM(x)) OVER (ORDER BY d))::bigint AS t
    FROM (
      SELECT d, t - COALESCE(lag(t) OVER (ORDER BY d), 0) AS x FROM unnest(a_days, a_totals) AS a(d, t)
      UNION ALL
      SELECT d, t - COALESCE(lag(t) OVER (ORDER BY d), 0) FROM unnest(b_days, b_totals) AS b(d, t)
    ) m
    GROUP BY d
  ) r
$$;

-- After each statement that inserts into a ledger table: its rows, summed per scope and date, are
-- added to the scope's running totals. TG_ARGV[0]: the kind's column prefix; TG_ARGV[1]: the date column.
CREATE FUNCTION "ledger_figures_add"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format($q$
    INSERT INTO ledger_figures AS f (scope_key, unit_code, program_code, plan_year, carried_over_from, source,
                                     capital_type, %1$I, %2$I, guard_pending_tx)
    SELECT concat_ws('|', unit_code, program_code, plan_year, COALESCE(carried_over_from::text, ''), source, capital_type),
           unit_code, program_code, plan_year, carried_over_from, source, capital_type,
           array_agg(d ORDER BY d), array_agg(t ORDER BY d), txid_current()
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
          guard_pending_tx = EXCLUDED.guard_pending_tx
  $q$, TG_ARGV[0] || '_days', TG_ARGV[0] || '_totals', TG_ARGV[1]);
  RETURN NULL;
END
$$;

CREATE TRIGGER "allocation_figures" AFTER INSERT ON "allocation"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "ledger_figures_add"('allocation', 'decided_on');
CREATE TRIGGER "disbursement_figures" AFTER INSERT ON "disbursement"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "ledger_figures_add"('disbursement', 'disbursed_on');
CREATE TRIGGER "refund_figures" AFTER INSERT ON "refund"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "ledger_figures_add"('refund', 'refunded_on');
CREATE TRIGGER "carry_forward_figures" AFTER INSERT ON "carry_forward"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "ledger_figures_add"('carry_forward', 'approved_on');

-- The figures as the entries make them, computed from scratch: what db:verify compares the kept
-- figures with, and what a rebuild writes.
CREATE FUNCTION "ledger_figures_from_entries"()
RETURNS TABLE (scope_key text, unit_code text, program_code text, plan_year int, carried_over_from int,
               source "CapitalSource", capital_type "CapitalType",
               allocation_days date[], allocation_totals bigint[], disbursement_days date[], disbursement_totals bigint[],
               refund_days date[], refund_totals bigint[], carry_forward_days date[], carry_forward_totals bigint[])
LANGUAGE sql STABLE AS $$
  WITH m AS (
    SELECT unit_code, program_code, plan_year, carried_over_from, source, capital_type, 'a' AS k, decided_on AS d, amount FROM allocation
    UNION ALL
    SELECT unit_code, program_code, plan_year, carried_over_from, source, capital_type, 'd', disbursed_on, amount FROM disbursement
    UNION ALL
    SELECT unit_code, program_code, plan_year, carried_over_from, source, capital_type, 'r', refunded_on, amount FROM refund
    UNION ALL
    SELECT unit_code, program_code, plan_year, carried_over_from, source, capital_type, 'c', approved_on, amount FROM carry_forward
  ), running AS (
    SELECT unit_code, program_code, plan_year, carried_over_from, source, capital_type, k, d,
           (SUM(SUM(amount)) OVER (PARTITION BY unit_code, program_code, plan_year, carried_over_from, source, capital_type, k
                                   ORDER BY d))::bigint AS t
    FROM m GROUP BY unit_code, program_code, plan_year, carried_over_from, source, capital_type, k, d
  ), per_kind AS (
    SELECT unit_code, program_code, plan_year, carried_over_from, source, capital_type, k,
           array_agg(d ORDER BY d) AS ds, array_agg(t ORDER BY d) AS ts
    FROM running GROUP BY unit_code, program_code, plan_year, carried_over_from, source, capital_type, k
  )
  SELECT concat_ws('|', unit_code, program_code, plan_year, COALESCE(carried_over_from::text, ''), source, capital_type),
         unit_code, program_code, plan_year, carried_over_from, source, capital_type,
         COALESCE(max(ds) FILTER (WHERE k = 'a'), '{}'), COALESCE(max(ts) FILTER (WHERE k = 'a'), '{}'),
         COALESCE(max(ds) FILTER (WHERE k = 'd'), '{}'), COALESCE(max(ts) FILTER (WHERE k = 'd'), '{}'),
         COALESCE(max(ds) FILTER (WHERE k = 'r'), '{}'), COALESCE(max(ts) FILTER (WHERE k = 'r'), '{}'),
         COALESCE(max(ds) FILTER (WHERE k = 'c'), '{}'), COALESCE(max(ts) FILTER (WHERE k = 'c'), '{}')
  FROM per_kind
  GROUP BY unit_code, program_code, plan_year, carried_over_from, source, capital_type
$$;

CREATE FUNCTION "ledger_figures_rebuild"() RETURNS void LANGUAGE sql AS $$
  DELETE FROM ledger_figures;
  INSERT INTO ledger_figures (scope_key, unit_code, program_code, plan_year, carried_over_from, source, capital_type,
                              allocation_days, allocation_totals, disbursement_days, disbursement_totals,
                              refund_days, refund_totals, carry_forward_days, carry_forward_totals)
  SELECT * FROM ledger_figures_from_entries();
  UPDATE ledger_version SET version = version + 1;
$$;

-- TRUNCATE skips row and statement insert triggers' opposite: the figures are rebuilt from what is left.
CREATE FUNCTION "ledger_figures_truncated"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM ledger_figures_rebuild();
  RETURN NULL;
END
$$;

CREATE TRIGGER "allocation_figures_truncate" AFTER TRUNCATE ON "allocation"
  FOR EACH STATEMENT EXECUTE FUNCTION "ledger_figures_truncated"();
CREATE TRIGGER "disbursement_figures_truncate" AFTER TRUNCATE ON "disbursement"
  FOR EACH STATEMENT EXECUTE FUNCTION "ledger_figures_truncated"();
CREATE TRIGGER "refund_figures_truncate" AFTER TRUNCATE ON "refund"
  FOR EACH STATEMENT EXECUTE FUNCTION "ledger_figures_truncated"();
CREATE TRIGGER "carry_forward_figures_truncate" AFTER TRUNCATE ON "carry_forward"
  FOR EACH STATEMENT EXECUTE FUNCTION "ledger_figures_truncated"();

-- The ledgers of databases migrated before this change.
INSERT INTO ledger_version (id, version) VALUES (1, 0);
SELECT ledger_figures_rebuild();

-- The guard reads the kept figures too: a scope's dates with any movement, and its four totals at
-- the end of each (the same invariants as before; the figures are written before it runs, at commit).
CREATE OR REPLACE FUNCTION "ledger_first_breach"(p_unit text, p_program text, p_year int, p_from int, p_source text, p_type text)
RETURNS TABLE (breach_on date, rule text, allocated numeric, disbursed numeric, refunded numeric, carried_forward numeric)
LANGUAGE sql STABLE AS $$
  WITH f AS (
    SELECT * FROM ledger_figures
     WHERE scope_key = concat_ws('|', p_unit, p_program, p_year, COALESCE(p_from::text, ''), p_source, p_type)
  ), running AS (
    SELECT d,
           COALESCE(f.allocation_totals[width_bucket(d, f.allocation_days)], 0)::numeric AS a,
           COALESCE(f.disbursement_totals[width_bucket(d, f.disbursement_days)], 0)::numeric AS dis,
           COALESCE(f.refund_totals[width_bucket(d, f.refund_days)], 0)::numeric AS ref,
           COALESCE(f.carry_forward_totals[width_bucket(d, f.carry_forward_days)], 0)::numeric AS cf
      FROM f, LATERAL (SELECT DISTINCT x AS d FROM unnest(f.allocation_days || f.disbursement_days
                                                         || f.refund_days || f.carry_forward_days) AS x) days
  )
  SELECT d,
         CASE WHEN dis < 0 THEN 'disbursed_below_zero'
              WHEN a > 1000000000000000 THEN 'scope_limit'
              ELSE 'over_allocated' END,
         a, dis, ref, cf
    FROM running
   WHERE dis < 0 OR a > 1000000000000000 OR dis + ref + cf > a
   ORDER BY d
   LIMIT 1
$$;

-- The guard's "once per scope and statement" was a setting named after each scope it checked;
-- PostgreSQL 15 keeps such settings in a sorted array, so a transaction touching 6,000 scopes took
-- 10 s and 60,000 far longer. The scope's figures row now says whether it waits for a check: the
-- figures trigger marks it with its transaction, the guard clears the mark once it has checked
-- (a later statement of the same transaction marks it again). The row's lock, taken by the
-- figures trigger until commit, keeps two writers of one scope apart, so the guard no longer takes
-- an advisory lock of its own: a statement over more scopes than the lock table holds (64 per
-- connection) ran out of shared memory. The service still takes them, before it reads a scope.
CREATE OR REPLACE FUNCTION "ledger_guard"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  k text := concat_ws('|', NEW.unit_code, NEW.program_code, NEW.plan_year,
                      COALESCE(NEW.carried_over_from::text, ''), NEW.source, NEW.capital_type);
  b record;
BEGIN
  PERFORM 1 FROM ledger_figures WHERE scope_key = k AND guard_pending_tx = txid_current();
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  SELECT * INTO b FROM ledger_first_breach(NEW.unit_code, NEW.program_code, NEW.plan_year, NEW.carried_over_from,
                                           NEW.source::text, NEW.capital_type::text);
  IF FOUND THEN
    RAISE EXCEPTION 'ledger guard: % on % in scope %', b.rule, b.breach_on, k
      USING ERRCODE = 'check_violation',
            DETAIL = format('allocated %s, disbursed %s, refunded %s, carried forward %s',
                            b.allocated, b.disbursed, b.refunded, b.carried_forward);
  END IF;
  UPDATE ledger_figures SET guard_pending_tx = NULL WHERE scope_key = k;
  RETURN NULL;
END
$$;

-- The ledger's version: every instance keys its cached answers by it and reads it before each
-- (src/rules/answer-cache.ts), so a change committed on any instance, or by anyone with SQL, is
-- seen by the next request everywhere; nothing has to be told. It is bumped once per transaction
-- that changes what an evaluation reads. On the ledger tables the bump is deferred to the end of
-- the transaction (after the guards, which are named before it), so concurrent posts hold the one
-- row's lock only while they commit.
CREATE FUNCTION "ledger_version_bump"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  stamp text := txid_current()::text;
BEGIN
  IF TG_LEVEL = 'ROW' THEN
    IF current_setting('dm_ledger.bumped', true) = stamp THEN
      RETURN NULL;
    END IF;
    PERFORM set_config('dm_ledger.bumped', stamp, true);
  END IF;
  UPDATE ledger_version SET version = version + 1;
  RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER "allocation_version" AFTER INSERT ON "allocation"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "ledger_version_bump"();
CREATE CONSTRAINT TRIGGER "disbursement_version" AFTER INSERT ON "disbursement"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "ledger_version_bump"();
CREATE CONSTRAINT TRIGGER "refund_version" AFTER INSERT ON "refund"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "ledger_version_bump"();
CREATE CONSTRAINT TRIGGER "carry_forward_version" AFTER INSERT ON "carry_forward"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "ledger_version_bump"();

-- What else changes an evaluation's answer: units, plans, requests, closings and their verdicts.
CREATE TRIGGER "unit_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "unit"
  FOR EACH STATEMENT EXECUTE FUNCTION "ledger_version_bump"();
CREATE TRIGGER "plan_version_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "plan_version"
  FOR EACH STATEMENT EXECUTE FUNCTION "ledger_version_bump"();
CREATE TRIGGER "reallocation_request_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "reallocation_request"
  FOR EACH STATEMENT EXECUTE FUNCTION "ledger_version_bump"();
CREATE TRIGGER "reallocation_line_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "reallocation_line"
  FOR EACH STATEMENT EXECUTE FUNCTION "ledger_version_bump"();
CREATE TRIGGER "milestone_closing_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "milestone_closing"
  FOR EACH STATEMENT EXECUTE FUNCTION "ledger_version_bump"();
CREATE TRIGGER "milestone_verdict_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "milestone_verdict"
  FOR EACH STATEMENT EXECUTE FUNCTION "ledger_version_bump"();
