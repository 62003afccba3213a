import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { encodeIdx, parseIdx } from "./idx";
import { concatBytes, parseError, syntheticSet } from "./test-helpers";
import { fuzz } from "./test-fuzz";

const set = syntheticSet(25, 28, 28, 1, 10, 11);
const files = encodeIdx(set);
const images = files.images;
const labels = files.labels as Uint8Array;

function withHeaderWord(bytes: Uint8Array, offset: number, value: number): Uint8Array {
  const out = bytes.slice();
  new DataView(out.buffer).setUint32(offset, value, false);
  return out;
}

describe("IDX round trips", () => {
  it("plain images + labels", () => {
    expect(parseIdx({ images, labels })).toEqual(set);
  });
  it("gzipped files (auto-detected), each or both", () => {
    expect(parseIdx({ images: gzipSync(images), labels: gzipSync(labels) })).toEqual(set);
    expect(parseIdx({ images: gzipSync(images), labels })).toEqual(set);
  });
  it("images without labels give an unlabelled set", () => {
    expect(parseIdx({ images })).toEqual({ ...set, labels: null, numClasses: 0 });
  });
  it("keeps EMNIST-letters labels 1..26 and sets numClasses = max + 1", () => {
    const letters = { ...syntheticSet(3, 28, 28, 1, 0, 2), labels: Uint8Array.of(1, 26, 5), numClasses: 27 };
    const encoded = encodeIdx(letters);
    expect(parseIdx({ images: encoded.images, labels: encoded.labels })).toEqual(letters);
  });
  it("copies the pixels rather than aliasing the upload", () => {
    const parsed = parseIdx({ images, labels });
    expect(parsed.images.buffer).not.toBe(images.buffer);
  });
});

describe("IDX rejections", () => {
  it("wrong magic: labels file passed as images, with a swap hint", () => {
    const error = parseError(() => parseIdx({ images: labels }));
    expect(error.message).toBe(
      "IDX images file: wrong magic number: expected 0x00000803, found 0x00000801 (this looks like a labels file; were images and labels swapped?)",
    );
    expect(error.field).toBe("magic");
    expect(parseError(() => parseIdx({ images, labels: images })).message).toContain(
      "IDX labels file: wrong magic number: expected 0x00000801, found 0x00000803",
    );
  });
  it("wrong magic: not an IDX file at all", () => {
    const error = parseError(() => parseIdx({ images: new TextEncoder().encode("hello world, not idx") }));
    expect([error.expected, error.found]).toEqual(["0x00000803", "0x68656C6C"]);
  });
  it("unsupported dtype code (float32 0x0D)", () => {
    const error = parseError(() => parseIdx({ images: withHeaderWord(images, 0, 0x00000d03) }));
    expect(error.message).toBe("IDX images file: unsupported data type: expected 0x08 (unsigned byte), found 0x0D (float32)");
  });
  it("truncated header and truncated data", () => {
    expect(parseError(() => parseIdx({ images: images.subarray(0, 3) })).problem).toBe("truncated header");
    expect(parseError(() => parseIdx({ images: images.subarray(0, 10) })).message).toBe(
      "IDX images file: truncated header: expected 16 header bytes, found 10 bytes",
    );
    const error = parseError(() => parseIdx({ images: images.subarray(0, images.length - 1) }));
    expect(error.message).toBe(`IDX images file: truncated data: expected 19,616 bytes (header + 25 images of 28x28), found 19,615 bytes`);
  });
  it("trailing garbage", () => {
    const error = parseError(() => parseIdx({ images: concatBytes(images, Uint8Array.of(0)) }));
    expect(error.problem).toBe("trailing garbage after the data");
    expect(error.found).toBe("19,617 bytes");
    expect(parseError(() => parseIdx({ images, labels: concatBytes(labels, Uint8Array.of(1, 2)) })).format).toBe("IDX labels file");
  });
  it("count mismatch between images and labels", () => {
    const fewer = encodeIdx(syntheticSet(24, 28, 28, 1, 10)).labels as Uint8Array;
    expect(parseError(() => parseIdx({ images, labels: fewer })).message).toBe(
      "IDX labels file: count mismatch between images and labels: expected 25 labels (one per image), found 24",
    );
  });
  it("label over the configured class maximum", () => {
    const error = parseError(() => parseIdx({ images, labels }, { maxClasses: 5 }));
    expect(error.message).toMatch(
      /^IDX labels file: label out of range: expected integer labels 0\.\.4 \(at most 5 classes\), found \d+ at index 5$/,
    );
  });
  it("zero images", () => {
    expect(parseError(() => parseIdx({ images: withHeaderWord(images.subarray(0, 16), 4, 0) })).message).toBe(
      "IDX images file: no images: expected at least 1 image, found 0",
    );
  });
  it("input over maxBytes", () => {
    expect(parseError(() => parseIdx({ images, labels }, { maxBytes: 1000 })).problem).toBe("input is over the size limit");
  });
  it("gzip bomb: capped by maxUncompressedBytes", () => {
    const bomb = gzipSync(concatBytes(images.subarray(0, 16), new Uint8Array(20 * 1024 * 1024)));
    const error = parseError(() => parseIdx({ images: bomb }, { maxUncompressedBytes: 1024 * 1024 }));
    expect(error.message).toBe("IDX images file (gzip): decompressed data is over the limit: expected at most 1,048,576 bytes, found more");
  });
  it("corrupt gzip", () => {
    const gz = gzipSync(images);
    expect(parseError(() => parseIdx({ images: gz.subarray(0, gz.length - 10) })).problem).toBe("corrupt gzip data");
  });
});

