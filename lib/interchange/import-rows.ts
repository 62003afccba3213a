import type { MixRatio } from "@/lib/sweep/schema";
import type { ExternalResultRow } from "./import-match";

/**
 * Turns parsed CSV records (e.g. from `parseResultsCsv`, or this app's own
 * export) into rows for `matchImportedResults`. Column names are those of
 * `trialsToCsv`; only aug_value, mix_ratio, seed and linear_acc are
 * required. Numbers must be plain decimal or scientific notation, because
 * "1,5" or "91%" guessed wrongly would import a wrong result.
 */

export interface ImportRowError {
  line: number;
  /** Column name in the header. */
  column: string;
  message: string;
}

export interface ImportRowsResult {
  rows: ExternalResultRow[];
  errors: ImportRowError[];
  /** Lines with an empty linear_acc: no result to import (e.g. queued trials in an exported file). */
  skippedLines: number[];
}

const REQUIRED_COLUMNS = ["aug_value", "mix_ratio", "seed", "linear_acc"] as const;
const NUMBER_RE = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

class CellError extends Error {
  constructor(
    readonly column: string,
    message: string,
  ) {
    super(message);
  }
}

function readNumber(record: Record<string, string>, column: string): number | null {
  const text = (record[column] ?? "").trim();
  if (text === "") return null;
  if (!NUMBER_RE.test(text)) throw new CellError(column, `"${text}" is not a number`);
  return Number(text);
}

function requireNumber(record: Record<string, string>, column: string): number {
  const value = readNumber(record, column);
  if (value === null) throw new CellError(column, "is empty");
  return value;
}

function readMixRatio(record: Record<string, string>): MixRatio {
  const text = (record.mix_ratio ?? "").trim();
  if (text.toLowerCase() === "none") return "none";
  // Our own export writes "none"; accept the display form "N=10" too.
  const bare = text.replace(/^N\s*=\s*/i, "");
  if (!NUMBER_RE.test(bare)) throw new CellError("mix_ratio", `"${text}" is neither "none" nor a number`);
  return Number(bare);
}

export function resultRowsFromRecords(
  header: readonly string[],
  records: readonly Record<string, string>[],
  lines: readonly number[],
): ImportRowsResult {
  const missing = REQUIRED_COLUMNS.filter((column) => !header.includes(column));
  if (missing.length > 0) {
    return {
      rows: [],
      skippedLines: [],
      errors: missing.map((column) => ({ line: 1, column, message: `required column "${column}" is missing` })),
    };
  }
  const rows: ExternalResultRow[] = [];
  const errors: ImportRowError[] = [];
  const skippedLines: number[] = [];
  records.forEach((record, index) => {
    const line = lines[index] ?? index + 2;
    if ((record.linear_acc ?? "").trim() === "") {
      skippedLines.push(line);
      return;
    }
    try {
      const generatedSize = readNumber(record, "generated_size");
      const degradation = readNumber(record, "degradation");
      const backend = (record.backend ?? "").trim();
      rows.push({
        augValue: requireNumber(record, "aug_value"),
        mixRatio: readMixRatio(record),
        ...(generatedSize === null ? {} : { generatedSize }),
        ...(degradation === null ? {} : { degradation }),
        seed: requireNumber(record, "seed"),
        linearAcc: requireNumber(record, "linear_acc"),
        knnAcc: readNumber(record, "knn_acc"),
        finalLoss: readNumber(record, "final_loss"),
        durationMs: readNumber(record, "duration_ms"),
        imagesPerSec: readNumber(record, "images_per_sec"),
        backend: backend === "" ? null : backend,
        line,
      });
    } catch (error) {
      if (!(error instanceof CellError)) throw error;
      errors.push({ line, column: error.column, message: `${error.column} ${error.message}` });
    }
  });
  return { rows, errors, skippedLines };
}
