/// <reference lib="webworker" />
import { benchmarkTrainingStep } from "@/lib/train/bench";
import type { ImageSet } from "@/lib/images/image-set";
import { createRng } from "@/lib/train/rng";
import { selectBackend } from "./backend";
import type { Workload } from "./calibration";
import type { BackendName } from "./protocol";

/**
 * One calibration measurement: a few SimCLR training steps at the trial's
 * real shapes on exactly one backend, after warm-up (shader compilation,
 * buffer pools, XNNPACK operator set-up). Images are seeded noise of the
 * dataset's shape: step time does not depend on pixel values, and the
 * dataset need not be fetched first. The page terminates the worker when
 * its time is up.
 */
export interface CalibrationRequest {
  backend: BackendName;
  workload: Workload;
  warmupSteps: number;
  timedSteps: number;
}

export type CalibrationReply =
  | { ok: true; backend: string; msPerStep: number; adapter?: string }
  | { ok: false; backend: string; error: string }
  | { step: "warmup" | "timed"; ms: number };

const scope = self as unknown as DedicatedWorkerGlobalScope;

function noiseImages(workload: Workload): ImageSet {
  const [height, width, channels] = workload.inputShape;
  const count = workload.batchSize;
  const rng = createRng(11);
  const images = Uint8Array.from({ length: count * height * width * channels }, () => Math.floor(rng.next() * 256));
  return { images, labels: null, count, height, width, channels, numClasses: 0 };
}

scope.onmessage = async (event: MessageEvent<CalibrationRequest>) => {
  const { backend, workload, warmupSteps, timedSteps } = event.data;
  try {
    const environment = await selectBackend([backend], { wasmThreads: workload.wasmThreads });
    const result = await benchmarkTrainingStep({
      images: noiseImages(workload),
      config: {
        encoder: workload.encoder,
        training: { batchSize: workload.batchSize, temperature: workload.temperature, learningRate: workload.learningRate },
      },
      warmupSteps,
      timedSteps,
      batchSize: workload.batchSize,
      onStep: (ms, phase) => scope.postMessage({ step: phase, ms } satisfies CalibrationReply),
    });
    const reply: CalibrationReply = {
      ok: true,
      backend,
      msPerStep: result.msPerStep,
      ...(environment.adapter ? { adapter: environment.adapter } : {}),
    };
    scope.postMessage(reply);
  } catch (error) {
    const reply: CalibrationReply = { ok: false, backend, error: (error as Error).message || String(error) };
    scope.postMessage(reply);
  }
};
