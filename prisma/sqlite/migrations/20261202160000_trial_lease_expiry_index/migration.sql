-- CreateIndex
CREATE INDEX "Trial_sweepId_status_leaseExpiresAt_idx" ON "Trial"("sweepId", "status", "leaseExpiresAt");
