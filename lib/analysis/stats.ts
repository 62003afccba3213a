import type { Aggregation } from "./metrics";
import { tQuantile } from "./t-distribution";

/** One finished measurement and the seed that produced it. */
export interface SeedValue {
  seed: number;
  value: number;
}

export interface Interval {
  lo: number;
  hi: number;
}

export const DEFAULT_CONFIDENCE = 0.95;

export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Median; for an even count the mean of the two middle values. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Sample standard deviation (n - 1 in the denominator); null below two values. */
export function sampleStd(values: readonly number[]): number | null {
  if (values.length < 2) return null;
  const m = mean(values)!;
  let ss = 0;
  for (const v of values) ss += (v - m) * (v - m);
  return Math.sqrt(ss / (values.length - 1));
}

export function aggregate(values: readonly number[], aggregation: Aggregation): number | null {
  if (values.length === 0) return null;
  switch (aggregation) {
    case "mean":
      return mean(values);
    case "median":
      return median(values);
    case "max":
      return Math.max(...values);
    case "min":
      return Math.min(...values);
  }
}

function checkConfidence(confidence: number): void {
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
}

/**
 * Two-sided t interval for the mean. With a handful of seeds the normal
 * 1.96 would be far too narrow (the t quantile for 3 seeds is 4.30), so the
 * t distribution is used at every n. Null below two values: one seed says
 * nothing about spread.
 */
export function meanConfidenceInterval(values: readonly number[], confidence = DEFAULT_CONFIDENCE): Interval | null {
  checkConfidence(confidence);
  const std = sampleStd(values);
  if (std === null) return null;
  const m = mean(values)!;
  const half = tQuantile((1 + confidence) / 2, values.length - 1) * (std / Math.sqrt(values.length));
  return { lo: m - half, hi: m + half };
}

/**
 * One value per seed, in ascending seed order. A seed measured twice in the
 * same cell (possible only when trials from several sweeps are merged) is
 * averaged, so it cannot count twice in a paired comparison.
 */
export function valuesBySeed(samples: readonly SeedValue[]): Map<number, number> {
  const groups = new Map<number, number[]>();
  for (const { seed, value } of samples) {
    const list = groups.get(seed);
    if (list) list.push(value);
    else groups.set(seed, [value]);
  }
  const seeds = [...groups.keys()].sort((a, b) => a - b);
  return new Map(seeds.map((seed) => [seed, mean(groups.get(seed)!)!]));
}

export interface PairedDifference {
  /** Number of seeds finished in both cells. */
  n: number;
  seeds: number[];
  /** Mean over shared seeds of (cell value - baseline value). */
  mean: number;
  std: number | null;
  ci: Interval | null;
}

/**
 * Mean of per-seed differences `a - b` over the seeds both sides finished.
 * Pairing removes the seed-to-seed variation the two cells share (same
 * initialisation and data order), which is usually most of the noise, so the
 * interval is much tighter than one from two independent means. Null when no
 * seed is shared.
 */
export function pairedDifference(a: readonly SeedValue[], b: readonly SeedValue[], confidence = DEFAULT_CONFIDENCE): PairedDifference | null {
  const aBySeed = valuesBySeed(a);
  const bBySeed = valuesBySeed(b);
  const seeds: number[] = [];
  const diffs: number[] = [];
  for (const [seed, value] of aBySeed) {
    const other = bBySeed.get(seed);
    if (other === undefined) continue;
    seeds.push(seed);
    diffs.push(value - other);
  }
  if (diffs.length === 0) return null;
  return {
    n: diffs.length,
    seeds,
    mean: mean(diffs)!,
    std: sampleStd(diffs),
    ci: meanConfidenceInterval(diffs, confidence),
  };
}
