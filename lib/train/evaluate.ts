import * as tf from "@tensorflow/tfjs-core";
import "./gradients";
import { batchTensor, windowIndices } from "./batch";
import type { ImageSet } from "@/lib/images/image-set";
import type { ContrastiveModel } from "./model";
import { createRng, permutation } from "./rng";
import { linear, matMulTransposed } from "./linear";

/** Row-major [rows, dim] features, kept on the CPU between evaluation steps. */
export interface FeatureMatrix {
  values: Float32Array;
  rows: number;
  dim: number;
}

type StopCheck = () => void;

/** Frozen-encoder features of every image, in fixed-size batches, without gradients. */
export async function extractFeatures(
  model: Pick<ContrastiveModel, "features" | "featureDim">,
  set: ImageSet,
  options: { batchSize: number; checkStop?: StopCheck },
): Promise<FeatureMatrix> {
  const { batchSize } = options;
  const dim = model.featureDim;
  const values = new Float32Array(set.count * dim);
  for (let batch = 0; batch * batchSize < set.count; batch++) {
    options.checkStop?.();
    const { index, valid } = windowIndices(set.count, batchSize, batch);
    const features = tf.tidy(() => model.features(batchTensor([set], null, index)));
    try {
      const data = await features.data();
      values.set(data.subarray(0, valid * dim), batch * batchSize * dim);
    } finally {
      features.dispose();
    }
  }
  return { values, rows: set.count, dim };
}

export interface LinearProbeOptions {
  epochs: number;
  numClasses: number;
  seed: number;
  /** Mini-batch size (default 256, capped at the train size). */
  batchSize?: number;
  /** Adam learning rate (default 0.01; features are standardised first). */
  learningRate?: number;
  checkStop?: StopCheck;
}

/**
 * Softmax regression on standardised frozen features (mean/std from the
 * train rows only), zero-initialised, trained with mini-batch Adam over
 * seeded shuffles; every batch has the same shape (the last one wraps).
 * Returns accuracy on the test rows.
 */
export async function linearProbeAccuracy(
  train: FeatureMatrix,
  trainLabels: Uint8Array,
  test: FeatureMatrix,
  testLabels: Uint8Array,
  options: LinearProbeOptions,
): Promise<number> {
  const { epochs, numClasses, seed } = options;
  const dim = train.dim;
  const batchSize = Math.min(options.batchSize ?? 256, train.rows);
  const { mean, std } = columnStats(train);
  const trainX = standardise(train, mean, std);
  const testX = standardise(test, mean, std);
  // tidy frees the zeros tensors; the variables (never scope-tracked) keep the data.
  const weights = tf.tidy(() => tf.variable(tf.zeros([dim, numClasses]), true));
  const bias = tf.tidy(() => tf.variable(tf.zeros([numClasses]), true));
  const optimizer = tf.train.adam(options.learningRate ?? 0.01);
  const rng = createRng(seed);
  const batchX = new Float32Array(batchSize * dim);
  const batchY = new Int32Array(batchSize);
  try {
    const stepsPerEpoch = Math.ceil(train.rows / batchSize);
    for (let epoch = 0; epoch < epochs; epoch++) {
      options.checkStop?.();
      const order = permutation(train.rows, rng);
      for (let step = 0; step < stepsPerEpoch; step++) {
        for (let i = 0; i < batchSize; i++) {
          const row = order[(step * batchSize + i) % train.rows] as number;
          batchX.set(trainX.subarray(row * dim, (row + 1) * dim), i * dim);
          batchY[i] = trainLabels[row] as number;
        }
        tf.tidy(() => {
          const x = tf.tensor2d(batchX, [batchSize, dim]);
          const y = tf.oneHot(tf.tensor1d(batchY, "int32"), numClasses);
          optimizer.minimize(
            () => {
              const logits = tf.add(linear(x, weights as tf.Tensor2D), bias);
              return tf.neg(tf.mean<tf.Scalar>(tf.sum(tf.mul(y, tf.logSoftmax(logits)), 1)));
            },
            false,
            [weights, bias],
          );
        });
      }
      // Let a cancel message in (cpu promises resolve as microtasks only).
      if (epoch % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 0));
    }
    const predictions = tf.tidy(() => tf.argMax(tf.add(tf.matMul(tf.tensor2d(testX, [test.rows, dim]), weights), bias), 1));
    try {
      const predicted = await predictions.data();
      return accuracy(predicted, testLabels);
    } finally {
      predictions.dispose();
    }
  } finally {
    weights.dispose();
    bias.dispose();
    optimizer.dispose();
  }
}

/**
 * k-nearest-neighbour accuracy with cosine similarity: each test row takes
 * the majority label of its k most similar train rows; ties go to the label
 * with the larger summed similarity, then to the smaller label.
 */
