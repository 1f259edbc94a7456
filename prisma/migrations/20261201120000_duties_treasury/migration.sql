-- CreateTable
CREATE TABLE "duty_submission" (
    "id" BIGSERIAL NOT NULL,
    "plan_year" INTEGER NOT NULL,
    "duty_id" TEXT NOT NULL,
    "unit_code" TEXT NOT NULL,
    "document_number" TEXT NOT NULL,
    "submitted_on" DATE NOT NULL,
    "note" TEXT,
    "withdraws_id" BIGINT,
    "file_name" TEXT,
    "file_type" TEXT,
    "file_size" INTEGER,
    "file_sha256" TEXT,
    "file_content" BYTEA,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "duty_submission_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "treasury_statement" (
    "id" BIGSERIAL NOT NULL,
    "as_of" DATE NOT NULL,
    "document_ref" TEXT NOT NULL,
    "file_name" TEXT NOT NULL,
    "file_sha256" TEXT NOT NULL,
    "imported_by" TEXT NOT NULL,
    "imported_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "treasury_statement_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "treasury_statement_line" (
    "statement_id" BIGINT NOT NULL,
    "line_no" INTEGER NOT NULL,
    "unit_code" TEXT NOT NULL,
    "program_code" TEXT NOT NULL,
    "plan_year" INTEGER NOT NULL,
    "carried_over_from" INTEGER,
    "source" "CapitalSource" NOT NULL,
    "capital_type" "CapitalType" NOT NULL,
    "disbursed" BIGINT NOT NULL,

    CONSTRAINT "treasury_statement_line_pkey" PRIMARY KEY ("statement_id","line_no")
);

-- CreateTable
CREATE TABLE "treasury_confirmation" (
    "id" BIGSERIAL NOT NULL,
    "unit_code" TEXT NOT NULL,
    "plan_year" INTEGER NOT NULL,
    "confirmed_until" DATE NOT NULL,
    "statement_id" BIGINT NOT NULL,
    "note" TEXT,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "treasury_confirmation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "duty_submission_plan_year_duty_id_unit_code_idx" ON "duty_submission"("plan_year", "duty_id", "unit_code");

-- CreateIndex
CREATE UNIQUE INDEX "treasury_statement_file_sha256_key" ON "treasury_statement"("file_sha256");

-- CreateIndex
CREATE INDEX "treasury_statement_as_of_idx" ON "treasury_statement"("as_of");

-- CreateIndex
CREATE INDEX "treasury_statement_line_unit_code_plan_year_idx" ON "treasury_statement_line"("unit_code", "plan_year");

-- CreateIndex
CREATE INDEX "treasury_confirmation_unit_code_plan_year_idx" ON "treasury_confirmation"("unit_code", "plan_year");

-- AddForeignKey
ALTER TABLE "treasury_statement_line" ADD CONSTRAINT "treasury_statement_line_statement_id_fkey" FOREIGN KEY ("statement_id") REFERENCES "treasury_statement"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Submissions and the Treasury's statements are records of what was sent and received: never
-- changed or removed (a submission is withdrawn by a new row).
CREATE TRIGGER "duty_submission_append_only" BEFORE UPDATE OR DELETE ON "duty_submission"
  FOR EACH ROW EXECUTE FUNCTION "reject_ledger_change"();
CREATE TRIGGER "treasury_statement_append_only" BEFORE UPDATE OR DELETE ON "treasury_statement"
  FOR EACH ROW EXECUTE FUNCTION "reject_ledger_change"();
CREATE TRIGGER "treasury_statement_line_append_only" BEFORE UPDATE OR DELETE ON "treasury_statement_line"
  FOR EACH ROW EXECUTE FUNCTION "reject_ledger_change"();
CREATE TRIGGER "treasury_confirmation_append_only" BEFORE UPDATE OR DELETE ON "treasury_confirmation"
  FOR EACH ROW EXECUTE FUNCTION "reject_ledger_change"();

-- Submissions and confirmations change what the views answer: cached national answers follow.
CREATE TRIGGER "duty_submission_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "duty_submission"
  FOR EACH STATEMENT EXECUTE FUNCTION "ledger_version_bump"();
CREATE TRIGGER "treasury_statement_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "treasury_statement"
  FOR EACH STATEMENT EXECUTE FUNCTION "ledger_version_bump"();
CREATE TRIGGER "treasury_confirmation_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "treasury_confirmation"
  FOR EACH STATEMENT EXECUTE FUNCTION "ledger_version_bump"();
