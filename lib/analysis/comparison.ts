import type { TrialView } from "@/lib/contracts/views";
import { formatMixRatio } from "@/lib/sweep/grid";
import type { AugKnob, MixRatio } from "@/lib/sweep/schema";
import { aggregateCells, type CellStatusCounts, type CellSummary } from "./aggregate";
import { KNOB_ANALYSIS, formatAxisValue, nearestAxisValue } from "./knobs";
import { METRICS, type MetricKey } from "./metrics";
import { chooseGeneratedSize } from "./optimum";
import { DEFAULT_CONFIDENCE, pairedDifference, type Interval, type PairedDifference, type SeedValue } from "./stats";

export type ComparisonRowId = "none" | "vanilla" | "adainf" | "best";

interface ComparisonRowBase {
  id: ComparisonRowId;
  label: string;
}

export interface AvailableComparisonRow extends ComparisonRowBase {
  available: true;
  key: string;
  augValue: number;
  mixRatio: MixRatio;
  generatedSize: number;
  mean: number;
  ci: Interval | null;
  n: number;
  /** Per-seed values in ascending seed order (for paired comparisons between rows). */
  values: SeedValue[];
  /** This row's mean minus the "no inflation" mean; null for that row itself or when it is missing. */
  differenceVsNone: number | null;
  /** Paired over seeds finished in both cells; null without shared seeds. */
  pairedVsNone: PairedDifference | null;
  /** A caveat the UI should show next to the row, if any. */
  note: string | null;
}

export interface MissingComparisonRow extends ComparisonRowBase {
  available: false;
  reason: string;
}

export type ComparisonRow = AvailableComparisonRow | MissingComparisonRow;

export interface ComparisonOptions {
  /** Default: linear probe accuracy, the paper's headline metric. */
  metric?: MetricKey;
  /** Generated size for the inflated rows; default the largest in the sweep. */
  generatedSize?: number;
  /**
   * How far (relative to the target) the nearest swept value may be from
   * the recipe's value and still be called that recipe. Default 0.1: a
   * strength of 0.45 may stand in for 0.5, 0.4 may not.
   */
  tolerance?: number;
  confidence?: number;
}

export interface AdainfComparison {
  metric: MetricKey;
  generatedSize: number | null;
  rows: ComparisonRow[];
}

export const DEFAULT_RECIPE_TOLERANCE = 0.1;

interface Recipe {
  id: Exclude<ComparisonRowId, "best">;
  label: string;
  mixRatio: MixRatio;
  augValue: number;
}

