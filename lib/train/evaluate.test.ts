import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { beforeAll, describe, expect, it } from "vitest";
import { knnAccuracy, linearProbeAccuracy, type FeatureMatrix } from "./evaluate";
import { createRng } from "./rng";

beforeAll(async () => {
  expect(await tf.setBackend("cpu")).toBe(true);
});

/** Gaussian blobs around class centres, shifted and scaled so standardisation matters. */
function blobs(count: number, dim: number, classes: number, seed: number, spread: number) {
  const rng = createRng(seed);
  const centreRng = createRng(99);
  const centres = Array.from({ length: classes }, () => Array.from({ length: dim }, () => 3 * centreRng.normal()));
  const values = new Float32Array(count * dim);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const label = i % classes;
    labels[i] = label;
    for (let d = 0; d < dim; d++) values[i * dim + d] = 100 + 50 * ((centres[label]![d] as number) + spread * rng.normal());
  }
  return { features: { values, rows: count, dim } satisfies FeatureMatrix, labels };
}

describe("linear probe", () => {
  it("reaches >= 98% on linearly separable features", async () => {
    const train = blobs(600, 16, 10, 1, 0.5);
    const test = blobs(400, 16, 10, 2, 0.5);
    const before = tf.memory().numTensors;
    const accuracy = await linearProbeAccuracy(train.features, train.labels, test.features, test.labels, { epochs: 30, numClasses: 10, seed: 3 });
    expect(accuracy).toBeGreaterThanOrEqual(0.98);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("is near chance when features carry no label information", async () => {
    const train = blobs(400, 8, 4, 1, 0.5);
    const test = blobs(400, 8, 4, 2, 0.5);
    const shuffled = createRng(5);
    const randomLabels = Uint8Array.from(train.labels, () => shuffled.int(4));
    const accuracy = await linearProbeAccuracy(train.features, randomLabels, test.features, test.labels, { epochs: 20, numClasses: 4, seed: 3 });
    expect(accuracy).toBeLessThan(0.45);
  });

  it("is deterministic for a seed", async () => {
    const train = blobs(200, 8, 5, 1, 2);
    const test = blobs(200, 8, 5, 2, 2);
    const run = () => linearProbeAccuracy(train.features, train.labels, test.features, test.labels, { epochs: 5, numClasses: 5, seed: 11 });
    expect(await run()).toBe(await run());
  });
});

describe("kNN accuracy", () => {
  // Train points on the unit circle at 0°, 10°, 20° (class 0) and 90°, 100°, 180° (class 1).
  const deg = (a: number) => [Math.cos((a * Math.PI) / 180), Math.sin((a * Math.PI) / 180)];
  const train: FeatureMatrix = { values: Float32Array.from([0, 10, 20, 90, 100, 180].flatMap(deg)), rows: 6, dim: 2 };
  const trainLabels = Uint8Array.from([0, 0, 0, 1, 1, 1]);

  it("uses cosine similarity: vector length does not matter", async () => {
    // Test at 5° (scaled by 10) and 95°: nearest neighbours by angle are class 0 and class 1.
    const test: FeatureMatrix = { values: Float32Array.from([...deg(5).map((v) => 10 * v), ...deg(95)]), rows: 2, dim: 2 };
    expect(await knnAccuracy(train, trainLabels, test, Uint8Array.from([0, 1]), { k: 1, numClasses: 2 })).toBe(1);
    expect(await knnAccuracy(train, trainLabels, test, Uint8Array.from([1, 0]), { k: 1, numClasses: 2 })).toBe(0);
  });

  it("takes the majority of the k nearest, breaking ties by summed similarity", async () => {
    // Test at 60°: similarities 20°:0.766, 90°:0.866, 100°:0.766, 10°:0.643.
    // k = 3 -> {90, 20, 100}: two votes for class 1. k = 2 -> {90, 20 or 100} (a 1-1 tie is
    // possible only with equal similarity); k = 4 -> {90, 20, 100, 10}: 2-2 tie,
    // class 1 sums 0.866 + 0.766 > class 0's 0.766 + 0.643, so class 1 wins.
    const test: FeatureMatrix = { values: Float32Array.from(deg(60)), rows: 1, dim: 2 };
    expect(await knnAccuracy(train, trainLabels, test, Uint8Array.from([1]), { k: 3, numClasses: 2 })).toBe(1);
    expect(await knnAccuracy(train, trainLabels, test, Uint8Array.from([1]), { k: 4, numClasses: 2 })).toBe(1);
    // k = 6 is every point: 3-3 tie, class 0 sums cos 60+cos 50+cos 40 > class 1's cos 30+cos 40+cos 120.
    expect(await knnAccuracy(train, trainLabels, test, Uint8Array.from([0]), { k: 6, numClasses: 2 })).toBe(1);
  });
});
