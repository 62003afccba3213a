import * as tf from "@tensorflow/tfjs-core";
import type { SweepConfig } from "@/lib/sweep/schema";
import "./gradients";
import { augmentParams, augmentViews } from "./augment";
import { batchTensor } from "./batch";
import type { ImageSet } from "@/lib/images/image-set";
import { createSimclr } from "./method";
import { createConvEncoder } from "./model";
import { createRng } from "./rng";

/**
 * Times the SimCLR training step of an encoder exactly as runTrial runs it
 * (batch of real images, two augmented views at full strength, NT-Xent,
 * Adam), after a few untimed warm-up steps that compile shaders and fill
 * buffer pools. Only the active backend is measured.
 */
export interface StepBenchmark {
  backend: string;
  batchSize: number;
  inputShape: [number, number, number];
  encoder: SweepConfig["encoder"];
  warmupSteps: number;
  timedSteps: number;
  msPerStep: number;
  /** Source images per second (each is seen as two augmented views). */
  imagesPerSecond: number;
  profile?: StepProfile;
}

/** One profiled step: kernel time by kernel name, largest first (GPU backends may not time kernels: null). */
export interface StepProfile {
  kernelCount: number;
  kernelMsTotal: number | null;
  wallMs: number;
  kernels: { name: string; calls: number; ms: number | null }[];
}

async function profileStep(step: () => Promise<void>): Promise<StepProfile> {
  const started = performance.now();
  const info = await tf.profile(step);
  const wallMs = performance.now() - started;
  const byName = new Map<string, { calls: number; ms: number | null }>();
  for (const kernel of info.kernels) {
    const ms = typeof kernel.kernelTimeMs === "number" ? kernel.kernelTimeMs : null;
    const entry = byName.get(kernel.name) ?? { calls: 0, ms: 0 };
    entry.calls++;
    entry.ms = entry.ms === null || ms === null ? null : entry.ms + ms;
    byName.set(kernel.name, entry);
  }
  const kernels = [...byName.entries()].map(([name, entry]) => ({
    name,
    calls: entry.calls,
    ms: entry.ms === null ? null : Number(entry.ms.toFixed(2)),
  }));
  kernels.sort((a, b) => (b.ms ?? 0) - (a.ms ?? 0));
  const timed = kernels.every((kernel) => kernel.ms !== null);
  return {
    kernelCount: info.kernels.length,
    // "unnamed scope" entries are custom-gradient ops whose inner kernels are listed too.
    kernelMsTotal: timed
      ? Number(
          kernels
            .filter((k) => k.name !== "unnamed scope")
            .reduce((a, k) => a + (k.ms as number), 0)
            .toFixed(1),
        )
      : null,
    wallMs: Number(wallMs.toFixed(1)),
    kernels,
  };
}

export async function benchmarkTrainingStep(options: {
  images: ImageSet;
  config: { encoder: SweepConfig["encoder"]; training: Pick<SweepConfig["training"], "batchSize" | "temperature" | "learningRate"> };
  warmupSteps?: number;
  timedSteps?: number;
  batchSize?: number;
  /** Called after every step with its wall time (calibration stops a backend that is clearly losing). */
  onStep?: (ms: number, phase: "warmup" | "timed") => void;
  /** Also run one more step under tf.profile and report where its time went, per kernel. */
  profile?: boolean;
}): Promise<StepBenchmark> {
  const { images, config } = options;
  const warmupSteps = options.warmupSteps ?? 2;
  const timedSteps = options.timedSteps ?? 5;
  const batchSize = options.batchSize ?? config.training.batchSize;
  const inputShape: [number, number, number] = [images.height, images.width, images.channels];
  const model = createConvEncoder({ ...config.encoder, inputShape }, 1);
  const method = createSimclr(model, { temperature: config.training.temperature });
  const optimizer = tf.train.adam(config.training.learningRate);
  const params = augmentParams("strength", 1);
  const rng = createRng(7);
  const index = Int32Array.from({ length: batchSize }, (_, i) => i % images.count);
  const step = async () => {
    const loss = tf.tidy(() => {
      const views = augmentViews(batchTensor([images], null, index), params, rng);
      return optimizer.minimize(() => method.loss(views), true, method.variables) as tf.Scalar;
    });
    // Reading the loss waits for the GPU to finish the step.
    await loss.data();
    loss.dispose();
  };
  try {
    const timed = async (phase: "warmup" | "timed") => {
      const begin = performance.now();
      await step();
      options.onStep?.(performance.now() - begin, phase);
    };
    for (let i = 0; i < warmupSteps; i++) await timed("warmup");
    const started = performance.now();
    for (let i = 0; i < timedSteps; i++) await timed("timed");
    const msPerStep = (performance.now() - started) / timedSteps;
    const profile = options.profile ? await profileStep(step) : undefined;
    return {
      ...(profile ? { profile } : {}),
      backend: tf.getBackend(),
      batchSize,
      inputShape,
      encoder: config.encoder,
      warmupSteps,
      timedSteps,
      msPerStep,
      imagesPerSecond: (1000 * batchSize) / msPerStep,
    };
  } finally {
    method.dispose();
    model.dispose();
    optimizer.dispose();
  }
}
