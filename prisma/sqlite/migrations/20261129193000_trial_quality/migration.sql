-- AlterTable
ALTER TABLE "Trial" ADD COLUMN "generatedFid" REAL;
ALTER TABLE "Trial" ADD COLUMN "generatedPrecision" REAL;
ALTER TABLE "Trial" ADD COLUMN "generatedRecall" REAL;

