-- CreateEnum
CREATE TYPE "AlertOutcome" AS ENUM ('queued', 'skipped');

-- CreateEnum
CREATE TYPE "OutboxStatus" AS ENUM ('pending', 'sending', 'sent', 'retry', 'dead');

-- CreateTable
CREATE TABLE "alert_record" (
    "id" BIGSERIAL NOT NULL,
    "plan_year" INTEGER NOT NULL,
    "milestone_id" TEXT NOT NULL,
    "unit_code" TEXT NOT NULL,
    "program" TEXT NOT NULL,
    "stage" TEXT NOT NULL,
    "recipient" TEXT NOT NULL,
    "outcome" "AlertOutcome" NOT NULL,
    "skip_reason" TEXT,
    "snapshot" JSONB NOT NULL,
    "as_of" DATE NOT NULL,
    "message_id" BIGINT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alert_record_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "outbox_message" (
    "id" BIGSERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "recipient" TEXT NOT NULL,
    "cc" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "subject" TEXT NOT NULL,
    "html" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "header_message_id" TEXT NOT NULL,
    "status" "OutboxStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lease_until" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "temporary_failures" INTEGER NOT NULL DEFAULT 0,
    "permanent_failures" INTEGER NOT NULL DEFAULT 0,
    "sent_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "outbox_message_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "admin_recipient" (
    "email" TEXT NOT NULL,
    "name" TEXT,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "admin_recipient_pkey" PRIMARY KEY ("email")
);

-- CreateTable
CREATE TABLE "evaluation_run" (
    "id" BIGSERIAL NOT NULL,
    "as_of" DATE NOT NULL,
    "trigger" TEXT NOT NULL,
    "instance" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    "queued" INTEGER NOT NULL DEFAULT 0,
    "skipped" INTEGER NOT NULL DEFAULT 0,
    "messages" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,

    CONSTRAINT "evaluation_run_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "alert_record_unit_code_created_at_idx" ON "alert_record"("unit_code", "created_at");

-- CreateIndex
CREATE INDEX "alert_record_message_id_idx" ON "alert_record"("message_id");

-- CreateIndex
CREATE UNIQUE INDEX "alert_record_key" ON "alert_record"("plan_year", "milestone_id", "unit_code", "program", "stage", "recipient");

-- CreateIndex
CREATE UNIQUE INDEX "outbox_message_header_message_id_key" ON "outbox_message"("header_message_id");

-- CreateIndex
CREATE INDEX "outbox_message_status_next_attempt_at_idx" ON "outbox_message"("status", "next_attempt_at");

-- CreateIndex
CREATE INDEX "evaluation_run_finished_at_idx" ON "evaluation_run"("finished_at");

-- AddForeignKey
ALTER TABLE "alert_record" ADD CONSTRAINT "alert_record_message_id_fkey" FOREIGN KEY ("message_id") REFERENCES "outbox_message"("id") ON DELETE SET NULL ON UPDATE CASCADE;
