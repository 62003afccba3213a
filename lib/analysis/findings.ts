import type { TrialView } from "@/lib/contracts/views";
import type { AugKnob, MixRatio } from "@/lib/sweep/schema";
import { adainfComparison, type AdainfComparison, type AvailableComparisonRow, type ComparisonRow } from "./comparison";
import { KNOB_ANALYSIS, augmentationDirection, capitalize, formatAxisValue, formatMixValue } from "./knobs";
import { METRICS, type MetricKey } from "./metrics";
import { optimumByMixRatio, type OptimumAnalysis, type OptimumLine, type OptimumPoint } from "./optimum";
import { describeOptimumShift, shiftEvidence } from "./shift-sentence";
import { DEFAULT_CONFIDENCE, pairedDifference, type PairedDifference } from "./stats";

/**
 * The paper's three effects, and the harm of bad generated data, checked on
 * one sweep with intervals. A check names a direction only when its interval
 * excludes "no effect"; otherwise its verdict is "not-distinguishable". This
 * is what `npm run reproduce` prints and what docs/findings.md reports.
 */
export type Verdict = "yes" | "no" | "not-distinguishable" | "not-enough-data";

export interface InvertedUCheck {
  mixRatio: MixRatio;
  verdict: Verdict;
  /** The augmentation value with the best mean; null without data. */
  peak: number | null;
  /** Peak minus each end of the grid, paired over seeds (sign: better is positive). */
  vsLow: PairedDifference | null;
  vsHigh: PairedDifference | null;
  sentence: string;
}

export type ShiftVerdict = "weaker" | "stronger" | "no-shift" | "not-distinguishable" | "not-enough-data";

export interface OptimumShiftCheck {
  verdict: ShiftVerdict;
  /** Best value and its bootstrap interval per mix ratio, in natural order. */
  lines: { mixRatio: MixRatio; estimate: number | null; ci: { lo: number; hi: number } | null }[];
  sentence: string;
}

export type PairVerdict = "better" | "worse" | "not-distinguishable" | "not-enough-data";

export interface PairCheck {
  verdict: PairVerdict;
  /** a - b paired over shared seeds, sign flipped for lower-is-better metrics (positive = a better). */
  difference: PairedDifference | null;
  sentence: string;
}

export interface SweepFindings {
  /** The metric of the pair checks (the AdaInf comparison's); the inverted U uses the optimum analysis's. */
  metric: MetricKey;
  augKnob: AugKnob;
  confidence: number;
  /** One per mix ratio; `invertedU` is the no-inflation line's (or the first line's) check. */
  invertedULines: InvertedUCheck[];
  invertedU: InvertedUCheck | null;
  optimumShift: OptimumShiftCheck;
  adainfVsVanilla: PairCheck;
  vanillaVsNone: PairCheck;
}

export interface FindingsOptions {
  metric?: MetricKey;
  confidence?: number;
  generatedSize?: number;
}

/** A paired difference whose sign says "a is better" whatever the metric's direction. */
function orientedDifference(
  a: OptimumPoint | AvailableComparisonRow,
  b: OptimumPoint | AvailableComparisonRow,
  higherIsBetter: boolean,
  confidence: number,
): PairedDifference | null {
  const aValues = "samples" in a ? a.samples : a.values;
  const bValues = "samples" in b ? b.samples : b.values;
  const raw = pairedDifference(aValues, bValues, confidence);
  if (!raw || higherIsBetter) return raw;
  return { ...raw, mean: -raw.mean, ci: raw.ci ? { lo: -raw.ci.hi, hi: -raw.ci.lo } : null };
}

/** "better" / "worse" when the interval excludes 0, else "not-distinguishable"; below 2 shared seeds, no verdict. */
function pairVerdict(difference: PairedDifference | null): PairVerdict {
  if (!difference?.ci) return "not-enough-data";
  if (difference.ci.lo > 0) return "better";
  if (difference.ci.hi < 0) return "worse";
  return "not-distinguishable";
}

