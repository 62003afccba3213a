import type { TrialView } from "@/lib/contracts/views";
import { cellKeyOf, sortAxisValues } from "@/lib/sweep/grid";
import type { AugKnob, MixRatio } from "@/lib/sweep/schema";
import { KNOB_ANALYSIS, nearestAxisValue } from "./knobs";
import { METRIC_KEYS, finishedMetricValue, type Aggregation, type MetricKey } from "./metrics";
import {
  DEFAULT_CONFIDENCE,
  aggregate,
  mean,
  meanConfidenceInterval,
  pairedDifference,
  sampleStd,
  type Interval,
  type PairedDifference,
  type SeedValue,
} from "./stats";

export interface CellCoordinates {
  augValue: number;
  mixRatio: MixRatio;
  generatedSize: number;
}

export interface CellStatusCounts {
  done: number;
  running: number;
  queued: number;
  failed: number;
  cancelled: number;
  total: number;
}

export interface MetricSummary {
  /** Finished trials (status done) with a value for this metric. */
  n: number;
  /** The chosen aggregation over those trials; null when n = 0. */
  value: number | null;
  mean: number | null;
  /** Sample standard deviation (n - 1); null when n < 2. */
  std: number | null;
  /** t interval of the mean (whatever the aggregation); null when n < 2. */
  ci: Interval | null;
  /** Per-seed values in ascending seed order. */
  values: SeedValue[];
}

export interface CellSummary extends CellCoordinates {
  /** Same format as the grid's `cellKeyOf`, so it matches TrialView.cellKey. */
  key: string;
  /** Positions on each axis in natural order (see `collectAxes`). */
  augIndex: number;
  mixIndex: number;
  sizeIndex: number;
  /** Trials by status: running/queued/failed ones are counted, never averaged. */
  counts: CellStatusCounts;
  metrics: Record<MetricKey, MetricSummary>;
}

export interface AxisValues {
  augValues: number[];
  mixRatios: MixRatio[];
  generatedSizes: number[];
}

export interface AggregateOptions {
  aggregation?: Aggregation;
  confidence?: number;
}

/** The distinct values of each axis present in `trials`, in natural order ("none" first). */
export function collectAxes(trials: readonly TrialView[]): AxisValues {
  return {
    augValues: sortAxisValues([...new Set(trials.map((t) => t.augValue))]),
    mixRatios: sortAxisValues([...new Set(trials.map((t) => t.mixRatio))]),
    generatedSizes: sortAxisValues([...new Set(trials.map((t) => t.generatedSize))]),
  };
}

function summarize(samples: SeedValue[], aggregation: Aggregation, confidence: number): MetricSummary {
  samples.sort((a, b) => a.seed - b.seed);
  const values = samples.map((s) => s.value);
  return {
    n: values.length,
    value: aggregate(values, aggregation),
    mean: mean(values),
    std: sampleStd(values),
    ci: meanConfidenceInterval(values, confidence),
    values: samples,
  };
}

/**
 * Groups trials into (augValue, mixRatio, generatedSize) cells, ordered
 * augmentation-major, then mix ratio, then size, each axis in natural order.
 * Only cells that have at least one trial appear.
 */
