import { describe, expect, it } from "vitest";
import type { TrialView } from "@/lib/contracts/views";
import type { MixRatio } from "@/lib/sweep/schema";
import { bestMixByQuality, describeQualityShift, realShareOrder, trialDegradations, trialsAtDegradation } from "./generator-quality";
import { createRng, randomNormal } from "./random";
import { makeTrial } from "./trial-fixture";

const DEGRADATIONS = [0, 0.5, 1];
/** FID the synthetic generator measures at each degradation. */
const FID = (degradation: number) => 0.3 + 12 * degradation;

/**
 * A synthetic generator-quality sweep with a known answer: at each
 * degradation, `means(degradation)` gives every inflated mix ratio's mean
 * accuracy; "none" (shared by every degradation) has mean `none`. A per-seed
 * offset is shared by every cell of a seed, plus independent noise.
 */
function simulate(options: {
  means: (degradation: number) => Partial<Record<string, number>>;
  none: number;
  seeds?: number;
  noise?: number;
  augValues?: number[];
  mixes?: MixRatio[];
}): TrialView[] {
  const rng = createRng(11);
  const seeds = options.seeds ?? 10;
  const mixes = options.mixes ?? ["none", 1, 3, 10];
  const seedOffsets = Array.from({ length: seeds }, () => 0.005 * randomNormal(rng));
  const trials: TrialView[] = [];
  for (const augValue of options.augValues ?? [0.5]) {
    for (let seed = 0; seed < seeds; seed++) {
      const noisy = (mean: number) => mean + seedOffsets[seed]! + (options.noise ?? 0.002) * randomNormal(rng);
      trials.push(makeTrial({ augValue, mixRatio: "none", seed, linearAcc: noisy(options.none) }));
      for (const degradation of DEGRADATIONS) {
        const means = options.means(degradation);
        for (const mixRatio of mixes.filter((m) => m !== "none")) {
          trials.push(
            makeTrial({
              augValue,
              mixRatio,
              degradation,
              seed,
              linearAcc: noisy(means[String(mixRatio)]!),
              generatedFid: FID(degradation) + 0.02 * seed,
            }),
          );
        }
      }
    }
  }
  return trials;
}

