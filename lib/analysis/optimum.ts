import type { TrialView } from "@/lib/contracts/views";
import { sortAxisValues } from "@/lib/sweep/grid";
import type { MixRatio } from "@/lib/sweep/schema";
import { bootstrapArgmax, type ArgmaxBootstrap } from "./bootstrap";
import { METRICS, finishedMetricValue, type MetricKey } from "./metrics";
import { DEFAULT_CONFIDENCE, mean, meanConfidenceInterval, type SeedValue } from "./stats";

export interface OptimumOptions {
  metric: MetricKey;
  /** Generated-set size to analyse; default: see `chooseGeneratedSize`. */
  generatedSize?: number;
  bootstrapSamples?: number;
  /** PRNG seed for the bootstrap; fixed so a page reload shows the same intervals. */
  seed?: number;
  confidence?: number;
}

export interface OptimumPoint {
  augValue: number;
  /** Mean over finished seeds; null when none finished yet. */
  mean: number | null;
  /** t interval of the mean; null below two finished seeds. */
  lo: number | null;
  hi: number | null;
  n: number;
  samples: SeedValue[];
}

export interface OptimumLine {
  mixRatio: MixRatio;
  /** The size these trials were run at (for "none" it may differ from the requested size; see below). */
  generatedSize: number;
  /** Every augmentation value that has a trial on this line, finished or not, ascending. */
  points: OptimumPoint[];
  /** Argmax (argmin for lower-is-better metrics) with bootstrap CI; null below two values with results. */
  optimum: ArgmaxBootstrap | null;
}

export interface OptimumAnalysis {
  metric: MetricKey;
  /** The generated size analysed; null when there are no trials. */
  generatedSize: number | null;
  lines: OptimumLine[];
}

export const DEFAULT_BOOTSTRAP_SAMPLES = 1000;
export const DEFAULT_BOOTSTRAP_SEED = 20240318;

/**
 * When the sweep has several generated sizes and the caller names none, the
 * largest is analysed: that is where inflation, and so the shift of the
 * optimum, is strongest.
 */
export function chooseGeneratedSize(trials: readonly TrialView[]): number | null {
  const inflated = trials.filter((t) => t.mixRatio !== "none");
  const pool = inflated.length > 0 ? inflated : trials;
  if (pool.length === 0) return null;
  return Math.max(...pool.map((t) => t.generatedSize));
}

/**
 * Trials of one mix-ratio line. With no generated data the size is
 * irrelevant to training, so a "none" line falls back to the smallest size
 * that has "none" trials when none were run at the requested size. It never
 * pools sizes: that would count the same seed twice.
 */
function lineTrials(trials: readonly TrialView[], mixRatio: MixRatio, generatedSize: number): TrialView[] {
  const ofMix = trials.filter((t) => t.mixRatio === mixRatio);
  const atSize = ofMix.filter((t) => t.generatedSize === generatedSize);
  if (atSize.length > 0 || mixRatio !== "none" || ofMix.length === 0) return atSize;
  const smallest = Math.min(...ofMix.map((t) => t.generatedSize));
  return ofMix.filter((t) => t.generatedSize === smallest);
}

/**
 * For each mix ratio (natural order, "none" first), the metric along the
 * augmentation axis and where it peaks, with a bootstrap interval for the
 * peak's location.
 */
export function optimumByMixRatio(trials: readonly TrialView[], options: OptimumOptions): OptimumAnalysis {
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  const generatedSize = options.generatedSize ?? chooseGeneratedSize(trials);
  if (generatedSize === null) return { metric: options.metric, generatedSize: null, lines: [] };
  const { higherIsBetter } = METRICS[options.metric];

  const mixRatios = sortAxisValues([...new Set(trials.map((t) => t.mixRatio))]);
  const lines: OptimumLine[] = [];
  mixRatios.forEach((mixRatio, lineIndex) => {
    const own = lineTrials(trials, mixRatio, generatedSize);
    if (own.length === 0) return;
    const augValues = sortAxisValues([...new Set(own.map((t) => t.augValue))]);
    const points = augValues.map((augValue): OptimumPoint => {
      const samples: SeedValue[] = [];
      for (const t of own) {
        if (t.augValue !== augValue) continue;
        const value = finishedMetricValue(t, options.metric);
        if (value !== null) samples.push({ seed: t.seed, value });
      }
      samples.sort((a, b) => a.seed - b.seed);
      const values = samples.map((s) => s.value);
      const ci = meanConfidenceInterval(values, confidence);
      return { augValue, mean: mean(values), lo: ci?.lo ?? null, hi: ci?.hi ?? null, n: values.length, samples };
    });
    const optimum = bootstrapArgmax({
      augValues,
      samples: points.map((p) => p.samples),
      higherIsBetter,
      resamples: options.bootstrapSamples ?? DEFAULT_BOOTSTRAP_SAMPLES,
      // Each line gets its own stream so lines do not share resampling noise.
      seed: (options.seed ?? DEFAULT_BOOTSTRAP_SEED) + lineIndex * 7919,
      confidence,
    });
    lines.push({ mixRatio, generatedSize: own[0]!.generatedSize, points, optimum });
  });
  return { metric: options.metric, generatedSize, lines };
}
