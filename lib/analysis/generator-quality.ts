import type { TrialView } from "@/lib/contracts/views";
import { formatMixRatio, sortAxisValues } from "@/lib/sweep/grid";
import type { MixRatio } from "@/lib/sweep/schema";
import { bootstrapArgmax, type ArgmaxBootstrap } from "./bootstrap";
import { formatAxisValue } from "./knobs";
import { METRICS, finishedMetricValue, type MetricKey } from "./metrics";
import { DEFAULT_BOOTSTRAP_SAMPLES, DEFAULT_BOOTSTRAP_SEED } from "./optimum";
import { MIN_SEEDS_FOR_DIRECTION } from "./shift-sentence";
import { DEFAULT_CONFIDENCE, mean, meanConfidenceInterval, type Interval, type SeedValue } from "./stats";

/**
 * The best mix ratio as a function of generator quality, for sweeps with a
 * degradation axis: at each degradation, the metric of every mix ratio (at
 * one augmentation value and generated size), the mix ratio with the best
 * mean, and a seed-bootstrap interval for that choice. Each degradation is
 * placed by the FID its trials measured.
 */

/** The degradations a set of trials was run at (trials without one, e.g. "none", are left out). */
export function trialDegradations(trials: readonly TrialView[]): number[] {
  return sortAxisValues([...new Set(trials.flatMap((t) => (t.degradation === null ? [] : [t.degradation])))]);
}

/**
 * The trials seen at one degradation: those run at it, and those for which
 * degradation does not apply (no generated data, or no degradation axis).
 * Every existing analysis of one sweep then works unchanged on the slice.
 */
export function trialsAtDegradation(trials: readonly TrialView[], degradation: number | null): TrialView[] {
  if (degradation === null) return [...trials];
  return trials.filter((t) => t.degradation === null || t.degradation === degradation);
}

/**
 * Mix ratios by the share of real samples they give, ascending: N = 1, 3,
 * 10, ..., then "none" (real data only, as if N were infinite). Intervals
 * over this order are intervals over how much weight generated images get.
 */
export function realShareOrder(mixRatios: readonly MixRatio[]): MixRatio[] {
  const numbers = mixRatios.filter((m): m is number => m !== "none").sort((a, b) => a - b);
  return mixRatios.includes("none") ? [...numbers, "none"] : numbers;
}

export interface MixPoint {
  mixRatio: MixRatio;
  mean: number | null;
  lo: number | null;
  hi: number | null;
  n: number;
  samples: SeedValue[];
}

export interface QualityRow {
  degradation: number;
  /** Mean FID measured by this degradation's finished trials, with its t interval; null until one reports it. */
  fid: { mean: number; ci: Interval | null; n: number } | null;
  /** Every mix ratio of the sweep in `realShareOrder` ("none" last; its trials are shared by every degradation). */
  points: MixPoint[];
  /** The best mix ratio and its interval, in mix-ratio values; null below two mix ratios with results. */
  best: BestMix | null;
}

export interface BestMix {
  estimate: MixRatio;
  /** Bootstrap percentile interval over the mix-ratio axis in `realShareOrder`; null without enough seeds. */
  ci: { lo: MixRatio; hi: MixRatio } | null;
  /** The same interval as positions on the mix-ratio axis, for comparing rows and for charts. */
  ciIndex: { lo: number; hi: number } | null;
  estimateIndex: number;
  support: number;
  confidence: number;
  reason: string | null;
}

export interface GeneratorQualityAnalysis {
  metric: MetricKey;
  augValue: number | null;
  generatedSize: number | null;
  /** In `realShareOrder`. */
  mixRatios: MixRatio[];
  rows: QualityRow[];
}

export interface GeneratorQualityOptions {
  metric: MetricKey;
  /** Augmentation value to compare mix ratios at; default: see `defaultQualityAugValue`. */
  augValue?: number;
  /** Default: the largest generated size. */
  generatedSize?: number;
  confidence?: number;
  bootstrapSamples?: number;
  seed?: number;
}

