-- CreateTable
CREATE TABLE "Sweep" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shareId" TEXT NOT NULL,
    "ownerSecretHash" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "configJson" TEXT NOT NULL,
    "configHash" TEXT NOT NULL,
    "trialCount" INTEGER NOT NULL,
    "leaseSeconds" INTEGER NOT NULL,
    "maxAttempts" INTEGER NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Trial" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "sweepId" TEXT NOT NULL,
    "orderIndex" INTEGER NOT NULL,
    "cellKey" TEXT NOT NULL,
    "augKnob" TEXT NOT NULL,
    "augValue" REAL NOT NULL,
    "mixRatio" REAL,
    "generatedSize" INTEGER NOT NULL,
    "seed" INTEGER NOT NULL,
    "configHash" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "attemptCount" INTEGER NOT NULL DEFAULT 0,
    "failureCount" INTEGER NOT NULL DEFAULT 0,
    "leaseToken" TEXT,
    "leaseExpiresAt" DATETIME,
    "doneAttemptId" TEXT,
    "linearAcc" REAL,
    "knnAcc" REAL,
    "finalLoss" REAL,
    "durationMs" INTEGER,
    "imagesPerSec" REAL,
    "backend" TEXT,
    "lastError" TEXT,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Trial_sweepId_fkey" FOREIGN KEY ("sweepId") REFERENCES "Sweep" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Attempt" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "trialId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "token" TEXT NOT NULL,
    "workerId" TEXT,
    "status" TEXT NOT NULL,
    "startedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leaseExpiresAt" DATETIME NOT NULL,
    "heartbeatAt" DATETIME,
    "heartbeatCount" INTEGER NOT NULL DEFAULT 0,
    "progressJson" TEXT,
    "finishedAt" DATETIME,
    "errorMessage" TEXT,
    "resultJson" TEXT,
    "resultHash" TEXT,
    "environmentJson" TEXT,
    CONSTRAINT "Attempt_trialId_fkey" FOREIGN KEY ("trialId") REFERENCES "Trial" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Worker" (
    "id" TEXT NOT NULL,
    "sweepId" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "userAgent" TEXT,
    "infoJson" TEXT,
    "firstSeenAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("sweepId", "id"),
    CONSTRAINT "Worker_sweepId_fkey" FOREIGN KEY ("sweepId") REFERENCES "Sweep" ("id") ON DELETE CASCADE ON UPDATE CASCADE
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

