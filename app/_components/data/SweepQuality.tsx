"use client";
import { useEffect, useState } from "react";
import type { SweepConfig } from "@/lib/sweep/schema";
import { fetchQuality, type QualityResponse } from "./api";
import { QualityLine } from "./DataFields";

/**
 * The sweep's generated-data quality, measured the way workers measure it
 * per trial (same split, reference network and sample), for the largest
 * generated-set size (capped at 1,000 images).
 */
export function SweepQuality({ config }: { config: Pick<SweepConfig, "dataset" | "generated" | "axes"> }) {
  const [state, setState] = useState<{ kind: "loading" } | { kind: "ready"; report: QualityResponse } | { kind: "error"; message: string }>({ kind: "loading" });
  const size = Math.min(1000, Math.max(...config.axes.generatedSize.values));
  const { dataset, generated } = config;
  useEffect(() => {
    if (generated.source !== "heldout-real" && generated.source !== "upload") return;
    const params: Record<string, string | number> = {
      dataset: dataset.ref,
      trainSize: dataset.trainSize,
      testSize: dataset.testSize,
      size,
      source: generated.source,
      degradation: generated.degradation,
      ...(generated.ref ? { generated: generated.ref } : {}),
    };
    const controller = new AbortController();
    fetchQuality(params, controller.signal).then(
      (report) => setState({ kind: "ready", report }),
      (error: Error) => !controller.signal.aborted && setState({ kind: "error", message: error.message }),
    );
    return () => controller.abort();
  }, [dataset.ref, dataset.trainSize, dataset.testSize, generated.source, generated.ref, generated.degradation, size]);
  if (size < 10) return null;
  return <QualityLine state={state} />;
}