/** The augmentation value with the best mean metric over all finished inflated trials: where the mix ratio matters most. */
export function defaultQualityAugValue(trials: readonly TrialView[], metric: MetricKey): number | null {
  const inflated = trials.filter((t) => t.mixRatio !== "none");
  const augValues = sortAxisValues([...new Set(inflated.map((t) => t.augValue))]);
  const { higherIsBetter } = METRICS[metric];
  let best: { augValue: number; mean: number } | null = null;
  for (const augValue of augValues) {
    const values = inflated.filter((t) => t.augValue === augValue).flatMap((t) => finishedMetricValue(t, metric) ?? []);
    const m = mean(values);
    if (m === null) continue;
    if (!best || (higherIsBetter ? m > best.mean : m < best.mean)) best = { augValue, mean: m };
  }
  return best?.augValue ?? augValues[0] ?? null;
}

function pointOf(trials: readonly TrialView[], mixRatio: MixRatio, metric: MetricKey, confidence: number): MixPoint {
  const samples: SeedValue[] = [];
  for (const t of trials) {
    const value = finishedMetricValue(t, metric);
    if (value !== null) samples.push({ seed: t.seed, value });
  }
  samples.sort((a, b) => a.seed - b.seed);
  const values = samples.map((s) => s.value);
  const ci = meanConfidenceInterval(values, confidence);
  return { mixRatio, mean: mean(values), lo: ci?.lo ?? null, hi: ci?.hi ?? null, n: values.length, samples };
}

function toBestMix(optimum: ArgmaxBootstrap, present: readonly MixRatio[]): BestMix {
  const at = (index: number) => present[index]!;
  return {
    estimate: at(optimum.estimate),
    estimateIndex: optimum.estimate,
    ci: optimum.ci ? { lo: at(optimum.ci.lo), hi: at(optimum.ci.hi) } : null,
    ciIndex: optimum.ci ? { lo: optimum.ci.lo, hi: optimum.ci.hi } : null,
    support: optimum.support,
    confidence: optimum.confidence,
    reason: optimum.reason,
  };
}

export function bestMixByQuality(trials: readonly TrialView[], options: GeneratorQualityOptions): GeneratorQualityAnalysis {
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  const { metric } = options;
  const augValue = options.augValue ?? defaultQualityAugValue(trials, metric);
  const sizes = sortAxisValues([...new Set(trials.filter((t) => t.mixRatio !== "none").map((t) => t.generatedSize))]);
  const generatedSize = options.generatedSize ?? sizes.at(-1) ?? null;
  const mixRatios = realShareOrder([...new Set(trials.map((t) => t.mixRatio))]);
  const empty = { metric, augValue, generatedSize, mixRatios, rows: [] };
  if (augValue === null || generatedSize === null) return empty;

  const atAug = trials.filter((t) => t.augValue === augValue);
  // "none" trains on nothing generated, so its size does not matter; take the size with the most of its trials.
  const noneTrials = atAug.filter((t) => t.mixRatio === "none");
  const noneSize = noneTrials.some((t) => t.generatedSize === generatedSize) ? generatedSize : Math.min(...noneTrials.map((t) => t.generatedSize));
  const rows = trialDegradations(trials).map((degradation, rowIndex): QualityRow => {
    const points = mixRatios.map((mixRatio) => {
      const own =
        mixRatio === "none"
          ? noneTrials.filter((t) => t.generatedSize === noneSize)
          : atAug.filter((t) => t.mixRatio === mixRatio && t.generatedSize === generatedSize && t.degradation === degradation);
      return pointOf(own, mixRatio, metric, confidence);
    });
    const fids = trials
      .filter((t) => t.degradation === degradation && t.generatedSize === generatedSize && t.status === "done" && t.generatedFid !== null)
      .map((t) => t.generatedFid!);
    const fidMean = mean(fids);
    // Positions on the mix axis stand in for the values, so "none" can be one of the candidates.
    const present = points.filter((p) => p.n > 0);
    const optimum = bootstrapArgmax({
      augValues: present.map((_, i) => i),
      samples: present.map((p) => p.samples),
      higherIsBetter: METRICS[metric].higherIsBetter,
      resamples: options.bootstrapSamples ?? DEFAULT_BOOTSTRAP_SAMPLES,
      seed: (options.seed ?? DEFAULT_BOOTSTRAP_SEED) + rowIndex * 104_729,
      confidence,
    });
    const best = optimum
      ? toBestMix(
          optimum,
          present.map((p) => p.mixRatio),
        )
      : null;
    if (best) {
      // Report positions on the full axis, not on the present subset.
      const full = (mix: MixRatio) => mixRatios.indexOf(mix);
      best.estimateIndex = full(best.estimate);
      if (best.ci) best.ciIndex = { lo: full(best.ci.lo), hi: full(best.ci.hi) };
    }
    return {
      degradation,
      fid: fidMean === null ? null : { mean: fidMean, ci: meanConfidenceInterval(fids, confidence), n: fids.length },
      points,
      best,
    };
  });
  return { ...empty, rows };
}

