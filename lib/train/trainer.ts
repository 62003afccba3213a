import * as tf from "@tensorflow/tfjs-core";
import type { AugKnob, MixRatio, SweepConfig } from "@/lib/sweep/schema";
import "./gradients";
import { augmentParams, augmentViews } from "./augment";
import { batchTensor, sameImageShape } from "./batch";
import type { ConvGradientOptions } from "./conv";
import type { ImageSet } from "@/lib/images/image-set";
import { evaluateEncoder } from "./evaluate";
import { createSimclr, type SslMethod } from "./method";
import { createConvEncoder, type ContrastiveModel } from "./model";
import { createRng, deriveSeed } from "./rng";
import { createInflationSampler } from "./sampler";
import { learningRateAt, setLearningRate } from "./schedule";

/** One grid point x seed. */
export interface TrialSpec {
  augKnob: AugKnob;
  augValue: number;
  mixRatio: MixRatio;
  generatedSize: number;
  seed: number;
}

export interface TrialData {
  train: ImageSet;
  test: ImageSet;
  /** Unlabelled inflation images, or null for real-only trials. */
  generated: ImageSet | null;
}

export interface TrialProgress {
  phase: "data" | "train" | "eval";
  step: number;
  totalSteps: number;
  loss: number | null;
  imagesPerSecond?: number;
  etaSeconds?: number;
}

export type TrialConfig = Pick<SweepConfig, "encoder" | "training" | "evaluation">;

export interface RunTrialOptions {
  data: TrialData;
  config: TrialConfig;
  trial: TrialSpec;
  onProgress?: (progress: TrialProgress) => void;
  shouldStop?: () => boolean;
  /** Minimum time between progress callbacks (default 250 ms). */
  progressEveryMs?: number;
  /** Also probe the same encoder at its initial weights (same procedure, same test set). */
  measureRandomBaseline?: boolean;
  /** Horizontal flip probability at full strength (default 0: digits are not mirror-symmetric). */
  flipProb?: number;
  /** Conv gradient path (default: forward convs only, see conv.ts; `{ tfjs: true }` = tfjs's own kernels). */
  convGradients?: ConvGradientOptions;
}

export interface TrialOutcome {
  linearProbeAccuracy: number;
  knnAccuracy: number;
  /** Mean loss over the last min(10, steps) steps (a single step's loss is noisy). */
  finalLoss: number;
  /** [step, mean loss over the window ending at step], at most ~200 points. */
  lossCurve: [number, number][];
  durationMs: number;
  /** Source images (batchSize per step, each seen as two views) per second of training. */
  imagesPerSecond: number;
  /** beta: expected share of real images among training draws. */
  realShare: number;
  randomInitProbeAccuracy?: number;
}

export class TrialCancelledError extends Error {
  constructor() {
    super("trial cancelled");
    this.name = "TrialCancelledError";
  }
}

const LOSS_READ_EVERY = 10;
const MAX_CURVE_POINTS = 200;
const FINAL_LOSS_WINDOW = 10;

const yieldToEventLoop = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Trains one SimCLR encoder for exactly `training.steps` steps (the same for
 * every grid cell), then evaluates it on labelled real data. Every tensor it
 * creates is disposed before it returns or throws.
 */
