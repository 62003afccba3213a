import type { TrialView } from "@/lib/contracts/views";

/**
 * The measured outcomes a chart or table can show, and how to read them.
 * Accuracies are stored as fractions in [0, 1] (see trialResultSchema) and
 * shown as percentages; `displayScale` lets a chart axis do the same.
 */
export const METRIC_KEYS = ["linearAcc", "knnAcc", "finalLoss", "durationMs"] as const;
export type MetricKey = (typeof METRIC_KEYS)[number];

export interface MetricInfo {
  key: MetricKey;
  label: string;
  /** Unit of the displayed value (after `displayScale`), "" when unitless. */
  unit: string;
  displayScale: number;
  /** Decides argmax vs argmin and which way "better" points in comparisons. */
  higherIsBetter: boolean;
  format: (value: number | null) => string;
  /** Formats a difference between two values, always signed. */
  formatDifference: (difference: number | null) => string;
}

const DASH = "—";

function signed(text: string, value: number): string {
  return value > 0 ? `+${text}` : text;
}

function formatPercent(value: number | null): string {
  return value === null || !Number.isFinite(value) ? DASH : `${(value * 100).toFixed(2)}%`;
}

function formatPercentPoints(difference: number | null): string {
  if (difference === null || !Number.isFinite(difference)) return DASH;
  return signed(`${(difference * 100).toFixed(2)} pp`, difference);
}

function formatLoss(value: number | null): string {
  return value === null || !Number.isFinite(value) ? DASH : value.toFixed(4);
}

function formatLossDifference(difference: number | null): string {
  if (difference === null || !Number.isFinite(difference)) return DASH;
  return signed(difference.toFixed(4), difference);
}

/** Milliseconds as "850 ms", "12.3 s" or "4 min 05 s": whichever a person reads fastest. */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return DASH;
  const sign = ms < 0 ? "-" : "";
  const abs = Math.abs(ms);
  if (abs < 1000) return `${sign}${Math.round(abs)} ms`;
  if (abs < 60_000) return `${sign}${(abs / 1000).toFixed(1)} s`;
  const totalSeconds = Math.round(abs / 1000);
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  return `${sign}${minutes} min ${String(seconds).padStart(2, "0")} s`;
}

function formatDurationDifference(difference: number | null): string {
  if (difference === null || !Number.isFinite(difference)) return DASH;
  return signed(formatDuration(difference), difference);
}

export const METRICS: Record<MetricKey, MetricInfo> = {
  linearAcc: {
    key: "linearAcc",
    label: "Linear probe accuracy",
    unit: "%",
    displayScale: 100,
    higherIsBetter: true,
    format: formatPercent,
    formatDifference: formatPercentPoints,
  },
  knnAcc: {
    key: "knnAcc",
    label: "k-NN accuracy",
    unit: "%",
    displayScale: 100,
    higherIsBetter: true,
    format: formatPercent,
    formatDifference: formatPercentPoints,
  },
  finalLoss: {
    key: "finalLoss",
    label: "Final contrastive loss",
    unit: "",
    displayScale: 1,
    higherIsBetter: false,
    format: formatLoss,
    formatDifference: formatLossDifference,
  },
  durationMs: {
    key: "durationMs",
    label: "Training time",
    unit: "s",
    displayScale: 1 / 1000,
    higherIsBetter: false,
    format: formatDuration,
    formatDifference: formatDurationDifference,
  },
};

export const AGGREGATIONS = ["mean", "median", "max", "min"] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

export const AGGREGATION_LABELS: Record<Aggregation, string> = {
  mean: "Mean over seeds",
  median: "Median over seeds",
  max: "Maximum over seeds",
  min: "Minimum over seeds",
};

/**
 * The value a trial contributes to a metric: only finished trials count, so
 * a half-trained running trial or a failed one never enters an average.
 */
export function finishedMetricValue(trial: TrialView, metric: MetricKey): number | null {
  if (trial.status !== "done") return null;
  const value = trial[metric];
  return value !== null && Number.isFinite(value) ? value : null;
}

/** True when `a` is strictly better than `b` for this metric. */
export function isBetter(metric: MetricKey, a: number, b: number): boolean {
  return METRICS[metric].higherIsBetter ? a > b : a < b;
}
