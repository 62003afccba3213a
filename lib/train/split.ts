import { createRng, permutation } from "./rng";
import { subsetImageSet, type ImageSet } from "@/lib/images/image-set";

/**
 * Fixed for every trial on a builtin dataset: the test set and the generator
 * pool must not move with the trial seed, or accuracies across seeds and
 * grid cells would be measured on different images. The trial seed drives
 * only training randomness (init, sampling order, augmentation).
 */
export const BUILTIN_SPLIT_SEED = 20240318;

export interface BuiltinSplit {
  train: ImageSet;
  generatorPool: ImageSet;
  test: ImageSet;
}

/**
 * Seeded, class-stratified, disjoint split. Images are ordered by a seeded
 * permutation, then stably by their relative rank within their own class, so
 * every prefix of the order holds the classes in proportion. The test set
 * is the first testSize images (so it depends only on testSize and seed),
 * train the next trainSize, and the generator pool everything left.
 */
export function splitBuiltin(set: ImageSet, options: { trainSize: number; testSize: number; seed: number }): BuiltinSplit {
  const { trainSize, testSize, seed } = options;
  if (!Number.isInteger(trainSize) || !Number.isInteger(testSize) || trainSize < 1 || testSize < 1) {
    throw new RangeError(`trainSize and testSize must be positive integers (got ${trainSize}, ${testSize})`);
  }
  if (trainSize + testSize > set.count) {
    throw new RangeError(`trainSize + testSize = ${trainSize + testSize} exceeds the ${set.count} images of the dataset`);
  }
  const order = stratifiedOrder(set, seed);
  return {
    test: subsetImageSet(set, order.subarray(0, testSize)),
    train: subsetImageSet(set, order.subarray(testSize, testSize + trainSize)),
    generatorPool: subsetImageSet(set, order.subarray(testSize + trainSize)),
  };
}

function stratifiedOrder(set: ImageSet, seed: number): Int32Array {
  const shuffled = permutation(set.count, createRng(seed));
  const labels = set.labels;
  if (!labels) return shuffled;
  const classTotals = new Map<number, number>();
  for (const label of labels) classTotals.set(label, (classTotals.get(label) ?? 0) + 1);
  const seen = new Map<number, number>();
  const keyed = Array.from(shuffled, (index) => {
    const label = labels[index] as number;
    const rank = seen.get(label) ?? 0;
    seen.set(label, rank + 1);
    return { index, key: (rank + 0.5) / (classTotals.get(label) ?? 1) };
  });
  keyed.sort((a, b) => a.key - b.key); // Array#sort is stable, ties keep the shuffled order
  return Int32Array.from(keyed, (entry) => entry.index);
}
