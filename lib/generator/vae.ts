import * as tf from "@tensorflow/tfjs-core";
import "@/lib/train/gradients";
import type { SweepConfig, VaeSettings } from "@/lib/sweep/schema";
import { imageBytes, type ImageSet } from "@/lib/images/image-set";
import { createRng, deriveSeed, type Rng } from "@/lib/train/rng";
import { variableOwner } from "@/lib/train/variables";
import { linear } from "@/lib/train/linear";
import { generatorSampleCount, vaeSettingsOf } from "./key";

/**
 * A small generator the app trains in the browser: a variational
 * autoencoder with one hidden layer on each side (Kingma & Welling, 2014),
 * Bernoulli likelihood on pixels in [0, 1]. It trains on the labelled real
 * train split only (labels unused), so the generated images carry no test
 * information. Plain tfjs-core variables, like the encoder, so it runs on
 * WebGPU, WebGL or the CPU.
 */
export interface VaeProgress {
  step: number;
  totalSteps: number;
  /** Mean negative ELBO per image (nats) over the last steps. */
  loss: number | null;
  imagesPerSecond?: number;
  etaSeconds?: number;
}

export interface TrainedVae {
  settings: VaeSettings;
  shape: { height: number; width: number; channels: number };
  /** [step, loss] every few steps. */
  lossCurve: [number, number][];
  durationMs: number;
  /** `count` images decoded from seeded latent draws (the decoder's mean image). */
  sample(count: number, seed: number): ImageSet;
  dispose(): void;
}

export interface TrainVaeOptions {
  onProgress?: (progress: VaeProgress) => void;
  shouldStop?: () => boolean;
  progressEveryMs?: number;
}

export class GeneratorCancelledError extends Error {
  constructor() {
    super("generator training cancelled");
    this.name = "GeneratorCancelledError";
  }
}

function glorot(rng: Rng, fanIn: number, fanOut: number): tf.Tensor2D {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return tf.tensor2d(
    Float32Array.from({ length: fanIn * fanOut }, () => rng.uniform(-limit, limit)),
    [fanIn, fanOut],
  );
}

function normals(rng: Rng, rows: number, cols: number): tf.Tensor2D {
  return tf.tensor2d(
    Float32Array.from({ length: rows * cols }, () => rng.normal()),
    [rows, cols],
  );
}

