-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Sweep" (
    "id" TEXT NOT NULL,
    "shareId" TEXT NOT NULL,
    "ownerSecretHash" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "configJson" TEXT NOT NULL,
    "configHash" TEXT NOT NULL,
    "trialCount" INTEGER NOT NULL,
    "leaseSeconds" INTEGER NOT NULL,
    "maxAttempts" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Sweep_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Trial" (
    "id" TEXT NOT NULL,
    "sweepId" TEXT NOT NULL,
    "orderIndex" INTEGER NOT NULL,
    "cellKey" TEXT NOT NULL,
    "augKnob" TEXT NOT NULL,
    "augValue" DOUBLE PRECISION NOT NULL,
    "mixRatio" DOUBLE PRECISION,
    "generatedSize" INTEGER NOT NULL,
    "seed" INTEGER NOT NULL,
    "configHash" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "attemptCount" INTEGER NOT NULL DEFAULT 0,
    "failureCount" INTEGER NOT NULL DEFAULT 0,
    "leaseToken" TEXT,
    "leaseExpiresAt" TIMESTAMP(3),
    "doneAttemptId" TEXT,
    "linearAcc" DOUBLE PRECISION,
    "knnAcc" DOUBLE PRECISION,
    "finalLoss" DOUBLE PRECISION,
    "durationMs" INTEGER,
    "imagesPerSec" DOUBLE PRECISION,
    "backend" TEXT,
    "lastError" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Trial_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Attempt" (
    "id" TEXT NOT NULL,
    "trialId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "token" TEXT NOT NULL,
    "workerId" TEXT,
    "status" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leaseExpiresAt" TIMESTAMP(3) NOT NULL,
    "heartbeatAt" TIMESTAMP(3),
    "heartbeatCount" INTEGER NOT NULL DEFAULT 0,
    "progressJson" TEXT,
    "finishedAt" TIMESTAMP(3),
    "errorMessage" TEXT,
    "resultJson" TEXT,
    "resultHash" TEXT,
    "environmentJson" TEXT,

    CONSTRAINT "Attempt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Worker" (
    "id" TEXT NOT NULL,
    "sweepId" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "userAgent" TEXT,
    "infoJson" TEXT,
    "firstSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Worker_pkey" PRIMARY KEY ("sweepId","id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Sweep_shareId_key" ON "Sweep"("shareId");

-- CreateIndex
CREATE INDEX "Trial_sweepId_status_orderIndex_idx" ON "Trial"("sweepId", "status", "orderIndex");

-- CreateIndex
CREATE UNIQUE INDEX "Trial_sweepId_orderIndex_key" ON "Trial"("sweepId", "orderIndex");

-- CreateIndex
CREATE UNIQUE INDEX "Trial_sweepId_cellKey_seed_key" ON "Trial"("sweepId", "cellKey", "seed");

-- CreateIndex
CREATE UNIQUE INDEX "Attempt_token_key" ON "Attempt"("token");

-- CreateIndex
CREATE UNIQUE INDEX "Attempt_trialId_number_key" ON "Attempt"("trialId", "number");

-- CreateIndex
CREATE INDEX "Worker_sweepId_lastSeenAt_idx" ON "Worker"("sweepId", "lastSeenAt");

-- AddForeignKey
ALTER TABLE "Trial" ADD CONSTRAINT "Trial_sweepId_fkey" FOREIGN KEY ("sweepId") REFERENCES "Sweep"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Attempt" ADD CONSTRAINT "Attempt_trialId_fkey" FOREIGN KEY ("trialId") REFERENCES "Trial"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Worker" ADD CONSTRAINT "Worker_sweepId_fkey" FOREIGN KEY ("sweepId") REFERENCES "Sweep"("id") ON DELETE CASCADE ON UPDATE CASCADE;

