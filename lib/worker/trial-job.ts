import type { Environment, Progress } from "@/lib/queue/schemas";
import { measureQuality, QUALITY_K, qualityMetrics } from "@/lib/quality/quality";
import type { ReferenceNet } from "@/lib/quality/reference";
import type { SweepConfig } from "@/lib/sweep/schema";
import { parseDatasetAsset } from "@/lib/images/image-set";
import { prepareTrialData } from "@/lib/generator/trial-data";
import { runTrial, TrialCancelledError } from "@/lib/train";
import type { ImageSet } from "@/lib/images/image-set";
import type { GeneratorRunOptions, LeaseProof } from "./generated-set";
import type { FromWorker, ToWorker, TrainOutcome, TrialToRun } from "./protocol";

/**
 * One claimed trial from its config to its outcome: load the data, get the
 * generated images (held-out, uploaded or browser-trained VAE), score their
 * quality, train and evaluate. Shared by the page's Web Worker
 * (training.worker.ts) and the headless Node worker (lib/headless), which
 * differ only in where the bytes come from.
 */
export interface TrialJobSources {
  /** The asset bytes of a dataset reference, hash-checked for uploads. */
  loadDataset(ref: string): Promise<ArrayBuffer>;
  loadReferenceNet(ref: string): Promise<ReferenceNet>;
  vaeGeneratedSet(config: SweepConfig, train: ImageSet, options: GeneratorRunOptions): Promise<ImageSet>;
}

export interface TrialJobOptions {
  config: SweepConfig;
  trial: TrialToRun;
  /** The claimed trial's lease, passed on to the generator so it can register the sweep's set. */
  lease?: LeaseProof;
  sources: TrialJobSources;
  onProgress: (progress: Progress) => void;
  shouldStop: () => boolean;
}

/**
 * Quality of the generated images this trial trains on, in the dataset's
 * reference-network features. A bonus measurement: if the reference cannot
 * be fetched, the trial still runs and reports without it.
 */
async function generatedQualityMetrics(
  sources: TrialJobSources,
  datasetRef: string,
  real: ImageSet,
  generated: ImageSet,
): Promise<Record<string, number>> {
  if (generated.count <= QUALITY_K || real.count <= QUALITY_K) return {};
  try {
    return qualityMetrics(measureQuality(await sources.loadReferenceNet(datasetRef), real, generated));
  } catch (error) {
    console.warn("generated-data quality not measured:", error);
    return {};
  }
}

export async function runTrialJob({ config, trial, lease, sources, onProgress, shouldStop }: TrialJobOptions): Promise<TrainOutcome> {
  onProgress({ phase: "data", step: 0, totalSteps: config.training.steps });
  const set = parseDatasetAsset(await sources.loadDataset(config.dataset.ref));
  const inflated = trial.mixRatio !== "none" && trial.generatedSize > 0;
  let generatedImages: ImageSet | null = null;
  if (inflated && config.generated.source === "upload" && config.generated.ref) {
    generatedImages = parseDatasetAsset(await sources.loadDataset(config.generated.ref));
  } else if (inflated && config.generated.source === "vae") {
    const { train } = prepareTrialData(set, config, { mixRatio: "none", generatedSize: 0 });
    generatedImages = await sources.vaeGeneratedSet(config, train, { onProgress, shouldStop, ...(lease ? { lease } : {}) });
  }
  const data = prepareTrialData(set, config, trial, generatedImages);
  const metrics = data.generated ? await generatedQualityMetrics(sources, config.dataset.ref, data.train, data.generated) : {};
  const outcome = await runTrial({
    data,
    config,
    trial,
    onProgress: (progress) => onProgress({ ...progress, loss: progress.loss ?? null }),
    shouldStop,
  });
  return {
    linearProbeAccuracy: outcome.linearProbeAccuracy,
    knnAccuracy: outcome.knnAccuracy,
    finalLoss: outcome.finalLoss,
    lossCurve: outcome.lossCurve,
    durationMs: Math.round(outcome.durationMs),
    imagesPerSecond: outcome.imagesPerSecond,
    realShare: outcome.realShare,
    metrics,
  };
}

/**
 * A worker's answer to one "start" message, the same in a Web Worker and a
 * Node worker thread: start the backend (once), run the job, post progress
 * and the result or the error. How the backend was chosen travels with the
 * environment of every result.
 */
export async function answerStart(
  message: Extract<ToWorker, { type: "start" }>,
  worker: { ensureBackend: () => Promise<Environment>; post: (message: FromWorker) => void; cancelled: Set<string>; sources: TrialJobSources },
): Promise<void> {
  const { jobId } = message;
  const { post, cancelled } = worker;
  try {
    const started = await worker.ensureBackend();
    const environment: Environment = message.calibration ? { ...started, calibration: message.calibration } : started;
    post({ type: "backend", environment });
    const outcome = await runTrialJob({
      config: message.config,
      trial: message.trial,
      ...(message.lease ? { lease: message.lease } : {}),
      sources: worker.sources,
      onProgress: (progress) => post({ type: "progress", jobId, progress }),
      shouldStop: () => cancelled.has(jobId),
    });
    post({ type: "result", jobId, environment, outcome });
  } catch (error) {
    const wasCancelled = error instanceof TrialCancelledError || cancelled.has(jobId);
    post({ type: "error", jobId, message: error instanceof Error ? error.message : String(error), cancelled: wasCancelled });
  } finally {
    cancelled.delete(jobId);
  }
}