export async function runTrial(options: RunTrialOptions): Promise<TrialOutcome> {
  const { data, config, trial } = options;
  const { steps, batchSize, learningRate, warmupSteps, temperature } = config.training;
  const progressEveryMs = options.progressEveryMs ?? 250;
  const started = performance.now();
  const checkStop = () => {
    if (options.shouldStop?.()) throw new TrialCancelledError();
  };
  const generated = trial.mixRatio === "none" ? null : data.generated;
  if (generated && !sameImageShape(generated, data.train)) {
    throw new Error("generated images must have the training images' height, width and channels");
  }

  options.onProgress?.({ phase: "data", step: 0, totalSteps: steps, loss: null });
  const sampler = createInflationSampler({
    realCount: data.train.count,
    generatedCount: generated?.count ?? 0,
    mixRatio: trial.mixRatio,
    batchSize,
    seed: deriveSeed(trial.seed, "sampler"),
  });
  const params = augmentParams(trial.augKnob, trial.augValue, { flipProb: options.flipProb });
  const augmentRng = createRng(deriveSeed(trial.seed, "augment"));
  const initSeed = deriveSeed(trial.seed, "init");
  const encoderConfig = {
    ...config.encoder,
    inputShape: [data.train.height, data.train.width, data.train.channels] as [number, number, number],
    convGradients: options.convGradients,
  };
  const sources = generated ? [data.train, generated] : [data.train];

  let model: ContrastiveModel | null = null;
  let method: SslMethod | null = null;
  let optimizer: tf.Optimizer | null = null;
  const pending: { step: number; loss: tf.Scalar }[] = [];
  const losses = new Float32Array(steps).fill(Number.NaN);
  try {
    model = createConvEncoder(encoderConfig, initSeed);
    method = createSimclr(model, { temperature });
    optimizer = tf.train.adam(learningRate);

    const flush = async () => {
      if (pending.length === 0) return;
      const batch = pending.splice(0, pending.length);
      const stacked = tf.stack(batch.map((entry) => entry.loss));
      try {
        const values = await stacked.data();
        batch.forEach((entry, i) => (losses[entry.step] = values[i] as number));
      } finally {
        stacked.dispose();
        batch.forEach((entry) => entry.loss.dispose());
      }
      const last = batch[batch.length - 1];
      if (last && !Number.isFinite(losses[last.step] as number)) {
        throw new Error(`training diverged: loss is ${losses[last.step]} at step ${last.step}`);
      }
    };

    const trainStarted = performance.now();
    let lastReport = trainStarted;
    for (let step = 0; step < steps; step++) {
      checkStop();
      setLearningRate(optimizer, learningRateAt(step, { baseLearningRate: learningRate, warmupSteps, totalSteps: steps }));
      const draw = sampler.nextBatch();
      const activeMethod = method;
      const activeOptimizer = optimizer;
      const loss = tf.tidy(() => {
        const images = batchTensor(sources, draw.fromGenerated, draw.index);
        const views = augmentViews(images, params, augmentRng);
        return activeOptimizer.minimize(() => activeMethod.loss(views), true, activeMethod.variables) as tf.Scalar;
      });
      pending.push({ step, loss });
      method.afterStep?.();

      const now = performance.now();
      const reportDue = now - lastReport >= progressEveryMs;
      if (pending.length >= LOSS_READ_EVERY || reportDue || step === steps - 1) await flush();
      if (reportDue && options.onProgress) {
        lastReport = now;
        const seconds = (now - trainStarted) / 1000;
        const done = step + 1;
        options.onProgress({
          phase: "train",
          step: done,
          totalSteps: steps,
          loss: losses[step] ?? null,
          imagesPerSecond: (done * batchSize) / seconds,
          etaSeconds: (seconds / done) * (steps - done),
        });
        await yieldToEventLoop(); // lets a worker's cancel message arrive
      }
    }
    const trainSeconds = (performance.now() - trainStarted) / 1000;
    const finalLoss = meanOfLast(losses, FINAL_LOSS_WINDOW);

    options.onProgress?.({ phase: "eval", step: steps, totalSteps: steps, loss: finalLoss });
    await yieldToEventLoop();
    const evalOptions = {
      probeEpochs: config.evaluation.linearProbeEpochs,
      knnK: config.evaluation.knnK,
      seed: deriveSeed(trial.seed, "probe"),
      batchSize: 2 * batchSize, // the training step's shape: GPU buffers get reused
      checkStop,
    };
    const evaluation = await evaluateEncoder(model, data, evalOptions);
    let randomInitProbeAccuracy: number | undefined;
    if (options.measureRandomBaseline) {
      model.dispose();
      model = createConvEncoder(encoderConfig, initSeed);
      randomInitProbeAccuracy = (await evaluateEncoder(model, data, evalOptions)).linearProbeAccuracy;
    }
    return {
      linearProbeAccuracy: evaluation.linearProbeAccuracy,
      knnAccuracy: evaluation.knnAccuracy,
      finalLoss,
      lossCurve: downsampleCurve(losses, MAX_CURVE_POINTS),
      durationMs: performance.now() - started,
      imagesPerSecond: (steps * batchSize) / trainSeconds,
      realShare: sampler.realShare,
      ...(randomInitProbeAccuracy === undefined ? {} : { randomInitProbeAccuracy }),
    };
  } finally {
    pending.forEach((entry) => entry.loss.dispose());
    method?.dispose();
    model?.dispose();
    optimizer?.dispose();
  }
}

function meanOfLast(values: Float32Array, window: number): number {
  const start = Math.max(0, values.length - window);
  let total = 0;
  for (let i = start; i < values.length; i++) total += values[i] as number;
  return total / (values.length - start);
}

/** Window means, each reported at the window's last step, so short runs keep every step. */
export function downsampleCurve(values: Float32Array, maxPoints: number): [number, number][] {
  const stride = Math.max(1, Math.ceil(values.length / maxPoints));
  const curve: [number, number][] = [];
  for (let start = 0; start < values.length; start += stride) {
    const end = Math.min(values.length, start + stride);
    let total = 0;
    for (let i = start; i < end; i++) total += values[i] as number;
    curve.push([end - 1, total / (end - start)]);
  }
  return curve;
}