export function formatBestMix(best: BestMix | null): string {
  if (!best) return "not enough data";
  const estimate = formatMixRatio(best.estimate);
  if (!best.ci) return `${estimate} (no interval yet)`;
  const { lo, hi } = best.ci;
  return lo === hi ? `${estimate} [${formatMixRatio(lo)}]` : `${estimate} [${formatMixRatio(lo)} to ${formatMixRatio(hi)}]`;
}

function describeRow(row: QualityRow): string {
  const fid = row.fid ? `FID ${row.fid.mean.toFixed(2)}` : `degradation ${formatAxisValue(row.degradation)}`;
  return `${formatMixRatio(row.best!.estimate)} at ${fid}`;
}

/**
 * One sentence on how the best mix ratio moves from the best generator
 * (lowest degradation) to the worst. As with the optimum shift, a direction
 * is named only when the two intervals do not overlap and every compared
 * point has at least MIN_SEEDS_FOR_DIRECTION seeds.
 */
export function describeQualityShift(analysis: GeneratorQualityAnalysis): string {
  const { rows } = analysis;
  if (rows.length < 2) return "Needs at least two degradation values with results to relate the best mix ratio to generator quality.";
  const first = rows[0]!;
  const last = rows.at(-1)!;
  if (!first.best || !last.best) return "Not enough finished trials yet to find the best mix ratio at each generator quality.";
  const pair = `${describeRow(first)}, ${describeRow(last)}`;
  const a = first.best.ciIndex;
  const b = last.best.ciIndex;
  if (!a || !b) return `Best mix ratio: ${pair}; no intervals yet (need at least 2 seeds per mix ratio).`;
  const ci = `${Math.round(first.best.confidence * 100)}% bootstrap intervals: ${formatBestMix(first.best)}, ${formatBestMix(last.best)}`;
  const fewSeeds = [...first.points, ...last.points].some((p) => p.n > 0 && p.n < MIN_SEEDS_FOR_DIRECTION);
  if ((a.lo <= b.hi && b.lo <= a.hi) || fewSeeds) {
    return `Not distinguishable: the best mix ratio is ${pair}, but the intervals ${fewSeeds ? "rest on fewer than 3 seeds" : "overlap"} (${ci}).`;
  }
  const direction =
    last.best.estimateIndex > first.best.estimateIndex
      ? "a worse generator calls for more weight on real data, a larger N or none"
      : "a worse generator calls for less weight on real data, a smaller N";
  return `The best mix ratio moves from ${pair}: ${direction} (${ci}).`;
}
