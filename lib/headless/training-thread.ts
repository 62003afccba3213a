import { parentPort, workerData } from "node:worker_threads";
import type { Environment } from "@/lib/queue/schemas";
import type { FromWorker, ToWorker } from "@/lib/worker/protocol";
import { answerStart } from "@/lib/worker/trial-job";
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

port.on("message", (message: ToWorker) => {
  if (message.type === "start") void answerStart(message, { ensureBackend, post, cancelled, sources });
  else if (message.type === "cancel") cancelled.add(message.jobId);
});