describe("IDX hostile headers fail fast without allocating", () => {
  it("2^31 images: over the limit", () => {
    const start = performance.now();
    const error = parseError(() => parseIdx({ images: withHeaderWord(images.subarray(0, 16), 4, 0x80000000) }));
    expect(error.message).toBe("IDX images file: image count is over the limit: expected at most 1,000,000 images, found 2,147,483,648");
    expect(performance.now() - start).toBeLessThan(50);
  });
  it("2^31 images with the image cap lifted: truncated, not allocated", () => {
    const error = parseError(() => parseIdx({ images: withHeaderWord(images.subarray(0, 16), 4, 0x7fffffff) }, { maxImages: 2 ** 31 }));
    expect(error.problem).toBe("truncated data");
  });
  it("huge image dimensions: over the pixel limit", () => {
    const bytes = withHeaderWord(withHeaderWord(images, 8, 0xffffffff), 12, 0xffffffff);
    expect(parseError(() => parseIdx({ images: bytes })).message).toBe(
      "IDX images file: image size is over the limit: expected at most 16,777,216 pixels per image, found 4294967295x4294967295",
    );
  });
  it("huge label count: count mismatch before reading", () => {
    const error = parseError(() => parseIdx({ images, labels: withHeaderWord(labels.subarray(0, 8), 4, 0xffffffff) }));
    expect(error.problem).toBe("count mismatch between images and labels");
  });
});

describe("IDX fuzz", () => {
  const limits = { maxUncompressedBytes: 4 * 1024 * 1024 };
  const small = encodeIdx(syntheticSet(6, 8, 8, 1, 3, 5));
  const smallLabels = small.labels as Uint8Array;
  it("images file: random and mutated inputs parse or throw DatasetParseError", () => {
    const report = fuzz({
      seed: 101,
      seeds: [small.images, gzipSync(small.images)],
      prefixes: [Uint8Array.of(0, 0, 8, 3), Uint8Array.of(0x1f, 0x8b)],
      parse: (bytes) => parseIdx({ images: bytes, labels: smallLabels }, limits),
    });
    expect(report.failures).toEqual([]);
    expect(report.cases).toBe(600);
    expect(report.parsed).toBeGreaterThan(0); // some mutations only touch pixels
  });
  it("labels file: random and mutated inputs parse or throw DatasetParseError", () => {
    const report = fuzz({
      seed: 102,
      seeds: [smallLabels, gzipSync(smallLabels)],
      prefixes: [Uint8Array.of(0, 0, 8, 1, 0, 0, 0, 6)],
      parse: (bytes) => parseIdx({ images: small.images, labels: bytes }, limits),
    });
    expect(report.failures).toEqual([]);
  });
});
