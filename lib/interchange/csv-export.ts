import type { TrialView } from "@/lib/contracts/views";

/**
 * CSV export of a sweep's trials, written so that `pandas.read_csv(path)`
 * loads it with no options: RFC 4180 quoting, a header row, an empty cell
 * for a missing value (pandas reads it as NaN), numbers in JavaScript's
 * shortest round-trip form (never locale-formatted, never rounded) and CRLF
 * line ends, as the RFC specifies.
 */

export type CsvValue = string | number | boolean | null | undefined;

/** The fixed columns, in order. Names are snake_case so they are valid pandas attribute names. */
export const TRIAL_CSV_COLUMNS = [
  "aug_knob",
  "aug_value",
  "mix_ratio",
  "generated_size",
  "degradation",
  "seed",
  "status",
  "linear_acc",
  "knn_acc",
  "final_loss",
  "duration_ms",
  "images_per_sec",
  "generated_fid",
  "generated_precision",
  "generated_recall",
  "attempts",
  "backend",
  "trial_id",
  "config_hash",
] as const;
export type TrialCsvColumn = (typeof TRIAL_CSV_COLUMNS)[number];

/**
 * Extra columns appended after the fixed ones, in insertion order: a
 * constant (e.g. the sweep's id) or a function of the trial.
 */
export type TrialCsvExtra = Record<string, CsvValue | ((trial: TrialView) => CsvValue)>;

const NEEDS_QUOTES = /[",\r\n]/;

/**
 * Text a spreadsheet would run as a formula (=, +, @, tab or CR first, or a
 * minus followed by anything but letters, digits and _) gets a leading
 * apostrophe, so a worker-supplied string such as a backend name cannot
 * become a formula in the reader's Excel. Ids and numbers pass unchanged.
 */
const FORMULA_START = /^(?:[=+@\t\r]|-(?![A-Za-z0-9_-]*$))/;

/** One CSV field: quoted only when it has to be, with inner quotes doubled, and formula text neutralised. */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "";
    // pandas parses "inf" and "-inf" as floats; JavaScript's "Infinity" it would read as text.
    if (!Number.isFinite(value)) return value > 0 ? "inf" : "-inf";
    return String(value);
  }
  if (typeof value === "boolean") return value ? "true" : "false";
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: readonly CsvValue[]): string {
  return values.map(csvField).join(",");
}

function fixedValues(trial: TrialView): Record<TrialCsvColumn, CsvValue> {
  return {
    aug_knob: trial.augKnob,
    aug_value: trial.augValue,
    mix_ratio: trial.mixRatio,
    generated_size: trial.generatedSize,
    degradation: trial.degradation,
    seed: trial.seed,
    status: trial.status,
    linear_acc: trial.linearAcc,
    knn_acc: trial.knnAcc,
    final_loss: trial.finalLoss,
    duration_ms: trial.durationMs,
    images_per_sec: trial.imagesPerSec,
    generated_fid: trial.generatedFid,
    generated_precision: trial.generatedPrecision,
    generated_recall: trial.generatedRecall,
    attempts: trial.attempts,
    backend: trial.backend,
    trial_id: trial.id,
    config_hash: trial.configHash,
  };
}

/**
 * One row per trial, in the order given. Metrics of unfinished trials are
 * whatever the trial holds (normally empty), and `status` says why.
 * Throws when an extra column is unnamed or repeats a fixed column's name,
 * since a duplicated header would make pandas rename it silently.
 */
export function trialsToCsv(trials: readonly TrialView[], extra: TrialCsvExtra = {}): string {
  return trialCsvHeader(extra) + trialCsvRows(trials, extra);
}

/** The header line of trialsToCsv (CRLF-terminated), for writers that stream the rows in pages. */
export function trialCsvHeader(extra: TrialCsvExtra = {}): string {
  const extraNames = Object.keys(extra);
  for (const name of extraNames) {
    if (name.length === 0) throw new Error("extra CSV columns need a non-empty name");
    if ((TRIAL_CSV_COLUMNS as readonly string[]).includes(name)) {
      throw new Error(`extra CSV column "${name}" clashes with a built-in column`);
    }
  }
  return `${csvLine([...TRIAL_CSV_COLUMNS, ...extraNames])}\r\n`;
}

/** The data lines of trialsToCsv for these trials (each CRLF-terminated). */
export function trialCsvRows(trials: readonly TrialView[], extra: TrialCsvExtra = {}): string {
  const extraNames = Object.keys(extra);
  let text = "";
  for (const trial of trials) {
    const fixed = fixedValues(trial);
    const values: CsvValue[] = TRIAL_CSV_COLUMNS.map((column) => fixed[column]);
    for (const name of extraNames) {
      const source = extra[name];
      values.push(typeof source === "function" ? source(trial) : source);
    }
    text += `${csvLine(values)}\r\n`;
  }
  return text;
}
