/**
 * IDX files, the container of the MNIST family (MNIST, Fashion-MNIST,
 * KMNIST, EMNIST): magic 0x0000TTDD (TT = data type, DD = number of
 * dimensions), then DD big-endian uint32 sizes, then the data. Images are
 * 0x00000803 (uint8, N x H x W), labels 0x00000801 (uint8, N).
 *
 * EMNIST stores each image transposed relative to MNIST; pixels are kept as
 * stored, and so are labels (EMNIST letters use 1..26, so numClasses is 27).
 */
import type { ImageSet } from "@/lib/images/image-set";
import { bytesText, fail, hex } from "./errors";
import { inflateCapped, isGzip } from "./inflate";
import {
  checkDecodedBytes,
  checkImageCount,
  checkImageSize,
  checkInputSize,
  checkLabelCount,
  packLabels,
  resolveLimits,
  type ParseLimits,
} from "./limits";

const UBYTE = 0x08;
const IDX_TYPES: Record<number, string> = {
  0x08: "unsigned byte",
  0x09: "signed byte",
  0x0b: "int16",
  0x0c: "int32",
  0x0d: "float32",
  0x0e: "float64",
};

const IMAGES_FORMAT = "IDX images file";
const LABELS_FORMAT = "IDX labels file";

export interface IdxFiles {
  images: Uint8Array;
  labels?: Uint8Array | null;
}

/** Reads the header and returns the dimension sizes; checks magic, type and rank. */
function readHeader(data: Uint8Array, format: string, rank: number): { dims: number[]; dataOffset: number } {
  const expectedMagic = (UBYTE << 8) | rank;
  if (data.length < 4) {
    fail({ format, problem: "truncated header", field: "magic", expected: "at least 4 bytes", found: bytesText(data.length) });
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const magic = view.getUint32(0, false);
  const type = data[2] as number;
  const foundRank = data[3] as number;
  if (data[0] !== 0 || data[1] !== 0 || !(type in IDX_TYPES)) {
    fail({ format, problem: "wrong magic number", field: "magic", expected: hex(expectedMagic), found: hex(magic) });
  }
  if (type !== UBYTE) {
    fail({
      format,
      problem: "unsupported data type",
      field: "dtype",
      expected: `${hex(UBYTE, 2)} (unsigned byte)`,
      found: `${hex(type, 2)} (${IDX_TYPES[type]})`,
    });
  }
  if (foundRank !== rank) {
    // The usual cause is the two files swapped, so say so.
    const swapped =
      rank === 3 && foundRank === 1
        ? "this looks like a labels file; were images and labels swapped?"
        : rank === 1 && foundRank === 3
          ? "this looks like an images file; were images and labels swapped?"
          : undefined;
    fail({
      format,
      problem: "wrong magic number",
      field: "magic",
      expected: hex(expectedMagic),
      found: hex(magic),
      ...(swapped ? { hint: swapped } : {}),
    });
  }
  const dataOffset = 4 + 4 * rank;
  if (data.length < dataOffset) {
    fail({ format, problem: "truncated header", field: "dims", expected: `${dataOffset} header bytes`, found: bytesText(data.length) });
  }
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  return { dims, dataOffset };
}

/** The header promises exactly `payload` bytes after itself: no more, no less. */
function checkLength(data: Uint8Array, format: string, dataOffset: number, payload: number, what: string): void {
  const expected = dataOffset + payload;
  if (data.length < expected) {
    fail({ format, problem: "truncated data", field: "data", expected: `${bytesText(expected)} (${what})`, found: bytesText(data.length) });
  }
  if (data.length > expected) {
    fail({
      format,
      problem: "trailing garbage after the data",
      field: "data",
      expected: `${bytesText(expected)} (${what})`,
      found: bytesText(data.length),
    });
  }
}

/** Gunzips when the input starts with the gzip magic, with the output capped. */
function maybeGunzip(bytes: Uint8Array, format: string, limits: ParseLimits): Uint8Array {
  checkInputSize(format, bytes.length, limits);
  return isGzip(bytes) ? inflateCapped("gzip", `${format} (gzip)`, bytes, limits.maxUncompressedBytes) : bytes;
}

export function parseIdx(files: IdxFiles, limitOverrides?: Partial<ParseLimits>): ImageSet {
  const limits = resolveLimits(limitOverrides);
  checkInputSize("IDX files", files.images.length + (files.labels?.length ?? 0), limits);

  const imageData = maybeGunzip(files.images, IMAGES_FORMAT, limits);
  const { dims, dataOffset } = readHeader(imageData, IMAGES_FORMAT, 3);
  const [count, height, width] = dims as [number, number, number];
  // Limits first: a header claiming 2^31 images fails here, before any
  // arithmetic on the payload size or any allocation.
  checkImageCount(IMAGES_FORMAT, count, limits);
  checkImageSize(IMAGES_FORMAT, height, width, limits);
  const pixels = count * height * width;
  checkLength(imageData, IMAGES_FORMAT, dataOffset, pixels, `header + ${count} images of ${height}x${width}`);
  checkDecodedBytes(IMAGES_FORMAT, "pixel data", pixels, limits);
  // Copy so the set neither aliases nor pins the upload buffer.
  const images = imageData.slice(dataOffset);

  let labels: Uint8Array | null = null;
  let numClasses = 0;
  if (files.labels) {
    const labelData = maybeGunzip(files.labels, LABELS_FORMAT, limits);
    const header = readHeader(labelData, LABELS_FORMAT, 1);
    const labelCount = header.dims[0] as number;
    checkLabelCount(LABELS_FORMAT, count, labelCount);
    checkLength(labelData, LABELS_FORMAT, header.dataOffset, labelCount, `header + ${labelCount} labels`);
    const raw = labelData.subarray(header.dataOffset);
    ({ labels, numClasses } = packLabels(LABELS_FORMAT, labelCount, (i) => raw[i] as number, limits));
  }
  return { images, labels, count, height, width, channels: 1, numClasses };
}

function header(magic: number, dims: number[]): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, magic, false);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  return out;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** Writes the images (and labels, when present) files; for tests and exports. */
export function encodeIdx(set: ImageSet): { images: Uint8Array; labels: Uint8Array | null } {
  if (set.channels !== 1) throw new RangeError(`IDX images are single-channel; this set has ${set.channels} channels`);
  const pixels = set.count * set.height * set.width;
  const images = concat(header(0x00000803, [set.count, set.height, set.width]), set.images.subarray(0, pixels));
  const labels = set.labels ? concat(header(0x00000801, [set.count]), set.labels.subarray(0, set.count)) : null;
  return { images, labels };
}
