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
  if (config.axes.degradation && config.generated.source === "heldout-real") return <DegradationAxisQuality config={config} />;
  return <SingleSetQuality config={config} />;
}

function qualitySize(config: Config): number {
  return Math.min(1000, Math.max(...config.axes.generatedSize.values));
}

function qualityBase(config: Config) {
  const { dataset } = config;
  return { dataset: dataset.ref, trainSize: dataset.trainSize, testSize: dataset.testSize, size: qualitySize(config) };
}

/** One line per degradation of the axis: generator quality is what the sweep varies. */
function DegradationAxisQuality({ config }: { config: Config }) {
  if (qualitySize(config) < 10) return null;
  const values = [...(config.axes.degradation?.values ?? [])].sort((a, b) => a - b);
  return (
    <div data-testid="degradation-quality">
      {values.map((degradation) => (
        <DegradationQuality key={degradation} config={config} degradation={degradation} />
      ))}
    </div>
  );
}

function DegradationQuality({ config, degradation }: { config: Config; degradation: number }) {
  const state = useQualityReport({ ...qualityBase(config), source: "heldout-real", degradation }, 0);
  return <QualityLine state={state} label={`Degradation ${degradation}`} testId={`generated-quality-${degradation}`} />;
}

function SingleSetQuality({ config }: { config: Config }) {
  const { generated } = config;
  const size = qualitySize(config);
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

  const base = qualityBase(config);
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
