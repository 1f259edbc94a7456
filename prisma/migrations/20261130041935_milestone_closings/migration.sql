-- CreateTable
CREATE TABLE "milestone_closing" (
    "id" BIGSERIAL NOT NULL,
    "plan_year" INTEGER NOT NULL,
    "milestone_id" TEXT NOT NULL,
    "milestone" JSONB NOT NULL,
    "plan_version" INTEGER NOT NULL,
    "due_on" DATE NOT NULL,
    "closed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closed_by" TEXT NOT NULL,
    "document" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "automatic" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "milestone_closing_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "milestone_verdict" (
    "closing_id" BIGINT NOT NULL,
    "unit_code" TEXT NOT NULL,
    "program" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "allocated" BIGINT NOT NULL,
    "disbursed" BIGINT NOT NULL,
    "rate" DOUBLE PRECISION,
    "shortfall" BIGINT NOT NULL,

    CONSTRAINT "milestone_verdict_pkey" PRIMARY KEY ("closing_id","unit_code","program")
);

-- CreateIndex
CREATE UNIQUE INDEX "milestone_closing_plan_year_milestone_id_key" ON "milestone_closing"("plan_year", "milestone_id");

-- AddForeignKey
ALTER TABLE "milestone_verdict" ADD CONSTRAINT "milestone_verdict_closing_id_fkey" FOREIGN KEY ("closing_id") REFERENCES "milestone_closing"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
