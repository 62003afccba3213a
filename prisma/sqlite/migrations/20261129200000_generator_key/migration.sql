-- AlterTable
ALTER TABLE "Dataset" ADD COLUMN "generatorKey" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Dataset_generatorKey_key" ON "Dataset"("generatorKey");

