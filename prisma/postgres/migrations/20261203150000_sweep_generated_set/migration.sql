-- A browser-trained generated set belongs to one sweep: only a worker holding
-- a live lease on that sweep, or its owner, can register it (issue 11 item 5).
-- AlterTable
ALTER TABLE "Sweep" ADD COLUMN "generatedSha256" TEXT;

-- The generator key stays on the dataset as a record of what made it, but is
-- no longer unique: two sweeps with the same key have sets of their own.
-- DropIndex
DROP INDEX "Dataset_generatorKey_key";

-- CreateIndex
CREATE INDEX "Dataset_generatorKey_idx" ON "Dataset"("generatorKey");
