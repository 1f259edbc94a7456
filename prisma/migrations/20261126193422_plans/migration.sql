-- CreateTable
CREATE TABLE "plan_version" (
    "year" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,
    "plan" JSONB NOT NULL,
    "act" JSONB,
    "reason" TEXT,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "plan_version_pkey" PRIMARY KEY ("year","version")
);
