import type { StatusCounts } from "./status";
import type { Progress } from "./schemas";

/**
 * The sweep's remaining time from measured step times, so it is right from
 * a trial's first steps instead of waiting for whole trials to finish (a
 * mean over finished trials reads "1m" after one fast step and "2h" a minute
 * later). A trial costs steps x (seconds per step) for training plus a fixed
 * part for data and evaluation. Seconds per step come from the images/s that
 * running trials report in their heartbeats and finished trials stored (the
 * median, so one slow straggler does not dominate); the fixed part from
 * finished trials' durations (0 until one has finished). Work is shared by
 * the trials running now, one per worker slot.
 */
export interface EtaTrial {
  status: string;
  durationMs: number | null;
  imagesPerSec: number | null;
  progress: Progress | null;
}

export interface SweepEta {
  /** Milliseconds left at the current parallelism, or null when nothing has been measured yet. */
  remainingMs: number | null;
  secondsPerStep: number | null;
  /** Data + evaluation per trial, from finished trials (null before the first finishes). */
  overheadSeconds: number | null;
  parallel: number;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function estimateSweepEta(trials: readonly EtaTrial[], counts: StatusCounts, training: { steps: number; batchSize: number }): SweepEta {
  const { steps, batchSize } = training;
  const rates: number[] = [];
  for (const trial of trials) {
    if (trial.status === "running" && trial.progress?.phase === "train" && trial.progress.imagesPerSecond) rates.push(trial.progress.imagesPerSecond);
    else if (trial.status === "done" && trial.imagesPerSec) rates.push(trial.imagesPerSec);
  }
  const rate = median(rates);
  const secondsPerStep = rate && rate > 0 ? batchSize / rate : null;
  const overheads = trials
    .filter((trial) => trial.status === "done" && trial.durationMs !== null && trial.imagesPerSec)
    .map((trial) => Math.max(0, (trial.durationMs as number) / 1000 - (steps * batchSize) / (trial.imagesPerSec as number)));
  const overheadSeconds = median(overheads);
  const parallel = Math.max(1, counts.running);
  if (secondsPerStep === null || counts.queued + counts.running === 0) return { remainingMs: null, secondsPerStep, overheadSeconds, parallel };

  const perTrial = steps * secondsPerStep + (overheadSeconds ?? 0);
  let work = counts.queued * perTrial;
  for (const trial of trials) {
    if (trial.status !== "running") continue;
    const progress = trial.progress;
    if (!progress || progress.phase === "data" || progress.phase === "generator") work += perTrial;
    else if (progress.phase === "train") work += Math.max(0, steps - progress.step) * secondsPerStep + (overheadSeconds ?? 0);
    else work += (overheadSeconds ?? 0) / 2; // evaluating: about half of the fixed part left
  }
  return { remainingMs: (1000 * work) / parallel, secondsPerStep, overheadSeconds, parallel };
}
