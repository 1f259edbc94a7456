-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "UnitKind" AS ENUM ('department', 'district');

-- CreateEnum
CREATE TYPE "CapitalSource" AS ENUM ('central', 'provincial', 'district', 'other');

-- CreateEnum
CREATE TYPE "CapitalType" AS ENUM ('investment', 'recurrent');

-- CreateEnum
CREATE TYPE "ApiKeyRole" AS ENUM ('admin', 'officer', 'viewer');

-- CreateTable
CREATE TABLE "program" (
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "program_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "unit" (
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "UnitKind" NOT NULL,
    "head_name" TEXT NOT NULL,
    "head_email" TEXT NOT NULL,
    "cc_emails" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by" TEXT NOT NULL,

    CONSTRAINT "unit_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "allocation" (
    "id" BIGSERIAL NOT NULL,
    "unit_code" TEXT NOT NULL,
    "program_code" TEXT NOT NULL,
    "plan_year" INTEGER NOT NULL,
    "carried_over_from" INTEGER,
    "source" "CapitalSource" NOT NULL,
    "capital_type" "CapitalType" NOT NULL,
    "amount" BIGINT NOT NULL,
    "decision_ref" TEXT NOT NULL,
    "decided_on" DATE NOT NULL,
    "corrects_id" BIGINT,
    "note" TEXT,
    "posted_by" TEXT NOT NULL,
    "posted_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "allocation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "disbursement" (
    "id" BIGSERIAL NOT NULL,
    "unit_code" TEXT NOT NULL,
    "program_code" TEXT NOT NULL,
    "plan_year" INTEGER NOT NULL,
    "carried_over_from" INTEGER,
    "source" "CapitalSource" NOT NULL,
    "capital_type" "CapitalType" NOT NULL,
    "amount" BIGINT NOT NULL,
    "disbursed_on" DATE NOT NULL,
    "reference" TEXT NOT NULL,
    "corrects_id" BIGINT,
    "note" TEXT,
    "posted_by" TEXT NOT NULL,
    "posted_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "disbursement_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "idempotency_record" (
    "scope" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "status_code" INTEGER NOT NULL,
    "response_body" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "idempotency_record_pkey" PRIMARY KEY ("scope","key")
);

-- CreateTable
CREATE TABLE "api_key" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" "ApiKeyRole" NOT NULL,
    "unit_codes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "key_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by" TEXT NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_key_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "allocation_unit_code_program_code_plan_year_decided_on_idx" ON "allocation"("unit_code", "program_code", "plan_year", "decided_on");

-- CreateIndex
CREATE INDEX "allocation_plan_year_decided_on_idx" ON "allocation"("plan_year", "decided_on");

-- CreateIndex
CREATE INDEX "disbursement_unit_code_program_code_plan_year_disbursed_on_idx" ON "disbursement"("unit_code", "program_code", "plan_year", "disbursed_on");

-- CreateIndex
CREATE INDEX "disbursement_plan_year_disbursed_on_idx" ON "disbursement"("plan_year", "disbursed_on");

-- CreateIndex
CREATE UNIQUE INDEX "api_key_key_hash_key" ON "api_key"("key_hash");

-- AddForeignKey
ALTER TABLE "allocation" ADD CONSTRAINT "allocation_unit_code_fkey" FOREIGN KEY ("unit_code") REFERENCES "unit"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "allocation" ADD CONSTRAINT "allocation_program_code_fkey" FOREIGN KEY ("program_code") REFERENCES "program"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "allocation" ADD CONSTRAINT "allocation_corrects_id_fkey" FOREIGN KEY ("corrects_id") REFERENCES "allocation"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "disbursement" ADD CONSTRAINT "disbursement_unit_code_fkey" FOREIGN KEY ("unit_code") REFERENCES "unit"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "disbursement" ADD CONSTRAINT "disbursement_program_code_fkey" FOREIGN KEY ("program_code") REFERENCES "program"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "disbursement" ADD CONSTRAINT "disbursement_corrects_id_fkey" FOREIGN KEY ("corrects_id") REFERENCES "disbursement"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- The ledger is append-only: corrections are new signed rows, never edits.
CREATE FUNCTION "reject_ledger_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger table % is append-only', TG_TABLE_NAME USING ERRCODE = 'P0001';
END;
$$;
CREATE TRIGGER "allocation_append_only" BEFORE UPDATE OR DELETE ON "allocation"
  FOR EACH ROW EXECUTE FUNCTION "reject_ledger_change"();
CREATE TRIGGER "disbursement_append_only" BEFORE UPDATE OR DELETE ON "disbursement"
  FOR EACH ROW EXECUTE FUNCTION "reject_ledger_change"();

-- The three National Target Programmes of 2021-2025.
INSERT INTO "program" ("code", "name") VALUES
  ('NTM', 'Chương trình MTQG xây dựng nông thôn mới'),
  ('GNBV', 'Chương trình MTQG giảm nghèo bền vững'),
  ('DTTS', 'Chương trình MTQG phát triển kinh tế - xã hội vùng đồng bào dân tộc thiểu số và miền núi');
