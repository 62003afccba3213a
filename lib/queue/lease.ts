import "server-only";
import { createHash } from "node:crypto";
import type { Db, Trial } from "@/lib/db/client";
import { ConflictError, NotFoundError } from "@/lib/errors";
import { randomId } from "@/lib/ids";
import { canonicalJson } from "@/lib/sweep/hash";
import { type Progress, type TrialResult, trialMetricColumns } from "./schemas";

/**
 * The lease protocol. Every state change is a conditional update whose row
 * count decides who won, so it is safe on SQLite and PostgreSQL alike with
 * no table locks. Attempts are history: they are only ever appended or moved
 * from `running` to a final status.
 */

export interface Claim {
  trial: Trial;
  attempt: { id: string; number: number; token: string; leaseExpiresAt: Date };
}

interface ClaimOptions {
  sweepId: string;
  workerId?: string | undefined;
  now?: Date;
}

/** Lost races are retried with another candidate; this bounds the retries. */
const MAX_CLAIM_ROUNDS = 25;
const CANDIDATES_PER_ROUND = 8;

class LostRace extends Error {}

async function loadSweepLimits(db: Db, sweepId: string) {
  const sweep = await db.sweep.findUnique({
    where: { id: sweepId },
    select: { leaseSeconds: true, maxAttempts: true },
  });
  if (!sweep) throw new NotFoundError("sweep");
  return sweep;
}

/** The hash stored with an accepted result; equal results hash equally (canonical JSON). */
export function resultHash(result: unknown): string {
  return createHash("sha256").update(canonicalJson(result)).digest("hex");
}

/**
 * Takes the first claimable trial in the sweep's order: queued, or running
 * with a lapsed lease. A lapsed lease counts as a failed attempt; a trial
 * that has used up its attempts that way is marked failed instead.
 */
export async function claimNextTrial(db: Db, options: ClaimOptions): Promise<Claim | null> {
  const { sweepId, workerId } = options;
  const limits = await loadSweepLimits(db, sweepId);
  for (let round = 0; round < MAX_CLAIM_ROUNDS; round++) {
    const now = options.now ?? new Date();
    const candidates = await db.trial.findMany({
      where: {
        sweepId,
        OR: [{ status: "queued" }, { status: "running", leaseExpiresAt: { lt: now } }],
      },
      orderBy: { orderIndex: "asc" },
      take: CANDIDATES_PER_ROUND,
    });
    if (candidates.length === 0) return null;
    // The first round respects the order; after a lost race, spread out so
    // that many claimers stop colliding on the same row.
    const pick = round === 0 ? 0 : Math.floor(Math.random() * candidates.length);
    const candidate = candidates[pick]!;
    try {
      const claim = await claimCandidate(db, candidate, limits, workerId, now);
      if (claim) return claim;
    } catch (error) {
      if (!(error instanceof LostRace)) throw error;
    }
  }
  throw new ConflictError("too many workers are claiming at once; retry shortly");
}

