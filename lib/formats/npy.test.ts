import { describe, expect, it } from "vitest";
import { encodeNpy, parseNpy } from "./npy";
import { concatBytes, expectedSame, parseError, sameSet, syntheticSet } from "./test-helpers";
import { fuzz } from "./test-fuzz";

const gray = syntheticSet(20, 6, 5, 1, 7, 31);
const rgb = syntheticSet(9, 4, 4, 3, 3, 32);
const labelValues = gray.labels as Uint8Array;

/** Label payload in any integer dtype, either byte order. */
function labelBytes(values: ArrayLike<number>, descr: string): Uint8Array {
  const size = Number(descr.slice(2));
  const le = descr[0] !== ">";
  const out = new Uint8Array(values.length * size);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (size === 1) view.setUint8(i, v);
    else if (size === 2) view.setUint16(2 * i, v, le);
    else if (size === 4) view.setUint32(4 * i, v, le);
    else view.setBigInt64(8 * i, BigInt(v), le);
  }
  return out;
}

const grayNpy = encodeNpy(gray.images, "|u1", [20, 6, 5]);
const labelsNpy = encodeNpy(labelValues, "|u1", [20]);

describe("NPY round trips", () => {
  it("3-D uint8 images with |u1 labels", () => {
    expect(sameSet(parseNpy({ images: grayNpy, labels: labelsNpy }), gray)).toEqual(expectedSame(gray));
  });
  it("4-D images with C = 1 and C = 3, and <u1 descr", () => {
    const one = parseNpy({ images: encodeNpy(gray.images, "<u1", [20, 6, 5, 1]) });
    expect(sameSet(one, { ...gray, labels: null })).toEqual(expectedSame({ ...gray, labels: null, numClasses: 0 }));
    const three = parseNpy({ images: encodeNpy(rgb.images, "|u1", [9, 4, 4, 3]), labels: encodeNpy(rgb.labels as Uint8Array, "|u1", [9]) });
    expect(sameSet(three, rgb)).toEqual(expectedSame(rgb));
  });
  it("4-D RGBA images: alpha is dropped", () => {
    const rgba = new Uint8Array(9 * 16 * 4);
    for (let p = 0; p < 9 * 16; p++) rgba.set([rgb.images[3 * p] ?? 0, rgb.images[3 * p + 1] ?? 0, rgb.images[3 * p + 2] ?? 0, 200], 4 * p);
    const parsed = parseNpy({ images: encodeNpy(rgba, "|u1", [9, 4, 4, 4]) });
    expect(parsed.channels).toBe(3);
    expect(Buffer.from(parsed.images).equals(Buffer.from(rgb.images))).toBe(true);
  });
  it.each(["|u1", "|i1", "<u2", "<i2", "<u4", "<i4", "<i8", "<u8", ">i4", ">u2", ">i8"])("labels in %s", (descr) => {
    const parsed = parseNpy({ images: grayNpy, labels: encodeNpy(labelBytes(labelValues, descr), descr, [20]) });
    expect(parsed.labels).toEqual(labelValues);
    expect(parsed.numClasses).toBe(7);
  });
  it("labels of shape (N, 1), format versions 2.0 and 3.0", () => {
    expect(parseNpy({ images: grayNpy, labels: encodeNpy(labelValues, "|u1", [20, 1]) }).labels).toEqual(labelValues);
    const v2 = parseNpy({
      images: encodeNpy(gray.images, "|u1", [20, 6, 5], { version: 2 }),
      labels: encodeNpy(labelValues, "|u1", [20], { version: 3 }),
    });
    expect(sameSet(v2, gray)).toEqual(expectedSame(gray));
  });
  it("reads a header exactly as NumPy 1.x writes it", () => {
    // np.save(f, np.zeros((2, 2, 2), np.uint8)) with numpy 1.26, byte for byte.
    const header = "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 2, 2), }";
    const text = header.padEnd(117, " ") + "\n";
    const bytes = concatBytes(Uint8Array.of(0x93, 78, 85, 77, 80, 89, 1, 0, 118, 0), new TextEncoder().encode(text), new Uint8Array(8));
    expect(parseNpy({ images: bytes })).toMatchObject({ count: 2, height: 2, width: 2, channels: 1 });
  });
});

