-- AlterTable
ALTER TABLE "ledger_version" ADD COLUMN     "admission_epoch" BIGINT NOT NULL DEFAULT 0;

-- Why: every post read its years' plans and closings before its transaction, two round trips of
-- the six it made. The service keeps them and checks this one value instead, read in the same
-- statement as the scopes' locks and movements (src/ledger/ledger.repository.ts); any change to a
-- plan or a closing, by any writer, moves it in the changing transaction.
CREATE FUNCTION "admission_epoch_bump"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE ledger_version SET admission_epoch = admission_epoch + 1;
  RETURN NULL;
END
$$;

CREATE TRIGGER "plan_version_admission_epoch" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "plan_version"
  FOR EACH STATEMENT EXECUTE FUNCTION "admission_epoch_bump"();
CREATE TRIGGER "milestone_closing_admission_epoch" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "milestone_closing"
  FOR EACH STATEMENT EXECUTE FUNCTION "admission_epoch_bump"();
