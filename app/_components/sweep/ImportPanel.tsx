"use client";
import { useState } from "react";
import type { POST as ImportResults } from "@/app/api/sweeps/[id]/import/route";
import { ApiError, apiPost, type ResponseBody } from "@/lib/client/api";

type ImportReport = ResponseBody<typeof ImportResults>;

/** Builds the import request from a file: CSV text, a JSON array of rows, or an Inflation Lab export. */
export function importBody(fileName: string, text: string): unknown {
  if (!fileName.toLowerCase().endsWith(".json")) return { format: "csv", text };
  const parsed = JSON.parse(text) as unknown;
  if (Array.isArray(parsed)) return { format: "json", rows: parsed };
  return parsed;
}

const where = (entry: { line?: number; row?: number }) => (entry.line !== undefined ? `line ${entry.line}` : `row ${entry.row ?? "?"}`);

/** Owner only: results computed elsewhere (e.g. a PyTorch run of the same grid) matched to trials by axis values and seed. */
export function ImportPanel({ sweepId, onImported }: { sweepId: string; onImported: () => Promise<void> }) {
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function upload(file: File) {
    setBusy(true);
    setError(null);
    setReport(null);
    try {
      const body = importBody(file.name, await file.text());
      setReport(await apiPost<ImportReport>(`/api/sweeps/${sweepId}/import`, body));
      await onImported();
    } catch (e) {
      if (e instanceof ApiError) {
        const details = Array.isArray(e.details)
          ? (e.details as { message?: string; line?: number }[]).slice(0, 5).map((d) => `${d.line ? `line ${d.line}: ` : ""}${d.message ?? ""}`)
          : [];
        setError([e.message, ...details].join("; "));
      } else setError(`could not read ${file.name}: ${(e as Error).message}`);
    } finally {
      setBusy(false);
    }
  }

  const problems = report ? [...report.alreadyDone, ...report.unmatched, ...report.duplicates, ...report.invalid, ...report.skipped] : [];
  return (
    <div className="small">
      <label htmlFor="import-file">
        <strong>Import results</strong> (CSV or JSON, matched by axis values and seed; finished trials are never overwritten)
      </label>{" "}
      <input
        id="import-file"
        type="file"
        accept=".csv,.json,text/csv,application/json"
        disabled={busy}
        onChange={(event) => {
          const file = event.target.files?.[0];
          if (file) void upload(file);
          event.target.value = "";
        }}
      />
      {error ? (
        <div className="alert error" role="alert">
          {error}
        </div>
      ) : null}
      {report ? (
        <div className="alert info" role="status" data-testid="import-report">
          Imported {report.imported} result{report.imported === 1 ? "" : "s"}; {report.alreadyDone.length} already done, {report.unmatched.length}{" "}
          unmatched, {report.duplicates.length} duplicate, {report.invalid.length} invalid, {report.skipped.length} without a result.
          {problems.length > 0 ? (
            <ul>
              {problems.slice(0, 20).map((entry, i) => (
                <li key={i}>
                  {where(entry)}: {entry.reason}
                </li>
              ))}
              {problems.length > 20 ? <li>… and {problems.length - 20} more</li> : null}
            </ul>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
