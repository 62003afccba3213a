"use client";
import { useEffect, useState } from "react";
import { fetchQuality, type QualityResponse } from "./api";

export type QualityState = { kind: "idle" } | { kind: "loading" } | { kind: "ready"; report: QualityResponse } | { kind: "error"; message: string };
export type QualityParams = Record<string, string | number>;

/**
 * /api/quality for `params` (idle while null), refetched when they change.
 * Debounced, because form fields change with every keystroke and each
 * request costs the server real work; a superseded request is aborted.
 */
export function useQualityReport(params: QualityParams | null, debounceMs = 400): QualityState {
  // The last answer, with the parameters it answers: until the current ones have theirs, the report is loading.
  const [settled, setSettled] = useState<{ key: string; state: QualityState } | null>(null);
  const key = params ? JSON.stringify(params) : null;
  useEffect(() => {
    if (!key) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      fetchQuality(JSON.parse(key) as QualityParams, controller.signal).then(
        (report) => setSettled({ key, state: { kind: "ready", report } }),
        (error: Error) => !controller.signal.aborted && setSettled({ key, state: { kind: "error", message: error.message } }),
      );
    }, debounceMs);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [key, debounceMs]);
  if (!key) return { kind: "idle" };
  return settled?.key === key ? settled.state : { kind: "loading" };
}

export function QualityLine({ state, testId = "generated-quality", label = "Generated-data quality" }: { state: QualityState; testId?: string; label?: string }) {
  if (state.kind === "idle") return null;
  if (state.kind === "loading") return <p className="small muted" aria-busy="true">Measuring generated-data quality…</p>;
  if (state.kind === "error") return <p className="small error">Quality not measured: {state.message}</p>;
  const { quality, referenceTrainAccuracy } = state.report;
  return (
    <p className="small quality" data-testid={testId} role="status">
      <strong>{label}:</strong> FID {quality.fid.toFixed(2)} · precision {quality.precision.toFixed(2)} · recall{" "}
      {quality.recall.toFixed(2)}{" "}
      <span className="muted">
        ({quality.generatedCount} generated vs {quality.realCount} real train images, in the {quality.featureDim}-d features of a reference
        classifier trained on this dataset, {Math.round(referenceTrainAccuracy * 100)}% train accuracy; lower FID is closer, 0 is identical)
      </span>
    </p>
  );
}
