import { describe, expect, it } from "vitest";
import type { ImageSet } from "@/lib/images/image-set";
import { createHeldoutRealSource, degradeImages } from "./sources";
import { createRng } from "@/lib/train/rng";

function digitLikeSet(count: number): ImageSet {
  // A bright square on black: blur and noise both move pixels measurably.
  const images = new Uint8Array(count * 28 * 28);
  for (let n = 0; n < count; n++) {
    for (let y = 8 + (n % 3); y < 20; y++) for (let x = 8; x < 20 - (n % 4); x++) images[n * 784 + y * 28 + x] = 255;
  }
  return { images, labels: new Uint8Array(count).fill(3), count, height: 28, width: 28, channels: 1, numClasses: 10 };
}

const meanAbsDiff = (a: Uint8Array, b: Uint8Array) => a.reduce((s, v, i) => s + Math.abs(v - (b[i] as number)), 0) / a.length;

describe("held-out real generated source", () => {
  it("returns unlabelled images, capped at the pool size", () => {
    const source = createHeldoutRealSource(digitLikeSet(12), { degradation: 0 });
    const sample = source.sample(50, createRng(1));
    expect(sample.count).toBe(12);
    expect(sample.labels).toBeNull();
    expect(sample.numClasses).toBe(0);
    expect(source.capacity).toBe(12);
    expect(source.kind).toBe("heldout-real");
    expect(source.describe()).toMatch(/held-out/);
  });

  it("degradation 0 is the identity", () => {
    const set = digitLikeSet(5);
    expect(degradeImages(set, 0, createRng(1)).images).toEqual(set.images);
  });

  it("moves images further from the originals as degradation grows", () => {
    const set = digitLikeSet(20);
    const distances = [0.1, 0.3, 0.6, 1].map((d) => meanAbsDiff(degradeImages(set, d, createRng(7)).images, set.images));
    expect(distances[0]).toBeGreaterThan(0);
    for (let i = 1; i < distances.length; i++) expect(distances[i]).toBeGreaterThan(distances[i - 1] as number);
  });

  it("samples the same images for the same seed and other images for another", () => {
    const source = createHeldoutRealSource(digitLikeSet(30), { degradation: 0.5 });
    expect(source.sample(10, createRng(3))).toEqual(source.sample(10, createRng(3)));
    expect(source.sample(10, createRng(4)).images).not.toEqual(source.sample(10, createRng(3)).images);
  });

  it("rejects degradation outside [0, 1]", () => {
    expect(() => createHeldoutRealSource(digitLikeSet(2), { degradation: 1.5 })).toThrow(RangeError);
  });
});

describe("uploaded generated source", () => {
  it("samples unlabelled images converted to the real images' shape, capped at the set size", async () => {
    const { createUploadedSource } = await import("./sources");
    const rgb: ImageSet = {
      images: Uint8Array.from({ length: 6 * 32 * 32 * 3 }, (_, i) => (i * 13) % 256),
      labels: Uint8Array.of(0, 1, 2, 3, 4, 5),
      count: 6,
      height: 32,
      width: 32,
      channels: 3,
      numClasses: 6,
    };
    const source = createUploadedSource(rgb, { height: 28, width: 28, channels: 1 });
    expect(source.kind).toBe("upload");
    expect(source.capacity).toBe(6);
    expect(source.describe()).toMatch(/converted to 28x28x1/);
    const sample = source.sample(10, createRng(3));
    expect([sample.count, sample.height, sample.width, sample.channels, sample.numClasses]).toEqual([6, 28, 28, 1, 0]);
    expect(sample.labels).toBeNull();
    expect(sample.images.length).toBe(6 * 784);
    const again = source.sample(4, createRng(3));
    expect(Array.from(again.images.subarray(0, 784))).toEqual(Array.from(sample.images.subarray(0, 784)));
  });
});

describe("prepareTrialData with an uploaded generated set", () => {
  it("splits the real set as usual and inflates with the upload, or refuses without its images", async () => {
    const { prepareTrialData } = await import("./trial-data");
    const real: ImageSet = { ...digitLikeSet(400), labels: Uint8Array.from({ length: 400 }, (_, i) => i % 10) };
    const upload = { ...digitLikeSet(50), labels: null, numClasses: 0 };
    const config = {
      dataset: { ref: "builtin:mnist", trainSize: 200, testSize: 100 },
      generated: { source: "upload" as const, ref: `sha256:${"a".repeat(64)}`, degradation: 0 },
    };
    const data = prepareTrialData(real, config, { mixRatio: 2, generatedSize: 80 }, upload);
    expect([data.train.count, data.test.count, data.generatedSize]).toEqual([200, 100, 50]);
    expect(data.generatedDescription).toMatch(/uploaded generated set \(50 images/);
    expect(() => prepareTrialData(real, config, { mixRatio: 2, generatedSize: 80 })).toThrow(/needs its images/);
    expect(prepareTrialData(real, config, { mixRatio: "none", generatedSize: 80 }).generated).toBeNull();
  });
});
