import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DATASET_HEADER_BYTES, DatasetFormatError, encodeDatasetAsset, parseDatasetAsset, splitBuiltin, type ImageSet } from "./dataset";
import { createRng } from "./rng";

function syntheticSet(count: number, numClasses: number, seed = 1): ImageSet {
  const rng = createRng(seed);
  const images = Uint8Array.from({ length: count * 4 * 4 }, () => rng.int(256));
  // Unbalanced classes on purpose: stratification must keep the proportions.
  const labels = Uint8Array.from({ length: count }, (_, i) => (i % 7 === 0 ? 0 : i % numClasses));
  return { images, labels, count, height: 4, width: 4, channels: 1, numClasses };
}

const keyOf = (set: ImageSet, i: number) => set.images.subarray(i * 16, (i + 1) * 16).join(",");

describe("dataset asset", () => {
  it("round-trips pixels, labels and shape through encode/parse", () => {
    const set = syntheticSet(37, 5);
    const parsed = parseDatasetAsset(encodeDatasetAsset(set).buffer as ArrayBuffer);
    expect(parsed).toEqual(set);
  });

  it("round-trips an unlabelled RGB set (numClasses 0, no label bytes)", () => {
    const set: ImageSet = {
      images: Uint8Array.from({ length: 2 * 3 * 3 * 3 }, (_, i) => i),
      labels: null,
      count: 2,
      height: 3,
      width: 3,
      channels: 3,
      numClasses: 0,
    };
    const bytes = encodeDatasetAsset(set);
    expect(bytes.length).toBe(DATASET_HEADER_BYTES + 54);
    expect(parseDatasetAsset(bytes)).toEqual(set);
  });

  it("rejects a bad magic, a truncated file, trailing bytes and out-of-range labels", () => {
    const good = encodeDatasetAsset(syntheticSet(10, 3));
    const badMagic = good.slice();
    badMagic[0] = "X".charCodeAt(0);
    expect(() => parseDatasetAsset(badMagic)).toThrow(/magic/);
    expect(() => parseDatasetAsset(good.slice(0, good.length - 1))).toThrow(/truncated/);
    expect(() => parseDatasetAsset(good.slice(0, 10))).toThrow(DatasetFormatError);
    const longer = new Uint8Array(good.length + 3);
    longer.set(good);
    expect(() => parseDatasetAsset(longer)).toThrow(/trailing/);
    const badLabel = good.slice();
    badLabel[badLabel.length - 1] = 3;
    expect(() => parseDatasetAsset(badLabel)).toThrow(/numClasses/);
  });

  it("scripts/build-mnist.mjs writes a parseable, deterministic 10k-digit asset and then skips", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "ilds-"));
    try {
      const out = path.join(dir, "mnist.bin");
      const script = path.resolve(import.meta.dirname, "../../scripts/build-mnist.mjs");
      execFileSync(process.execPath, [script, "--out", out]);
      const first = readFileSync(out);
      const set = parseDatasetAsset(first);
      expect([set.count, set.height, set.width, set.channels, set.numClasses]).toEqual([10000, 28, 28, 1, 10]);
      const counts = new Array(10).fill(0);
      set.labels?.forEach((label) => counts[label]++);
      expect(counts).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
      expect(set.images.reduce((max, v) => Math.max(max, v), 0)).toBe(255);
      expect(execFileSync(process.execPath, [script, "--out", out]).toString()).toMatch(/up to date/);
      execFileSync(process.execPath, [script, "--out", out, "--force"]);
      expect(readFileSync(out).equals(first)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

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
