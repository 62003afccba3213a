-- AlterTable
ALTER TABLE "Trial" ADD COLUMN     "generatedFid" DOUBLE PRECISION,
ADD COLUMN     "generatedPrecision" DOUBLE PRECISION,
ADD COLUMN     "generatedRecall" DOUBLE PRECISION;

