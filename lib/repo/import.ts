import "server-only";
import { z } from "zod";
import { type ExternalResultRow, matchImportedResults, parseResultsCsv, resultRowsFromRecords } from "@/lib/interchange";
import type { Db } from "@/lib/db/client";
import { AppError, ConflictError, type IssueDetail, ValidationError } from "@/lib/errors";
import { resultHash } from "@/lib/queue/lease";
import { recordOutsideResult } from "@/lib/queue/outside";
import { environmentSchema, type TrialResult, trialMetricColumns, trialResultSchema } from "@/lib/queue/schemas";
import { formatMixRatio } from "@/lib/sweep/grid";
import { EXPORT_FORMAT, EXPORT_VERSION, listAllTrials } from "./export";
import type { TrialView } from "@/lib/contracts/views";

/**
 * Results measured outside the app (a CSV from pandas, JSON rows, another
 * sweep's export, or one result posted by a script). Parsing and matching
 * are lib/analysis's pure functions; the trial writes are lib/queue's
 * (recordOutsideResult); this file reads the input and reports. A finished
 * trial is never overwritten, and every input row ends up in exactly one
 * list of the report.
 */

export const IMPORT_BODY_LIMIT = 5 * 1024 * 1024;
/** Matching is rows x trials; a sweep has at most 2000 trials, so this leaves room for repeats. */
export const MAX_IMPORT_ROWS = 10_000;
export const IMPORT_WORKER_ID = "import";
export const EXTERNAL_WORKER_ID = "external";
/** Trial.durationMs is a 32-bit integer column; results allow a week at most. */
const MAX_DURATION_MS = 7 * 24 * 3600 * 1000;
const MAX_BACKEND_LENGTH = 40;

const jsonRow = z.record(z.string(), z.unknown());

export const importBodySchema = z.discriminatedUnion("format", [
  z.strictObject({ format: z.literal("csv"), text: z.string() }),
  z.strictObject({ format: z.literal("json"), rows: z.array(jsonRow).max(MAX_IMPORT_ROWS) }),
  // An Inflation Lab JSON export as downloaded: other top-level keys (sweep, exportedAt) are ignored.
  z.looseObject({
    format: z.literal(EXPORT_FORMAT),
    version: z.literal(EXPORT_VERSION).optional(),
    trials: z.array(jsonRow).max(MAX_IMPORT_ROWS),
  }),
]);
export type ImportBody = z.output<typeof importBodySchema>;

/** Where an entry came from: a CSV line (1-based, physical) or a JSON array index (0-based). */
export type ImportSource = { line: number } | { row: number };

export type ImportEntry = ImportSource & { reason: string };
export type ImportedEntry = ImportSource & { trialId: string };
export type AlreadyDoneEntry = ImportSource & { trialId: string; reason: string };
export type UnmatchedEntry = ImportSource & { code: "noSuchTrial" | "ambiguous"; reason: string };
export type DuplicateEntry = ImportSource & { trialId: string; first: ImportSource; conflicting: boolean; reason: string };
/** `field` names the column (CSV header name) that was wrong, when one was. */
export type InvalidEntry = ImportSource & { field?: string; reason: string };

export interface ImportReport {
  imported: number;
  importedTrials: ImportedEntry[];
  alreadyDone: AlreadyDoneEntry[];
  unmatched: UnmatchedEntry[];
  duplicates: DuplicateEntry[];
  invalid: InvalidEntry[];
  /** Rows that carry no result (e.g. queued trials in an exported file): nothing to import. */
  skipped: ImportEntry[];
}

// ------------------------------------------------------------ reading rows

/** The CSV columns lib/analysis reads, and the JSON keys accepted for each. */
const COLUMN_ALIASES: Record<string, readonly string[]> = {
  aug_value: ["aug_value", "augValue"],
  mix_ratio: ["mix_ratio", "mixRatio"],
  generated_size: ["generated_size", "generatedSize"],
  degradation: ["degradation"],
  seed: ["seed"],
  linear_acc: ["linear_acc", "linearAcc", "linearProbeAccuracy"],
  knn_acc: ["knn_acc", "knnAcc", "knnAccuracy"],
  final_loss: ["final_loss", "finalLoss"],
  duration_ms: ["duration_ms", "durationMs"],
  images_per_sec: ["images_per_sec", "imagesPerSec", "imagesPerSecond"],
  backend: ["backend"],
};
const JSON_HEADER = Object.keys(COLUMN_ALIASES);

interface SourceRows {
  kind: "csv" | "json" | "export";
  /** The body field holding the rows, for error paths. */
  field: "text" | "rows" | "trials";
  header: string[];
  records: Record<string, string>[];
  positions: number[];
  invalid: InvalidEntry[];
  skipped: ImportEntry[];
  /** Export only: the full stored result of a done trial, by position. */
  fullResults: Map<number, TrialResult>;
}

