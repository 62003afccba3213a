import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-wasm";
import { beforeAll, describe, expect, it } from "vitest";
import { sweepConfigSchema, type SweepConfigInput } from "@/lib/sweep/schema";
import { prepareTrialData } from "@/lib/generator/trial-data";
import type { ImageSet } from "@/lib/images/image-set";
import { loadMnistFixture } from "./mnist-fixture";
import { runTrial, TrialCancelledError, type TrialProgress, type TrialSpec } from "./trainer";

let mnist: ImageSet;

beforeAll(async () => {
  expect(await tf.setBackend("cpu")).toBe(true);
  mnist = loadMnistFixture();
});

const config = (overrides: SweepConfigInput) => sweepConfigSchema.parse(overrides);

/** Seconds-fast on cpu: for plumbing (memory, determinism, cancellation), not for accuracy. */
const tiny = config({
  dataset: { trainSize: 100, testSize: 100 },
  encoder: { width: 4, depth: 2, projectionDim: 8 },
  training: { steps: 6, batchSize: 8, learningRate: 0.003, warmupSteps: 2 },
  evaluation: { linearProbeEpochs: 2, knnK: 5 },
});
const inflated: TrialSpec = { augKnob: "strength", augValue: 1, mixRatio: 10, generatedSize: 300, seed: 3 };

