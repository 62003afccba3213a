-- AlterTable
ALTER TABLE "Trial" ADD COLUMN     "degradation" DOUBLE PRECISION;
