/**
 * CIFAR-10 / CIFAR-100 "binary version" batch files. No header or magic: a
 * file is a run of fixed-size records, so the only structural check is the
 * size, and labels are range-checked against the known class counts.
 *
 *   CIFAR-10  record: 1 label byte            + 3072 pixel bytes  (3073)
 *   CIFAR-100 record: coarse byte + fine byte + 3072 pixel bytes  (3074)
 *
 * Pixels are three 32x32 planes (R, then G, then B, each row-major); ImageSet
 * is channel-last, so each record is transposed CHW -> HWC.
 */
import type { ImageSet } from "@/lib/images/image-set";
import { bytesText, fail } from "./errors";
import { checkDecodedBytes, checkImageCount, checkInputSize, resolveLimits, type ParseLimits } from "./limits";

export type CifarVariant = "cifar10" | "cifar100";

export interface CifarOptions {
  variant: CifarVariant;
  /** CIFAR-100 only: the 100 fine classes (default) or the 20 coarse superclasses. */
  label?: "fine" | "coarse";
}

const SIDE = 32;
const PLANE = SIDE * SIDE;
const PIXELS = 3 * PLANE;

const VARIANTS = {
  cifar10: { name: "CIFAR-10", labelBytes: 1 },
  cifar100: { name: "CIFAR-100", labelBytes: 2 },
} as const;

export function cifarRecordSize(variant: CifarVariant): number {
  return VARIANTS[variant].labelBytes + PIXELS;
}

export function parseCifar(files: Uint8Array[], options: CifarOptions, limitOverrides?: Partial<ParseLimits>): ImageSet {
  const limits = resolveLimits(limitOverrides);
  const { variant } = options;
  const spec = VARIANTS[variant];
  const format = `${spec.name} binary`;
  const labelKind = options.label ?? "fine";
  if (variant === "cifar10" && labelKind === "coarse") {
    fail({
      format,
      problem: "unsupported label option",
      field: "label",
      expected: '"fine" (coarse labels exist only in CIFAR-100)',
      found: '"coarse"',
    });
  }
  if (files.length === 0) {
    fail({ format, problem: "no batch files", expected: "at least one file", found: "none" });
  }
  const recordSize = cifarRecordSize(variant);
  const other: CifarVariant = variant === "cifar10" ? "cifar100" : "cifar10";
  let total = 0;
  files.forEach((file, i) => {
    total += file.length;
    const where = files.length > 1 ? ` (file ${i + 1} of ${files.length})` : "";
    if (file.length === 0 || file.length % recordSize !== 0) {
      const otherSize = cifarRecordSize(other);
      // A size that fits the other variant is almost surely a variant mix-up.
      const looksOther = file.length > 0 && file.length % otherSize === 0;
      fail({
        format: `${format}${where}`,
        problem: "size is not a whole number of records",
        field: "size",
        expected: `a non-zero multiple of ${recordSize} bytes (${spec.name} record: ${spec.labelBytes} label byte${spec.labelBytes > 1 ? "s" : ""} + ${PIXELS} pixels; ${VARIANTS[other].name} records are ${otherSize})`,
        found: `${bytesText(file.length)} (${Math.floor(file.length / recordSize)} records + ${file.length % recordSize} bytes)`,
        ...(looksOther ? { hint: `the size fits ${VARIANTS[other].name} records; is the variant right?` } : {}),
      });
    }
  });
  checkInputSize(format, total, limits);
  const count = total / recordSize;
  checkImageCount(format, count, limits);
  checkDecodedBytes(format, "pixel data", count * PIXELS, limits);

  const numClasses = variant === "cifar10" ? 10 : labelKind === "coarse" ? 20 : 100;
  // Which label byte to read: CIFAR-100 stores coarse first, then fine.
  const labelOffset = variant === "cifar100" && labelKind === "fine" ? 1 : 0;
  const images = new Uint8Array(count * PIXELS);
  const labels = new Uint8Array(count);
  let n = 0;
  files.forEach((file, fileIndex) => {
    for (let start = 0; start < file.length; start += recordSize, n++) {
      const label = file[start + labelOffset] as number;
      if (label >= numClasses) {
        fail({
          format: files.length > 1 ? `${format} (file ${fileIndex + 1} of ${files.length})` : format,
          problem: `${variant === "cifar100" ? `${labelKind} ` : ""}label out of range`,
          field: "labels",
          expected: `labels 0..${numClasses - 1}`,
          found: `${label} in record ${start / recordSize}`,
          ...(variant === "cifar10" && label < 100 ? { hint: "is this a CIFAR-100 file?" } : {}),
        });
      }
      labels[n] = label;
      const pixels = start + spec.labelBytes;
      const out = n * PIXELS;
      for (let p = 0; p < PLANE; p++) {
        images[out + 3 * p] = file[pixels + p] as number;
        images[out + 3 * p + 1] = file[pixels + PLANE + p] as number;
        images[out + 3 * p + 2] = file[pixels + 2 * PLANE + p] as number;
      }
    }
  });
  return { images, labels, count, height: SIDE, width: SIDE, channels: 3, numClasses };
}

/**
 * Writes one batch file. CIFAR-100 needs both label bytes; `coarse` supplies
 * the coarse ones (0 when omitted) and set.labels the fine ones.
 */
export function encodeCifar(set: ImageSet, variant: CifarVariant, coarse?: Uint8Array): Uint8Array {
  if (set.height !== SIDE || set.width !== SIDE || set.channels !== 3 || !set.labels) {
    throw new RangeError(`CIFAR needs labelled 32x32x3 images, got ${set.height}x${set.width}x${set.channels}`);
  }
  const recordSize = cifarRecordSize(variant);
  const out = new Uint8Array(set.count * recordSize);
  for (let i = 0; i < set.count; i++) {
    let at = i * recordSize;
    if (variant === "cifar100") out[at++] = coarse?.[i] ?? 0;
    out[at++] = set.labels[i] ?? 0;
    const src = i * PIXELS;
    for (let p = 0; p < PLANE; p++) {
      out[at + p] = set.images[src + 3 * p] ?? 0;
      out[at + PLANE + p] = set.images[src + 3 * p + 1] ?? 0;
      out[at + 2 * PLANE + p] = set.images[src + 3 * p + 2] ?? 0;
    }
  }
  return out;
}
