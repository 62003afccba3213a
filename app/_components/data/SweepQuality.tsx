"use client";
import { useEffect, useState } from "react";
import { generatorKey } from "@/lib/generator/key";
import type { SweepConfig } from "@/lib/sweep/schema";
import { fetchRegisteredGenerated } from "@/lib/worker/api";
import { QualityLine, useQualityReport, type QualityParams } from "./Quality";

type Config = Pick<SweepConfig, "dataset" | "generated" | "axes">;

/**
 * The sweep's generated-data quality, measured the way workers measure it
 * per trial (same split, reference network and sample), for the largest
 * generated-set size (capped at 1,000 images). A browser-trained generator
 * is measured through the samples registered for it, once there are some.
 */
export function SweepQuality({ config }: { config: Config }) {
  const { dataset, generated } = config;
  const size = Math.min(1000, Math.max(...config.axes.generatedSize.values));
  const key = generated.source === "vae" ? generatorKey(config) : null;
  // undefined: still looking; null: not trained yet.
  const [vaeRef, setVaeRef] = useState<string | null | undefined>(undefined);
  const [lookupError, setLookupError] = useState<string | null>(null);
  useEffect(() => {
    if (!key) return;
    let live = true;
    fetchRegisteredGenerated(key).then(
      (registered) => live && setVaeRef(registered?.ref ?? null),
      (error: Error) => live && setLookupError(error.message),
    );
    return () => {
      live = false;
    };
  }, [key]);

  const base = { dataset: dataset.ref, trainSize: dataset.trainSize, testSize: dataset.testSize, size };
  let params: QualityParams | null = null;
  if (size < 10) params = null;
  else if (generated.source === "heldout-real") params = { ...base, source: "heldout-real", degradation: generated.degradation };
  else if (generated.source === "upload" && generated.ref) params = { ...base, source: "upload", generated: generated.ref };
  else if (generated.source === "vae" && vaeRef) params = { ...base, source: "upload", generated: vaeRef };
  const state = useQualityReport(params, 0);

  if (size < 10) return null;
  if (lookupError) return <p className="small error">Quality not measured: {lookupError}</p>;
  if (key && vaeRef === null) {
    return <p className="small muted">Generated-data quality: the generator has not been trained yet; the first worker trains it.</p>;
  }
  return <QualityLine state={state} />;
}
