export const TRIAL_STATUSES = ["queued", "running", "done", "failed", "cancelled"] as const;
export type TrialStatus = (typeof TRIAL_STATUSES)[number];

export const ATTEMPT_STATUSES = ["running", "done", "failed", "expired", "cancelled"] as const;
export type AttemptStatus = (typeof ATTEMPT_STATUSES)[number];

export type StatusCounts = Record<TrialStatus, number> & { total: number };

export function emptyCounts(): StatusCounts {
  return { queued: 0, running: 0, done: 0, failed: 0, cancelled: 0, total: 0 };
}

/** Counts from (status, number of trials) pairs; unknown statuses count only in the total. */
export function countsFrom(pairs: Iterable<[string, number]>): StatusCounts {
  const counts = emptyCounts();
  for (const [status, n] of pairs) {
    if ((TRIAL_STATUSES as readonly string[]).includes(status)) counts[status as TrialStatus] = n;
    counts.total += n;
  }
  return counts;
}

/** Finished means no trial can still produce a result without an owner action. */
export function isSweepFinished(counts: StatusCounts): boolean {
  return counts.total > 0 && counts.queued === 0 && counts.running === 0;
}