async function claimCandidate(
  db: Db,
  candidate: Trial,
  limits: { leaseSeconds: number; maxAttempts: number },
  workerId: string | undefined,
  now: Date,
): Promise<Claim | null> {
  const lapsed = candidate.status === "running";
  const failures = candidate.failureCount + (lapsed ? 1 : 0);
  const sameState = {
    id: candidate.id,
    status: candidate.status,
    leaseToken: candidate.leaseToken,
    attemptCount: candidate.attemptCount,
    // A heartbeat may have renewed the lease since it was read as lapsed: take it only if it is still lapsed.
    ...(lapsed ? { leaseExpiresAt: { lt: now } } : {}),
  };
  return db.$transaction(async (tx) => {
    if (lapsed && failures >= limits.maxAttempts) {
      const won = await tx.trial.updateMany({
        where: sameState,
        data: {
          status: "failed",
          leaseToken: null,
          leaseExpiresAt: null,
          failureCount: failures,
          lastError: "lease expired (the worker stopped reporting)",
        },
      });
      if (won.count === 0) throw new LostRace();
      await expireAttempt(tx, candidate.leaseToken, now);
      return null;
    }
    const token = randomId(24);
    const leaseExpiresAt = new Date(now.getTime() + limits.leaseSeconds * 1000);
    const won = await tx.trial.updateMany({
      where: sameState,
      data: {
        status: "running",
        leaseToken: token,
        leaseExpiresAt,
        attemptCount: candidate.attemptCount + 1,
        failureCount: failures,
        ...(lapsed ? { lastError: "lease expired (the worker stopped reporting)" } : {}),
      },
    });
    if (won.count === 0) throw new LostRace();
    if (lapsed) await expireAttempt(tx, candidate.leaseToken, now);
    const attempt = await tx.attempt.create({
      data: {
        id: randomId(),
        trialId: candidate.id,
        number: candidate.attemptCount + 1,
        token,
        workerId: workerId ?? null,
        status: "running",
        startedAt: now,
        leaseExpiresAt,
      },
    });
    const trial = await tx.trial.findUniqueOrThrow({ where: { id: candidate.id } });
    return {
      trial,
      attempt: { id: attempt.id, number: attempt.number, token, leaseExpiresAt },
    };
  });
}

type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

async function expireAttempt(tx: Tx, token: string | null, now: Date): Promise<void> {
  if (!token) return;
  await tx.attempt.updateMany({
    where: { token, status: "running" },
    data: { status: "expired", finishedAt: now, errorMessage: "lease expired before a result arrived" },
  });
}

async function attemptForToken(db: Db, trialId: string, token: string) {
  const attempt = await db.attempt.findUnique({ where: { token } });
  if (!attempt || attempt.trialId !== trialId) {
    const trialExists = await db.trial.count({ where: { id: trialId } });
    if (!trialExists) throw new NotFoundError("trial");
    throw new ConflictError("this token holds no lease on this trial");
  }
  return attempt;
}

async function describeLostLease(db: Db, trialId: string): Promise<ConflictError> {
  const trial = await db.trial.findUnique({ where: { id: trialId }, select: { status: true } });
  return new ConflictError(`the lease is no longer held by this token (trial is ${trial?.status ?? "gone"})`, {
    trialStatus: trial?.status ?? null,
  });
}

interface HeartbeatOptions {
  trialId: string;
  token: string;
  progress?: Progress | undefined;
  now?: Date;
}

export async function heartbeatTrial(db: Db, options: HeartbeatOptions): Promise<{ leaseExpiresAt: Date }> {
  const now = options.now ?? new Date();
  const attempt = await attemptForToken(db, options.trialId, options.token);
  const trial = await db.trial.findUniqueOrThrow({ where: { id: options.trialId }, select: { sweepId: true } });
  const { leaseSeconds } = await loadSweepLimits(db, trial.sweepId);
  const leaseExpiresAt = new Date(now.getTime() + leaseSeconds * 1000);
  const extended = await db.$transaction(async (tx) => {
    const won = await tx.trial.updateMany({
      where: { id: options.trialId, leaseToken: options.token, status: "running" },
      data: { leaseExpiresAt },
    });
    if (won.count === 0) return false;
    await tx.attempt.update({
      where: { id: attempt.id },
      data: {
        heartbeatAt: now,
        heartbeatCount: { increment: 1 },
        leaseExpiresAt,
        ...(options.progress ? { progressJson: JSON.stringify(options.progress) } : {}),
      },
    });
    if (attempt.workerId) {
      await tx.worker.updateMany({ where: { sweepId: trial.sweepId, id: attempt.workerId }, data: { lastSeenAt: now } });
    }
    return true;
  });
  if (!extended) throw await describeLostLease(db, options.trialId);
  return { leaseExpiresAt };
}

interface CompleteOptions {
  trialId: string;
  token: string;
  result: TrialResult;
  now?: Date;
}

export type CompleteOutcome = "accepted" | "duplicate";

