import { MAX_TRIALS, gridTrialCount, type AugKnob, type MixRatio, type SweepConfig } from "./schema";
import { AppError } from "@/lib/errors";

export type { MixRatio } from "./schema";

/**
 * One trial of a sweep. The `*Index` fields index the axis after
 * `sortAxisValues`, not the order the user typed, so a results table or
 * heat map can place a trial without re-sorting anything.
 */
export interface TrialSpec {
  orderIndex: number;
  cellKey: string;
  augKnob: AugKnob;
  augValue: number;
  mixRatio: MixRatio;
  generatedSize: number;
  /** Generator degradation of this trial when the sweep has a degradation axis; null without one and for "none". */
  degradation: number | null;
  seed: number;
  augIndex: number;
  mixIndex: number;
  sizeIndex: number;
  /** Index into the sorted degradation axis; 0 when `degradation` is null. */
  degIndex: number;
  seedIndex: number;
}

/** A grid with more trials than a sweep may hold: 422 about the axes. */
export class GridTooLargeError extends AppError {
  readonly trialCount: number;
  readonly limit: number;

  constructor(trialCount: number, limit: number = MAX_TRIALS) {
    const message = `grid has ${trialCount} trials; the limit is ${limit} (reduce an axis)`;
    super(422, message, [{ path: "axes", message, expected: `<= ${limit} trials`, received: `${trialCount} trials` }]);
    this.trialCount = trialCount;
    this.limit = limit;
  }
}

/** Natural order: "none" (no generated data) first, then ascending numbers. */
export function sortAxisValues<T extends number | "none">(values: readonly T[]): T[] {
  return [...values].sort((a, b) => {
    if (a === b) return 0;
    if (a === "none") return -1;
    if (b === "none") return 1;
    return (a as number) - (b as number);
  });
}

export function formatMixRatio(mix: MixRatio): string {
  return mix === "none" ? "none" : `N=${mix}`;
}

export function countTrials(config: Pick<SweepConfig, "axes">): number {
  return gridTrialCount(config.axes);
}

/** The degradation part is present only for sweeps with a degradation axis, so older cell keys are unchanged. */
export function cellKeyOf(augValue: number, mixRatio: MixRatio, generatedSize: number, degradation: number | null = null): string {
  const base = `aug=${augValue}|mix=${mixRatio}|gen=${generatedSize}`;
  return degradation === null ? base : `${base}|deg=${degradation}`;
}

/** The degradation values a sweep runs: its axis, or the single `generated.degradation`. */
export function degradationValues(config: Pick<SweepConfig, "axes" | "generated">): number[] {
  return sortAxisValues(config.axes.degradation?.values ?? [config.generated.degradation]);
}

/**
 * The config one trial trains with: on a sweep with a degradation axis, the
 * trial's degradation replaces `generated.degradation`, so the data
 * preparation, the worker and the trial hash need no other change.
 */
export function configForTrial<C extends Pick<SweepConfig, "generated">>(config: C, trial: { degradation: number | null }): C {
  if (trial.degradation === null) return config;
  return { ...config, generated: { ...config.generated, degradation: trial.degradation } };
}

/**
 * Refinement level of every index of an axis of length n under recursive
 * bisection: the two ends are level 0, the midpoint of [first, last] is
 * level 1, the midpoints of the two halves level 2, and so on. Running all
 * level-k points before any level-(k+1) point means a sweep stopped early
 * has still covered the whole range, only more coarsely.
 */
export function bisectionLevels(n: number): number[] {
  const levels = new Array<number>(n).fill(0);
  if (n <= 2) return levels;
  const queue: [lo: number, hi: number, level: number][] = [[0, n - 1, 1]];
  for (let head = 0; head < queue.length; head++) {
    const [lo, hi, level] = queue[head]!;
    if (hi - lo < 2) continue;
    const mid = (lo + hi) >> 1;
    levels[mid] = level;
    queue.push([lo, mid, level + 1], [mid, hi, level + 1]);
  }
  return levels;
}

