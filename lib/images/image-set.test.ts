import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createRng } from "@/lib/train/rng";
import { DATASET_HEADER_BYTES, DatasetFormatError, encodeDatasetAsset, parseDatasetAsset, type ImageSet } from "./image-set";

function syntheticSet(count: number, numClasses: number, seed = 1): ImageSet {
  const rng = createRng(seed);
  const images = Uint8Array.from({ length: count * 4 * 4 }, () => rng.int(256));
  const labels = Uint8Array.from({ length: count }, (_, i) => (i % 7 === 0 ? 0 : i % numClasses));
  return { images, labels, count, height: 4, width: 4, channels: 1, numClasses };
}

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