function sameMix(a: MixRatio, b: MixRatio): boolean {
  if (a === "none" || b === "none") return a === b;
  return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

function describeCounts(counts: CellStatusCounts): string {
  const parts = (["queued", "running", "failed", "cancelled"] as const)
    .filter((status) => counts[status] > 0)
    .map((status) => `${counts[status]} ${status}`);
  if (counts.done > 0) parts.push(`${counts.done} done without this metric`);
  return parts.join(", ");
}

function listValues(values: readonly number[]): string {
  return [...new Set(values)]
    .sort((a, b) => a - b)
    .map(formatAxisValue)
    .join(", ");
}

/** Finds the cell of a recipe, or says precisely what is missing. */
function locateRecipe(
  cells: readonly CellSummary[],
  recipe: Recipe,
  knob: AugKnob,
  generatedSize: number,
  tolerance: number,
  metric: MetricKey,
): { cell: CellSummary } | { reason: string } {
  const knobName = KNOB_ANALYSIS[knob].name;
  const mixText = formatMixRatio(recipe.mixRatio);
  const ofMix = cells.filter((c) => sameMix(c.mixRatio, recipe.mixRatio));
  if (ofMix.length === 0) return { reason: `the sweep has no trials at mix ratio ${mixText}` };
  // Without generated data the size does not affect training, so any size will do for "none".
  const pool = recipe.mixRatio === "none" ? ofMix : ofMix.filter((c) => c.generatedSize === generatedSize);
  if (pool.length === 0) return { reason: `the sweep has no trials at ${mixText} with generated size ${generatedSize}` };

  const nearest = nearestAxisValue(
    pool.map((c) => c.augValue),
    recipe.augValue,
  )!;
  if (Math.abs(nearest - recipe.augValue) > tolerance * Math.abs(recipe.augValue) + 1e-12) {
    return {
      reason:
        `no ${knobName} within ±${formatAxisValue(tolerance * recipe.augValue)} of ${formatAxisValue(recipe.augValue)} ` +
        `at ${mixText} (swept: ${listValues(pool.map((c) => c.augValue))})`,
    };
  }
  const atValue = pool
    .filter((c) => c.augValue === nearest)
    .sort((a, b) => b.metrics[metric].n - a.metrics[metric].n || a.generatedSize - b.generatedSize);
  const cell = atValue[0]!;
  if (cell.metrics[metric].n === 0) {
    return {
      reason: `no finished trials yet at ${mixText}, ${knobName} ${formatAxisValue(nearest)} (${describeCounts(cell.counts)})`,
    };
  }
  return { cell };
}

/** The best cell by mean, among cells with as many seeds as the sweep can offer (up to 2). */
function locateBest(cells: readonly CellSummary[], metric: MetricKey): CellSummary | null {
  const withData = cells.filter((c) => c.metrics[metric].n > 0);
  if (withData.length === 0) return null;
  // A single lucky seed should not beat a cell measured twice.
  const minN = Math.min(2, Math.max(...withData.map((c) => c.metrics[metric].n)));
  const { higherIsBetter } = METRICS[metric];
  let best: CellSummary | null = null;
  for (const cell of withData) {
    if (cell.metrics[metric].n < minN) continue;
    const m = cell.metrics[metric].mean!;
    if (best === null || (higherIsBetter ? m > best.metrics[metric].mean! : m < best.metrics[metric].mean!)) best = cell;
  }
  return best;
}

/**
 * The paper's headline comparison on this sweep's data: no inflation,
 * vanilla inflation (N = 1, default augmentation), AdaInf (N = 10, weak
 * augmentation) and the best cell the sweep found. Rows whose cells are
 * missing or unfinished come back with `available: false` and a reason,
 * rather than being silently substituted by a distant cell.
 * Trials of another knob than `augKnob` are ignored.
 */
export function adainfComparison(trials: readonly TrialView[], augKnob: AugKnob, options: ComparisonOptions = {}): AdainfComparison {
  const metric = options.metric ?? "linearAcc";
  const tolerance = options.tolerance ?? DEFAULT_RECIPE_TOLERANCE;
  const confidence = options.confidence ?? DEFAULT_CONFIDENCE;
  const ownTrials = trials.filter((t) => t.augKnob === augKnob);
  const generatedSize = options.generatedSize ?? chooseGeneratedSize(ownTrials);
  const cells = aggregateCells(ownTrials, { confidence });
  const knob = KNOB_ANALYSIS[augKnob];

  const recipes: Recipe[] = [
    { id: "none", label: "No inflation", mixRatio: "none", augValue: knob.defaultValue },
    { id: "vanilla", label: "Vanilla inflation (N=1)", mixRatio: 1, augValue: knob.defaultValue },
    { id: "adainf", label: "AdaInf (N=10, weak augmentation)", mixRatio: 10, augValue: knob.adainfWeakValue },
  ];

  const located: {
    id: ComparisonRowId;
    label: string;
    target: number | null;
    found: { cell: CellSummary } | { reason: string };
  }[] = recipes.map((recipe) => ({
    id: recipe.id,
    label: recipe.label,
    target: recipe.augValue,
    found: generatedSize === null ? { reason: "the sweep has no trials" } : locateRecipe(cells, recipe, augKnob, generatedSize, tolerance, metric),
  }));
  const best = locateBest(cells, metric);
  located.push({
    id: "best",
    label: "Best cell in this sweep",
    target: null,
    found: best ? { cell: best } : { reason: "no finished trials yet" },
  });

  const noneFound = located[0]!.found;
  const noneCell = "cell" in noneFound ? noneFound.cell : null;
  const rows = located.map(({ id, label, target, found }): ComparisonRow => {
    if (!("cell" in found)) return { id, label, available: false, reason: found.reason };
    const summary = found.cell.metrics[metric];
    const isNone = noneCell !== null && found.cell.key === noneCell.key && id === "none";
    const noneSummary = noneCell?.metrics[metric] ?? null;
    return {
      id,
      label,
      available: true,
      key: found.cell.key,
      augValue: found.cell.augValue,
      mixRatio: found.cell.mixRatio,
      generatedSize: found.cell.generatedSize,
      mean: summary.mean!,
      ci: summary.ci,
      n: summary.n,
      values: summary.values,
      differenceVsNone: isNone || noneSummary === null ? null : summary.mean! - noneSummary.mean!,
      pairedVsNone: isNone || noneSummary === null ? null : pairedDifference(summary.values, noneSummary.values, confidence),
      note:
        id === "best"
          ? "chosen after looking at the results, so its lead over the other rows is optimistic"
          : target !== null && found.cell.augValue !== target
            ? `nearest swept ${knob.name} ${formatAxisValue(found.cell.augValue)} stands in for ${formatAxisValue(target)}`
            : null,
    };
  });
  return { metric, generatedSize, rows };
}
