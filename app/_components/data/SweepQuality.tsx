"use client";
import { useEffect, useState } from "react";
import type { DatasetView } from "@/lib/datasets/refs";
import { generatorKey } from "@/lib/generator/key";
import type { SweepConfig } from "@/lib/sweep/schema";
import { fetchQuality } from "./api";
import { QualityLine, type QualityState } from "./DataFields";

type Config = Pick<SweepConfig, "dataset" | "generated" | "axes">;

/** Query parameters for /api/quality that measure what this sweep's workers train on. */
async function qualityParams(config: Config, size: number): Promise<Record<string, string | number> | null> {
  const { dataset, generated } = config;
  const base = { dataset: dataset.ref, trainSize: dataset.trainSize, testSize: dataset.testSize, size };
  if (generated.source === "heldout-real") return { ...base, source: "heldout-real", degradation: generated.degradation };
  if (generated.source === "upload") return generated.ref ? { ...base, source: "upload", generated: generated.ref } : null;
  const response = await fetch(`/api/generated/${generatorKey(config)}`, { cache: "no-store" });
  if (!response.ok) return null;
  return { ...base, source: "upload", generated: ((await response.json()) as { dataset: DatasetView }).dataset.ref };
}

/**
 * The sweep's generated-data quality, measured the way workers measure it
 * per trial (same split, reference network and sample), for the largest
 * generated-set size (capped at 1,000 images).
 */
export function SweepQuality({ config }: { config: Config }) {
  const [state, setState] = useState<QualityState>({ kind: "loading" });
  const [pending, setPending] = useState(false);
  const size = Math.min(1000, Math.max(...config.axes.generatedSize.values));
  const configKey = JSON.stringify([config.dataset, config.generated, size]);
  useEffect(() => {
    if (size < 10) return;
    const controller = new AbortController();
    const failed = (error: Error) => !controller.signal.aborted && setState({ kind: "error", message: error.message });
    setPending(false);
    qualityParams(config, size).then((params) => {
      if (controller.signal.aborted) return;
      if (!params) {
        setPending(true);
        return;
      }
      fetchQuality(params, controller.signal).then((report) => setState({ kind: "ready", report }), failed);
    }, failed);
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [configKey]);
  if (size < 10) return null;
  if (pending) return <p className="small muted">Generated-data quality: the generator has not been trained yet; the first worker trains it.</p>;
  return <QualityLine state={state} />;
}