function sourceOf(kind: SourceRows["kind"], position: number): ImportSource {
  return kind === "csv" ? { line: position } : { row: position };
}

class CellTypeError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** A JSON row as the string record lib/analysis reads; numbers keep their shortest round-trip form. */
function recordFromJson(row: Record<string, unknown>): Record<string, string> {
  const record: Record<string, string> = {};
  for (const [column, aliases] of Object.entries(COLUMN_ALIASES)) {
    let text: string | undefined;
    let from: string | undefined;
    for (const key of aliases) {
      if (!Object.hasOwn(row, key) || row[key] === undefined) continue;
      const value = row[key];
      let cell: string;
      if (value === null) cell = "";
      else if (typeof value === "number") cell = String(value);
      else if (typeof value === "string") cell = value;
      else throw new CellTypeError(column, `${key} must be a number or a string, got ${Array.isArray(value) ? "an array" : typeof value}`);
      if (text !== undefined && text !== cell) {
        throw new CellTypeError(column, `${from} and ${key} disagree (${JSON.stringify(text)} vs ${JSON.stringify(cell)})`);
      }
      text = cell;
      from = key;
    }
    record[column] = text ?? "";
  }
  return record;
}

function doneResultOf(trial: Record<string, unknown>): TrialResult | undefined {
  const attempts = Array.isArray(trial.attempts) ? (trial.attempts as unknown[]) : [];
  for (let i = attempts.length - 1; i >= 0; i--) {
    const attempt = attempts[i];
    if (typeof attempt !== "object" || attempt === null) continue;
    const { status, result } = attempt as { status?: unknown; result?: unknown };
    if (status !== "done") continue;
    const parsed = trialResultSchema.safeParse(result);
    if (parsed.success) return parsed.data;
  }
  return undefined;
}

function readSource(body: ImportBody): SourceRows {
  if (body.format === "csv") {
    const parsed = parseResultsCsv(body.text, { maxErrors: 100 });
    if (!parsed.ok) {
      const first = parsed.errors[0]!;
      throw new ValidationError(
        `the CSV could not be read: line ${first.line}, column ${first.column}: ${first.message}`,
        parsed.errors.map((error): ImportIssue => ({ path: "text", message: error.message, line: error.line, column: error.column })),
      );
    }
    if (parsed.rows.length > MAX_IMPORT_ROWS) {
      throw new ValidationError(`the CSV has ${parsed.rows.length} rows; at most ${MAX_IMPORT_ROWS} are imported at once`, [
        { path: "text", message: `too many rows`, expected: `<= ${MAX_IMPORT_ROWS} rows`, received: `${parsed.rows.length} rows` },
      ]);
    }
    return {
      kind: "csv",
      field: "text",
      header: parsed.header,
      records: parsed.rows,
      positions: parsed.rowLines,
      invalid: [],
      skipped: [],
      fullResults: new Map(),
    };
  }
  const kind = body.format === "json" ? "json" : "export";
  const items = body.format === "json" ? body.rows : body.trials;
  const source: SourceRows = {
    kind,
    field: kind === "json" ? "rows" : "trials",
    header: JSON_HEADER,
    records: [],
    positions: [],
    invalid: [],
    skipped: [],
    fullResults: new Map(),
  };
  items.forEach((item, index) => {
    if (kind === "export" && item.status !== undefined && item.status !== "done") {
      source.skipped.push({ row: index, reason: `trial status is ${JSON.stringify(item.status)}: no result to import` });
      return;
    }
    try {
      source.records.push(recordFromJson(item));
      source.positions.push(index);
    } catch (error) {
      if (!(error instanceof CellTypeError)) throw error;
      source.invalid.push({ row: index, field: error.field, reason: error.message });
      return;
    }
    if (kind === "export") {
      const full = doneResultOf(item);
      if (full) source.fullResults.set(index, full);
    }
  });
  return source;
}

// ------------------------------------------------------------------ writing

interface OutsideResult {
  /** Stored as the attempt's resultJson (its hash and environment alongside). */
  result: Record<string, unknown> & { environment: { backend: string } };
  columns: {
    linearAcc: number;
    knnAcc: number | null;
    finalLoss: number | null;
    durationMs: number | null;
    imagesPerSec: number | null;
    backend: string;
    generatedFid?: number | null;
    generatedPrecision?: number | null;
    generatedRecall?: number | null;
  };
}

function fromTrialResult(result: TrialResult): OutsideResult {
  return {
    result,
    columns: trialMetricColumns(result),
  };
}