/** Indices of an axis in coarse-to-fine order, e.g. n=5 -> [0, 4, 2, 1, 3]. */
export function bisectionOrder(n: number): number[] {
  const levels = bisectionLevels(n);
  return levels
    .map((level, index) => ({ level, index }))
    .sort((a, b) => a.level - b.level || a.index - b.index)
    .map((entry) => entry.index);
}

interface AxisPlan {
  levels: number[];
  /** Position of each index in the axis's own coarse-to-fine order. */
  ranks: number[];
}

function planAxis(n: number): AxisPlan {
  const ranks = new Array<number>(n).fill(0);
  bisectionOrder(n).forEach((index, rank) => {
    ranks[index] = rank;
  });
  return { levels: bisectionLevels(n), ranks };
}

function assertDistinct(values: readonly (number | string)[], axis: string): void {
  if (new Set(values).size !== values.length) {
    throw new Error(`axes.${axis}.values contains duplicates; validate the config with sweepConfigSchema first`);
  }
}

/**
 * Expands a validated config into its trials in run order: seed-major (a
 * complete picture for one seed beats a partial picture for several), and
 * within a seed coarse-to-fine across the augmentation x mix x size grid.
 */
export function expandGrid(config: SweepConfig): TrialSpec[] {
  const total = countTrials(config);
  if (total > MAX_TRIALS) throw new GridTooLargeError(total, MAX_TRIALS);

  const { augmentation } = config.axes;
  const augValues = sortAxisValues(augmentation.values);
  const mixValues = sortAxisValues(config.axes.mixRatio.values);
  const sizeValues = sortAxisValues(config.axes.generatedSize.values);
  const seedValues = sortAxisValues(config.axes.seeds.values);
  const degValues: (number | null)[] = config.axes.degradation ? sortAxisValues(config.axes.degradation.values) : [null];
  assertDistinct(augValues, "augmentation");
  assertDistinct(mixValues, "mixRatio");
  assertDistinct(sizeValues, "generatedSize");
  assertDistinct(degValues.map(String), "degradation");
  assertDistinct(seedValues, "seeds");

  const plans = [planAxis(augValues.length), planAxis(mixValues.length), planAxis(sizeValues.length), planAxis(degValues.length)] as const;

  interface Cell {
    idx: [number, number, number, number];
    level: number;
    rankSum: number;
  }
  const cells: Cell[] = [];
  for (let a = 0; a < augValues.length; a++) {
    for (let m = 0; m < mixValues.length; m++) {
      // Without generated data the degradation changes nothing: one cell, not one per value.
      const degCount = mixValues[m] === "none" ? 1 : degValues.length;
      for (let g = 0; g < sizeValues.length; g++) {
        for (let d = 0; d < degCount; d++) {
          const idx: [number, number, number, number] = [a, m, g, d];
          let level = 0;
          let rankSum = 0;
          plans.forEach((plan, axis) => {
            const i = idx[axis]!;
            level = Math.max(level, plan.levels[i]!);
            rankSum += plan.ranks[i]!;
          });
          cells.push({ idx, level, rankSum });
        }
      }
    }
  }
  // Within one level the rank sum spreads new points out: cells whose other
  // coordinates are still coarse come before ones deep in the refinement.
  cells.sort(
    (x, y) => x.level - y.level || x.rankSum - y.rankSum || x.idx[0] - y.idx[0] || x.idx[1] - y.idx[1] || x.idx[2] - y.idx[2] || x.idx[3] - y.idx[3],
  );

  const trials: TrialSpec[] = [];
  seedValues.forEach((seed, seedIndex) => {
    for (const { idx } of cells) {
      const [augIndex, mixIndex, sizeIndex, degIndex] = idx;
      const augValue = augValues[augIndex]!;
      const mixRatio = mixValues[mixIndex]!;
      const generatedSize = sizeValues[sizeIndex]!;
      const degradation = mixRatio === "none" ? null : degValues[degIndex]!;
      trials.push({
        orderIndex: trials.length,
        cellKey: cellKeyOf(augValue, mixRatio, generatedSize, degradation),
        augKnob: augmentation.knob,
        augValue,
        mixRatio,
        generatedSize,
        degradation,
        seed,
        augIndex,
        mixIndex,
        sizeIndex,
        degIndex,
        seedIndex,
      });
    }
  });
  return trials;
}
