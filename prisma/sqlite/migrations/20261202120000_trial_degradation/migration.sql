-- AlterTable
ALTER TABLE "Trial" ADD COLUMN "degradation" REAL;
