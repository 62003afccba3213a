import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { beforeAll, describe, expect, it } from "vitest";
import { measureQuality } from "@/lib/quality/quality";
import { trainReferenceNet } from "@/lib/quality/reference";
import { sweepConfigSchema, vaeSettingsSchema } from "@/lib/sweep/schema";
import { prepareTrialData } from "@/lib/generator/trial-data";
import type { ImageSet } from "@/lib/images/image-set";
import { loadMnistFixture } from "@/lib/train/mnist-fixture";
import { createRng } from "@/lib/train/rng";
import { generatorKey, generatorSampleCount } from "./key";
import { GeneratorCancelledError, trainVae } from "./vae";

let train: ImageSet;
let mnist: ImageSet;
beforeAll(async () => {
  expect(await tf.setBackend("cpu")).toBe(true);
  mnist = loadMnistFixture();
  train = prepareTrialData(
    mnist,
    { dataset: { ref: "builtin:mnist", trainSize: 600, testSize: 500 }, generated: { source: "heldout-real", ref: null, degradation: 0 } },
    { mixRatio: "none", generatedSize: 0 },
  ).train;
});

const settings = vaeSettingsSchema.parse({ latentDim: 8, hidden: 64, steps: 120, batchSize: 32, learningRate: 0.003, seed: 5 });

describe("trainVae", () => {
  it("learns (the loss falls), samples images that look more like digits than noise does, and frees its tensors", { timeout: 120_000 }, async () => {
    const before = tf.memory().numTensors;
    const progress: number[] = [];
    const vae = await trainVae(train, settings, { onProgress: (p) => progress.push(p.step), progressEveryMs: 0 });
    const losses = vae.lossCurve.map(([, loss]) => loss);
    expect(losses.length).toBe(12);
    expect(losses.at(-1)!).toBeLessThan(losses[0]! * 0.8);
    expect(progress.at(-1)).toBe(120);
    const samples = vae.sample(300, 1);
    expect([samples.count, samples.height, samples.width, samples.channels, samples.labels]).toEqual([300, 28, 28, 1, null]);
    expect(Array.from(vae.sample(2, 1).images)).toEqual(Array.from(samples.images.subarray(0, 2 * 784)));
    vae.dispose();
    expect(tf.memory().numTensors).toBe(before);

    const net = trainReferenceNet(mnist, { maxImages: 1500, epochs: 3 });
    const rng = createRng(9);
    const noise: ImageSet = { ...samples, images: Uint8Array.from(samples.images, () => Math.floor(rng.next() * 256)) };
    const vaeFid = measureQuality(net, train, samples, 300).fid;
    const noiseFid = measureQuality(net, train, noise, 300).fid;
    expect(vaeFid, `VAE ${vaeFid} vs noise ${noiseFid}`).toBeLessThan(noiseFid / 2);
  });

  it("is deterministic for a seed on the cpu, and stops when asked", async () => {
    const short = { ...settings, steps: 20 };
    const a = await trainVae(train, short);
    const b = await trainVae(train, short);
    expect(b.lossCurve).toEqual(a.lossCurve);
    expect(Array.from(b.sample(3, 0).images)).toEqual(Array.from(a.sample(3, 0).images));
    a.dispose();
    b.dispose();
    const before = tf.memory().numTensors;
    let calls = 0;
    await expect(trainVae(train, short, { shouldStop: () => ++calls > 5 })).rejects.toBeInstanceOf(GeneratorCancelledError);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("generatorKey", () => {
  it("changes with anything that changes the generated set, and only with that", () => {
    const base = sweepConfigSchema.parse({ generated: { source: "vae" } });
    const key = generatorKey(base);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(generatorSampleCount(base)).toBe(5000);
    expect(generatorKey(sweepConfigSchema.parse({ generated: { source: "vae", vae: {} } }))).toBe(key);
    expect(generatorKey({ ...base, training: { ...base.training, steps: 7 } } as typeof base)).toBe(key);
    for (const changed of [
      { generated: { source: "vae", vae: { latentDim: 4 } } },
      { generated: { source: "vae" }, dataset: { trainSize: 1000 } },
      { generated: { source: "vae" }, axes: { generatedSize: { values: [100] } } },
    ]) {
      expect(generatorKey(sweepConfigSchema.parse(changed))).not.toBe(key);
    }
  });
});