/** Accepts a result exactly once; the same token and payload again is a no-op. */
export async function completeTrial(db: Db, options: CompleteOptions): Promise<CompleteOutcome> {
  const now = options.now ?? new Date();
  const { result } = options;
  const hash = resultHash(result);
  const attempt = await attemptForToken(db, options.trialId, options.token);
  const accepted = await db.$transaction(async (tx) => {
    const won = await tx.trial.updateMany({
      where: { id: options.trialId, leaseToken: options.token, status: "running" },
      data: {
        status: "done",
        leaseToken: null,
        leaseExpiresAt: null,
        doneAttemptId: attempt.id,
        ...trialMetricColumns(result),
        lastError: null,
      },
    });
    if (won.count === 0) return false;
    await tx.attempt.update({
      where: { id: attempt.id },
      data: {
        status: "done",
        finishedAt: now,
        resultJson: JSON.stringify(result),
        resultHash: hash,
        environmentJson: JSON.stringify(result.environment),
      },
    });
    return true;
  });
  if (accepted) return "accepted";
  const trial = await db.trial.findUnique({ where: { id: options.trialId }, select: { status: true, doneAttemptId: true } });
  if (trial?.status === "done" && trial.doneAttemptId === attempt.id) {
    const stored = await db.attempt.findUnique({ where: { id: attempt.id }, select: { resultHash: true } });
    if (stored?.resultHash === hash) return "duplicate";
    throw new ConflictError("this trial already has a different result from this token; results are never overwritten");
  }
  throw await describeLostLease(db, options.trialId);
}

interface FailOptions {
  trialId: string;
  token: string;
  message: string;
  now?: Date;
}

export type FailOutcome = { trialStatus: "queued" | "failed"; duplicate: boolean };

/** Requeues the trial, or marks it failed once it has used its attempts. */
export async function failTrial(db: Db, options: FailOptions): Promise<FailOutcome> {
  const now = options.now ?? new Date();
  const attempt = await attemptForToken(db, options.trialId, options.token);
  const trial = await db.trial.findUniqueOrThrow({ where: { id: options.trialId } });
  const { maxAttempts } = await loadSweepLimits(db, trial.sweepId);
  const outcome = await db.$transaction(async (tx) => {
    const held = { id: options.trialId, leaseToken: options.token, status: "running" };
    const failures = trial.failureCount + 1;
    const nextStatus = failures >= maxAttempts ? "failed" : "queued";
    const won = await tx.trial.updateMany({
      where: { ...held, failureCount: trial.failureCount },
      data: { status: nextStatus, leaseToken: null, leaseExpiresAt: null, failureCount: failures, lastError: options.message },
    });
    if (won.count === 0) return null;
    await tx.attempt.update({
      where: { id: attempt.id },
      data: { status: "failed", finishedAt: now, errorMessage: options.message },
    });
    return nextStatus;
  });
  if (outcome) return { trialStatus: outcome, duplicate: false };
  const stored = await db.attempt.findUnique({ where: { id: attempt.id } });
  if (stored?.status === "failed" && stored.errorMessage === options.message) {
    const current = await db.trial.findUnique({ where: { id: options.trialId }, select: { status: true } });
    return { trialStatus: current?.status === "failed" ? "failed" : "queued", duplicate: true };
  }
  throw await describeLostLease(db, options.trialId);
}

/**
 * A worker gives a trial back without a result (its user pressed Stop): the
 * trial is queued again and the attempt does not count as a failure.
 */
export async function releaseTrial(db: Db, options: { trialId: string; token: string; now?: Date }): Promise<{ released: boolean }> {
  const now = options.now ?? new Date();
  const attempt = await attemptForToken(db, options.trialId, options.token);
  const released = await db.$transaction(async (tx) => {
    const won = await tx.trial.updateMany({
      where: { id: options.trialId, leaseToken: options.token, status: "running" },
      data: { status: "queued", leaseToken: null, leaseExpiresAt: null },
    });
    if (won.count === 0) return false;
    await tx.attempt.update({
      where: { id: attempt.id },
      data: { status: "cancelled", finishedAt: now, errorMessage: "released by the worker" },
    });
    return true;
  });
  if (released) return { released: true };
  const stored = await db.attempt.findUnique({ where: { id: attempt.id }, select: { status: true, errorMessage: true } });
  if (stored?.status === "cancelled" && stored.errorMessage === "released by the worker") return { released: false };
  throw await describeLostLease(db, options.trialId);
}

