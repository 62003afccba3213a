import { describe, expect, it } from "vitest";
import type { ImageSet } from "@/lib/images/image-set";
import { createRng } from "./rng";
import { splitBuiltin } from "./split";

function syntheticSet(count: number, numClasses: number, seed = 1): ImageSet {
  const rng = createRng(seed);
  const images = Uint8Array.from({ length: count * 4 * 4 }, () => rng.int(256));
  // Unbalanced classes on purpose: stratification must keep the proportions.
  const labels = Uint8Array.from({ length: count }, (_, i) => (i % 7 === 0 ? 0 : i % numClasses));
  return { images, labels, count, height: 4, width: 4, channels: 1, numClasses };
}

const keyOf = (set: ImageSet, i: number) => set.images.subarray(i * 16, (i + 1) * 16).join(",");

describe("splitBuiltin", () => {
  const set = syntheticSet(500, 5);

  it("returns disjoint train, pool and test sets covering the dataset", () => {
    const split = splitBuiltin(set, { trainSize: 200, testSize: 100, seed: 7 });
    expect([split.train.count, split.test.count, split.generatorPool.count]).toEqual([200, 100, 200]);
    const seen = new Set<string>();
    for (const part of [split.train, split.test, split.generatorPool]) {
      for (let i = 0; i < part.count; i++) seen.add(keyOf(part, i));
    }
    expect(seen.size).toBe(500); // random 16-byte images are all distinct, so overlap would shrink this
  });

  it("is deterministic for a seed, differs across seeds, and fixes the test set whatever trainSize is", () => {
    const a = splitBuiltin(set, { trainSize: 200, testSize: 100, seed: 7 });
    const b = splitBuiltin(set, { trainSize: 200, testSize: 100, seed: 7 });
    const c = splitBuiltin(set, { trainSize: 200, testSize: 100, seed: 8 });
    const d = splitBuiltin(set, { trainSize: 350, testSize: 100, seed: 7 });
    expect(b).toEqual(a);
    expect(c.test.images).not.toEqual(a.test.images);
    expect(d.test).toEqual(a.test);
  });

  it("keeps class proportions in the test set (stratified)", () => {
    const { test } = splitBuiltin(set, { trainSize: 100, testSize: 100, seed: 3 });
    const share = (labels: Uint8Array | null, label: number) => (labels ?? []).filter((l) => l === label).length / (labels?.length ?? 1);
    for (let label = 0; label < 5; label++) expect(Math.abs(share(test.labels, label) - share(set.labels, label))).toBeLessThanOrEqual(0.02);
  });

  it("rejects sizes that do not fit", () => {
    expect(() => splitBuiltin(set, { trainSize: 450, testSize: 100, seed: 1 })).toThrow(/exceeds/);
  });
});
