import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, testDatabaseKinds, type TestDatabase } from "@/lib/testing/databases";
import { createSweep, deleteSweep, getSweep } from "@/lib/repo/sweeps";
import { sweepConfigSchema } from "@/lib/sweep/schema";
import {
  cancelTrials,
  claimForWorker,
  claimNextTrial,
  completeTrial,
  failTrial,
  heartbeatTrial,
  MAX_ATTEMPT_HISTORY,
  releaseTrial,
  requeueTrials,
} from "./lease";
import { ConflictError } from "@/lib/errors";
import type { TrialResult } from "./schemas";
import { trialResultSchema } from "./schemas";

function result(accuracy: number): TrialResult {
  return trialResultSchema.parse({
    linearProbeAccuracy: accuracy,
    knnAccuracy: accuracy - 0.01,
    finalLoss: 1.5,
    lossCurve: [
      [0, 4.2],
      [10, 2.5],
    ],
    durationMs: 1234,
    imagesPerSecond: 321,
    environment: { backend: "cpu" },
  });
}

function smallConfig(overrides: { maxAttempts?: number; leaseSeconds?: number } = {}) {
  return sweepConfigSchema.parse({
    name: "lease test",
    axes: { augmentation: { values: [0, 1] }, mixRatio: { values: ["none", 10] }, seeds: { values: [0] } },
    execution: { maxAttempts: overrides.maxAttempts ?? 2, leaseSeconds: overrides.leaseSeconds ?? 30 },
  });
}

const at = (seconds: number) => new Date(Date.UTC(2030, 0, 1, 0, 0, seconds));