/** A row with only the numbers a CSV has: the result takes the worker's shape, with nulls for what is unknown. */
function fromRow(row: ExternalResultRow, full: TrialResult | undefined): OutsideResult {
  const durationMs = row.durationMs === undefined || row.durationMs === null ? null : Math.round(row.durationMs);
  const columns = {
    linearAcc: row.linearAcc,
    knnAcc: row.knnAcc ?? null,
    finalLoss: row.finalLoss ?? null,
    durationMs,
    imagesPerSec: row.imagesPerSec ?? null,
    backend: row.backend ?? "import",
  };
  // An export's own stored result keeps its loss curve and environment, if it is the one the row shows.
  if (full) {
    const fromFull = fromTrialResult(full);
    const shown = Object.keys(columns) as (keyof typeof columns)[];
    if (shown.every((key) => fromFull.columns[key] === columns[key])) return fromFull;
  }
  return {
    result: {
      linearProbeAccuracy: columns.linearAcc,
      knnAccuracy: columns.knnAcc,
      finalLoss: columns.finalLoss,
      lossCurve: [],
      durationMs: columns.durationMs,
      imagesPerSecond: columns.imagesPerSec,
      realShare: null,
      environment: { backend: columns.backend },
      metrics: {},
    },
    columns,
  };
}

// ------------------------------------------------------------------ import

/** A 422 detail: the usual {path, message} plus where in the input it is. */
type ImportIssue = IssueDetail & { line?: number; row?: number; column?: number; field?: string };

function issueFor(source: SourceRows, entry: InvalidEntry): ImportIssue {
  const where = "line" in entry ? { line: entry.line } : { row: entry.row };
  const base = "line" in entry ? source.field : `${source.field}.${entry.row}`;
  return {
    path: entry.field !== undefined && !("line" in entry) ? `${base}.${entry.field}` : base,
    message: entry.reason,
    ...where,
    ...(entry.field === undefined ? {} : { field: entry.field }),
  };
}

/** Stores outside results; trials they complete change status, so the sweep's kept counts are dropped (lib/queue/lease.ts). */
export async function importResults(db: Db, sweepId: string, body: ImportBody): Promise<ImportReport> {
  const source = readSource(body);
  const parsed = resultRowsFromRecords(source.header, source.records, source.positions);
  const invalid: InvalidEntry[] = [...source.invalid];
  const skipped: ImportEntry[] = [...source.skipped];
  for (const error of parsed.errors) {
    invalid.push({ ...sourceOf(source.kind, error.line), field: error.column, reason: error.message });
  }
  for (const position of parsed.skippedLines) {
    if (source.kind === "json") {
      invalid.push({ row: position, field: "linear_acc", reason: "linear_acc (or linearAcc / linearProbeAccuracy) is missing" });
    } else {
      skipped.push({ ...sourceOf(source.kind, position), reason: "linear_acc is empty: no result to import" });
    }
  }
  // What the database cannot hold, and lib/analysis has no reason to check.
  const rows = parsed.rows.filter((row) => {
    const at = sourceOf(source.kind, row.line!);
    if (row.durationMs !== undefined && row.durationMs !== null && row.durationMs > MAX_DURATION_MS) {
      invalid.push({ ...at, field: "duration_ms", reason: `duration_ms ${row.durationMs} is more than a week (${MAX_DURATION_MS})` });
      return false;
    }
    if (row.backend && row.backend.length > MAX_BACKEND_LENGTH) {
      invalid.push({ ...at, field: "backend", reason: `backend is longer than ${MAX_BACKEND_LENGTH} characters` });
      return false;
    }
    return true;
  });

  const trials = await listAllTrials(db, sweepId);
  const match = matchImportedResults(rows, trials);
  const at = (row: ExternalResultRow) => sourceOf(source.kind, row.line!);
  const report: ImportReport = { imported: 0, importedTrials: [], alreadyDone: [], unmatched: [], duplicates: [], invalid, skipped };
  for (const entry of match.unmatched) {
    if (entry.code === "invalid") report.invalid.push({ ...at(entry.row), reason: entry.reason });
    else report.unmatched.push({ ...at(entry.row), code: entry.code, reason: entry.reason });
  }
  for (const entry of match.duplicates) {
    const first = at(rows[entry.firstRowIndex]!);
    const firstText = "line" in first ? `line ${first.line}` : `row ${first.row}`;
    report.duplicates.push({
      ...at(entry.row),
      trialId: entry.trial.id,
      first,
      conflicting: entry.conflicting,
      reason: entry.conflicting
        ? `${firstText} already gave this trial a result with different numbers; the first row is kept`
        : `repeats ${firstText} for the same trial`,
    });
  }
  for (const entry of match.alreadyDone) {
    report.alreadyDone.push({ ...at(entry.row), trialId: entry.trial.id, reason: "the trial already has a result; results are never overwritten" });
  }

  const validRows = match.matched.length + match.alreadyDone.length + match.duplicates.length + report.unmatched.length;
  if (validRows === 0) {
    const issues = report.invalid.map((entry) => issueFor(source, entry));
    const message =
      issues.length > 0
        ? `no valid result rows: ${issues.length} invalid (first: ${describe(report.invalid[0]!)})`
        : `no result rows to import${skipped.length > 0 ? ` (${skipped.length} rows without a result)` : ""}`;
    throw new ValidationError(message, issues.length > 0 ? issues : [{ path: source.field, message }]);
  }

  const now = new Date();
  for (const entry of match.matched) {
    const outside = fromRow(entry.row, source.fullResults.get(entry.row.line!));
    if (await recordOutsideResult(db, { sweepId, trialId: entry.trial.id, ...outside, workerId: IMPORT_WORKER_ID, now })) {
      report.imported++;
      report.importedTrials.push({ ...at(entry.row), trialId: entry.trial.id });
    } else {
      report.alreadyDone.push({ ...at(entry.row), trialId: entry.trial.id, reason: "the trial finished while the import ran; its result is kept" });
    }
  }
  return report;
}

