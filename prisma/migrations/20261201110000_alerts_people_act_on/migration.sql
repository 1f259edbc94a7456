-- CreateTable
CREATE TABLE "calendar_year" (
    "year" INTEGER NOT NULL,
    "days_off" JSONB NOT NULL,
    "working_days" JSONB NOT NULL,
    "source_document" TEXT NOT NULL,
    "source_url" TEXT,
    "updated_by" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "calendar_year_pkey" PRIMARY KEY ("year")
);

-- CreateTable
CREATE TABLE "alert_acknowledgement" (
    "id" BIGSERIAL NOT NULL,
    "message_id" BIGINT NOT NULL,
    "recipient" TEXT NOT NULL,
    "planned_action" TEXT,
    "planned_on" DATE,
    "acknowledged_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "acknowledged_on" DATE NOT NULL,

    CONSTRAINT "alert_acknowledgement_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "calendar_feed" (
    "id" BIGSERIAL NOT NULL,
    "unit_code" TEXT,
    "token_hash" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "calendar_feed_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_pair_watch" (
    "plan_year" INTEGER NOT NULL,
    "milestone_id" TEXT NOT NULL,
    "unit_code" TEXT NOT NULL,
    "program" TEXT NOT NULL,
    "recovered_on" DATE,
    "updated_on" DATE NOT NULL,

    CONSTRAINT "alert_pair_watch_pkey" PRIMARY KEY ("plan_year","milestone_id","unit_code","program")
);

-- CreateTable
CREATE TABLE "app_secret" (
    "name" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "app_secret_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE UNIQUE INDEX "alert_acknowledgement_message_id_recipient_key" ON "alert_acknowledgement"("message_id", "recipient");

-- CreateIndex
CREATE UNIQUE INDEX "calendar_feed_token_hash_key" ON "calendar_feed"("token_hash");

-- CreateIndex
CREATE INDEX "calendar_feed_unit_code_idx" ON "calendar_feed"("unit_code");

-- AddForeignKey
ALTER TABLE "alert_acknowledgement" ADD CONSTRAINT "alert_acknowledgement_message_id_fkey" FOREIGN KEY ("message_id") REFERENCES "outbox_message"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The calendar moves due dates (milestones that follow working days) and the working days left
-- every view shows: cached national answers are keyed by the ledger version, so it bumps it.
CREATE TRIGGER "calendar_year_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "calendar_year"
  FOR EACH STATEMENT EXECUTE FUNCTION "ledger_version_bump"();
