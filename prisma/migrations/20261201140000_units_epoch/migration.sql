-- AlterTable
ALTER TABLE "ledger_version" ADD COLUMN     "units_epoch" BIGINT NOT NULL DEFAULT 0;

-- Why: every national read needs the units (names, kinds): 10,000 rows, about 40 ms of a cold
-- evaluation's 350 when read each time. Readers keep the list and read this one value instead;
-- any change to the units, by any writer (another instance, plain SQL), moves it in the same
-- transaction. The ledger's version moves too (unit_version), but also with every post.
CREATE FUNCTION "units_epoch_bump"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE ledger_version SET units_epoch = units_epoch + 1;
  RETURN NULL;
END
$$;

CREATE TRIGGER "unit_epoch" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "unit"
  FOR EACH STATEMENT EXECUTE FUNCTION "units_epoch_bump"();
