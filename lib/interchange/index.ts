/**
 * Results in and out of the app as text: the CSV export (one row per trial,
 * pandas-ready), a strict CSV reader, and the matching of outside result
 * rows to a sweep's trials. Pure; the storage side is lib/repo (export,
 * import) and lib/queue (writing outside results).
 */
export {
  TRIAL_CSV_COLUMNS,
  csvField,
  csvLine,
  trialsToCsv,
  trialCsvHeader,
  trialCsvRows,
  type CsvValue,
  type TrialCsvColumn,
  type TrialCsvExtra,
} from "./csv-export";
export { parseCsvRecords, parseResultsCsv, type CsvError, type CsvParseResult, type CsvRecord, type CsvRecordsResult } from "./csv-parse";
export {
  axisValuesEqual,
  matchImportedResults,
  type DuplicateImport,
  type ExternalResultRow,
  type ImportMatchReport,
  type MatchedImport,
  type UnmatchedCode,
  type UnmatchedImport,
} from "./import-match";
export { resultRowsFromRecords, type ImportRowError, type ImportRowsResult } from "./import-rows";
