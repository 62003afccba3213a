import "server-only";
import type { Db } from "@/lib/db/client";
import { randomId } from "@/lib/ids";
import { countsChanged } from "./kept-counts";
import { resultHash } from "./lease";

/**
 * Results measured outside the app (imports, a result posted by a script)
 * enter the queue here, beside the lease operations, so that every change
 * of a trial's status lives in lib/queue. Lock order as everywhere: the
 * trial row first, then its attempts.
 */

export const SUPERSEDED_MESSAGE = "superseded by an imported result";

export interface OutsideResultInput {
  sweepId: string;
  trialId: string;
  /** Stored as the new attempt's resultJson, with its hash and environment alongside. */
  result: Record<string, unknown> & { environment: { backend: string } };
  /** The trial row's metric columns for this result. */
  columns: Record<string, number | string | null>;
  /** "import" or "external": who brought the result in. */
  workerId: string;
  now?: Date;
}

/**
 * Stores a result for a trial that is not done, in one transaction: the
 * trial becomes done with the metric columns, a running lease (if any) is
 * ended as cancelled, and a new attempt records the result. False when the
 * trial was already done (nothing is written then): a finished trial is
 * never overwritten, by a worker or from outside.
 */
export async function recordOutsideResult(db: Db, input: OutsideResultInput): Promise<boolean> {
  const { trialId } = input;
  const now = input.now ?? new Date();
  const attemptId = randomId();
  const resultJson = JSON.stringify(input.result);
  try {
    return await db.$transaction(async (tx) => {
      const won = await tx.trial.updateMany({
        where: { id: trialId, sweepId: input.sweepId, status: { not: "done" } },
        data: {
          status: "done",
          leaseToken: null,
          leaseExpiresAt: null,
          attemptCount: { increment: 1 },
          doneAttemptId: attemptId,
          ...input.columns,
          lastError: null,
        },
      });
      if (won.count === 0) return false;
      // The update holds the row, so this is the count it just wrote.
      const { attemptCount } = await tx.trial.findUniqueOrThrow({ where: { id: trialId }, select: { attemptCount: true } });
      await tx.attempt.updateMany({
        where: { trialId, status: "running" },
        data: { status: "cancelled", finishedAt: now, errorMessage: SUPERSEDED_MESSAGE },
      });
      await tx.attempt.create({
        data: {
          id: attemptId,
          trialId,
          number: attemptCount,
          token: randomId(24),
          workerId: input.workerId,
          status: "done",
          startedAt: now,
          finishedAt: now,
          leaseExpiresAt: now,
          resultJson,
          resultHash: resultHash(input.result),
          environmentJson: JSON.stringify(input.result.environment),
        },
      });
      return true;
    });
  } finally {
    countsChanged(input.sweepId);
  }
}