export async function knnAccuracy(
  train: FeatureMatrix,
  trainLabels: Uint8Array,
  test: FeatureMatrix,
  testLabels: Uint8Array,
  options: { k: number; numClasses: number; chunkSize?: number; checkStop?: StopCheck },
): Promise<number> {
  const k = Math.min(options.k, train.rows);
  const chunkSize = options.chunkSize ?? 256;
  const trainUnit = tf.tensor2d(unitRows(train), [train.rows, train.dim]);
  const testUnit = unitRows(test);
  let correct = 0;
  try {
    for (let start = 0; start < test.rows; start += chunkSize) {
      options.checkStop?.();
      const rows = Math.min(chunkSize, test.rows - start);
      const { values, indices } = tf.tidy(() => {
        const chunk = tf.tensor2d(testUnit.subarray(start * test.dim, (start + rows) * test.dim), [rows, test.dim]);
        return tf.topk(matMulTransposed(chunk, trainUnit), k);
      });
      try {
        const [similarities, neighbours] = await Promise.all([values.data(), indices.data()]);
        for (let r = 0; r < rows; r++) {
          const votes = new Float64Array(options.numClasses);
          const weight = new Float64Array(options.numClasses);
          for (let n = 0; n < k; n++) {
            const label = trainLabels[neighbours[r * k + n] as number] as number;
            votes[label] = (votes[label] as number) + 1;
            weight[label] = (weight[label] as number) + (similarities[r * k + n] as number);
          }
          let best = 0;
          for (let c = 1; c < options.numClasses; c++) {
            const more = (votes[c] as number) > (votes[best] as number);
            const tie = votes[c] === votes[best] && (weight[c] as number) > (weight[best] as number);
            if (more || tie) best = c;
          }
          if (best === testLabels[start + r]) correct++;
        }
      } finally {
        values.dispose();
        indices.dispose();
      }
    }
  } finally {
    trainUnit.dispose();
  }
  return correct / test.rows;
}

export interface EncoderEvaluation {
  linearProbeAccuracy: number;
  knnAccuracy: number;
}

/** Linear probe and kNN on labelled real data only (generated images never reach here). */
export async function evaluateEncoder(
  model: Pick<ContrastiveModel, "features" | "featureDim">,
  data: { train: ImageSet; test: ImageSet },
  options: { probeEpochs: number; knnK: number; seed: number; batchSize: number; checkStop?: StopCheck },
): Promise<EncoderEvaluation> {
  const { train, test } = data;
  if (!train.labels || !test.labels) throw new Error("evaluation needs labelled train and test images");
  const numClasses = Math.max(train.numClasses, test.numClasses);
  const trainFeatures = await extractFeatures(model, train, options);
  const testFeatures = await extractFeatures(model, test, options);
  const probe = await linearProbeAccuracy(trainFeatures, train.labels, testFeatures, test.labels, {
    epochs: options.probeEpochs,
    numClasses,
    seed: options.seed,
    checkStop: options.checkStop,
  });
  const knn = await knnAccuracy(trainFeatures, train.labels, testFeatures, test.labels, {
    k: options.knnK,
    numClasses,
    checkStop: options.checkStop,
  });
  return { linearProbeAccuracy: probe, knnAccuracy: knn };
}

function columnStats(features: FeatureMatrix): { mean: Float64Array; std: Float64Array } {
  const { values, rows, dim } = features;
  const mean = new Float64Array(dim);
  const std = new Float64Array(dim);
  for (let r = 0; r < rows; r++) for (let d = 0; d < dim; d++) mean[d] = (mean[d] as number) + (values[r * dim + d] as number) / rows;
  for (let r = 0; r < rows; r++) {
    for (let d = 0; d < dim; d++) {
      const diff = (values[r * dim + d] as number) - (mean[d] as number);
      std[d] = (std[d] as number) + (diff * diff) / rows;
    }
  }
  // Dead units (all-zero ReLU features) have std 0: leave them at 0, not NaN.
  for (let d = 0; d < dim; d++) std[d] = Math.sqrt(std[d] as number) || 1;
  return { mean, std };
}

function standardise(features: FeatureMatrix, mean: Float64Array, std: Float64Array): Float32Array {
  const { values, rows, dim } = features;
  const out = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    for (let d = 0; d < dim; d++) out[r * dim + d] = ((values[r * dim + d] as number) - (mean[d] as number)) / (std[d] as number);
  }
  return out;
}

function unitRows(features: FeatureMatrix): Float32Array {
  const { values, rows, dim } = features;
  const out = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    let norm = 0;
    for (let d = 0; d < dim; d++) norm += (values[r * dim + d] as number) ** 2;
    const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let d = 0; d < dim; d++) out[r * dim + d] = (values[r * dim + d] as number) * scale;
  }
  return out;
}

function accuracy(predicted: ArrayLike<number>, labels: Uint8Array): number {
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) correct++;
  return labels.length === 0 ? 0 : correct / labels.length;
}
