-- CreateEnum
CREATE TYPE "RequestState" AS ENUM ('submitted', 'approved', 'rejected');

-- AlterTable
ALTER TABLE "allocation" ADD COLUMN     "reallocation_id" BIGINT;

-- CreateTable
CREATE TABLE "reallocation_request" (
    "id" BIGSERIAL NOT NULL,
    "unit_code" TEXT NOT NULL,
    "plan_year" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "document_ref" TEXT NOT NULL,
    "sent_on" DATE NOT NULL,
    "state" "RequestState" NOT NULL DEFAULT 'submitted',
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decision_ref" TEXT,
    "decided_on" DATE,
    "decided_by" TEXT,
    "decision_note" TEXT,

    CONSTRAINT "reallocation_request_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reallocation_line" (
    "id" BIGSERIAL NOT NULL,
    "request_id" BIGINT NOT NULL,
    "program_code" TEXT NOT NULL,
    "source" "CapitalSource" NOT NULL,
    "capital_type" "CapitalType" NOT NULL,
    "amount" BIGINT NOT NULL,
    "approved_amount" BIGINT,

    CONSTRAINT "reallocation_line_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reallocation_transfer" (
    "id" BIGSERIAL NOT NULL,
    "request_id" BIGINT NOT NULL,
    "line_id" BIGINT NOT NULL,
    "to_unit_code" TEXT NOT NULL,
    "amount" BIGINT NOT NULL,

    CONSTRAINT "reallocation_transfer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "carry_forward" (
    "id" BIGSERIAL NOT NULL,
    "unit_code" TEXT NOT NULL,
    "program_code" TEXT NOT NULL,
    "plan_year" INTEGER NOT NULL,
    "source" "CapitalSource" NOT NULL,
    "capital_type" "CapitalType" NOT NULL,
    "amount" BIGINT NOT NULL,
    "legal_basis" TEXT NOT NULL,
    "approved_on" DATE NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "carry_forward_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "refund" (
    "id" BIGSERIAL NOT NULL,
    "unit_code" TEXT NOT NULL,
    "program_code" TEXT NOT NULL,
    "plan_year" INTEGER NOT NULL,
    "source" "CapitalSource" NOT NULL,
    "capital_type" "CapitalType" NOT NULL,
    "amount" BIGINT NOT NULL,
    "refunded_on" DATE NOT NULL,
    "reference" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "refund_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_event" (
    "id" BIGSERIAL NOT NULL,
    "entity" TEXT NOT NULL,
    "entity_id" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "document" TEXT,
    "details" JSONB NOT NULL,

    CONSTRAINT "audit_event_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "reallocation_request_plan_year_unit_code_sent_on_idx" ON "reallocation_request"("plan_year", "unit_code", "sent_on");

-- CreateIndex
CREATE UNIQUE INDEX "reallocation_line_request_id_program_code_source_capital_ty_key" ON "reallocation_line"("request_id", "program_code", "source", "capital_type");

-- CreateIndex
CREATE INDEX "carry_forward_plan_year_unit_code_idx" ON "carry_forward"("plan_year", "unit_code");

-- CreateIndex
CREATE INDEX "refund_plan_year_unit_code_idx" ON "refund"("plan_year", "unit_code");

-- CreateIndex
CREATE INDEX "audit_event_entity_entity_id_at_idx" ON "audit_event"("entity", "entity_id", "at");

-- AddForeignKey
ALTER TABLE "allocation" ADD CONSTRAINT "allocation_reallocation_id_fkey" FOREIGN KEY ("reallocation_id") REFERENCES "reallocation_request"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reallocation_line" ADD CONSTRAINT "reallocation_line_request_id_fkey" FOREIGN KEY ("request_id") REFERENCES "reallocation_request"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reallocation_transfer" ADD CONSTRAINT "reallocation_transfer_request_id_fkey" FOREIGN KEY ("request_id") REFERENCES "reallocation_request"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reallocation_transfer" ADD CONSTRAINT "reallocation_transfer_line_id_fkey" FOREIGN KEY ("line_id") REFERENCES "reallocation_line"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Refunds and carry-forward approvals are records of money moved: append-only like the ledger.
CREATE TRIGGER "refund_append_only" BEFORE UPDATE OR DELETE ON "refund"
  FOR EACH ROW EXECUTE FUNCTION "reject_ledger_change"();
CREATE TRIGGER "carry_forward_append_only" BEFORE UPDATE OR DELETE ON "carry_forward"
  FOR EACH ROW EXECUTE FUNCTION "reject_ledger_change"();
CREATE TRIGGER "audit_event_append_only" BEFORE UPDATE OR DELETE ON "audit_event"
  FOR EACH ROW EXECUTE FUNCTION "reject_ledger_change"();
