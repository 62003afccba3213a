import { describe, expect, it } from "vitest";
import { encodeNpy } from "./npy";
import { parseNpz } from "./npz";
import { expectedSame, parseError, sameSet, syntheticSet, writeZip } from "./test-helpers";
import { fuzz } from "./test-fuzz";
import { NUMPY_FIXTURE_PIXELS, NUMPY_SAVEZ, NUMPY_SAVEZ_COMPRESSED } from "./test-fixtures";

const set = syntheticSet(12, 5, 4, 3, 4, 51);
const imagesNpy = encodeNpy(set.images, "|u1", [12, 5, 4, 3]);
const labelsNpy = encodeNpy(set.labels as Uint8Array, "|u1", [12]);

function npz(arrays: Record<string, Uint8Array>, method: 0 | 8 = 0): Uint8Array {
  return writeZip(Object.entries(arrays).map(([key, data]) => ({ name: `${key}.npy`, data, method })));
}

describe("NPZ round trips", () => {
  it("np.savez_compressed output (x, y; deflated; numpy's ZIP64 local extras)", () => {
    const parsed = parseNpz(NUMPY_SAVEZ_COMPRESSED);
    expect(parsed).toEqual({
      images: NUMPY_FIXTURE_PIXELS,
      labels: Uint8Array.of(0, 2, 1),
      count: 3,
      height: 4,
      width: 4,
      channels: 1,
      numClasses: 3,
    });
  });
  it("np.savez output (images, labels; stored; 4-D images, big-endian >i4 labels)", () => {
    const parsed = parseNpz(NUMPY_SAVEZ);
    expect(parsed).toEqual({
      images: NUMPY_FIXTURE_PIXELS,
      labels: Uint8Array.of(0, 2, 1),
      count: 3,
      height: 4,
      width: 4,
      channels: 1,
      numClasses: 3,
    });
  });
  it.each([
    ["image", "label"],
    ["images", "labels"],
    ["x", "y"],
    ["x_train", "y_train"],
  ])("recognises %s / %s, stored and deflated", (x, y) => {
    for (const method of [0, 8] as const) {
      expect(sameSet(parseNpz(npz({ [x]: imagesNpy, [y]: labelsNpy, other: labelsNpy }, method)), set)).toEqual(expectedSame(set));
    }
  });
  it("labels are optional (unlabelled generated sets)", () => {
    expect(parseNpz(npz({ images: imagesNpy })).labels).toBeNull();
    expect(parseNpz(npz({ x: imagesNpy, y: labelsNpy }), { labelKey: null })).toMatchObject({ labels: null, numClasses: 0 });
  });
  it("explicit keys", () => {
    const parsed = parseNpz(npz({ gen: imagesNpy, cls: labelsNpy }), { imageKey: "gen", labelKey: "cls" });
    expect(sameSet(parsed, set)).toEqual(expectedSame(set));
    expect(parseNpz(npz({ x_train: imagesNpy, y_train: labelsNpy }), { imageKey: "x_train" }).labels).not.toBeNull();
  });
});

describe("NPZ rejections", () => {
  it("no image array: lists the keys that are there", () => {
    expect(parseError(() => parseNpz(npz({ a: imagesNpy, b: labelsNpy }))).message).toBe(
      `NPZ archive: no image array: expected one of "image", "images", "x", "x_train", found "a", "b" (pass imageKey to choose another array)`,
    );
    expect(parseError(() => parseNpz(writeZip([]))).found).toBe("no .npy entries");
  });
  it("requested keys missing", () => {
    expect(parseError(() => parseNpz(npz({ x: imagesNpy }), { imageKey: "gen" })).message).toBe(
      `NPZ archive: image array not found: expected "gen", found "x"`,
    );
    expect(parseError(() => parseNpz(npz({ x: imagesNpy }), { labelKey: "cls" })).message).toBe(
      `NPZ archive: label array not found: expected "cls", found "x"`,
    );
  });
  it("count mismatch between images and labels", () => {
    const error = parseError(() => parseNpz(npz({ x: imagesNpy, y: encodeNpy(Uint8Array.of(1, 2, 3), "|u1", [3]) })));
    expect(error.message).toBe(`NPZ archive array "y": count mismatch between images and labels: expected 12 labels (one per image), found 3`);
  });
  it("errors inside an array name the array", () => {
    const error = parseError(() => parseNpz(npz({ x: encodeNpy(new Uint8Array(12 * 20 * 4), "<f4", [12, 5, 4]) }, 8)));
    expect(error.message).toMatch(/^NPZ archive array "x": unsupported images dtype: expected uint8 \(\|u1\), found "<f4"/);
  });
  it("corrupt member (CRC) and non-ZIP input", () => {
    expect(parseError(() => parseNpz(writeZip([{ name: "x.npy", data: imagesNpy, crc: 1 }]))).problem).toBe("CRC-32 mismatch");
    expect(parseError(() => parseNpz(imagesNpy)).problem).toBe("not a ZIP archive");
  });
  it("hostile declared sizes fail before inflating; a lying member stops at its declared size", () => {
    const start = performance.now();
    const declared = writeZip([{ name: "x.npy", data: imagesNpy, method: 8, declaredSize: 2 ** 31 }]);
    expect(parseError(() => parseNpz(declared)).problem).toBe("declared uncompressed size is over the limit");
    const lying = writeZip([{ name: "x.npy", data: imagesNpy, method: 8, declaredSize: 100 }]);
    expect(parseError(() => parseNpz(lying)).message).toBe(
      `NPZ archive entry "x.npy": decompressed data is over the limit: expected at most 100 bytes, found more`,
    );
    expect(performance.now() - start).toBeLessThan(100);
  });
  it("too many entries and input over maxBytes", () => {
    const many = writeZip(Array.from({ length: 30 }, (_, i) => ({ name: `a${i}.npy`, data: labelsNpy })));
    expect(parseError(() => parseNpz(many, {}, { maxZipEntries: 20 })).message).toBe("NPZ archive: too many entries: expected at most 20, found 30");
    expect(parseError(() => parseNpz(many, {}, { maxBytes: 100 })).problem).toBe("input is over the size limit");
  });
});

describe("NPZ fuzz", () => {
  it("random and mutated archives parse or throw DatasetParseError", () => {
    const small = syntheticSet(3, 4, 4, 1, 2, 52);
    const x = encodeNpy(small.images, "|u1", [3, 4, 4]);
    const y = encodeNpy(
      new Uint8Array(24).map((_, i) => (i % 8 === 0 ? i / 8 : 0)),
      "<i8",
      [3],
    );
    const report = fuzz({
      seed: 501,
      seeds: [npz({ x, y }, 0), npz({ x, y }, 8), NUMPY_SAVEZ_COMPRESSED, NUMPY_SAVEZ],
      prefixes: [Uint8Array.of(0x50, 0x4b, 3, 4)],
      parse: (bytes) => parseNpz(bytes, {}, { maxUncompressedBytes: 1024 * 1024 }),
    });
    expect(report.failures).toEqual([]);
    expect(report.parsed).toBeGreaterThan(0);
  });
});