describe.each(testDatabaseKinds())("lease protocol on %s", (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await t?.drop();
  });

  it("claims trials in the sweep's order and records an attempt with a fresh token", async () => {
    const { sweep } = await createSweep(t.db, smallConfig());
    const first = await claimNextTrial(t.db, { sweepId: sweep.id, now: at(0) });
    const second = await claimNextTrial(t.db, { sweepId: sweep.id, now: at(0) });
    expect(first?.trial.orderIndex).toBe(0);
    expect(second?.trial.orderIndex).toBe(1);
    expect(first?.attempt.token).not.toBe(second?.attempt.token);
    expect(first?.attempt.leaseExpiresAt.getTime()).toBe(at(30).getTime());
    const attempts = await t.db.attempt.findMany({ where: { trialId: first!.trial.id } });
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ number: 1, status: "running", token: first!.attempt.token });
    expect((await getSweep(t.db, sweep.id)).counts).toMatchObject({ running: 2, queued: 2, total: 4 });
  });

  it("keeps at most MAX_ATTEMPT_HISTORY attempts per trial, never the running one or an accepted one", async () => {
    const { sweep } = await createSweep(
      t.db,
      sweepConfigSchema.parse({ ...smallConfig(), axes: { augmentation: { values: [1] }, mixRatio: { values: ["none"] }, seeds: { values: [0] } } }),
    );
    const first = (await claimForWorker(t.db, { sweepId: sweep.id })).claim!;
    expect(await completeTrial(t.db, { trialId: first.trial.id, token: first.attempt.token, result: result(0.5) })).toBe("accepted");
    await requeueTrials(t.db, { sweepId: sweep.id, trialIds: [first.trial.id], resetDone: true });
    // A client that claims and gives back in a loop: releases never count as failures.
    const rounds = MAX_ATTEMPT_HISTORY + 20;
    let last = first;
    for (let i = 0; i < rounds; i++) {
      last = (await claimForWorker(t.db, { sweepId: sweep.id })).claim!;
      if (i < rounds - 1) await releaseTrial(t.db, { trialId: last.trial.id, token: last.attempt.token });
    }
    const attempts = await t.db.attempt.findMany({ where: { trialId: first.trial.id }, orderBy: { number: "asc" } });
    expect(last.attempt.number).toBe(rounds + 1);
    expect(attempts.length).toBe(MAX_ATTEMPT_HISTORY + 1); // the newest 50 and the accepted one
    expect(attempts[0]).toMatchObject({ number: 1, status: "done" });
    expect(attempts[1]!.number).toBe(rounds + 2 - MAX_ATTEMPT_HISTORY);
    expect(attempts.at(-1)).toMatchObject({ number: rounds + 1, status: "running", token: last.attempt.token });
    // The running lease still works after the pruning.
    expect(await completeTrial(t.db, { trialId: last.trial.id, token: last.attempt.token, result: result(0.6) })).toBe("accepted");
  });

  it("a claim that finds nothing reports exact counts, however recent the last count", async () => {
    const { sweep } = await createSweep(t.db, smallConfig());
    const claims = [];
    for (let i = 0; i < 4; i++) claims.push((await claimForWorker(t.db, { sweepId: sweep.id })).claim!);
    const idle = await claimForWorker(t.db, { sweepId: sweep.id });
    expect(idle.claim).toBeNull();
    expect(idle.counts).toMatchObject({ queued: 0, running: 4, done: 0, total: 4 });
    // Within milliseconds of that count, each status change shows in the next empty claim.
    await completeTrial(t.db, { trialId: claims[0]!.trial.id, token: claims[0]!.attempt.token, result: result(0.5) });
    expect((await claimForWorker(t.db, { sweepId: sweep.id })).counts).toMatchObject({ running: 3, done: 1 });
    await failTrial(t.db, { trialId: claims[1]!.trial.id, token: claims[1]!.attempt.token, message: "boom" });
    const retried = await claimForWorker(t.db, { sweepId: sweep.id });
    expect(retried.claim?.trial.id).toBe(claims[1]!.trial.id);
    await releaseTrial(t.db, { trialId: claims[2]!.trial.id, token: claims[2]!.attempt.token });
    await cancelTrials(t.db, { sweepId: sweep.id, trialIds: [claims[2]!.trial.id, claims[3]!.trial.id] });
    expect((await claimForWorker(t.db, { sweepId: sweep.id })).counts).toMatchObject({ queued: 0, running: 1, done: 1, cancelled: 2 });
    await requeueTrials(t.db, { sweepId: sweep.id, trialIds: [claims[3]!.trial.id] });
    const again = await claimForWorker(t.db, { sweepId: sweep.id });
    expect(again.claim?.trial.id).toBe(claims[3]!.trial.id);
    expect((await claimForWorker(t.db, { sweepId: sweep.id })).counts).toMatchObject({ queued: 0, running: 2, done: 1, cancelled: 1, total: 4 });
  });

  it("returns null once every trial is taken", async () => {
    const { sweep } = await createSweep(t.db, smallConfig());
    for (let i = 0; i < 4; i++) expect(await claimNextTrial(t.db, { sweepId: sweep.id, now: at(0) })).not.toBeNull();
    expect(await claimNextTrial(t.db, { sweepId: sweep.id, now: at(1) })).toBeNull();
  });

  it("extends the lease on heartbeat and stores progress; a stranger's token is refused", async () => {
    const { sweep } = await createSweep(t.db, smallConfig());
    const claim = (await claimNextTrial(t.db, { sweepId: sweep.id, now: at(0) }))!;
    const beat = await heartbeatTrial(t.db, {
      trialId: claim.trial.id,
      token: claim.attempt.token,
      progress: { phase: "train", step: 5, totalSteps: 10, loss: 2.5 },
      now: at(20),
    });
    expect(beat.leaseExpiresAt.getTime()).toBe(at(50).getTime());
    const attempt = await t.db.attempt.findUniqueOrThrow({ where: { token: claim.attempt.token } });
    expect(attempt.heartbeatCount).toBe(1);
    expect(JSON.parse(attempt.progressJson!)).toMatchObject({ step: 5, loss: 2.5 });
    const other = (await claimNextTrial(t.db, { sweepId: sweep.id, now: at(0) }))!;
    await expect(heartbeatTrial(t.db, { trialId: claim.trial.id, token: other.attempt.token, now: at(21) })).rejects.toThrow(ConflictError);
  });

  it("accepts a result exactly once: same token and payload is idempotent, anything else conflicts", async () => {
    const { sweep } = await createSweep(t.db, smallConfig());
    const claim = (await claimNextTrial(t.db, { sweepId: sweep.id, now: at(0) }))!;
    const ids = { trialId: claim.trial.id, token: claim.attempt.token };
    expect(await completeTrial(t.db, { ...ids, result: result(0.9), now: at(5) })).toBe("accepted");
    expect(await completeTrial(t.db, { ...ids, result: result(0.9), now: at(6) })).toBe("duplicate");
    await expect(completeTrial(t.db, { ...ids, result: result(0.8), now: at(7) })).rejects.toThrow(/never overwritten/);
    const other = (await claimNextTrial(t.db, { sweepId: sweep.id, now: at(0) }))!;
    await expect(completeTrial(t.db, { trialId: claim.trial.id, token: other.attempt.token, result: result(0.5) })).rejects.toThrow(ConflictError);
    const trial = await t.db.trial.findUniqueOrThrow({ where: { id: claim.trial.id } });
    expect(trial).toMatchObject({ status: "done", linearAcc: 0.9, backend: "cpu", leaseToken: null });
    const attempt = await t.db.attempt.findUniqueOrThrow({ where: { id: trial.doneAttemptId! } });
    expect(attempt.status).toBe("done");
    expect(JSON.parse(attempt.resultJson!).linearProbeAccuracy).toBe(0.9);
  });

  it("requeues a failed trial until maxAttempts, then marks it failed, keeping every attempt", async () => {
    const { sweep } = await createSweep(t.db, smallConfig({ maxAttempts: 2 }));
    const first = (await claimNextTrial(t.db, { sweepId: sweep.id, now: at(0) }))!;
    expect(await failTrial(t.db, { trialId: first.trial.id, token: first.attempt.token, message: "out of memory" })).toEqual({
      trialStatus: "queued",
      duplicate: false,
    });
    // The same failure reported twice is not a second failure.
    expect((await failTrial(t.db, { trialId: first.trial.id, token: first.attempt.token, message: "out of memory" })).duplicate).toBe(true);
    const second = (await claimNextTrial(t.db, { sweepId: sweep.id, now: at(1) }))!;
    expect(second.trial.id).toBe(first.trial.id);
    expect(second.attempt.number).toBe(2);
    expect((await failTrial(t.db, { trialId: first.trial.id, token: second.attempt.token, message: "device lost" })).trialStatus).toBe("failed");
    const trial = await t.db.trial.findUniqueOrThrow({ where: { id: first.trial.id }, include: { attempts: { orderBy: { number: "asc" } } } });
    expect(trial.status).toBe("failed");
    expect(trial.lastError).toBe("device lost");
    expect(trial.attempts.map((a) => [a.number, a.status, a.errorMessage])).toEqual([
      [1, "failed", "out of memory"],
      [2, "failed", "device lost"],
    ]);
  });

  it("lets another worker take over a lapsed lease and refuses the old token afterwards", async () => {
    const { sweep } = await createSweep(t.db, smallConfig({ leaseSeconds: 10, maxAttempts: 3 }));
    const stale = (await claimNextTrial(t.db, { sweepId: sweep.id, now: at(0) }))!;
    // Before expiry the trial is not claimable again: the next one comes out.
    const next = (await claimNextTrial(t.db, { sweepId: sweep.id, now: at(5) }))!;
    expect(next.trial.id).not.toBe(stale.trial.id);
    const takeover = (await claimNextTrial(t.db, { sweepId: sweep.id, now: at(11) }))!;
    expect(takeover.trial.id).toBe(stale.trial.id);
    expect(takeover.attempt.number).toBe(2);
    await expect(completeTrial(t.db, { trialId: stale.trial.id, token: stale.attempt.token, result: result(0.7) })).rejects.toThrow(ConflictError);
    expect(await completeTrial(t.db, { trialId: stale.trial.id, token: takeover.attempt.token, result: result(0.75) })).toBe("accepted");
    const attempts = await t.db.attempt.findMany({ where: { trialId: stale.trial.id }, orderBy: { number: "asc" } });
    expect(attempts.map((a) => a.status)).toEqual(["expired", "done"]);
  });

  it("a late result from a lapsed but unclaimed lease is still accepted", async () => {
    const { sweep } = await createSweep(t.db, smallConfig({ leaseSeconds: 10 }));
    const claim = (await claimNextTrial(t.db, { sweepId: sweep.id, now: at(0) }))!;
    expect(await completeTrial(t.db, { trialId: claim.trial.id, token: claim.attempt.token, result: result(0.6), now: at(500) })).toBe("accepted");
  });

  it("marks a trial failed when its leases keep lapsing past maxAttempts", async () => {
    const { sweep } = await createSweep(t.db, smallConfig({ leaseSeconds: 10, maxAttempts: 2 }));
    const first = (await claimNextTrial(t.db, { sweepId: sweep.id, now: at(0) }))!;
    const second = (await claimNextTrial(t.db, { sweepId: sweep.id, now: at(11) }))!;
    expect(second.trial.id).toBe(first.trial.id);
    const third = await claimNextTrial(t.db, { sweepId: sweep.id, now: at(30) });
    expect(third?.trial.id).not.toBe(first.trial.id);
    const trial = await t.db.trial.findUniqueOrThrow({ where: { id: first.trial.id }, include: { attempts: true } });
    expect(trial.status).toBe("failed");
    expect(trial.attempts.map((a) => a.status).sort()).toEqual(["expired", "expired"]);
  });

  it("resets named finished trials to queued, keeping their attempts, and an old token cannot complete them again", async () => {
    const { sweep } = await createSweep(t.db, smallConfig());
    const first = (await claimNextTrial(t.db, { sweepId: sweep.id, now: at(0) }))!;
    await completeTrial(t.db, { trialId: first.trial.id, token: first.attempt.token, result: result(0.11), now: at(1) });
    const other = (await claimNextTrial(t.db, { sweepId: sweep.id, now: at(2) }))!;
    await completeTrial(t.db, { trialId: other.trial.id, token: other.attempt.token, result: result(0.9), now: at(3) });
    // Without resetDone, finished trials are never touched.
    expect(await requeueTrials(t.db, { sweepId: sweep.id, trialIds: [first.trial.id] })).toEqual({ requeued: 0, reset: 0 });
    expect(await requeueTrials(t.db, { sweepId: sweep.id, trialIds: [first.trial.id], resetDone: true })).toEqual({ requeued: 1, reset: 1 });
    const cleared = await t.db.trial.findUniqueOrThrow({ where: { id: first.trial.id } });
    expect(cleared).toMatchObject({
      status: "queued",
      linearAcc: null,
      knnAcc: null,
      finalLoss: null,
      backend: null,
      doneAttemptId: null,
      failureCount: 0,
    });
    expect((await t.db.trial.findUniqueOrThrow({ where: { id: other.trial.id } })).linearAcc).toBe(0.9);
    // The vandal's replay is refused; the trial runs again and keeps both attempts.
    await expect(
      completeTrial(t.db, { trialId: first.trial.id, token: first.attempt.token, result: result(0.11), now: at(4) }),
    ).rejects.toBeInstanceOf(ConflictError);
    const again = (await claimNextTrial(t.db, { sweepId: sweep.id, now: at(5) }))!;
    expect(again.trial.id).toBe(first.trial.id);
    expect(again.attempt.number).toBe(2);
    await completeTrial(t.db, { trialId: first.trial.id, token: again.attempt.token, result: result(0.8), now: at(6) });
    const attempts = await t.db.attempt.findMany({ where: { trialId: first.trial.id }, orderBy: { number: "asc" } });
    expect(attempts.map((a) => a.status)).toEqual(["done", "done"]);
    expect((await t.db.trial.findUniqueOrThrow({ where: { id: first.trial.id } })).linearAcc).toBe(0.8);
  });

  it("cancels queued and running trials, stops their workers, and requeues them on request", async () => {
    const { sweep } = await createSweep(t.db, smallConfig());
    const running = (await claimNextTrial(t.db, { sweepId: sweep.id, now: at(0) }))!;
    expect(await cancelTrials(t.db, { sweepId: sweep.id })).toEqual({ cancelled: 4 });
    await expect(heartbeatTrial(t.db, { trialId: running.trial.id, token: running.attempt.token })).rejects.toThrow(/cancelled/);
    expect(await claimNextTrial(t.db, { sweepId: sweep.id })).toBeNull();
    expect((await t.db.attempt.findUniqueOrThrow({ where: { token: running.attempt.token } })).status).toBe("cancelled");
    expect(await requeueTrials(t.db, { sweepId: sweep.id, trialIds: [running.trial.id] })).toEqual({ requeued: 1, reset: 0 });
    const again = (await claimNextTrial(t.db, { sweepId: sweep.id }))!;
    expect(again.trial.id).toBe(running.trial.id);
    expect(again.attempt.number).toBe(2);
  });

  it("deletes a sweep with its trials and attempts", async () => {
    const { sweep } = await createSweep(t.db, smallConfig());
    const claim = (await claimNextTrial(t.db, { sweepId: sweep.id }))!;
    await deleteSweep(t.db, sweep.id);
    expect(await t.db.trial.count({ where: { sweepId: sweep.id } })).toBe(0);
    expect(await t.db.attempt.count({ where: { token: claim.attempt.token } })).toBe(0);
  });
});

describe.each(testDatabaseKinds())("releasing a lease on %s", (kind) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(kind);
  });
  afterAll(async () => {
    await t?.drop();
  });

  it("puts the trial back in the queue without counting a failure, once", async () => {
    const { sweep } = await createSweep(t.db, smallConfig({ maxAttempts: 1 }));
    const claim = (await claimNextTrial(t.db, { sweepId: sweep.id }))!;
    const ids = { trialId: claim.trial.id, token: claim.attempt.token };
    expect(await releaseTrial(t.db, ids)).toEqual({ released: true });
    expect(await releaseTrial(t.db, ids)).toEqual({ released: false });
    await expect(completeTrial(t.db, { ...ids, result: result(0.5) })).rejects.toThrow(ConflictError);
    const trial = await t.db.trial.findUniqueOrThrow({ where: { id: claim.trial.id } });
    expect(trial).toMatchObject({ status: "queued", failureCount: 0, attemptCount: 1 });
    const again = (await claimNextTrial(t.db, { sweepId: sweep.id }))!;
    expect(again.trial.id).toBe(claim.trial.id);
    expect((await t.db.attempt.findUniqueOrThrow({ where: { token: claim.attempt.token } })).status).toBe("cancelled");
  });
});
