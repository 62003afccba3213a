/**
 * Size caps shared by every parser. Uploaded files are hostile until proven
 * otherwise: a 16-byte IDX header can claim 2^32 images and a 1 KiB ZIP can
 * claim (or actually inflate to) gigabytes. Every parser checks the numbers a
 * header declares against these caps BEFORE allocating or decompressing, and
 * decompression is additionally capped on its real output.
 */
import { bytesText, fail } from "./errors";

export interface ParseLimits {
  /** Size of the uploaded input itself (compressed bytes, all files together). */
  maxBytes: number;
  maxImages: number;
  /** height * width of one image (channels not counted). */
  maxPixelsPerImage: number;
  maxZipEntries: number;
  /** Bytes produced by decompression and the decoded pixel array, each. */
  maxUncompressedBytes: number;
  /**
   * Largest allowed numClasses (= largest label + 1). ImageSet stores labels
   * as uint8, so 256 is a hard ceiling whatever this says.
   */
  maxClasses: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_PARSE_LIMITS: Readonly<ParseLimits> = Object.freeze({
  maxBytes: 256 * MiB,
  maxImages: 1_000_000,
  maxPixelsPerImage: 4096 * 4096,
  maxZipEntries: 200_000,
  maxUncompressedBytes: 1024 * MiB,
  maxClasses: 1000,
});

/** Labels are a Uint8Array, so no label above 255 can be represented. */
export const UINT8_LABEL_CEILING = 256;

/**
 * Defaults overlaid with the caller's overrides. A non-positive or
 * non-integer cap is a programming error (not bad input), hence RangeError.
 */
export function resolveLimits(overrides: Partial<ParseLimits> = {}): ParseLimits {
  const merged: ParseLimits = { ...DEFAULT_PARSE_LIMITS };
  for (const key of Object.keys(DEFAULT_PARSE_LIMITS) as (keyof ParseLimits)[]) {
    const value = overrides[key];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new RangeError(`parse limit ${key} must be a positive integer, got ${String(value)}`);
    }
    merged[key] = value;
  }
  return merged;
}

export function checkInputSize(format: string, byteLength: number, limits: ParseLimits): void {
  if (byteLength > limits.maxBytes) {
    fail({
      format,
      problem: "input is over the size limit",
      field: "size",
      expected: `at most ${bytesText(limits.maxBytes)}`,
      found: bytesText(byteLength),
    });
  }
}

/** count >= 1 and within maxImages; an empty dataset is useless to train on. */
export function checkImageCount(format: string, count: number, limits: ParseLimits): void {
  if (count < 1) {
    fail({ format, problem: "no images", field: "count", expected: "at least 1 image", found: "0" });
  }
  if (count > limits.maxImages) {
    fail({
      format,
      problem: "image count is over the limit",
      field: "count",
      expected: `at most ${limits.maxImages.toLocaleString("en-US")} images`,
      found: count.toLocaleString("en-US"),
    });
  }
}

export function checkImageSize(format: string, height: number, width: number, limits: ParseLimits): void {
  if (height < 1 || width < 1) {
    fail({ format, problem: "empty image size", field: "shape", expected: "height and width >= 1", found: `${height}x${width}` });
  }
  if (height * width > limits.maxPixelsPerImage) {
    fail({
      format,
      problem: "image size is over the limit",
      field: "shape",
      expected: `at most ${limits.maxPixelsPerImage.toLocaleString("en-US")} pixels per image`,
      found: `${height}x${width}`,
    });
  }
}

/** Cap on an allocation of decoded bytes (pixel arrays, inflated data). */
export function checkDecodedBytes(format: string, what: string, byteLength: number, limits: ParseLimits): void {
  if (byteLength > limits.maxUncompressedBytes) {
    fail({
      format,
      problem: `${what} is over the limit`,
      field: "size",
      expected: `at most ${bytesText(limits.maxUncompressedBytes)}`,
      found: bytesText(byteLength),
    });
  }
}

/**
 * Validates label values read from any integer type and packs them as uint8.
 * numClasses = largest label + 1, so sets whose labels start at 1 (EMNIST
 * letters: 1..26) keep their labels and get an unused class 0.
 */
export function packLabels(
  format: string,
  count: number,
  valueAt: (index: number) => number,
  limits: ParseLimits,
): { labels: Uint8Array; numClasses: number } {
  const ceiling = Math.min(limits.maxClasses, UINT8_LABEL_CEILING);
  const labels = new Uint8Array(count);
  let max = 0;
  for (let i = 0; i < count; i++) {
    const value = valueAt(i);
    if (!Number.isInteger(value) || value < 0 || value >= ceiling) {
      fail({
        format,
        problem: "label out of range",
        field: "labels",
        expected: `integer labels 0..${ceiling - 1}${ceiling === UINT8_LABEL_CEILING ? " (labels are stored as uint8)" : ` (at most ${limits.maxClasses} classes)`}`,
        found: `${value} at index ${i}`,
      });
    }
    labels[i] = value;
    if (value > max) max = value;
  }
  return { labels, numClasses: max + 1 };
}

/** Labels must pair one-to-one with images. */
export function checkLabelCount(format: string, images: number, labels: number): void {
  if (images !== labels) {
    fail({
      format,
      problem: "count mismatch between images and labels",
      field: "count",
      expected: `${images.toLocaleString("en-US")} labels (one per image)`,
      found: labels.toLocaleString("en-US"),
    });
  }
}
