import * as tf from "@tensorflow/tfjs-core";
import type { SweepConfig } from "@/lib/sweep/schema";
import "./gradients";
import { augmentParams, augmentViews } from "./augment";
import { batchTensor } from "./batch";
import type { ImageSet } from "./dataset";
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
}

export async function benchmarkTrainingStep(options: {
  images: ImageSet;
  config: { encoder: SweepConfig["encoder"]; training: Pick<SweepConfig["training"], "batchSize" | "temperature" | "learningRate"> };
  warmupSteps?: number;
  timedSteps?: number;
  batchSize?: number;
  /** Called after every step with its wall time (calibration stops a backend that is clearly losing). */
  onStep?: (ms: number, phase: "warmup" | "timed") => void;
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
    return {
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
