import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { beforeAll, describe, expect, it } from "vitest";
import { applyAugmentation, augmentParams, augmentViews, sampleAugmentDraws, SIMCLR_AUGMENT } from "./augment";
import { createRng } from "./rng";

beforeAll(async () => {
  expect(await tf.setBackend("cpu")).toBe(true);
});

function randomImages(seed: number, shape: [number, number, number, number]): tf.Tensor4D {
  const rng = createRng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor4d(
    Float32Array.from({ length: size }, () => Math.round(rng.next() * 255) / 255),
    shape,
  );
}

describe("augmentParams", () => {
  it("maps composite strength s to (a, p, j) = (0.08^s, min(1, 0.8s), s)", () => {
    expect(augmentParams("strength", 1)).toEqual({ ...SIMCLR_AUGMENT });
    const weak = augmentParams("strength", 0.5);
    expect(weak.cropMinScale).toBeCloseTo(Math.sqrt(0.08), 12); // ~0.283, AdaInf weak uses 0.2
    expect(weak.jitterProb).toBeCloseTo(0.4, 12);
    expect(weak.jitterStrength).toBe(0.5);
    expect(weak.grayscaleProb).toBeCloseTo(0.2, 12);
    expect(augmentParams("strength", 0)).toEqual({ cropMinScale: 1, jitterProb: 0, jitterStrength: 0, grayscaleProb: 0, flipProb: 0 });
    expect(augmentParams("strength", 2).jitterProb).toBe(1);
    expect(augmentParams("strength", 1, { flipProb: 0.5 }).flipProb).toBe(0.5);
  });

  it("sets only the swept parameter for the other knobs, the rest at the SimCLR default", () => {
    expect(augmentParams("cropMinScale", 0.3)).toEqual({ ...SIMCLR_AUGMENT, cropMinScale: 0.3 });
    expect(augmentParams("jitterStrength", 2)).toEqual({ ...SIMCLR_AUGMENT, jitterStrength: 2 });
    expect(augmentParams("jitterProb", 0.1)).toEqual({ ...SIMCLR_AUGMENT, jitterProb: 0.1 });
  });
});

describe("batched augmentation", () => {
  it("is exactly the identity at s = 0, for grayscale and RGB batches", async () => {
    for (const channels of [1, 3]) {
      const images = randomImages(1, [6, 28, 28, channels]);
      const views = augmentViews(images, augmentParams("strength", 0), createRng(9));
      const expected = tf.concat([images, images]);
      expect(views.shape).toEqual([12, 28, 28, channels]);
      expect(Array.from(await views.data())).toEqual(Array.from(await expected.data()));
      tf.dispose([images, views, expected]);
    }
  });

  it("gives identical tensors for the same seed and different ones for another seed", async () => {
    const images = randomImages(2, [4, 16, 16, 3]);
    const params = augmentParams("strength", 1);
    const run = async (seed: number) => {
      const views = augmentViews(images, params, createRng(seed));
      const values = Array.from(await views.data());
      views.dispose();
      return values;
    };
    const a = await run(5);
    expect(await run(5)).toEqual(a);
    expect(await run(6)).not.toEqual(a);
    images.dispose();
  });

  it("actually changes images at s = 1 and keeps values in [0, 1]", async () => {
    const images = randomImages(3, [8, 28, 28, 3]);
    const views = augmentViews(images, augmentParams("strength", 1), createRng(1));
    const values = await views.data();
    const original = await tf.concat([images, images]).data();
    const changed = values.filter((v, i) => Math.abs(v - (original[i] as number)) > 1e-3).length;
    expect(changed / values.length).toBeGreaterThan(0.5);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThanOrEqual(1);
    tf.dispose([images, views]);
  });

  it("folds the horizontal flip into the crop: a flipped full box mirrors the image", async () => {
    const image = tf.tensor4d([1, 2, 3, 4, 5, 6], [1, 2, 3, 1]);
    const draws = { count: 1, boxes: new Float32Array([0, 1, 1, 0]), jitter: null, grayscale: null };
    const out = applyAugmentation(image, new Int32Array([0]), draws);
    expect(Array.from(await out.data())).toEqual([3, 2, 1, 6, 5, 4]);
    tf.dispose([image, out]);
  });

  it("greys RGB views as a weighted channel sum and jitters brightness per view", async () => {
    const image = tf.tensor4d([0.5, 0.25, 1], [1, 1, 1, 3]);
    const draws = {
      count: 2,
      boxes: new Float32Array([0, 0, 1, 1, 0, 0, 1, 1]),
      jitter: new Float32Array([1, 1, 1, 0, 0.5, 1, 1, 0]), // view 1: brightness x0.5
      grayscale: new Float32Array([1, 0]),
    };
    const out = applyAugmentation(image, new Int32Array([0, 0]), draws);
    const values = Array.from(await out.data());
    const gray = 0.299 * 0.5 + 0.587 * 0.25 + 0.114 * 1;
    values.slice(0, 3).forEach((v) => expect(v).toBeCloseTo(gray, 5));
    expect(values.slice(3)).toEqual([0.25, 0.125, 0.5]);
    tf.dispose([image, out]);
  });

  it("rotates hue around the grey axis: grey stays grey, luma is kept, colours move", async () => {
    const image = tf.tensor4d([0.5, 0.5, 0.5, 0.6, 0.3, 0.2], [1, 1, 2, 3]);
    const draws = { count: 1, boxes: new Float32Array([0, 0, 1, 1]), jitter: new Float32Array([1, 1, 1, 0.2]), grayscale: null };
    const out = applyAugmentation(image, new Int32Array([0]), draws);
    const [r0, g0, b0, r1, g1, b1] = Array.from(await out.data()) as [number, number, number, number, number, number];
    [r0, g0, b0].forEach((v) => expect(v).toBeCloseTo(0.5, 3));
    const luma = (r: number, g: number, b: number) => 0.299 * r + 0.587 * g + 0.114 * b;
    expect(luma(r1, g1, b1)).toBeCloseTo(luma(0.6, 0.3, 0.2), 3);
    expect(Math.abs(r1 - 0.6) + Math.abs(g1 - 0.3) + Math.abs(b1 - 0.2)).toBeGreaterThan(0.1);
    tf.dispose([image, out]);
  });

  it("draws jitter factors within (max(0, 1-0.8j), 1+0.8j) and hue within ±0.2j, with probability about p", () => {
    const draws = sampleAugmentDraws(
      createRng(4),
      4000,
      { ...SIMCLR_AUGMENT, jitterStrength: 0.5, jitterProb: 0.4 },
      { height: 8, width: 8, channels: 3 },
    );
    const jitter = draws.jitter ?? new Float32Array();
    let jittered = 0;
    for (let i = 0; i < 4000; i++) {
      const [b, c, s, h] = jitter.subarray(4 * i, 4 * i + 4);
      if (b !== 1 || c !== 1 || s !== 1 || h !== 0) jittered++;
      for (const f of [b, c, s]) expect(f! >= 0.6 - 1e-6 && f! <= 1.4 + 1e-6).toBe(true);
      expect(Math.abs(h!)).toBeLessThanOrEqual(0.1 + 1e-6);
    }
    expect(jittered / 4000).toBeGreaterThan(0.37);
    expect(jittered / 4000).toBeLessThan(0.43);
    const greyed = (draws.grayscale ?? new Float32Array()).reduce((a, v) => a + v, 0) / 4000;
    expect(greyed).toBeGreaterThan(0.17);
    expect(greyed).toBeLessThan(0.23);
  });
});