interface SelectionOptions {
  sweepId: string;
  trialIds?: string[] | undefined;
  now?: Date;
}

/**
 * SQLite refuses statements with more than 999 bound parameters, and a
 * selection may name every trial of a sweep; long id lists go in chunks.
 */
const ID_CHUNK = 500;

function idChunks(trialIds: string[] | undefined): (string[] | undefined)[] {
  if (!trialIds) return [undefined];
  const unique = [...new Set(trialIds)];
  const chunks: string[][] = [];
  for (let i = 0; i < unique.length; i += ID_CHUNK) chunks.push(unique.slice(i, i + ID_CHUNK));
  return chunks;
}

/** Owner action: stops queued and running trials. Running workers learn it at their next heartbeat. */
export async function cancelTrials(db: Db, options: SelectionOptions): Promise<{ cancelled: number }> {
  const now = options.now ?? new Date();
  return db.$transaction(async (tx) => {
    let count = 0;
    for (const trialIds of idChunks(options.trialIds)) {
      const selected = {
        sweepId: options.sweepId,
        status: { in: ["queued", "running"] },
        ...(trialIds ? { id: { in: trialIds } } : {}),
      };
      // Trials before attempts, the order every other lease operation locks them in (no deadlock on PostgreSQL).
      const cancelled = await tx.trial.updateMany({
        where: selected,
        data: { status: "cancelled", leaseToken: null, leaseExpiresAt: null },
      });
      await tx.attempt.updateMany({
        where: {
          status: "running",
          trial: { sweepId: options.sweepId, status: "cancelled", ...(trialIds ? { id: { in: trialIds } } : {}) },
        },
        data: { status: "cancelled", finishedAt: now, errorMessage: "cancelled by the owner" },
      });
      count += cancelled.count;
    }
    return { cancelled: count };
  });
}

/**
 * Owner action: puts failed and cancelled trials back in the queue with a
 * fresh attempt budget. With `resetDone`, the named finished trials too:
 * their result columns are cleared and they run again; their attempts,
 * the accepted one included, stay as history.
 */
export async function requeueTrials(db: Db, options: SelectionOptions & { resetDone?: boolean }): Promise<{ requeued: number; reset: number }> {
  return db.$transaction(async (tx) => {
    let count = 0;
    let reset = 0;
    for (const trialIds of idChunks(options.trialIds)) {
      const requeued = await tx.trial.updateMany({
        where: {
          sweepId: options.sweepId,
          status: { in: ["failed", "cancelled"] },
          ...(trialIds ? { id: { in: trialIds } } : {}),
        },
        data: { status: "queued", failureCount: 0, leaseToken: null, leaseExpiresAt: null },
      });
      count += requeued.count;
      if (options.resetDone && trialIds) {
        const cleared = await tx.trial.updateMany({
          where: { sweepId: options.sweepId, status: "done", id: { in: trialIds } },
          data: { status: "queued", failureCount: 0, leaseToken: null, leaseExpiresAt: null, doneAttemptId: null, ...CLEARED_RESULT },
        });
        reset += cleared.count;
      }
    }
    return { requeued: count + reset, reset };
  });
}

/** A trial row's result columns, emptied. */
const CLEARED_RESULT = {
  linearAcc: null,
  knnAcc: null,
  finalLoss: null,
  durationMs: null,
  imagesPerSec: null,
  backend: null,
  generatedFid: null,
  generatedPrecision: null,
  generatedRecall: null,
  lastError: null,
};
