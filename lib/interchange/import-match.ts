import type { TrialView } from "@/lib/contracts/views";
import { formatMixRatio } from "@/lib/sweep/grid";
import type { MixRatio } from "@/lib/sweep/schema";
import { trialDegradations } from "@/lib/analysis/generator-quality";
import { formatAxisValue } from "@/lib/analysis/knobs";

/** A result computed outside the app (e.g. the official PyTorch code) for one trial of a sweep. */
export interface ExternalResultRow {
  augValue: number;
  mixRatio: MixRatio;
  /** Optional: needed only when the sweep has several generated sizes. */
  generatedSize?: number;
  /** Optional: needed only when the sweep has a degradation axis ("none" trials match any). */
  degradation?: number;
  seed: number;
  /** Fractions in [0, 1], like the app's own results. */
  linearAcc: number;
  knnAcc?: number | null;
  finalLoss?: number | null;
  durationMs?: number | null;
  imagesPerSec?: number | null;
  backend?: string | null;
  /** Where the row came from (e.g. its CSV line), echoed back in reports. */
  line?: number;
}

export interface MatchedImport<R> {
  rowIndex: number;
  row: R;
  trial: TrialView;
}

export interface DuplicateImport<R> extends MatchedImport<R> {
  /** Index of the earlier row that claimed the same trial (that one is kept). */
  firstRowIndex: number;
  /** True when this row's numbers differ from the kept row's: the user should be told. */
  conflicting: boolean;
}

export type UnmatchedCode = "invalid" | "noSuchTrial" | "ambiguous";

export interface UnmatchedImport<R> {
  rowIndex: number;
  row: R;
  code: UnmatchedCode;
  reason: string;
}

export interface ImportMatchReport<R> {
  /** Rows that fill a queued, running, failed or cancelled trial. */
  matched: MatchedImport<R>[];
  /** Rows for trials that already finished: not overwritten. */
  alreadyDone: MatchedImport<R>[];
  unmatched: UnmatchedImport<R>[];
  /** Second and later rows for a trial an earlier row already claimed. */
  duplicates: DuplicateImport<R>[];
}

const RELATIVE_TOLERANCE = 1e-9;

/**
 * Equality up to 1e-9 relative, so "0.1" typed in a spreadsheet matches
 * 0.1 computed as 0.3 / 3. Exact zero only matches (near-)zero.
 */
export function axisValuesEqual(a: number, b: number): boolean {
  if (a === b) return true;
  return Math.abs(a - b) <= RELATIVE_TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
}

function mixRatiosEqual(a: MixRatio, b: MixRatio): boolean {
  if (a === "none" || b === "none") return a === b;
  return axisValuesEqual(a, b);
}

function isFraction(value: number): boolean {
  return Number.isFinite(value) && value >= 0 && value <= 1;
}

/** Problems that make a row unusable whatever the sweep; null when none. */
function validateRow(row: ExternalResultRow): string | null {
  if (!Number.isFinite(row.augValue)) return "augmentation value is not a finite number";
  if (row.mixRatio !== "none" && !(Number.isFinite(row.mixRatio) && row.mixRatio > 0)) {
    return 'mix ratio must be "none" or a number > 0';
  }
  if (!Number.isInteger(row.seed)) return "seed must be an integer";
  if (row.generatedSize !== undefined && !Number.isFinite(row.generatedSize)) return "generated size is not a finite number";
  if (row.degradation !== undefined && !Number.isFinite(row.degradation)) return "degradation is not a finite number";
  if (!isFraction(row.linearAcc)) {
    return row.linearAcc > 1 && row.linearAcc <= 100
      ? `linear accuracy ${row.linearAcc} looks like a percentage; give a fraction in [0, 1]`
      : "linear accuracy must be a fraction in [0, 1]";
  }
  if (row.knnAcc !== undefined && row.knnAcc !== null && !isFraction(row.knnAcc)) {
    return "k-NN accuracy must be a fraction in [0, 1]";
  }
  if (row.finalLoss !== undefined && row.finalLoss !== null && !Number.isFinite(row.finalLoss)) {
    return "final loss is not a finite number";
  }
  if (row.durationMs !== undefined && row.durationMs !== null && !(Number.isFinite(row.durationMs) && row.durationMs >= 0)) {
    return "duration must be a number of milliseconds >= 0";
  }
  if (row.imagesPerSec !== undefined && row.imagesPerSec !== null && !(Number.isFinite(row.imagesPerSec) && row.imagesPerSec >= 0)) {
    return "images per second must be a finite number >= 0";
  }
  return null;
}

function list<T>(values: readonly T[], format: (v: T) => string): string {
  return values.map(format).join(", ");
}

