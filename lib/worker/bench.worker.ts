/// <reference lib="webworker" />
import { benchmarkTrainingStep } from "@/lib/train/bench";
import { parseDatasetAsset } from "@/lib/images/image-set";
import { sweepConfigSchema } from "@/lib/sweep/schema";
import { selectBackend } from "./backend";
import { loadDatasetBytes } from "./dataset-cache";
import type { BackendName } from "./protocol";

/** Benchmarks the default encoder's training step on exactly one backend (no fallback). */
const scope = self as unknown as DedicatedWorkerGlobalScope;

interface BenchRequest {
  backend: BackendName;
  timedSteps: number;
  batchSize?: number;
  datasetUrl: string;
  profile?: boolean;
}

scope.onmessage = async (event: MessageEvent<BenchRequest>) => {
  const request = event.data;
  try {
    const environment = await selectBackend([request.backend]);
    const config = sweepConfigSchema.parse({});
    const images = parseDatasetAsset(await loadDatasetBytes(request.datasetUrl));
    const result = await benchmarkTrainingStep({
      images,
      config,
      timedSteps: request.timedSteps,
      batchSize: request.batchSize,
      profile: request.profile,
    });
    scope.postMessage({ ok: true, ...result, environment });
  } catch (error) {
    scope.postMessage({ ok: false, backend: request.backend, error: (error as Error).message });
  }
};