describe("runTrial", () => {
  it("learns: the loss falls and the trained encoder's linear probe beats its random initialisation", { timeout: 120_000 }, async () => {
    // Small encoder: random conv features of a wide net already probe well on MNIST, which
    // would hide what 80 cpu-affordable steps add (~0.3 s each here). Both probes use the same
    // procedure, features and test set; only the weights differ. Measured: 0.586 vs 0.492.
    const e2e = config({
      dataset: { trainSize: 500, testSize: 500 },
      encoder: { width: 8, depth: 3, projectionDim: 32 },
      training: { steps: 80, batchSize: 32, learningRate: 0.01, warmupSteps: 5, temperature: 0.2 },
      evaluation: { linearProbeEpochs: 30, knnK: 20 },
    });
    const trial: TrialSpec = { augKnob: "strength", augValue: 0.5, mixRatio: "none", generatedSize: 0, seed: 1 };
    const outcome = await runTrial({ data: prepareTrialData(mnist, e2e, trial), config: e2e, trial, measureRandomBaseline: true });
    const losses = outcome.lossCurve.map(([, loss]) => loss);
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    expect(outcome.lossCurve).toHaveLength(80);
    expect(mean(losses.slice(-10))).toBeLessThan(mean(losses.slice(0, 10)) - 0.3);
    expect(outcome.linearProbeAccuracy).toBeGreaterThan((outcome.randomInitProbeAccuracy ?? 1) + 0.03);
    expect(outcome.knnAccuracy).toBeGreaterThan(0.45); // chance is 0.1
    expect(outcome.realShare).toBe(1);
  });

  it("gives identical loss curves and accuracies for the same seed on cpu", async () => {
    const data = prepareTrialData(mnist, tiny, inflated);
    const a = await runTrial({ data, config: tiny, trial: inflated });
    const b = await runTrial({ data, config: tiny, trial: inflated });
    const c = await runTrial({ data, config: tiny, trial: { ...inflated, seed: 4 } });
    expect(b.lossCurve).toEqual(a.lossCurve);
    expect([b.linearProbeAccuracy, b.knnAccuracy, b.finalLoss]).toEqual([a.linearProbeAccuracy, a.knnAccuracy, a.finalLoss]);
    expect(c.lossCurve).not.toEqual(a.lossCurve);
  });

  it("gives the same loss curve on wasm as on cpu (default encoder, 25 steps)", { timeout: 180_000 }, async () => {
    // The default encoder, so every custom gradient of the training step runs on wasm at its
    // real layer shapes (batch 32 keeps the cpu side affordable). float32 sums in another
    // order drift slowly; they never jump.
    const real = config({
      dataset: { trainSize: 500, testSize: 200 },
      training: { steps: 25, warmupSteps: 5, batchSize: 32 },
      evaluation: { linearProbeEpochs: 2, knnK: 5 },
    });
    const trial: TrialSpec = { augKnob: "strength", augValue: 1, mixRatio: "none", generatedSize: 0, seed: 5 };
    const data = prepareTrialData(mnist, real, trial);
    const onCpu = await runTrial({ data, config: real, trial });
    try {
      expect(await tf.setBackend("wasm")).toBe(true);
      const before = tf.memory().numTensors;
      const onWasm = await runTrial({ data, config: real, trial });
      expect(tf.memory().numTensors).toBe(before);
      expect(onWasm.lossCurve).toHaveLength(25);
      let maxDifference = 0;
      onWasm.lossCurve.forEach(([step, loss], i) => {
        const [cpuStep, cpuLoss] = onCpu.lossCurve[i]!;
        expect(step).toBe(cpuStep);
        maxDifference = Math.max(maxDifference, Math.abs(loss - cpuLoss));
        expect(Math.abs(loss - cpuLoss), `step ${step}: wasm ${loss}, cpu ${cpuLoss}`).toBeLessThan(2e-3 * Math.max(1, Math.abs(cpuLoss)));
      });
      // Training moved the loss (measured 0.07 over these 25 steps), so agreement is not just two
      // copies of the initial value; the accuracies come from the same trained weights.
      expect(Math.abs(onCpu.lossCurve[0]![1] - onCpu.lossCurve[24]![1])).toBeGreaterThan(0.03);
      expect(Math.abs(onWasm.knnAccuracy - onCpu.knnAccuracy)).toBeLessThanOrEqual(0.02);
      console.log(`wasm vs cpu: largest loss difference ${maxDifference.toExponential(2)}; kNN ${onWasm.knnAccuracy} vs ${onCpu.knnAccuracy}`);
    } finally {
      expect(await tf.setBackend("cpu")).toBe(true);
    }
  });

  it("leaves tf.memory().numTensors unchanged after success, cancellation and a failure", async () => {
    const data = prepareTrialData(mnist, tiny, inflated);
    const before = tf.memory().numTensors;
    const outcome = await runTrial({ data, config: tiny, trial: inflated, measureRandomBaseline: true });
    expect(outcome.realShare).toBeCloseTo(1000 / 1300, 12);
    expect(tf.memory().numTensors).toBe(before);

    let checks = 0;
    await expect(runTrial({ data, config: tiny, trial: inflated, shouldStop: () => ++checks > 3 })).rejects.toBeInstanceOf(TrialCancelledError);
    expect(tf.memory().numTensors).toBe(before);

    let evaluating = false;
    const cancelInEval = runTrial({
      data,
      config: tiny,
      trial: inflated,
      onProgress: (p) => (evaluating ||= p.phase === "eval"),
      shouldStop: () => evaluating,
    });
    await expect(cancelInEval).rejects.toBeInstanceOf(TrialCancelledError);
    expect(tf.memory().numTensors).toBe(before);

    const failing = runTrial({
      data,
      config: tiny,
      trial: inflated,
      progressEveryMs: 0,
      onProgress: (p) => {
        if (p.phase === "train") throw new Error("listener failed");
      },
    });
    await expect(failing).rejects.toThrow("listener failed");
    expect(tf.memory().numTensors).toBe(before);
  });

  it("reports progress in phase order, throttled by progressEveryMs, with loss, throughput and ETA", async () => {
    const data = prepareTrialData(mnist, tiny, inflated);
    const every: TrialProgress[] = [];
    await runTrial({ data, config: tiny, trial: inflated, progressEveryMs: 0, onProgress: (p) => every.push(p) });
    expect(every.map((p) => p.phase)).toEqual(["data", ...Array(6).fill("train"), "eval"]);
    const lastTrain = every[6]!;
    expect(lastTrain.step).toBe(6);
    expect(lastTrain.loss).toBeGreaterThan(0);
    expect(lastTrain.imagesPerSecond).toBeGreaterThan(0);
    expect(lastTrain.etaSeconds).toBe(0);

    const throttled: TrialProgress[] = [];
    await runTrial({ data, config: tiny, trial: inflated, progressEveryMs: 60_000, onProgress: (p) => throttled.push(p) });
    expect(throttled.map((p) => p.phase)).toEqual(["data", "eval"]);
  });
});

