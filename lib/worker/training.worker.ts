/// <reference lib="webworker" />
import type { Environment } from "@/lib/queue/schemas";
import { TrialCancelledError } from "@/lib/train";
import { selectBackend } from "./backend";
import { vaeGeneratedSet } from "./generator";
import { loadReferenceNet } from "./reference";
import { loadDatasetRef } from "./dataset-cache";
import type { FromWorker, ToWorker } from "./protocol";
import { runTrialJob, type TrialJobSources } from "./trial-job";

/**
 * One training slot. Trains one trial at a time off the page's main thread
 * and reports progress, the result or the error. No top-level await:
 * Turbopack has mishandled it in module workers.
 */
const scope = self as unknown as DedicatedWorkerGlobalScope;
let environment: Promise<Environment> | null = null;
const cancelled = new Set<string>();

/** A failed backend start is not cached, so the next trial tries again. */
function ensureBackend(message: Extract<ToWorker, { type: "start" }>): Promise<Environment> {
  if (!environment) {
    environment = selectBackend(message.backends, { wasmThreads: message.wasmThreads });
    environment.catch(() => {
      environment = null;
    });
  }
  return environment;
}

/** This page's server: the Cache API-backed dataset cache and relative URLs. */
const sources: TrialJobSources = { loadDataset: loadDatasetRef, loadReferenceNet: (ref) => loadReferenceNet(ref), vaeGeneratedSet };

function post(message: FromWorker): void {
  scope.postMessage(message);
}

async function start(message: Extract<ToWorker, { type: "start" }>): Promise<void> {
  const { jobId } = message;
  try {
    const started = await ensureBackend(message);
    const env: Environment = message.calibration ? { ...started, calibration: message.calibration } : started;
    post({ type: "backend", environment: env });
    const outcome = await runTrialJob({
      config: message.config,
      trial: message.trial,
      sources,
      onProgress: (progress) => post({ type: "progress", jobId, progress }),
      shouldStop: () => cancelled.has(jobId),
    });
    post({ type: "result", jobId, environment: env, outcome });
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