describe("the best mix ratio against generator quality", () => {
  it("orders mix ratios by the share of real data, none last", () => {
    expect(realShareOrder(["none", 10, 1, 3])).toEqual([1, 3, 10, "none"]);
    expect(realShareOrder([2, 1])).toEqual([1, 2]);
  });

  it("slices trials by degradation, keeping the trials degradation does not apply to", () => {
    const trials = simulate({ means: () => ({ 1: 0.9, 3: 0.9, 10: 0.9 }), none: 0.9, seeds: 2 });
    expect(trialDegradations(trials)).toEqual([0, 0.5, 1]);
    const slice = trialsAtDegradation(trials, 0.5);
    expect(slice).toHaveLength(2 + 2 * 3);
    expect(slice.every((t) => t.degradation === null || t.degradation === 0.5)).toBe(true);
    expect(trialsAtDegradation(trials, null)).toHaveLength(trials.length);
  });

  it("finds the known best N at each degradation, places it by the measured FID and names the direction", () => {
    // A good generator: N = 1 (most generated data) is best; a bad one: real data only is best.
    const trials = simulate({
      means: (d) => (d === 0 ? { 1: 0.92, 3: 0.915, 10: 0.91 } : d === 0.5 ? { 1: 0.9, 3: 0.91, 10: 0.905 } : { 1: 0.8, 3: 0.83, 10: 0.86 }),
      none: 0.89,
    });
    const analysis = bestMixByQuality(trials, { metric: "linearAcc" });
    expect(analysis.mixRatios).toEqual([1, 3, 10, "none"]);
    expect(analysis.augValue).toBe(0.5);
    expect(analysis.rows.map((row) => row.degradation)).toEqual([0, 0.5, 1]);
    expect(analysis.rows.map((row) => row.best!.estimate)).toEqual([1, 3, "none"]);
    expect(analysis.rows[0]!.best!.ci).toEqual({ lo: 1, hi: 1 });
    expect(analysis.rows[2]!.best!.ci).toEqual({ lo: "none", hi: "none" });
    expect(analysis.rows[2]!.best!.estimateIndex).toBe(3);
    expect(analysis.rows[0]!.fid!.mean).toBeCloseTo(0.3 + 0.09, 6);
    expect(analysis.rows[2]!.fid!.n).toBe(30);
    // "none" is the same trials in every row.
    expect(analysis.rows[0]!.points[3]!.samples).toEqual(analysis.rows[2]!.points[3]!.samples);
    expect(analysis.rows[0]!.points[3]!.n).toBe(10);
    expect(describeQualityShift(analysis)).toMatch(
      /^The best mix ratio moves from N=1 at FID 0\.39, none at FID 12\.39: a worse generator calls for more weight on real data/,
    );
  });

  it("names the reversed direction when the worse generator is better mixed in", () => {
    const trials = simulate({ means: (d) => (d === 0 ? { 1: 0.85, 3: 0.86, 10: 0.87 } : { 1: 0.93, 3: 0.9, 10: 0.89 }), none: 0.88 });
    const analysis = bestMixByQuality(trials, { metric: "linearAcc" });
    expect(analysis.rows.map((row) => row.best!.estimate)).toEqual(["none", 1, 1]);
    expect(describeQualityShift(analysis)).toMatch(
      /^The best mix ratio moves from none at FID 0\.39, N=1 at FID 12\.39: a worse generator calls for less weight on real data/,
    );
  });

  it("says not distinguishable, with no direction, when nothing differs", () => {
    const trials = simulate({ means: () => ({ 1: 0.9, 3: 0.9, 10: 0.9 }), none: 0.9, noise: 0.01 });
    const sentence = describeQualityShift(bestMixByQuality(trials, { metric: "linearAcc" }));
    expect(sentence).toMatch(/^Not distinguishable: the best mix ratio is .* but the intervals overlap/);
    expect(sentence).not.toMatch(/calls for/);
  });

  it("names no direction on fewer than 3 seeds, however separate the intervals look", () => {
    const trials = simulate({
      means: (d) => (d === 0 ? { 1: 0.95, 3: 0.9, 10: 0.9 } : { 1: 0.8, 3: 0.8, 10: 0.8 }),
      none: 0.9,
      seeds: 2,
      noise: 0.0001,
    });
    const sentence = describeQualityShift(bestMixByQuality(trials, { metric: "linearAcc" }));
    expect(sentence).toMatch(/^Not distinguishable: .*rest on fewer than 3 seeds/);
  });

  it("compares mix ratios at the chosen strength, by default the best strength of the inflated trials", () => {
    const trials = [
      ...simulate({ means: () => ({ 1: 0.7, 3: 0.7, 10: 0.7 }), none: 0.7, augValues: [1] }),
      ...simulate({ means: (d) => (d === 0 ? { 1: 0.92, 3: 0.9, 10: 0.9 } : { 1: 0.9, 3: 0.9, 10: 0.95 }), none: 0.9, augValues: [0.25] }),
    ];
    const analysis = bestMixByQuality(trials, { metric: "linearAcc" });
    expect(analysis.augValue).toBe(0.25);
    expect(analysis.rows[0]!.best!.estimate).toBe(1);
    expect(bestMixByQuality(trials, { metric: "linearAcc", augValue: 1 }).augValue).toBe(1);
  });

  it("waits for data: no rows without degradations, no best without results", () => {
    expect(bestMixByQuality([makeTrial({ mixRatio: 1 })], { metric: "linearAcc" }).rows).toEqual([]);
    const queued = simulate({ means: () => ({ 1: 0.9, 3: 0.9, 10: 0.9 }), none: 0.9, seeds: 1 }).map((t) => ({
      ...t,
      status: "queued" as const,
      linearAcc: null,
    }));
    const analysis = bestMixByQuality(queued, { metric: "linearAcc" });
    expect(analysis.rows.every((row) => row.best === null && row.fid === null)).toBe(true);
    expect(describeQualityShift(analysis)).toMatch(/^Not enough finished trials yet/);
    expect(describeQualityShift({ ...analysis, rows: analysis.rows.slice(0, 1) })).toMatch(/^Needs at least two degradation values/);
  });
});
