import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { detectFormat, encodeCifar, encodeIdx, encodeNpy } from "./index";
import { encodePng, makeRng, syntheticSet, writeZip } from "./test-helpers";
import { INFOZIP_PNG_FOLDER, NUMPY_SAVEZ_COMPRESSED } from "./test-fixtures";

describe("detectFormat", () => {
  const idx = encodeIdx(syntheticSet(3, 4, 4, 1, 2));
  const cifar = syntheticSet(2, 32, 32, 3, 10);
  it.each([
    ["train-images-idx3-ubyte", idx.images, "idx-images", false],
    ["train-labels-idx1-ubyte", idx.labels, "idx-labels", false],
    ["train-images-idx3-ubyte.gz", gzipSync(idx.images as Uint8Array), "idx-images", true],
    ["t10k-labels-idx1-ubyte.gz", gzipSync(idx.labels as Uint8Array), "idx-labels", true],
    ["x.npy", encodeNpy(new Uint8Array(4), "|u1", [1, 2, 2]), "npy", false],
    ["data.npz", NUMPY_SAVEZ_COMPRESSED, "npz", false],
    ["upload.zip", INFOZIP_PNG_FOLDER, "png-zip", false],
    ["data_batch_1.bin", encodeCifar(cifar, "cifar10"), "cifar10", false],
    ["train.bin", encodeCifar(cifar, "cifar100"), "cifar100", false],
    ["notes.txt", new TextEncoder().encode("hello"), "unknown", false],
    ["empty.zip", writeZip([]), "unknown", false],
    ["photo.png", encodePng({ width: 1, height: 1, colorType: 0, samples: Uint8Array.of(1) }), "unknown", false],
  ] as const)("%s -> %s", (name, bytes, format, gzipped) => {
    const detected = detectFormat(name, bytes as Uint8Array);
    expect([detected.format, detected.gzipped]).toEqual([format, gzipped]);
    expect(detected.reason.length).toBeGreaterThan(0);
  });
  it("chooses between CIFAR variants by name when the size fits both", () => {
    const both = new Uint8Array(3073 * 3074);
    expect(detectFormat("test.bin", both).format).toBe("cifar100");
    expect(detectFormat("test_batch.bin", both).format).toBe("cifar10");
  });
  it("never throws on junk", () => {
    const rng = makeRng(81);
    for (let i = 0; i < 300; i++) {
      const prefix = [[0x1f, 0x8b], [0x50, 0x4b], [0x93], [0, 0, 8]][i % 4] as number[];
      expect(() => detectFormat("f", Uint8Array.from([...prefix, ...rng.bytes(rng.int(300))]))).not.toThrow();
    }
  });
});
