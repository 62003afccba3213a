import { parentPort, workerData } from "node:worker_threads";
import type { Environment } from "@/lib/queue/schemas";
import { TrialCancelledError } from "@/lib/train";
import type { FromWorker, ToWorker } from "@/lib/worker/protocol";
import { runTrialJob } from "@/lib/worker/trial-job";
import { selectNodeBackend, type NodeBackendName } from "./backend";
import { httpTrialSources } from "./sources";

/**
 * One training slot of a headless worker, in its own worker thread with its
 * own TensorFlow.js: the Node twin of lib/worker/training.worker.ts, speaking
 * the same messages (lib/worker/protocol.ts) to a TrainingSlot.
 */
export interface TrainingThreadData {
  baseUrl: string;
  cacheDir: string | null;
  backends: NodeBackendName[];
}

const port = parentPort;
if (!port) throw new Error("training-thread.ts runs as a worker thread (see thread-worker.ts)");
const settings = workerData as TrainingThreadData;
const sources = httpTrialSources(settings);
const cancelled = new Set<string>();
let environment: Promise<Environment> | null = null;

function ensureBackend(): Promise<Environment> {
  if (!environment) {
    environment = selectNodeBackend(settings.backends);
    environment.catch(() => {
      environment = null;
    });
  }
  return environment;
}

const post = (message: FromWorker) => port.postMessage(message);

async function start(message: Extract<ToWorker, { type: "start" }>): Promise<void> {
  const { jobId } = message;
  try {
    const env = await ensureBackend();
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

port.on("message", (message: ToWorker) => {
  if (message.type === "start") void start(message);
  else if (message.type === "cancel") cancelled.add(message.jobId);
});
