-- AlterTable
ALTER TABLE "carry_forward" ADD COLUMN     "carried_over_from" INTEGER;

-- AlterTable
ALTER TABLE "refund" ADD COLUMN     "carried_over_from" INTEGER;
