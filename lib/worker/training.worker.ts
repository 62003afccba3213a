/// <reference lib="webworker" />
import type { Environment } from "@/lib/queue/schemas";
import { selectBackend } from "./backend";
import { vaeGeneratedSet } from "./generated-set";
import { loadReferenceNet } from "./reference";
import { loadDatasetRef } from "./dataset-cache";
import type { FromWorker, ToWorker } from "./protocol";
import { answerStart, type TrialJobSources } from "./trial-job";

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

scope.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  if (message.type === "start") void answerStart(message, { ensureBackend: () => ensureBackend(message), post, cancelled, sources });
  else if (message.type === "cancel") cancelled.add(message.jobId);
};