const LOSS_EVERY = 10;
const yieldToEventLoop = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export async function trainVae(set: ImageSet, settings: VaeSettings, options: TrainVaeOptions = {}): Promise<TrainedVae> {
  const { latentDim, hidden, steps, batchSize, learningRate, seed } = settings;
  if (set.count < 2) throw new Error(`the generator needs at least 2 training images, got ${set.count}`);
  const size = imageBytes(set);
  const started = performance.now();
  const rng = createRng(deriveSeed(seed, "vae:init"));
  const { variables, own } = variableOwner();
  const w1 = own(glorot(rng, size, hidden));
  const b1 = own(tf.zeros([hidden]));
  const wMu = own(glorot(rng, hidden, latentDim));
  const bMu = own(tf.zeros([latentDim]));
  const wLogVar = own(glorot(rng, hidden, latentDim));
  const bLogVar = own(tf.zeros([latentDim]));
  const w2 = own(glorot(rng, latentDim, hidden));
  const b2 = own(tf.zeros([hidden]));
  const w3 = own(glorot(rng, hidden, size));
  const b3 = own(tf.zeros([size]));

  const decodeLogits = (z: tf.Tensor2D) =>
    tf.add(linear(tf.relu(tf.add<tf.Tensor2D>(linear(z, w2 as tf.Tensor2D), b2)), w3 as tf.Tensor2D), b3) as tf.Tensor2D;

  const batchRng = createRng(deriveSeed(seed, "vae:batches"));
  const noiseRng = createRng(deriveSeed(seed, "vae:noise"));
  const pixels = new Float32Array(batchSize * size);
  const optimizer = tf.train.adam(learningRate);
  const lossCurve: [number, number][] = [];
  const progressEveryMs = options.progressEveryMs ?? 250;
  let lastProgress = 0;
  let window: number[] = [];
  try {
    for (let step = 0; step < steps; step++) {
      if (options.shouldStop?.()) throw new GeneratorCancelledError();
      for (let b = 0; b < batchSize; b++) {
        const n = Math.floor(batchRng.next() * set.count);
        for (let i = 0; i < size; i++) pixels[b * size + i] = (set.images[n * size + i] as number) / 255;
      }
      const eps = normals(noiseRng, batchSize, latentDim);
      const x = tf.tensor2d(pixels, [batchSize, size]);
      let loss: tf.Scalar | null = null;
      try {
        loss = optimizer.minimize(
          () => {
            const h = tf.relu(tf.add<tf.Tensor2D>(linear(x, w1 as tf.Tensor2D), b1));
            const mu = tf.add(linear(h, wMu as tf.Tensor2D), bMu) as tf.Tensor2D;
            const logVar = tf.clipByValue(tf.add(linear(h, wLogVar as tf.Tensor2D), bLogVar), -10, 10) as tf.Tensor2D;
            const z = tf.add(mu, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps)) as tf.Tensor2D;
            const logits = decodeLogits(z);
            // Bernoulli negative log-likelihood: softplus(l) - x l, summed over pixels.
            const reconstruction = tf.sum(tf.sub(tf.softplus(logits), tf.mul(x, logits)), 1);
            const kl = tf.mul(tf.sum(tf.sub(tf.add(tf.square(mu), tf.exp(logVar)), tf.add(logVar, 1)), 1), 0.5);
            return tf.mean(tf.add(reconstruction, kl)) as tf.Scalar;
          },
          true,
          variables,
        ) as tf.Scalar;
        const readLoss = step % LOSS_EVERY === LOSS_EVERY - 1 || step === steps - 1;
        if (readLoss) {
          const value = (await loss.data())[0] as number;
          if (!Number.isFinite(value)) throw new Error(`generator training diverged at step ${step + 1} (loss ${value}); lower its learning rate`);
          window = [...window.slice(-4), value];
          lossCurve.push([step + 1, value]);
          await yieldToEventLoop();
        }
      } finally {
        x.dispose();
        eps.dispose();
        loss?.dispose();
      }
      const now = performance.now();
      if (options.onProgress && (now - lastProgress >= progressEveryMs || step === steps - 1)) {
        lastProgress = now;
        const seconds = (now - started) / 1000;
        const done = step + 1;
        options.onProgress({
          step: done,
          totalSteps: steps,
          loss: window.length ? window.reduce((a, b) => a + b, 0) / window.length : null,
          imagesPerSecond: (done * batchSize) / seconds,
          etaSeconds: (seconds / done) * (steps - done),
        });
      }
    }
  } catch (error) {
    optimizer.dispose();
    variables.forEach((v) => v.dispose());
    throw error;
  }
  optimizer.dispose();
  const durationMs = performance.now() - started;

  const sample = (count: number, sampleSeed: number): ImageSet => {
    const sampleRng = createRng(deriveSeed(sampleSeed, "vae:sample"));
    const images = new Uint8Array(count * size);
    const chunk = 256;
    for (let start = 0; start < count; start += chunk) {
      const rows = Math.min(chunk, count - start);
      const values = tf.tidy(() => tf.sigmoid(decodeLogits(normals(sampleRng, rows, latentDim))).dataSync());
      for (let i = 0; i < values.length; i++) images[start * size + i] = Math.round((values[i] as number) * 255);
    }
    return { images, labels: null, count, height: set.height, width: set.width, channels: set.channels, numClasses: 0 };
  };

  return {
    settings,
    shape: { height: set.height, width: set.width, channels: set.channels },
    lossCurve,
    durationMs,
    sample,
    dispose: () => variables.forEach((v) => v.dispose()),
  };
}

/**
 * A sweep's generated set: its VAE (the sweep's settings) trained on
 * `train`, the real train split, then sampled to the sweep's largest
 * generated-set size. The model is disposed; only the images are kept.
 */
export async function trainSweepVaeSet(
  config: Pick<SweepConfig, "generated" | "axes">,
  train: ImageSet,
  options: TrainVaeOptions = {},
): Promise<ImageSet> {
  const settings = vaeSettingsOf(config);
  const vae = await trainVae(train, settings, options);
  try {
    return vae.sample(generatorSampleCount(config), settings.seed);
  } finally {
    vae.dispose();
  }
}
