-- CreateTable
CREATE TABLE "Dataset" (
    "sha256" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "count" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,
    "width" INTEGER NOT NULL,
    "channels" INTEGER NOT NULL,
    "numClasses" INTEGER NOT NULL,
    "classNamesJson" TEXT NOT NULL,
    "notesJson" TEXT NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "sourceBytes" INTEGER NOT NULL,
    "sourceNamesJson" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Dataset_pkey" PRIMARY KEY ("sha256")
);

-- CreateIndex
CREATE INDEX "Dataset_createdAt_idx" ON "Dataset"("createdAt");