describe("prepareTrialData", () => {
  const demo = config({});

  it("caps the generated set at the held-out pool and drops its labels", () => {
    const data = prepareTrialData(mnist, demo, { mixRatio: 10, generatedSize: 1_000_000 });
    expect(data.generatorPoolSize).toBe(10_000 - 2000 - 2000);
    expect(data.generatedSize).toBe(6000);
    expect(data.generated?.count).toBe(6000);
    expect(data.generated?.labels).toBeNull();
    expect([data.train.count, data.test.count]).toEqual([2000, 2000]);
  });

  it("uses no generated images for none, and the same test set for every trial", () => {
    const none = prepareTrialData(mnist, demo, { mixRatio: "none", generatedSize: 5000 });
    const inflatedData = prepareTrialData(mnist, demo, { mixRatio: 1, generatedSize: 5000 });
    expect(none.generated).toBeNull();
    expect(none.generatedSize).toBe(0);
    // Buffer.equals: vitest's deep equality on 1.5 MB typed arrays takes seconds.
    const same = (a: Uint8Array | null | undefined, b: Uint8Array | null | undefined) => !!a && !!b && Buffer.from(a).equals(Buffer.from(b));
    expect(same(inflatedData.test.images, none.test.images) && same(inflatedData.test.labels, none.test.labels)).toBe(true);
    expect(inflatedData.generated?.count).toBe(5000);
  });

  it("degrades the generated images when asked", () => {
    const clean = prepareTrialData(mnist, demo, { mixRatio: 1, generatedSize: 50 });
    const degraded = prepareTrialData(mnist, config({ generated: { degradation: 0.8 } }), { mixRatio: 1, generatedSize: 50 });
    expect(Buffer.from(degraded.generated?.images ?? []).equals(Buffer.from(clean.generated?.images ?? []))).toBe(false);
  });
});

describe("runTrial on three-channel data", () => {
  it("trains and evaluates an RGB dataset (CIFAR-shaped) inflated with gray generated images converted to RGB", async () => {
    const { convertImageSet } = await import("@/lib/images/resize");
    // 32x32 RGB from real digits: each class gets its own tint, so colour carries signal too.
    const source = prepareTrialData(mnist, tiny, { mixRatio: "none", generatedSize: 0 });
    const rgbOf = (set: ImageSet): ImageSet => {
      const big = convertImageSet(set, { height: 32, width: 32, channels: 3 });
      const images = big.images.map((v, i) => {
        const label = set.labels ? (set.labels[Math.floor(i / (32 * 32 * 3))] as number) : 0;
        return i % 3 === label % 3 ? v : Math.round(v * 0.6);
      });
      return { ...big, images };
    };
    const rgbSet: ImageSet = rgbOf({
      ...source.train,
      images: Uint8Array.from([...source.train.images, ...source.test.images]),
      labels: Uint8Array.from([...source.train.labels!, ...source.test.labels!]),
      count: 200,
    });
    const uploadedGray = { ...mnist, count: 50, images: mnist.images.slice(9000 * 784, 9050 * 784), labels: null, numClasses: 0 };
    const rgbConfig = config({
      dataset: { trainSize: 100, testSize: 100 },
      generated: { source: "upload", ref: `sha256:${"c".repeat(64)}` },
      encoder: { width: 4, depth: 2, projectionDim: 8 },
      training: { steps: 3, batchSize: 8, warmupSteps: 1 },
      evaluation: { linearProbeEpochs: 2, knnK: 5 },
    });
    const trial: TrialSpec = { augKnob: "strength", augValue: 1, mixRatio: 2, generatedSize: 40, seed: 0 };
    const data = prepareTrialData(rgbSet, rgbConfig, trial, uploadedGray);
    expect([data.train.channels, data.generated?.channels, data.generated?.height]).toEqual([3, 3, 32]);
    const before = tf.memory().numTensors;
    const outcome = await runTrial({ data, config: rgbConfig, trial });
    expect(tf.memory().numTensors).toBe(before);
    expect(outcome.lossCurve).toHaveLength(3);
    expect(Number.isFinite(outcome.finalLoss)).toBe(true);
    expect(outcome.linearProbeAccuracy).toBeGreaterThanOrEqual(0);
    expect(outcome.realShare).toBeCloseTo((2 * 100) / (2 * 100 + 40), 6);
  });
});
