import { describe, expect, it } from "vitest";
import type { ImageSet } from "./dataset";
import { createHeldoutRealSource, degradeImages } from "./generated";
import { createRng } from "./rng";

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
