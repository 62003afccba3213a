import type { AugKnob } from "@/lib/sweep/schema";
import type { ArgmaxBootstrap } from "./bootstrap";
import { KNOB_ANALYSIS, augmentationDirection, capitalize, formatAxisValue, formatMixValue } from "./knobs";
import type { OptimumLine } from "./optimum";

export const NOT_ENOUGH_DATA_SENTENCE = "Not enough finished trials yet (need at least 2 augmentation values with results per mix ratio).";

function formatCi(optimum: ArgmaxBootstrap): string {
  if (!optimum.ci) return "no interval yet";
  const { lo, hi } = optimum.ci;
  return lo === hi ? formatAxisValue(lo) : `${formatAxisValue(lo)}–${formatAxisValue(hi)}`;
}

function percent(confidence: number): string {
  return `${Number((confidence * 100).toPrecision(3))}%`;
}

/** "(95% bootstrap intervals: 1 at N = none, 0.25–0.5 at N = 10)" */
function intervalsClause(first: ArgmaxBootstrap, firstMix: string, last: ArgmaxBootstrap, lastMix: string): string {
  return `${percent(first.confidence)} bootstrap intervals: ${formatCi(first)} at N = ${firstMix}, ${formatCi(last)} at N = ${lastMix}`;
}

/**
 * Below this many seeds at a point, a bootstrap of the argmax has so few
 * distinct resamples (3 for 2 seeds) that it often collapses onto one value
 * and looks certain; no direction is named on such intervals.
 */
export const MIN_SEEDS_FOR_DIRECTION = 3;

/**
 * How far the optimum's intervals at the first and last mix ratio can be
 * trusted to tell a direction: "separate" (they do not overlap, with enough
 * seeds), "overlap", "few-seeds" (they do not overlap but some point has
 * fewer than MIN_SEEDS_FOR_DIRECTION seeds) or "no-intervals".
 */
export function shiftEvidence(first: OptimumLine, last: OptimumLine): "separate" | "overlap" | "few-seeds" | "no-intervals" {
  const a = first.optimum?.ci;
  const b = last.optimum?.ci;
  if (!a || !b) return "no-intervals";
  if (a.lo <= b.hi && b.lo <= a.hi) return "overlap";
  const seeds = [...first.points, ...last.points].filter((point) => point.n > 0).map((point) => point.n);
  return Math.min(...seeds) < MIN_SEEDS_FOR_DIRECTION ? "few-seeds" : "separate";
}

/**
 * One plain-English sentence on how the best augmentation value moves with
 * the mix ratio N. It compares the first and last mix ratios (natural order)
 * and names a direction only when their bootstrap intervals for the optimum
 * do not overlap; otherwise it says "not distinguishable" and gives the two
 * estimates without a direction, so the product never claims more than the
 * seeds support. Lines with fewer
 * than two augmentation values with results make the whole answer "not
 * enough data": comparing a line that has an optimum with one that does
 * not would be guesswork.
 */
export function describeOptimumShift(lines: readonly OptimumLine[], augKnob: AugKnob): string {
  const knob = KNOB_ANALYSIS[augKnob].name;
  if (lines.length === 0 || lines.some((line) => line.optimum === null)) return NOT_ENOUGH_DATA_SENTENCE;
  const optima = lines.map((line) => line.optimum!);
  const first = optima[0]!;
  const last = optima[optima.length - 1]!;
  const firstMix = formatMixValue(lines[0]!.mixRatio);
  const lastMix = formatMixValue(lines[lines.length - 1]!.mixRatio);

  if (lines.length === 1) {
    return (
      `Only one mix ratio (N = ${firstMix}): the best ${knob} is ${formatAxisValue(first.estimate)} ` +
      `(${percent(first.confidence)} bootstrap interval: ${formatCi(first)}); add mix ratios to see a shift.`
    );
  }

  const estimates = optima.map((o) => o.estimate);
  if (first.estimate === last.estimate) {
    if (estimates.every((e) => e === first.estimate)) {
      return `No clear shift: the best ${knob} is ${formatAxisValue(first.estimate)} for every mix ratio.`;
    }
    const detours = lines
      .slice(1, -1)
      .filter((line) => line.optimum!.estimate !== first.estimate)
      .map((line) => `${formatAxisValue(line.optimum!.estimate)} at N = ${formatMixValue(line.mixRatio)}`);
    return (
      `No clear shift: the best ${knob} is ${formatAxisValue(first.estimate)} at both N = ${firstMix} and ` +
      `N = ${lastMix}, though it differs in between (${detours.join(", ")}).`
    );
  }

  const evidence = shiftEvidence(lines[0]!, lines[lines.length - 1]!);
  if (evidence === "separate") {
    const verb = last.estimate < first.estimate ? "falls" : "rises";
    const direction = augmentationDirection(augKnob, first.estimate, last.estimate)!;
    const movement =
      `the best ${knob} ${verb} from ${formatAxisValue(first.estimate)} to ${formatAxisValue(last.estimate)} ` +
      `as N goes from ${firstMix} to ${lastMix} (${direction} augmentation)`;
    return `${capitalize(movement)}; the intervals do not overlap (${intervalsClause(first, firstMix, last, lastMix)}).`;
  }
  // Overlapping intervals (or none at all) say nothing about the direction, so the sentence names
  // the two estimates side by side and no direction.
  const estimatesClause =
    `the best ${knob} is ${formatAxisValue(first.estimate)} at N = ${firstMix} and ` + `${formatAxisValue(last.estimate)} at N = ${lastMix}`;
  if (evidence === "overlap") {
    return (
      `Not distinguishable: ${estimatesClause}, but the intervals overlap ` +
      `(${intervalsClause(first, firstMix, last, lastMix)}); more seeds are needed to tell a shift from noise.`
    );
  }
  if (evidence === "few-seeds") {
    return (
      `Not distinguishable yet: ${estimatesClause}; the intervals do not overlap ` +
      `(${intervalsClause(first, firstMix, last, lastMix)}), but with fewer than ${MIN_SEEDS_FOR_DIRECTION} seeds at some point ` +
      `they cannot be trusted.`
    );
  }
  return `Not distinguishable yet: ${estimatesClause}, but without at least 2 seeds at every point there are no intervals.`;
}
