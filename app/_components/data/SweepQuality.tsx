"use client";
import type { SweepConfig } from "@/lib/sweep/schema";
import { QualityLine, useQualityReport, type QualityParams } from "./Quality";

type Config = Pick<SweepConfig, "dataset" | "generated" | "axes">;

/**
 * The sweep's generated-data quality, measured the way workers measure it
 * per trial (same split, reference network and sample), for the largest
 * generated-set size (capped at 1,000 images). A browser-trained generator
 * is measured through the samples registered for the sweep, once there are
 * some (`generatedRef`, from the sweep).
 */
export function SweepQuality({ config, generatedRef }: { config: Config; generatedRef: string | null }) {
  if (config.axes.degradation && config.generated.source === "heldout-real") return <DegradationAxisQuality config={config} />;
  return <SingleSetQuality config={config} vaeRef={generatedRef} />;
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

function SingleSetQuality({ config, vaeRef }: { config: Config; vaeRef: string | null }) {
  const { generated } = config;
  const size = qualitySize(config);
  const base = qualityBase(config);
  let params: QualityParams | null = null;
  if (size < 10) params = null;
  else if (generated.source === "heldout-real") params = { ...base, source: "heldout-real", degradation: generated.degradation };
  else if (generated.source === "upload" && generated.ref) params = { ...base, source: "upload", generated: generated.ref };
  else if (generated.source === "vae" && vaeRef) params = { ...base, source: "upload", generated: vaeRef };
  const state = useQualityReport(params, 0);

  if (size < 10) return null;
  if (generated.source === "vae" && vaeRef === null) {
    return <p className="small muted">Generated-data quality: the generator has not been trained yet; the first worker trains it.</p>;
  }
  return <QualityLine state={state} />;
}