describe("NPY rejections", () => {
  it("float images: expected uint8 (|u1), found <f4, with a conversion hint", () => {
    const error = parseError(() => parseNpy({ images: encodeNpy(new Uint8Array(20 * 30 * 4), "<f4", [20, 6, 5]) }));
    expect(error.message).toBe(
      `NPY images file: unsupported images dtype: expected uint8 (|u1), found "<f4" (convert with (x * 255).round().astype(np.uint8) if values are in 0..1)`,
    );
  });
  it("non-integer and structured label dtypes, ambiguous byte order", () => {
    expect(parseError(() => parseNpy({ images: grayNpy, labels: encodeNpy(new Uint8Array(160), "<f8", [20]) })).message).toContain(
      'unsupported labels dtype: expected an integer dtype (e.g. |u1, <i4, <i8), found "<f8"',
    );
    const structured = new TextEncoder().encode("{'descr': [('a', '<i4')], 'fortran_order': False, 'shape': (20,), }\n");
    const bytes = concatBytes(Uint8Array.of(0x93, 78, 85, 77, 80, 89, 1, 0, structured.length, 0), structured, new Uint8Array(80));
    expect(parseError(() => parseNpy({ images: grayNpy, labels: bytes })).found).toBe(`"[('a', '<i4')]" (structured dtype)`);
    expect(parseError(() => parseNpy({ images: grayNpy, labels: encodeNpy(new Uint8Array(80), "|i4", [20]) })).problem).toBe("ambiguous byte order");
  });
  it("fortran_order True", () => {
    const error = parseError(() => parseNpy({ images: encodeNpy(gray.images, "|u1", [20, 6, 5], { fortranOrder: true }) }));
    expect(error.message).toBe("NPY images file: Fortran-ordered array: expected False (C order), found True (save np.ascontiguousarray(x) instead)");
  });
  it("shape/data length mismatch: truncated and trailing", () => {
    expect(parseError(() => parseNpy({ images: grayNpy.subarray(0, grayNpy.length - 1) })).message).toBe(
      "NPY images file: truncated data: expected 600 bytes for shape (20, 6, 5) of |u1, found 599 bytes",
    );
    expect(parseError(() => parseNpy({ images: concatBytes(grayNpy, Uint8Array.of(1)) })).problem).toBe("trailing garbage after the data");
    expect(parseError(() => parseNpy({ images: grayNpy, labels: encodeNpy(new Uint8Array(8), "<i4", [20]) })).found).toBe("8 bytes");
  });
  it("unsupported shapes, with channel-first and one-hot hints", () => {
    const chw = parseError(() => parseNpy({ images: encodeNpy(rgb.images, "|u1", [9, 3, 8, 2]) }));
    expect(chw.message).toBe(
      "NPY images file: unsupported image shape: expected (N, H, W) or (N, H, W, C) with C in 1, 3, 4, found (9, 3, 8, 2) (looks channel-first (N, C, H, W); save x.transpose(0, 2, 3, 1))",
    );
    expect(parseError(() => parseNpy({ images: encodeNpy(gray.images, "|u1", [20, 30]) })).hint).toBe("flattened images; reshape to (N, H, W)");
    const oneHot = parseError(() => parseNpy({ images: grayNpy, labels: encodeNpy(new Uint8Array(140), "|u1", [20, 7]) }));
    expect(oneHot.message).toBe(
      "NPY labels file: unsupported label shape: expected (N,) or (N, 1), found (20, 7) (one-hot labels? save y.argmax(1))",
    );
  });
  it("malformed headers: magic, version, keys, syntax, header length", () => {
    expect(parseError(() => parseNpy({ images: new TextEncoder().encode("PK\x03\x04 not npy") })).problem).toBe("not a .npy file");
    const v4 = grayNpy.slice();
    v4[6] = 4;
    expect(parseError(() => parseNpy({ images: v4 })).message).toBe(
      "NPY images file: unsupported format version: expected 1.0, 2.0 or 3.0, found 4.0",
    );
    const withHeader = (dict: string) => {
      const text = new TextEncoder().encode(dict + "\n");
      return concatBytes(Uint8Array.of(0x93, 78, 85, 77, 80, 89, 1, 0, text.length, 0), text, new Uint8Array(600));
    };
    expect(parseError(() => parseNpy({ images: withHeader("{'descr': '|u1', 'shape': (20, 6, 5)}") })).expected).toBe(
      "exactly the keys 'descr', 'fortran_order', 'shape'",
    );
    expect(parseError(() => parseNpy({ images: withHeader("{'descr': '|u1', 'fortran_order': False, 'shape': (20, 6, 5), 'x': 1}") })).problem).toBe(
      "malformed header",
    );
    expect(parseError(() => parseNpy({ images: withHeader("{'descr': '|u1', 'fortran_order': False, 'shape': (20, 6, 5.0)}") })).problem).toBe(
      "malformed header",
    );
    expect(parseError(() => parseNpy({ images: withHeader("{'descr': '|u1', 'fortran_order': 0, 'shape': (20, 6, 5)}") })).field).toBe(
      "fortran_order",
    );
    expect(parseError(() => parseNpy({ images: withHeader("{'descr': '|u1', 'fortran_order': False, 'shape': [20, 6, 5]}") })).field).toBe("shape");
    expect(parseError(() => parseNpy({ images: withHeader("['descr', '|u1']") })).expected).toBe("a dict");
    expect(parseError(() => parseNpy({ images: grayNpy.subarray(0, 40) })).message).toBe(
      "NPY images file: truncated header: expected 128 bytes, found 40 bytes",
    );
    const v2 = encodeNpy(gray.images, "|u1", [20, 6, 5], { version: 2 });
    expect(parseError(() => parseNpy({ images: v2.subarray(0, 11) })).message).toBe(
      "NPY images file: truncated header: expected 12 bytes, found 11 bytes",
    );
  });
  it("count mismatch between images and labels", () => {
    expect(parseError(() => parseNpy({ images: grayNpy, labels: encodeNpy(labelValues.subarray(0, 19), "|u1", [19]) })).message).toBe(
      "NPY labels file: count mismatch between images and labels: expected 20 labels (one per image), found 19",
    );
  });
  it("label out of range: negative, over uint8, over the class cap", () => {
    const negative = labelBytes([...labelValues.subarray(0, 19), -3 & 0xffffffff], "<u4");
    new DataView(negative.buffer).setInt32(19 * 4, -3, true);
    expect(parseError(() => parseNpy({ images: grayNpy, labels: encodeNpy(negative, "<i4", [20]) })).found).toBe("-3 at index 19");
    expect(
      parseError(() => parseNpy({ images: grayNpy, labels: encodeNpy(labelBytes([...labelValues.subarray(0, 19), 256], "<i8"), "<i8", [20]) }))
        .message,
    ).toBe("NPY labels file: label out of range: expected integer labels 0..255 (labels are stored as uint8), found 256 at index 19");
    expect(parseError(() => parseNpy({ images: grayNpy, labels: labelsNpy }, { maxClasses: 3 })).expected).toBe(
      "integer labels 0..2 (at most 3 classes)",
    );
  });
});

