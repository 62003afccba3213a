import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConflictError } from "@/lib/errors";
import { createSweep } from "@/lib/repo/sweeps";
import { sweepConfigSchema } from "@/lib/sweep/schema";
import { openTestDatabase, testDatabaseKinds, type TestDatabase } from "@/lib/testing/databases";
import { claimNextTrial, completeTrial, failTrial, heartbeatTrial } from "./lease";
import { trialResultSchema } from "./schemas";

/**
 * 20 claimers race over a 200-trial sweep. On a first attempt, some trials
 * fail and some are abandoned (the lease lapses). A shared virtual clock
 * advances with every operation so that abandoned leases really expire and
 * get taken over while other claimers are still working.
 */
const CLAIMERS = 20;
const LEASE_SECONDS = 5;
const TICK_MS = 10;

function behaviourFor(trialOrder: number, attemptNumber: number): "complete" | "fail" | "lapse" {
  if (attemptNumber > 1) return "complete";
  if (trialOrder % 10 === 3) return "fail";
  if (trialOrder % 10 === 7) return "lapse";
  return "complete";
}

describe.each(testDatabaseKinds())("20 concurrent claimers on %s", (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await t?.drop();
  });

  it("finishes every trial exactly once with no attempt lost and no token winning twice", async () => {
    const config = sweepConfigSchema.parse({
      name: "concurrency",
      axes: {
        augmentation: { values: [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1] },
        mixRatio: { values: ["none", 1, 2, 5, 10] },
        seeds: { values: [0, 1, 2, 3] },
      },
      execution: { leaseSeconds: LEASE_SECONDS, maxAttempts: 20 },
    });
    const { sweep } = await createSweep(t.db, config);
    expect(sweep.trialCount).toBe(200);

    let clockMs = Date.UTC(2030, 0, 1);
    const tick = () => new Date((clockMs += TICK_MS));
    const claimedTokens: string[] = [];
    const acceptedTokens: string[] = [];
    const abandoned = new Set<string>();
    const stats = { failed: 0, lapsed: 0, lostLease: 0, idleRounds: 0 };

    async function unfinished(): Promise<number> {
      return t.db.trial.count({ where: { sweepId: sweep.id, status: { notIn: ["done", "failed", "cancelled"] } } });
    }

    // When every running trial belongs to an abandoned attempt, jump the clock
    // past the first expiry; otherwise wait for the busy claimers.
    async function letAbandonedLeasesLapse(): Promise<void> {
      const running = await t.db.trial.findMany({ where: { sweepId: sweep.id, status: "running" } });
      if (running.length > 0 && running.every((trial) => abandoned.has(trial.leaseToken ?? ""))) {
        const firstExpiry = Math.min(...running.map((trial) => trial.leaseExpiresAt!.getTime()));
        clockMs = Math.max(clockMs, firstExpiry + 1);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }

    async function claimer(workerId: string): Promise<void> {
      for (let round = 0; round < 10_000; round++) {
        const claim = await claimNextTrial(t.db, { sweepId: sweep.id, workerId, now: tick() });
        if (!claim) {
          if ((await unfinished()) === 0) return;
          stats.idleRounds++;
          await letAbandonedLeasesLapse();
          continue;
        }
        claimedTokens.push(claim.attempt.token);
        const ids = { trialId: claim.trial.id, token: claim.attempt.token };
        const behaviour = behaviourFor(claim.trial.orderIndex, claim.attempt.number);
        if (behaviour === "lapse") {
          abandoned.add(claim.attempt.token);
          stats.lapsed++;
          continue;
        }
        try {
          await heartbeatTrial(t.db, { ...ids, progress: { phase: "train", step: 1, totalSteps: 2 }, now: tick() });
          if (behaviour === "fail") {
            await failTrial(t.db, { ...ids, message: `simulated failure of ${claim.trial.orderIndex}`, now: tick() });
            stats.failed++;
            continue;
          }
          const result = trialResultSchema.parse({
            linearProbeAccuracy: 0.5,
            finalLoss: 1,
            durationMs: 10,
            environment: { backend: "cpu", runtime: workerId },
          });
          const outcome = await completeTrial(t.db, { ...ids, result, now: tick() });
          if (outcome === "accepted") acceptedTokens.push(claim.attempt.token);
        } catch (error) {
          // A lease can lapse under a slow claimer and be taken over: that is
          // the protocol working, and the other claimer finishes the trial.
          if (!(error instanceof ConflictError)) throw error;
          stats.lostLease++;
        }
      }
      throw new Error(`${workerId} did not finish`);
    }

    await Promise.all(Array.from({ length: CLAIMERS }, (_, i) => claimer(`claimer-${i}`)));

    const trials = await t.db.trial.findMany({ where: { sweepId: sweep.id }, include: { attempts: true } });
    const attempts = trials.flatMap((trial) => trial.attempts);
    console.log(`${kind}: ${claimedTokens.length} attempts for 200 trials`, stats);
    expect(trials.filter((trial) => trial.status !== "done").map((trial) => [trial.orderIndex, trial.status, trial.lastError])).toEqual([]);
    for (const trial of trials) {
      const done = trial.attempts.filter((a) => a.status === "done");
      expect(done).toHaveLength(1);
      expect(trial.doneAttemptId).toBe(done[0]!.id);
      expect(trial.attempts.map((a) => a.number).sort((a, b) => a - b)).toEqual(trial.attempts.map((_, i) => i + 1));
      expect(trial.attemptCount).toBe(trial.attempts.length);
    }
    // Every claim the claimers saw is an attempt row, and nothing else is.
    expect(attempts).toHaveLength(claimedTokens.length);
    expect(new Set(attempts.map((a) => a.token))).toEqual(new Set(claimedTokens));
    expect(new Set(claimedTokens).size).toBe(claimedTokens.length);
    // No token won twice, and exactly one token won per trial.
    expect(new Set(acceptedTokens).size).toBe(acceptedTokens.length);
    expect(acceptedTokens).toHaveLength(200);
    expect(attempts.filter((a) => a.status === "running")).toHaveLength(0);
    expect(attempts.filter((a) => a.status === "failed").length).toBe(stats.failed);
    // Each trial has exactly one first attempt, so 20 are abandoned and 20
    // try to fail (a few of those may find their lease already taken over).
    expect(stats.lapsed).toBe(20);
    expect(stats.failed).toBeGreaterThan(10);
    expect(attempts.filter((a) => a.status === "expired").length).toBeGreaterThanOrEqual(20);
  });
});
