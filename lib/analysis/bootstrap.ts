import { randomInt, createRng } from "./random";
import { DEFAULT_CONFIDENCE, valuesBySeed, type SeedValue } from "./stats";

export interface ArgmaxBootstrapInput {
  /** The augmentation axis of one mix-ratio line, ascending. */
  augValues: readonly number[];
  /** Finished values at each augmentation value (same order as `augValues`). */
  samples: readonly (readonly SeedValue[])[];
  higherIsBetter: boolean;
  /** Number of bootstrap resamples, e.g. 1000. */
  resamples: number;
  /** PRNG seed: the same input and seed always give the same interval. */
  seed: number;
  confidence?: number;
}

/**
 * "paired": every value was measured on the same seeds, so whole seeds are
 * resampled jointly (one draw of seed indices applies to every value). This
 * keeps the seed-to-seed correlation between values, which is real (shared
 * initialisation and data order) and would otherwise make the optimum look
 * less certain than it is.
 * "independent": seed sets differ (e.g. a trial failed), so each value is
 * resampled on its own.
 */
export type BootstrapMode = "paired" | "independent";

export interface ArgmaxBootstrap {
  /** The augmentation value with the best mean (ties: the first in axis order). */
  estimate: number;
  /**
   * Percentile interval over the augmentation axis, widened if needed to
   * contain the estimate. Null when some value has fewer than two seeds: a
   * bootstrap of one number has no spread, and would claim false certainty.
   */
  ci: { lo: number; hi: number } | null;
  /** Share of resamples whose argmax equals the estimate (0 when ci is null). */
  support: number;
  /** How often each value was the bootstrap argmax (empty when ci is null). */
  distribution: { augValue: number; share: number }[];
  mode: BootstrapMode | null;
  resamples: number;
  confidence: number;
  /** Why no interval could be computed, when ci is null. */
  reason: string | null;
}

/** Index of the best of `means`; strict comparison keeps the first of tied values. */
function bestIndex(means: readonly number[], higherIsBetter: boolean): number {
  let best = 0;
  for (let i = 1; i < means.length; i++) {
    const better = higherIsBetter ? means[i]! > means[best]! : means[i]! < means[best]!;
    if (better) best = i;
  }
  return best;
}

function sameSeeds(seedLists: readonly number[][]): boolean {
  const first = seedLists[0]!;
  return seedLists.every((list) => list.length === first.length && list.every((s, i) => s === first[i]));
}

/** Nearest-rank percentile of a sorted integer list: always one of its elements. */
function nearestRank(sorted: readonly number[], p: number): number {
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(p * sorted.length)));
  return sorted[rank - 1]!;
}

/**
 * Percentile bootstrap for the argmax (argmin when lower is better) over
 * augmentation values of the mean metric along one mix-ratio line. Values
 * without any finished trial are left out (they cannot be the optimum yet).
 * Returns null when fewer than two values have results: there is no
 * optimum to speak of.
 */
export function bootstrapArgmax(input: ArgmaxBootstrapInput): ArgmaxBootstrap | null {
  const confidence = input.confidence ?? DEFAULT_CONFIDENCE;
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be in (0, 1), got ${confidence}`);
  if (!(Number.isInteger(input.resamples) && input.resamples >= 1)) {
    throw new RangeError(`resamples must be a positive integer, got ${input.resamples}`);
  }
  if (input.samples.length !== input.augValues.length) {
    throw new RangeError("samples must have one entry per augmentation value");
  }

  // Per-seed means so a repeated seed cannot be drawn as two seeds.
  const present: { augValue: number; seeds: number[]; values: number[] }[] = [];
  input.augValues.forEach((augValue, i) => {
    const bySeed = valuesBySeed(input.samples[i]!);
    if (bySeed.size > 0) present.push({ augValue, seeds: [...bySeed.keys()], values: [...bySeed.values()] });
  });
  if (present.length < 2) return null;

  const pointMeans = present.map((p) => p.values.reduce((s, v) => s + v, 0) / p.values.length);
  const estimateIndex = bestIndex(pointMeans, input.higherIsBetter);
  const estimate = present[estimateIndex]!.augValue;

  if (present.some((p) => p.values.length < 2)) {
    return {
      estimate,
      ci: null,
      support: 0,
      distribution: [],
      mode: null,
      resamples: 0,
      confidence,
      reason: "needs at least 2 finished seeds at every augmentation value",
    };
  }

  const mode: BootstrapMode = sameSeeds(present.map((p) => p.seeds)) ? "paired" : "independent";
  const rng = createRng(input.seed);
  const counts = new Array<number>(present.length).fill(0);
  const argmaxes: number[] = [];
  const means = new Array<number>(present.length).fill(0);
  const seedCount = present[0]!.values.length;
  const drawn = new Array<number>(seedCount).fill(0);

  for (let r = 0; r < input.resamples; r++) {
    if (mode === "paired") {
      for (let k = 0; k < seedCount; k++) drawn[k] = randomInt(rng, seedCount);
      present.forEach((p, i) => {
        let sum = 0;
        for (const k of drawn) sum += p.values[k]!;
        means[i] = sum / seedCount;
      });
    } else {
      present.forEach((p, i) => {
        let sum = 0;
        for (let k = 0; k < p.values.length; k++) sum += p.values[randomInt(rng, p.values.length)]!;
        means[i] = sum / p.values.length;
      });
    }
    const best = bestIndex(means, input.higherIsBetter);
    counts[best]! += 1;
    argmaxes.push(best);
  }

  argmaxes.sort((a, b) => a - b);
  const alpha = 1 - confidence;
  const loIndex = Math.min(nearestRank(argmaxes, alpha / 2), estimateIndex);
  const hiIndex = Math.max(nearestRank(argmaxes, 1 - alpha / 2), estimateIndex);
  return {
    estimate,
    ci: { lo: present[loIndex]!.augValue, hi: present[hiIndex]!.augValue },
    support: counts[estimateIndex]! / input.resamples,
    distribution: present.map((p, i) => ({ augValue: p.augValue, share: counts[i]! / input.resamples })),
    mode,
    resamples: input.resamples,
    confidence,
    reason: null,
  };
}