describe("NPY hostile headers fail fast", () => {
  it("shape (2^40, 28, 28) and huge images: over the limits, nothing allocated", () => {
    const start = performance.now();
    expect(parseError(() => parseNpy({ images: encodeNpy(new Uint8Array(0), "|u1", [2 ** 40, 28, 28]) })).problem).toBe(
      "image count is over the limit",
    );
    expect(parseError(() => parseNpy({ images: encodeNpy(new Uint8Array(0), "|u1", [1, 2 ** 20, 2 ** 20]) })).problem).toBe(
      "image size is over the limit",
    );
    expect(parseError(() => parseNpy({ images: grayNpy, labels: encodeNpy(new Uint8Array(0), "<i8", [2 ** 50]) })).problem).toBe(
      "image count is over the limit",
    );
    expect(parseError(() => parseNpy({ images: encodeNpy(new Uint8Array(0), "|u1", [500_000, 1000, 1000]) }, { maxImages: 10 ** 6 })).problem).toBe(
      "truncated data",
    );
    expect(performance.now() - start).toBeLessThan(100);
  });
  it("header length over the limit", () => {
    const bytes = encodeNpy(gray.images, "|u1", [20, 6, 5], { version: 2 });
    new DataView(bytes.buffer).setUint32(8, 0xfffffff0, true);
    expect(parseError(() => parseNpy({ images: bytes })).message).toBe(
      "NPY images file: header is over the limit: expected at most 65,536 bytes, found 4,294,967,280 bytes",
    );
  });
});

describe("NPY fuzz", () => {
  it("random and mutated images/labels files parse or throw DatasetParseError", () => {
    const images = encodeNpy(gray.images.subarray(0, 4 * 30), "|u1", [4, 6, 5]);
    const labels = encodeNpy(labelBytes([1, 2, 3, 4], "<i8"), "<i8", [4]);
    const prefixes = [Uint8Array.of(0x93, 78, 85, 77, 80, 89, 1, 0), Uint8Array.of(0x93, 78, 85, 77, 80, 89, 3, 0, 60, 0, 0, 0)];
    const forImages = fuzz({
      seed: 301,
      seeds: [images, encodeNpy(rgb.images, "|u1", [9, 4, 4, 3], { version: 2 })],
      prefixes,
      parse: (bytes) => parseNpy({ images: bytes, labels }),
    });
    const forLabels = fuzz({
      seed: 302,
      seeds: [labels, encodeNpy(labelBytes([1, 2, 3, 4], ">i4"), ">i4", [4, 1])],
      prefixes,
      parse: (bytes) => parseNpy({ images, labels: bytes }),
    });
    expect(forImages.failures).toEqual([]);
    expect(forLabels.failures).toEqual([]);
    expect(forImages.parsed + forLabels.parsed).toBeGreaterThan(0);
  });
});
