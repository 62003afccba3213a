import "server-only";
import { createHash } from "node:crypto";
import type { Db, Trial } from "@/lib/db/client";
import { rawSqlOf } from "@/lib/db/raw";
import { ConflictError, NotFoundError } from "@/lib/errors";
import { canonicalJson } from "@/lib/sweep/hash";
import type { SweepConfig } from "@/lib/sweep/schema";
import { storedConfig } from "@/lib/sweep/stored-config";
import { type LeaseSql, leaseSql } from "./lease-sql";
import { type Progress, type TrialResult, trialMetricColumns } from "./schemas";
import { changingStatuses, countAfresh, countsChanged, countsVersion, keepCounts, keptCountsFor } from "./kept-counts";
import type { StatusCounts } from "./status";

/**
 * The lease protocol. Every state change is a conditional update whose row
 * count decides who won, so it is safe on SQLite and PostgreSQL alike with
 * no table locks. Attempts are history: they are only ever appended or moved
 * from `running` to a final status. The five worker operations (claim,
 * heartbeat, complete, fail, release) are plain SQL with a constant number
 * of statements (lease-sql.ts); only when one changes nothing do the
 * functions here read further, to say why.
 */

export interface Claim {
  trial: Trial;
  attempt: { id: string; number: number; token: string; leaseExpiresAt: Date };
}

interface ClaimOptions {
  sweepId: string;
  workerId?: string | undefined;
  workerLabel?: string | undefined;
  userAgent?: string | undefined;
  now?: Date;
}

export interface WorkerClaim {
  claim: Claim | null;
  config: SweepConfig;
  leaseSeconds: number;
  counts: StatusCounts;
}

/** Rounds that retired an exhausted trial or met only locked rows are retried; this bounds them. */
const MAX_CLAIM_ROUNDS = 25;

const sqlByClient = new WeakMap<object, LeaseSql>();
function sqlFor(db: Db): LeaseSql {
  const raw = rawSqlOf(db);
  let sql = sqlByClient.get(raw);
  if (!sql) sqlByClient.set(raw, (sql = leaseSql(raw)));
  return sql;
}

/** The hash stored with an accepted result; equal results hash equally (canonical JSON). */
export function resultHash(result: unknown): string {
  return createHash("sha256").update(canonicalJson(result)).digest("hex");
}

/**
 * What a worker's claim gets: a claimable trial with a new lease (of the
 * first queued trial in the sweep's order and the longest-lapsed lease,
 * whichever comes first in that order), the sweep's config and its status
 * counts (how fresh: kept-counts.ts). A lapsed lease counts as a failed
 * attempt; a trial that has used up its attempts that way is marked
 * failed instead and the claim goes on to the next. `workerId` registers
 * the worker (or records that it was seen) in the same step.
 */
export async function claimForWorker(db: Db, options: ClaimOptions): Promise<WorkerClaim> {
  const sql = sqlFor(db);
  const { sweepId } = options;
  for (let round = 0; round < MAX_CLAIM_ROUNDS; round++) {
    const version = countsVersion(sweepId);
    const idle = keptCountsFor(sweepId, { current: true });
    const result = await sql.claim({ ...options, withCounts: idle === null });
    if (!result) throw new NotFoundError("sweep");
    if (result.claimed || result.retired) countsChanged(sweepId);
    if (result.retired) continue;
    if (result.contended && round < MAX_CLAIM_ROUNDS - 1) {
      // Every claimable row was being claimed by someone else this instant; theirs commit within milliseconds.
      await new Promise((resolve) => setTimeout(resolve, 1 + Math.random() * 4));
      continue;
    }
    if (result.contended) break;
    if (result.claimed && result.claimed.attempt.number > MAX_ATTEMPT_HISTORY)
      await pruneAttempts(db, result.claimed.trial.id, result.claimed.attempt.number);
    let counts: StatusCounts;
    if (result.claimed) counts = keptCountsFor(sweepId, { current: false }) ?? (await countAfresh(sweepId, (id) => sql.counts(id)));
    else counts = result.counts ? keepCounts(sweepId, result.counts, version) : idle!;
    return {
      claim: result.claimed,
      config: storedConfig(result.sweep.configJson, result.sweep.configHash),
      leaseSeconds: result.sweep.leaseSeconds,
      counts,
    };
  }
  throw new ConflictError("too many workers are claiming at once; retry shortly");
}

/**
 * Attempts kept per trial. A trial's failures are capped by maxAttempts,
 * but releases, expired leases and owner resets are not, so a client that
 * claims and releases in a loop would otherwise grow one trial's history
 * without end. Past this many, a claim deletes the oldest finished attempts
 * that were not accepted; the running one and every accepted ("done")
 * attempt are always kept.
 */
export const MAX_ATTEMPT_HISTORY = 50;

async function pruneAttempts(db: Db, trialId: string, newest: number): Promise<void> {
  await db.attempt.deleteMany({
    where: { trialId, number: { lte: newest - MAX_ATTEMPT_HISTORY }, status: { notIn: ["running", "done"] } },
  });
}

/** The claim alone (tests and tools); null when nothing is claimable. */
export async function claimNextTrial(db: Db, options: ClaimOptions): Promise<Claim | null> {
  return (await claimForWorker(db, options)).claim;
}

