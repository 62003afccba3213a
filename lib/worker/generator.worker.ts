/// <reference lib="webworker" />
import type { DatasetView } from "@/lib/datasets/refs";
import { generatorKey } from "@/lib/generator/key";
import type { Progress } from "@/lib/queue/schemas";
import type { SweepConfig } from "@/lib/sweep/schema";
import { parseDatasetAsset, prepareTrialData } from "@/lib/train";
import { selectBackend } from "./backend";
import { fetchRegisteredGenerated } from "./api";
import { loadDatasetRef } from "./dataset-cache";
import { trainAndRegister } from "./generator";

/**
 * Trains the builder's generator off the main thread: the same training and
 * registration a sweep's workers do, so the set the user previews is the
 * set the sweep will use.
 */
export type GeneratorRequest = { type: "start"; config: Pick<SweepConfig, "dataset" | "generated" | "axes">; datasetName: string } | { type: "cancel" };
export type GeneratorReply =
  | { type: "backend"; backend: string }
  | { type: "progress"; progress: Progress }
  | { type: "done"; dataset: DatasetView; trainedHere: boolean }
  | { type: "error"; message: string };

const scope = self as unknown as DedicatedWorkerGlobalScope;
let cancelled = false;
const post = (message: GeneratorReply) => scope.postMessage(message);

async function start(config: Pick<SweepConfig, "dataset" | "generated" | "axes">, datasetName: string): Promise<void> {
  try {
    const existing = await fetchRegisteredGenerated(generatorKey(config));
    if (existing) {
      post({ type: "done", dataset: existing, trainedHere: false });
      return;
    }
    const environment = await selectBackend(undefined);
    post({ type: "backend", backend: environment.backend });
    post({ type: "progress", progress: { phase: "data", step: 0, totalSteps: 1 } });
    const set = parseDatasetAsset(await loadDatasetRef(config.dataset.ref));
    const { train } = prepareTrialData(set, config, { mixRatio: "none", generatedSize: 0 });
    const result = await trainAndRegister(config, train, datasetName, {
      onProgress: (progress) => post({ type: "progress", progress }),
      shouldStop: () => cancelled,
    });
    post({ type: "done", dataset: result.dataset, trainedHere: result.trainedHere });
  } catch (error) {
    post({ type: "error", message: error instanceof Error ? error.message : String(error) });
  }
}

scope.onmessage = (event: MessageEvent<GeneratorRequest>) => {
  if (event.data.type === "start") {
    cancelled = false;
    void start(event.data.config, event.data.datasetName);
  } else cancelled = true;
};
