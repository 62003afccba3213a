/// <reference lib="webworker" />
import type { DatasetView } from "@/lib/datasets/refs";
import type { Progress } from "@/lib/queue/schemas";
import type { SweepConfig } from "@/lib/sweep/schema";
import { parseDatasetAsset } from "@/lib/images/image-set";
import { generatorSetName } from "@/lib/generator/key";
import { prepareTrialData } from "@/lib/generator/trial-data";
import { selectBackend } from "./backend";
import { loadDatasetRef } from "./dataset-cache";
import { storePreviewSet, trainGeneratedSet } from "./generated-set";

/**
 * Trains the builder's generator off the main thread, with the same
 * training a sweep's workers do, and stores the samples (bound to no sweep)
 * so the page can preview them and score their quality. The sweep created
 * from the builder then names this set, so the set the user previewed is
 * the set its trials use.
 */
export type GeneratorRequest =
  { type: "start"; config: Pick<SweepConfig, "dataset" | "generated" | "axes">; datasetName: string } | { type: "cancel" };
export type GeneratorReply =
  | { type: "backend"; backend: string }
  | { type: "progress"; progress: Progress }
  | { type: "done"; dataset: DatasetView }
  | { type: "error"; message: string };

const scope = self as unknown as DedicatedWorkerGlobalScope;
let cancelled = false;
const post = (message: GeneratorReply) => scope.postMessage(message);

async function start(config: Pick<SweepConfig, "dataset" | "generated" | "axes">, datasetName: string): Promise<void> {
  try {
    const environment = await selectBackend(undefined);
    post({ type: "backend", backend: environment.backend });
    post({ type: "progress", progress: { phase: "data", step: 0, totalSteps: 1 } });
    const real = parseDatasetAsset(await loadDatasetRef(config.dataset.ref));
    const { train } = prepareTrialData(real, config, { mixRatio: "none", generatedSize: 0 });
    const set = await trainGeneratedSet(config, train, {
      onProgress: (progress) => post({ type: "progress", progress }),
      shouldStop: () => cancelled,
    });
    const { dataset } = await storePreviewSet(set, config, generatorSetName(config, datasetName));
    post({ type: "done", dataset });
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