/** A token that never held a lease on the trial: a guess or a mix-up, not a lease lost in a race (lib/api/slowdown.ts counts it). */
export const UNKNOWN_TOKEN_MESSAGE = "this token holds no lease on this trial";

async function attemptForToken(db: Db, trialId: string, token: string) {
  const attempt = await db.attempt.findUnique({ where: { token } });
  if (!attempt || attempt.trialId !== trialId) {
    const trialExists = await db.trial.count({ where: { id: trialId } });
    if (!trialExists) throw new NotFoundError("trial");
    throw new ConflictError(UNKNOWN_TOKEN_MESSAGE);
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

/** Extends the lease by the sweep's lease length from now; 404/409 when the token does not hold it. */
export async function heartbeatTrial(db: Db, options: HeartbeatOptions): Promise<{ leaseExpiresAt: Date }> {
  const leaseExpiresAt = await sqlFor(db).heartbeat({
    trialId: options.trialId,
    token: options.token,
    progressJson: options.progress ? JSON.stringify(options.progress) : null,
    now: options.now,
  });
  if (leaseExpiresAt) return { leaseExpiresAt };
  await attemptForToken(db, options.trialId, options.token);
  throw await describeLostLease(db, options.trialId);
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
  const { result } = options;
  const hash = resultHash(result);
  const acceptedIn = await sqlFor(db).complete({
    trialId: options.trialId,
    token: options.token,
    columns: trialMetricColumns(result),
    resultJson: JSON.stringify(result),
    resultHash: hash,
    environmentJson: JSON.stringify(result.environment),
    now: options.now,
  });
  if (acceptedIn) {
    countsChanged(acceptedIn);
    return "accepted";
  }
  const attempt = await attemptForToken(db, options.trialId, options.token);
  const trial = await db.trial.findUnique({ where: { id: options.trialId }, select: { status: true, doneAttemptId: true } });
  if (trial?.status === "done" && trial.doneAttemptId === attempt.id) {
    if (attempt.resultHash === hash) return "duplicate";
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
  const failed = await sqlFor(db).fail({ trialId: options.trialId, token: options.token, message: options.message, now: options.now });
  if (failed) {
    countsChanged(failed.sweepId);
    return { trialStatus: failed.status, duplicate: false };
  }
  const attempt = await attemptForToken(db, options.trialId, options.token);
  if (attempt.status === "failed" && attempt.errorMessage === options.message) {
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
  const releasedIn = await sqlFor(db).release({ trialId: options.trialId, token: options.token, now: options.now });
  if (releasedIn) {
    countsChanged(releasedIn);
    return { released: true };
  }
  const attempt = await attemptForToken(db, options.trialId, options.token);
  if (attempt.status === "cancelled" && attempt.errorMessage === "released by the worker") return { released: false };
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
  return changingStatuses(
    options.sweepId,
    db.$transaction(async (tx) => {
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
    }),
  );
}

/**
 * Owner action: puts failed and cancelled trials back in the queue with a
 * fresh attempt budget. With `resetDone`, the named finished trials too:
 * their result columns are cleared and they run again; their attempts,
 * the accepted one included, stay as history.
 */
export async function requeueTrials(db: Db, options: SelectionOptions & { resetDone?: boolean }): Promise<{ requeued: number; reset: number }> {
  return changingStatuses(
    options.sweepId,
    db.$transaction(async (tx) => {
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
    }),
  );
}

/**
 * Owner action: revokes the run link. The sweep gets a new id (its trials
 * and workers follow by ON UPDATE CASCADE), so the old link, and every
 * claim made with it, is a 404 from now on; every running attempt is
 * cancelled and its trial queued again, so a result from a lease handed out
 * under the old link is refused. Finished trials, attempts and the share
 * link stay as they are.
 *
 * PostgreSQL lock order: every trial row of the sweep first, then attempts,
 * then the sweep row, as the other operations take trials before attempts.
 * A claimer never waits for a trial row (SKIP LOCKED), so one holding a
 * trial and waiting for its key-share lock on the sweep row finishes before
 * this transaction asks for the sweep row.
 */
export async function rotateRunLink(db: Db, options: { sweepId: string; newId: string; now?: Date }): Promise<{ sweepId: string; requeued: number }> {
  const now = options.now ?? new Date();
  const { sweepId, newId } = options;
  const postgres = rawSqlOf(db).kind === "postgres";
  return changingStatuses(
    sweepId,
    db.$transaction(async (tx) => {
      if (postgres) await tx.$queryRawUnsafe('SELECT "id" FROM "Trial" WHERE "sweepId" = $1 ORDER BY "id" FOR UPDATE', sweepId);
      const requeued = await tx.trial.updateMany({
        where: { sweepId, status: "running" },
        data: { status: "queued", leaseToken: null, leaseExpiresAt: null },
      });
      await tx.attempt.updateMany({
        where: { status: "running", trial: { sweepId, status: "queued" } },
        data: { status: "cancelled", finishedAt: now, errorMessage: "the run link was rotated by the owner" },
      });
      const moved = await tx.sweep.updateMany({ where: { id: sweepId }, data: { id: newId } });
      if (moved.count === 0) throw new NotFoundError("sweep");
      return { sweepId: newId, requeued: requeued.count };
    }),
  );
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