function formatDifference(metric: MetricKey, difference: PairedDifference): string {
  const format = METRICS[metric].formatDifference;
  const interval = difference.ci ? ` [${format(difference.ci.lo)}, ${format(difference.ci.hi)}]` : "";
  return `${format(difference.mean)}${interval}, ${difference.n} paired seed${difference.n === 1 ? "" : "s"}`;
}

function invertedUOf(line: OptimumLine, augKnob: AugKnob, metric: MetricKey, confidence: number): InvertedUCheck {
  const knob = KNOB_ANALYSIS[augKnob].name;
  const at = `N = ${formatMixValue(line.mixRatio)}`;
  const withData = line.points.filter((p) => p.n > 0);
  const base = { mixRatio: line.mixRatio, peak: line.optimum?.estimate ?? null, vsLow: null, vsHigh: null };
  if (!line.optimum || withData.length < 3) {
    return { ...base, verdict: "not-enough-data", sentence: `${at}: not enough data (need results at 3 or more values of ${knob}).` };
  }
  const peakValue = line.optimum.estimate;
  const low = withData[0]!;
  const high = withData[withData.length - 1]!;
  const peak = withData.find((p) => p.augValue === peakValue)!;
  if (peak === low || peak === high) {
    return {
      ...base,
      verdict: "no",
      sentence: `${at}: no inverted U; the best ${knob} is ${formatAxisValue(peakValue)}, at the ${peak === low ? "low" : "high"} end of the grid.`,
    };
  }
  const { higherIsBetter } = METRICS[metric];
  const vsLow = orientedDifference(peak, low, higherIsBetter, confidence);
  const vsHigh = orientedDifference(peak, high, higherIsBetter, confidence);
  const verdicts = [pairVerdict(vsLow), pairVerdict(vsHigh)];
  const versus =
    `peak at ${knob} ${formatAxisValue(peakValue)}; vs ${formatAxisValue(low.augValue)}: ${vsLow ? formatDifference(metric, vsLow) : "no shared seeds"}; ` +
    `vs ${formatAxisValue(high.augValue)}: ${vsHigh ? formatDifference(metric, vsHigh) : "no shared seeds"}`;
  if (verdicts.every((v) => v === "better")) {
    return { ...base, vsLow, vsHigh, verdict: "yes", sentence: `${at}: inverted U (${versus}).` };
  }
  if (verdicts.includes("not-enough-data")) {
    return { ...base, vsLow, vsHigh, verdict: "not-enough-data", sentence: `${at}: not enough seeds for intervals (${versus}).` };
  }
  return {
    ...base,
    vsLow,
    vsHigh,
    verdict: "not-distinguishable",
    sentence: `${at}: the peak is not distinguishable from ${verdicts[0] === "better" ? "the high end" : verdicts[1] === "better" ? "the low end" : "either end"} (${versus}).`,
  };
}

function optimumShiftOf(lines: readonly OptimumLine[], augKnob: AugKnob): OptimumShiftCheck {
  const sentence = describeOptimumShift(lines, augKnob);
  const summary = lines.map((line) => ({
    mixRatio: line.mixRatio,
    estimate: line.optimum?.estimate ?? null,
    ci: line.optimum?.ci ?? null,
  }));
  if (lines.length < 2 || lines.some((line) => !line.optimum)) return { verdict: "not-enough-data", lines: summary, sentence };
  const first = lines[0]!.optimum!;
  const last = lines[lines.length - 1]!.optimum!;
  if (first.estimate === last.estimate) return { verdict: "no-shift", lines: summary, sentence };
  const evidence = shiftEvidence(lines[0]!, lines[lines.length - 1]!);
  if (evidence === "no-intervals" || evidence === "few-seeds") return { verdict: "not-enough-data", lines: summary, sentence };
  if (evidence === "overlap") return { verdict: "not-distinguishable", lines: summary, sentence };
  return { verdict: augmentationDirection(augKnob, first.estimate, last.estimate)!, lines: summary, sentence };
}

