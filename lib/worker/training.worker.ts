/// <reference lib="webworker" />
import type { Environment } from "@/lib/queue/schemas";
import { parseDatasetAsset, prepareTrialData, runTrial, TrialCancelledError } from "@/lib/train";
import { measureQuality, QUALITY_K, qualityMetrics } from "@/lib/quality/quality";
import type { ImageSet } from "@/lib/train/dataset";
import { selectBackend } from "./backend";
import { vaeGeneratedSet } from "./generator";
import { loadReferenceNet } from "./reference";
import { loadDatasetRef } from "./dataset-cache";
import type { FromWorker, ToWorker } from "./protocol";

/**
 * One training slot. Trains one trial at a time off the page's main thread
 * and reports progress, the result or the error. No top-level await:
 * Turbopack has mishandled it in module workers.
 */
const scope = self as unknown as DedicatedWorkerGlobalScope;
let environment: Promise<Environment> | null = null;
const cancelled = new Set<string>();

/** A failed backend start is not cached, so the next trial tries again. */
function ensureBackend(requested: Extract<ToWorker, { type: "start" }>["backends"]): Promise<Environment> {
  if (!environment) {
    environment = selectBackend(requested);
    environment.catch(() => {
      environment = null;
    });
  }
  return environment;
}

/**
 * Quality of the generated images this trial trains on, in the dataset's
 * reference-network features. A bonus measurement: if the reference cannot
 * be fetched, the trial still runs and reports without it.
 */
async function generatedQualityMetrics(datasetRef: string, real: ImageSet, generated: ImageSet): Promise<Record<string, number>> {
  if (generated.count <= QUALITY_K || real.count <= QUALITY_K) return {};
  try {
    return qualityMetrics(measureQuality(await loadReferenceNet(datasetRef), real, generated));
  } catch (error) {
    console.warn("generated-data quality not measured:", error);
    return {};
  }
}

function post(message: FromWorker): void {
  scope.postMessage(message);
}

async function start(message: Extract<ToWorker, { type: "start" }>): Promise<void> {
  const { jobId } = message;
  try {
    const env = await ensureBackend(message.backends);
    post({ type: "backend", environment: env });
    post({ type: "progress", jobId, progress: { phase: "data", step: 0, totalSteps: message.config.training.steps } });
    const { config, trial } = message;
    const set = parseDatasetAsset(await loadDatasetRef(config.dataset.ref));
    const inflated = trial.mixRatio !== "none" && trial.generatedSize > 0;
    let generatedImages: ImageSet | null = null;
    if (inflated && config.generated.source === "upload" && config.generated.ref) {
      generatedImages = parseDatasetAsset(await loadDatasetRef(config.generated.ref));
    } else if (inflated && config.generated.source === "vae") {
      const { train } = prepareTrialData(set, config, { mixRatio: "none", generatedSize: 0 });
      generatedImages = await vaeGeneratedSet(config, train, {
        onProgress: (progress) => post({ type: "progress", jobId, progress }),
        shouldStop: () => cancelled.has(jobId),
      });
    }
    const data = prepareTrialData(set, config, trial, generatedImages);
    const metrics = data.generated ? await generatedQualityMetrics(config.dataset.ref, data.train, data.generated) : {};
    const outcome = await runTrial({
      data,
      config: message.config,
      trial: message.trial,
      onProgress: (progress) => post({ type: "progress", jobId, progress: { ...progress, loss: progress.loss ?? null } }),
      shouldStop: () => cancelled.has(jobId),
    });
    post({
      type: "result",
      jobId,
      environment: env,
      outcome: {
        linearProbeAccuracy: outcome.linearProbeAccuracy,
        knnAccuracy: outcome.knnAccuracy,
        finalLoss: outcome.finalLoss,
        lossCurve: outcome.lossCurve,
        durationMs: Math.round(outcome.durationMs),
        imagesPerSecond: outcome.imagesPerSecond,
        realShare: outcome.realShare,
        metrics,
      },
    });
  } catch (error) {
    const wasCancelled = error instanceof TrialCancelledError || cancelled.has(jobId);
    post({ type: "error", jobId, message: error instanceof Error ? error.message : String(error), cancelled: wasCancelled });
  } finally {
    cancelled.delete(jobId);
  }
}

scope.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  if (message.type === "start") void start(message);
  else if (message.type === "cancel") cancelled.add(message.jobId);
};