function describe(entry: InvalidEntry): string {
  return `${"line" in entry ? `line ${entry.line}` : `row ${entry.row}`}: ${entry.reason}`;
}

// ------------------------------------------------------- one external result

export const externalResultRequestSchema = z.strictObject({
  augValue: z.number(),
  mixRatio: z.union([z.literal("none"), z.number().gt(0)], { error: 'expected "none" or a number > 0' }),
  generatedSize: z.number().int().min(0).optional(),
  /** Needed only on a sweep with a degradation axis. */
  degradation: z.number().min(0).max(1).optional(),
  seed: z.number().int(),
  result: trialResultSchema.extend({ environment: environmentSchema.default({ backend: "external" }) }),
});
export type ExternalResultRequest = z.output<typeof externalResultRequestSchema>;

export type ExternalOutcome = { trialId: string; outcome: "accepted" | "duplicate" };

/**
 * One result from a script, matched to its trial by axis values and seed.
 * The same result again is a duplicate; a different one for a finished trial
 * is a conflict (409), never an overwrite.
 */
export async function recordExternalResult(db: Db, sweepId: string, body: ExternalResultRequest): Promise<ExternalOutcome> {
  const result: TrialResult = body.result;
  const row: ExternalResultRow = {
    augValue: body.augValue,
    mixRatio: body.mixRatio,
    ...(body.generatedSize === undefined ? {} : { generatedSize: body.generatedSize }),
    ...(body.degradation === undefined ? {} : { degradation: body.degradation }),
    seed: body.seed,
    ...trialMetricColumns(result),
  };
  const trials = await listAllTrials(db, sweepId);
  const match = matchImportedResults([row], trials);
  const unmatched = match.unmatched[0];
  if (unmatched) {
    if (unmatched.code === "noSuchTrial") {
      throw new AppError(404, `no trial of this sweep has these axis values: ${unmatched.reason}`, {
        augValue: body.augValue,
        mixRatio: body.mixRatio,
        generatedSize: body.generatedSize ?? null,
        degradation: body.degradation ?? null,
        seed: body.seed,
        reason: unmatched.reason,
      });
    }
    const path = unmatched.code === "ambiguous" ? (unmatched.reason.includes("degradation") ? "degradation" : "generatedSize") : "";
    throw new ValidationError(unmatched.reason, [{ path, message: unmatched.reason }]);
  }
  const trial: TrialView = (match.matched[0] ?? match.alreadyDone[0])!.trial;
  if (
    match.matched.length > 0 &&
    (await recordOutsideResult(db, { sweepId, trialId: trial.id, ...fromTrialResult(result), workerId: EXTERNAL_WORKER_ID }))
  ) {
    return { trialId: trial.id, outcome: "accepted" };
  }
  const stored = await db.trial.findUnique({ where: { id: trial.id }, select: { doneAttemptId: true } });
  const attempt = stored?.doneAttemptId ? await db.attempt.findUnique({ where: { id: stored.doneAttemptId }, select: { resultHash: true } }) : null;
  if (attempt?.resultHash === resultHash(result)) return { trialId: trial.id, outcome: "duplicate" };
  throw new ConflictError(`the trial at ${describeCell(trial)} already has a different result; results are never overwritten`, {
    trialId: trial.id,
    trialStatus: "done",
  });
}

function describeCell(trial: TrialView): string {
  const degradation = trial.degradation === null ? "" : `, degradation ${trial.degradation}`;
  return `aug ${trial.augValue}, mix ${formatMixRatio(trial.mixRatio)}, generated ${trial.generatedSize}${degradation}, seed ${trial.seed}`;
}
