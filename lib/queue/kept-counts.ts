import "server-only";
import { countsFrom, type StatusCounts } from "./status";

/**
 * A sweep's status counts, kept between claims. Counting walks every trial
 * of a sweep (half a millisecond at 2,000 trials), and hundreds of workers
 * claim many times a second, so:
 * - a claim that took a trial answers with counts at most half a second
 *   old (its worker does not use them);
 * - a claim that found nothing (its worker decides from the counts
 *   whether to wait or stop) uses kept counts only if no trial of the
 *   sweep changed status in this process since they were taken and they
 *   are under half a second old (for other processes on the same
 *   database); otherwise it counts afresh.
 * Every status change (the lease operations, the owner's actions, imported
 * results) bumps the sweep's version. The maps live on globalThis: Next.js
 * may load this module once per route bundle, and a cancel answered by
 * one bundle must make the fast path's kept counts stale.
 */
const COUNTS_MAX_AGE_MS = 500;
const MAX_KEPT = 1000;
const MAX_VERSIONS = 10_000;

interface KeptState {
  kept: Map<string, { at: number; version: number; counts: StatusCounts }>;
  versions: Map<string, number>;
}

const STATE = Symbol.for("inflation-lab.kept-counts");

function state(): KeptState {
  const scope = globalThis as { [STATE]?: KeptState };
  return (scope[STATE] ??= { kept: new Map(), versions: new Map() });
}

/** How many status changes of the sweep this process has seen (0 for none yet). */
export function countsVersion(sweepId: string): number {
  return state().versions.get(sweepId) ?? 0;
}

/** Says that trials of the sweep changed status, so kept counts no longer describe it. */
export function countsChanged(sweepId: string): void {
  const { versions } = state();
  const next = countsVersion(sweepId) + 1;
  versions.delete(sweepId);
  if (versions.size >= MAX_VERSIONS) versions.delete(versions.keys().next().value!);
  versions.set(sweepId, next);
}

/** Runs an action that changes statuses; the sweep's kept counts are stale once it is done (or has failed). */
export async function changingStatuses<T>(sweepId: string, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } finally {
    countsChanged(sweepId);
  }
}

/** Kept counts under half a second old; with `current`, only if no status of the sweep changed since. */
export function keptCountsFor(sweepId: string, { current }: { current: boolean }): StatusCounts | null {
  const kept = state().kept.get(sweepId);
  if (!kept || Date.now() - kept.at >= COUNTS_MAX_AGE_MS) return null;
  if (current && kept.version !== countsVersion(sweepId)) return null;
  return kept.counts;
}

/** Keeps a fresh count; `version` is the sweep's version from before the count began, so a change made meanwhile leaves it stale. */
export function keepCounts(sweepId: string, pairs: Record<string, number>, version: number): StatusCounts {
  const { kept } = state();
  const counts = countsFrom(Object.entries(pairs));
  kept.delete(sweepId);
  if (kept.size >= MAX_KEPT) kept.delete(kept.keys().next().value!);
  kept.set(sweepId, { at: Date.now(), version, counts });
  return counts;
}

/** Counts the sweep now (`count` answers null for a sweep that is gone) and keeps the answer. */
export async function countAfresh(sweepId: string, count: (sweepId: string) => Promise<Record<string, number> | null>): Promise<StatusCounts> {
  const version = countsVersion(sweepId);
  const pairs = await count(sweepId);
  return pairs ? keepCounts(sweepId, pairs, version) : countsFrom([]);
}