function rowOf(rows: readonly ComparisonRow[], id: ComparisonRow["id"]): ComparisonRow {
  return rows.find((row) => row.id === id)!;
}

function describeRow(row: AvailableComparisonRow, augKnob: AugKnob): string {
  return `N = ${formatMixValue(row.mixRatio)}, ${KNOB_ANALYSIS[augKnob].name} ${formatAxisValue(row.augValue)}`;
}

function pairCheck(
  a: ComparisonRow,
  b: ComparisonRow,
  names: { a: string; b: string; better: string; worse: string },
  augKnob: AugKnob,
  metric: MetricKey,
  confidence: number,
): PairCheck {
  if (!a.available || !b.available) {
    const missing = !a.available ? `${names.a}: ${a.reason}` : `${names.b}: ${(b as { reason: string }).reason}`;
    return { verdict: "not-enough-data", difference: null, sentence: `Cannot compare ${names.a} with ${names.b} (${missing}).` };
  }
  const difference = orientedDifference(a, b, METRICS[metric].higherIsBetter, confidence);
  const verdict = pairVerdict(difference);
  const where = `${names.a} at ${describeRow(a, augKnob)}; ${names.b} at ${describeRow(b, augKnob)}`;
  if (!difference) return { verdict, difference, sentence: `${names.a} and ${names.b} share no finished seed (${where}).` };
  const figures = `${names.a} − ${names.b}: ${formatDifference(metric, difference)}; ${where}`;
  const sentence =
    verdict === "better"
      ? `${names.better} (${figures}).`
      : verdict === "worse"
        ? `${names.worse} (${figures}).`
        : verdict === "not-distinguishable"
          ? `${capitalize(names.a)} and ${names.b} are not distinguishable (${figures}).`
          : `Not enough paired seeds for an interval (${figures}).`;
  return { verdict, difference, sentence };
}

/**
 * Every check on the trials of one augmentation knob. `invertedU` uses the
 * no-inflation line when the sweep has one: that is the curve the paper's
 * argument starts from.
 */
export function sweepFindings(trials: readonly TrialView[], augKnob: AugKnob, options: FindingsOptions = {}): SweepFindings {
  const metric = options.metric ?? "linearAcc";
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  const own = trials.filter((t) => t.augKnob === augKnob);
  const optimum = optimumByMixRatio(own, { metric, confidence, generatedSize: options.generatedSize });
  const comparison = adainfComparison(own, augKnob, { metric, confidence, generatedSize: options.generatedSize });
  return findingsFrom(optimum, comparison, augKnob, confidence);
}

/** The checks from an optimum analysis and an AdaInf comparison already computed (as the results page has them). */
export function findingsFrom(
  optimum: OptimumAnalysis,
  comparison: AdainfComparison,
  augKnob: AugKnob,
  confidence = DEFAULT_CONFIDENCE,
): SweepFindings {
  const invertedULines = optimum.lines.map((line) => invertedUOf(line, augKnob, optimum.metric, confidence));
  const none = rowOf(comparison.rows, "none");
  const vanilla = rowOf(comparison.rows, "vanilla");
  const adainf = rowOf(comparison.rows, "adainf");
  const metric = comparison.metric;
  return {
    metric,
    augKnob,
    confidence,
    invertedULines,
    invertedU: invertedULines.find((check) => check.mixRatio === "none") ?? invertedULines[0] ?? null,
    optimumShift: optimumShiftOf(optimum.lines, augKnob),
    adainfVsVanilla: pairCheck(
      adainf,
      vanilla,
      { a: "AdaInf", b: "vanilla inflation", better: "AdaInf beats vanilla inflation", worse: "Vanilla inflation beats AdaInf" },
      augKnob,
      metric,
      confidence,
    ),
    vanillaVsNone: pairCheck(
      vanilla,
      none,
      {
        a: "vanilla inflation",
        b: "no inflation",
        better: "Vanilla inflation helps compared with no inflation",
        worse: "Vanilla inflation hurts compared with no inflation",
      },
      augKnob,
      metric,
      confidence,
    ),
  };
}
