-- The database's guard over the ledger: the same invariants as src/domain/ledger-rules.ts, held
-- by every writer, the service or anyone with SQL. For every scope and every local date d, with
-- each movement counted at its own date:
--   0 <= disbursed(<=d)  and  disbursed(<=d) + refunded(<=d) + carried_forward(<=d) <= allocated(<=d) <= 10^15
-- and a correction names an entry of its own scope dated on or before it.
-- test/ledger-invariants.property.test.ts shows this guard and the pure rules agree.

-- The one-call post of disbursements checked all-time totals of two movements; posts now go
-- through the pure rules under the scopes' locks, and this guard checks what they leave.
DROP FUNCTION "post_disbursements"(text[], text[], text[], text[], int[], int[], text[], text[], bigint[], date[], text[], bigint[], text[], text);

-- The first date at which a scope breaks an invariant (nothing when it holds at every date).
-- Sums are numeric: no order of entries can overflow them.
CREATE FUNCTION "ledger_first_breach"(p_unit text, p_program text, p_year int, p_from int, p_source text, p_type text)
RETURNS TABLE (breach_on date, rule text, allocated numeric, disbursed numeric, refunded numeric, carried_forward numeric)
LANGUAGE sql STABLE AS $$
  WITH m AS (
    SELECT decided_on AS d, amount AS a, 0::bigint AS dis, 0::bigint AS ref, 0::bigint AS cf FROM allocation
     WHERE unit_code = p_unit AND program_code = p_program AND plan_year = p_year
       AND carried_over_from IS NOT DISTINCT FROM p_from AND source::text = p_source AND capital_type::text = p_type
    UNION ALL
    SELECT disbursed_on, 0, amount, 0, 0 FROM disbursement
     WHERE unit_code = p_unit AND program_code = p_program AND plan_year = p_year
       AND carried_over_from IS NOT DISTINCT FROM p_from AND source::text = p_source AND capital_type::text = p_type
    UNION ALL
    SELECT refunded_on, 0, 0, amount, 0 FROM refund
     WHERE unit_code = p_unit AND program_code = p_program AND plan_year = p_year
       AND carried_over_from IS NOT DISTINCT FROM p_from AND source::text = p_source AND capital_type::text = p_type
    UNION ALL
    SELECT approved_on, 0, 0, 0, amount FROM carry_forward
     WHERE unit_code = p_unit AND program_code = p_program AND plan_year = p_year
       AND carried_over_from IS NOT DISTINCT FROM p_from AND source::text = p_source AND capital_type::text = p_type
  ), daily AS (
    SELECT d, SUM(a) AS a, SUM(dis) AS dis, SUM(ref) AS ref, SUM(cf) AS cf FROM m GROUP BY d
  ), running AS (
    SELECT d, SUM(a) OVER w AS a, SUM(dis) OVER w AS dis, SUM(ref) OVER w AS ref, SUM(cf) OVER w AS cf
      FROM daily WINDOW w AS (ORDER BY d)
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

-- Runs at commit (deferred), once per scope and statement: a batch of a thousand rows of one scope
-- checks it once, and a transaction of several statements (a reallocation, an import in chunks) is
-- judged on what it leaves, like the pure rules judge a post. It takes the scope's lock, the same
-- one the service takes, so two writers cannot both pass on what the other has not committed.
CREATE FUNCTION "ledger_guard"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  k text := concat_ws('|', NEW.unit_code, NEW.program_code, NEW.plan_year,
                      COALESCE(NEW.carried_over_from::text, ''), NEW.source, NEW.capital_type);
  marker text := 'dm_guard.k' || md5(k);
  stamp text := txid_current()::text || '@' || statement_timestamp()::text;
  b record;
BEGIN
  IF current_setting(marker, true) = stamp THEN
    RETURN NULL;
  END IF;
  PERFORM pg_advisory_xact_lock(hashtextextended(k, 0));
  SELECT * INTO b FROM ledger_first_breach(NEW.unit_code, NEW.program_code, NEW.plan_year, NEW.carried_over_from,
                                           NEW.source::text, NEW.capital_type::text);
  IF FOUND THEN
    RAISE EXCEPTION 'ledger guard: % on % in scope %', b.rule, b.breach_on, k
      USING ERRCODE = 'check_violation',
            DETAIL = format('allocated %s, disbursed %s, refunded %s, carried forward %s',
                            b.allocated, b.disbursed, b.refunded, b.carried_forward);
  END IF;
  PERFORM set_config(marker, stamp, true);
  RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER "allocation_guard" AFTER INSERT ON "allocation"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "ledger_guard"();
CREATE CONSTRAINT TRIGGER "disbursement_guard" AFTER INSERT ON "disbursement"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "ledger_guard"();
CREATE CONSTRAINT TRIGGER "refund_guard" AFTER INSERT ON "refund"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "ledger_guard"();
CREATE CONSTRAINT TRIGGER "carry_forward_guard" AFTER INSERT ON "carry_forward"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "ledger_guard"();

-- A correction names an entry of its own scope, dated on or before it. TG_ARGV[0]: the date column.
CREATE FUNCTION "ledger_correction_guard"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  t record;
  new_on date := (to_jsonb(NEW) ->> TG_ARGV[0])::date;
BEGIN
  IF NEW.corrects_id IS NULL THEN
    RETURN NEW;
  END IF;
  EXECUTE format('SELECT unit_code, program_code, plan_year, carried_over_from, source, capital_type, %I AS on_date FROM %I WHERE id = $1',
                 TG_ARGV[0], TG_TABLE_NAME)
    INTO t USING NEW.corrects_id;
  IF t IS NULL THEN
    RETURN NEW; -- the foreign key answers for a missing entry
  END IF;
  IF t.unit_code <> NEW.unit_code OR t.program_code <> NEW.program_code OR t.plan_year <> NEW.plan_year
     OR t.carried_over_from IS DISTINCT FROM NEW.carried_over_from OR t.source <> NEW.source
     OR t.capital_type <> NEW.capital_type THEN
    RAISE EXCEPTION 'ledger guard: same_scope: % % corrects an entry of another scope', TG_TABLE_NAME, NEW.corrects_id
      USING ERRCODE = 'check_violation';
  END IF;
  IF new_on < t.on_date THEN
    RAISE EXCEPTION 'ledger guard: correction_before_entry: dated % before the corrected entry (%)', new_on, t.on_date
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER "allocation_correction_guard" BEFORE INSERT ON "allocation"
  FOR EACH ROW EXECUTE FUNCTION "ledger_correction_guard"('decided_on');
CREATE TRIGGER "disbursement_correction_guard" BEFORE INSERT ON "disbursement"
  FOR EACH ROW EXECUTE FUNCTION "ledger_correction_guard"('disbursed_on');