/** Explains which axis value is missing, checking the axes one at a time. */
function explainNoMatch(row: ExternalResultRow, trials: readonly TrialView[]): string {
  const augValues = [...new Set(trials.map((t) => t.augValue))].sort((a, b) => a - b);
  if (!augValues.some((v) => axisValuesEqual(v, row.augValue))) {
    return `augmentation value ${formatAxisValue(row.augValue)} is not in this sweep (swept: ${list(augValues, formatAxisValue)})`;
  }
  const mixes = [...new Set(trials.map((t) => t.mixRatio))];
  if (!mixes.some((m) => mixRatiosEqual(m, row.mixRatio))) {
    return `mix ratio ${formatMixRatio(row.mixRatio)} is not in this sweep (swept: ${list(mixes, formatMixRatio)})`;
  }
  if (row.generatedSize !== undefined) {
    const sizes = [...new Set(trials.map((t) => t.generatedSize))].sort((a, b) => a - b);
    if (!sizes.some((s) => axisValuesEqual(s, row.generatedSize!))) {
      return `generated size ${row.generatedSize} is not in this sweep (swept: ${list(sizes, String)})`;
    }
  }
  if (row.degradation !== undefined && row.mixRatio !== "none") {
    const degradations = trialDegradations(trials);
    if (!degradations.some((d) => axisValuesEqual(d, row.degradation!))) {
      return degradations.length === 0
        ? `degradation ${row.degradation} given, but this sweep has no degradation axis`
        : `degradation ${row.degradation} is not in this sweep (swept: ${list(degradations, String)})`;
    }
  }
  const seeds = [...new Set(trials.map((t) => t.seed))].sort((a, b) => a - b);
  if (!seeds.includes(row.seed)) return `seed ${row.seed} is not in this sweep (seeds: ${list(seeds, String)})`;
  return "no trial has this combination of augmentation value, mix ratio, generated size, degradation and seed";
}

/** A row without a degradation matches every degradation; a trial without one ("none", or no axis) matches every row. */
function degradationMatches(trial: TrialView, row: ExternalResultRow): boolean {
  return row.degradation === undefined || trial.degradation === null || axisValuesEqual(trial.degradation, row.degradation);
}

function sameNumbers(a: ExternalResultRow, b: ExternalResultRow): boolean {
  const same = (x: number | null | undefined, y: number | null | undefined) =>
    (x ?? null) === (y ?? null) || (x != null && y != null && axisValuesEqual(x, y));
  return same(a.linearAcc, b.linearAcc) && same(a.knnAcc, b.knnAcc) && same(a.finalLoss, b.finalLoss);
}

/**
 * Sorts external result rows against a sweep's trials by axis values and
 * seed. Pure: it decides, the caller writes. Each input row lands in exactly
 * one of the four lists. A finished trial is never overwritten, because a
 * result measured by the app and one pasted in are not interchangeable
 * without the user saying so.
 */
export function matchImportedResults<R extends ExternalResultRow>(rows: readonly R[], trials: readonly TrialView[]): ImportMatchReport<R> {
  const report: ImportMatchReport<R> = { matched: [], alreadyDone: [], unmatched: [], duplicates: [] };
  const claimedBy = new Map<string, number>();
  const hasDegradationAxis = trials.some((t) => t.degradation !== null);

  rows.forEach((row, rowIndex) => {
    const invalid = validateRow(row);
    if (invalid) {
      report.unmatched.push({ rowIndex, row, code: "invalid", reason: invalid });
      return;
    }
    if (row.degradation !== undefined && row.mixRatio !== "none" && !hasDegradationAxis) {
      report.unmatched.push({
        rowIndex,
        row,
        code: "noSuchTrial",
        reason: `degradation ${row.degradation} given, but this sweep has no degradation axis`,
      });
      return;
    }
    const candidates = trials.filter(
      (t) =>
        t.seed === row.seed &&
        axisValuesEqual(t.augValue, row.augValue) &&
        mixRatiosEqual(t.mixRatio, row.mixRatio) &&
        (row.generatedSize === undefined || axisValuesEqual(t.generatedSize, row.generatedSize)) &&
        degradationMatches(t, row),
    );
    if (candidates.length === 0) {
      report.unmatched.push({ rowIndex, row, code: "noSuchTrial", reason: explainNoMatch(row, trials) });
      return;
    }
    if (candidates.length > 1) {
      const sizes = [...new Set(candidates.map((t) => t.generatedSize))].sort((a, b) => a - b);
      const degradations = trialDegradations(candidates);
      report.unmatched.push({
        rowIndex,
        row,
        code: "ambiguous",
        reason:
          sizes.length > 1
            ? `matches ${candidates.length} trials at generated sizes ${list(sizes, String)}; give the generated size`
            : degradations.length > 1
              ? `matches ${candidates.length} trials at degradations ${list(degradations, String)}; give the degradation`
              : `matches ${candidates.length} trials with the same axis values and seed`,
      });
      return;
    }
    const trial = candidates[0]!;
    const first = claimedBy.get(trial.id);
    if (first !== undefined) {
      report.duplicates.push({ rowIndex, row, trial, firstRowIndex: first, conflicting: !sameNumbers(row, rows[first]!) });
      return;
    }
    claimedBy.set(trial.id, rowIndex);
    (trial.status === "done" ? report.alreadyDone : report.matched).push({ rowIndex, row, trial });
  });
  return report;
}
