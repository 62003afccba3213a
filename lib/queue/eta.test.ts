import { describe, expect, it } from "vitest";
import { estimateSweepEta, type EtaTrial } from "./eta";
import { emptyCounts, type StatusCounts } from "./status";

const training = { steps: 300, batchSize: 128 };

function countsOf(trials: EtaTrial[]): StatusCounts {
  const counts = emptyCounts();
  for (const trial of trials) counts[trial.status as keyof typeof counts]++;
  counts.total = trials.length;
  return counts;
}

const queued = (n: number): EtaTrial[] =>
  Array.from({ length: n }, () => ({ status: "queued", durationMs: null, imagesPerSec: null, progress: null }));
const training_ = (step: number, imagesPerSecond: number): EtaTrial => ({
  status: "running",
  durationMs: null,
  imagesPerSec: null,
  progress: { phase: "train", step, totalSteps: 300, loss: 4, imagesPerSecond },
});
const done = (durationMs: number, imagesPerSec: number): EtaTrial => ({ status: "done", durationMs, imagesPerSec, progress: null });

describe("estimateSweepEta", () => {
  it("has no estimate before any step was measured", () => {
    const trials = [
      ...queued(11),
      { status: "running", durationMs: null, imagesPerSec: null, progress: { phase: "data", step: 0, totalSteps: 300 } } as EtaTrial,
    ];
    expect(estimateSweepEta(trials, countsOf(trials), training).remainingMs).toBeNull();
  });

  it("is right from the first steps: 12 trials of 300 steps at 1280 img/s (0.1 s/step) on one slot", () => {
    const trials = [...queued(11), training_(5, 1280)];
    const eta = estimateSweepEta(trials, countsOf(trials), training);
    expect(eta.secondsPerStep).toBeCloseTo(0.1, 12);
    // 11 queued x 30 s + 295 steps x 0.1 s, no evaluation time known yet.
    expect(eta.remainingMs).toBeCloseTo(1000 * (11 * 30 + 29.5), 6);
  });

  it("adds the data + evaluation time measured on finished trials and shares the work between running slots", () => {
    // Finished: 36 s in all, of which 30 s training at 1280 img/s: 6 s fixed part.
    const trials = [done(36_000, 1280), done(36_000, 1280), training_(100, 1280), training_(200, 1280), ...queued(8)];
    const eta = estimateSweepEta(trials, countsOf(trials), training);
    expect(eta.overheadSeconds).toBeCloseTo(6, 9);
    expect(eta.parallel).toBe(2);
    const work = 8 * 36 + (200 * 0.1 + 6) + (100 * 0.1 + 6);
    expect(eta.remainingMs).toBeCloseTo((1000 * work) / 2, 6);
  });

  it("takes the median rate, so one straggler does not set the pace", () => {
    const trials = [training_(10, 1280), training_(10, 1280), training_(10, 12.8), ...queued(3)];
    expect(estimateSweepEta(trials, countsOf(trials), training).secondsPerStep).toBeCloseTo(0.1, 12);
  });

  it("is null when nothing is left to run", () => {
    const trials = [done(36_000, 1280)];
    expect(estimateSweepEta(trials, countsOf(trials), training).remainingMs).toBeNull();
  });
});
