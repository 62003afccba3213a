export { KNOB_ANALYSIS, augmentationDirection, formatAxisValue, nearestAxisValue, type KnobAnalysisInfo } from "./knobs";
export {
  AGGREGATIONS,
  AGGREGATION_LABELS,
  METRICS,
  METRIC_KEYS,
  finishedMetricValue,
  formatDuration,
  isBetter,
  type Aggregation,
  type MetricInfo,
  type MetricKey,
} from "./metrics";
export { lnGamma, normalCdf, normalQuantile, regularizedBeta, tCdf, tQuantile } from "./t-distribution";
export {
  DEFAULT_CONFIDENCE,
  aggregate,
  mean,
  meanConfidenceInterval,
  median,
  pairedDifference,
  sampleStd,
  valuesBySeed,
  type Interval,
  type PairedDifference,
  type SeedValue,
} from "./stats";
export {
  aggregateCells,
  collectAxes,
  defaultBaselineKey,
  differenceFromBaseline,
  type AggregateOptions,
  type AxisValues,
  type BaselineDifferenceResult,
  type CellCoordinates,
  type CellDifference,
  type CellStatusCounts,
  type CellSummary,
  type MetricDifference,
  type MetricSummary,
} from "./aggregate";
export { createRng, randomInt, randomNormal, type Rng } from "./random";
export { bootstrapArgmax, type ArgmaxBootstrap, type ArgmaxBootstrapInput, type BootstrapMode } from "./bootstrap";
export {
  DEFAULT_BOOTSTRAP_SAMPLES,
  DEFAULT_BOOTSTRAP_SEED,
  chooseGeneratedSize,
  optimumByMixRatio,
  type OptimumAnalysis,
  type OptimumLine,
  type OptimumOptions,
  type OptimumPoint,
} from "./optimum";
export { NOT_ENOUGH_DATA_SENTENCE, describeOptimumShift } from "./shift-sentence";
export {
  DEFAULT_RECIPE_TOLERANCE,
  adainfComparison,
  type AdainfComparison,
  type AvailableComparisonRow,
  type ComparisonOptions,
  type ComparisonRow,
  type ComparisonRowId,
  type MissingComparisonRow,
} from "./comparison";