export function aggregateCells(trials: readonly TrialView[], options: AggregateOptions = {}): CellSummary[] {
  const aggregation = options.aggregation ?? "mean";
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  const axes = collectAxes(trials);

  interface Pending {
    coords: CellCoordinates;
    counts: CellStatusCounts;
    samples: Record<MetricKey, SeedValue[]>;
  }
  const pending = new Map<string, Pending>();
  for (const trial of trials) {
    // Trials at different degradations are different cells (see trialsAtDegradation for one slice).
    const key = cellKeyOf(trial.augValue, trial.mixRatio, trial.generatedSize, trial.degradation);
    let cell = pending.get(key);
    if (!cell) {
      cell = {
        coords: { augValue: trial.augValue, mixRatio: trial.mixRatio, generatedSize: trial.generatedSize },
        counts: { done: 0, running: 0, queued: 0, failed: 0, cancelled: 0, total: 0 },
        samples: { linearAcc: [], knnAcc: [], finalLoss: [], durationMs: [] },
      };
      pending.set(key, cell);
    }
    cell.counts[trial.status] += 1;
    cell.counts.total += 1;
    for (const metric of METRIC_KEYS) {
      const value = finishedMetricValue(trial, metric);
      if (value !== null) cell.samples[metric].push({ seed: trial.seed, value });
    }
  }

  const cells: CellSummary[] = [];
  for (const [key, cell] of pending) {
    const metrics = {} as Record<MetricKey, MetricSummary>;
    for (const metric of METRIC_KEYS) metrics[metric] = summarize(cell.samples[metric], aggregation, confidence);
    cells.push({
      key,
      ...cell.coords,
      augIndex: axes.augValues.indexOf(cell.coords.augValue),
      mixIndex: axes.mixRatios.indexOf(cell.coords.mixRatio),
      sizeIndex: axes.generatedSizes.indexOf(cell.coords.generatedSize),
      counts: cell.counts,
      metrics,
    });
  }
  return cells.sort((a, b) => a.augIndex - b.augIndex || a.mixIndex - b.mixIndex || a.sizeIndex - b.sizeIndex);
}

/**
 * The cell a difference table compares against by default: no inflation
 * (mix ratio "none") at the knob's SimCLR default (strength 1, a = 0.08,
 * j = 1, p = 0.8), or the available value nearest to it, since a sweep need
 * not contain the default exactly and the UI lets the user pick another
 * baseline. Among "none" cells at several generated sizes (identical runs,
 * as nothing is generated) the one with the most finished trials wins, then
 * the smallest size. `generatedSize` restricts the choice to one size.
 * Null when the sweep has no "none" cell.
 */
export function defaultBaselineKey(cells: readonly CellSummary[], augKnob: AugKnob, generatedSize?: number): string | null {
  const candidates = cells.filter((c) => c.mixRatio === "none" && (generatedSize === undefined || c.generatedSize === generatedSize));
  const augValue = nearestAxisValue(
    candidates.map((c) => c.augValue),
    KNOB_ANALYSIS[augKnob].defaultValue,
  );
  if (augValue === null) return null;
  const atValue = candidates
    .filter((c) => c.augValue === augValue)
    .sort((a, b) => b.counts.done - a.counts.done || a.generatedSize - b.generatedSize);
  return atValue[0]?.key ?? null;
}

export interface MetricDifference {
  /** Cell aggregate minus baseline aggregate (same aggregation); null if either is missing. */
  difference: number | null;
  /** Mean per-seed difference over seeds finished in both cells, with its t interval. */
  paired: PairedDifference | null;
}

export interface CellDifference extends CellCoordinates {
  key: string;
  isBaseline: boolean;
  metrics: Record<MetricKey, MetricDifference>;
}

export type BaselineDifferenceResult = { ok: true; baseline: CellSummary; rows: CellDifference[] } | { ok: false; reason: string };

/**
 * Every cell relative to one baseline cell. Both an unpaired difference of
 * aggregates and a paired difference are given because they answer
 * different questions: the first matches the numbers in the table, the
 * second is the one to trust for "is this real" when seeds are shared.
 */
export function differenceFromBaseline(
  cells: readonly CellSummary[],
  baselineKey: string,
  options: { confidence?: number } = {},
): BaselineDifferenceResult {
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  const baseline = cells.find((c) => c.key === baselineKey);
  if (!baseline) return { ok: false, reason: `no cell ${baselineKey} in this sweep` };

  const rows = cells.map((cell): CellDifference => {
    const metrics = {} as Record<MetricKey, MetricDifference>;
    for (const metric of METRIC_KEYS) {
      const own = cell.metrics[metric];
      const base = baseline.metrics[metric];
      metrics[metric] = {
        difference: own.value !== null && base.value !== null ? own.value - base.value : null,
        paired: pairedDifference(own.values, base.values, confidence),
      };
    }
    return {
      key: cell.key,
      augValue: cell.augValue,
      mixRatio: cell.mixRatio,
      generatedSize: cell.generatedSize,
      isBaseline: cell.key === baseline.key,
      metrics,
    };
  });
  return { ok: true, baseline, rows };
}
