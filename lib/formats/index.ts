/**
 * Dataset upload parsers (server-only: they use node:zlib). Each parser
 * returns an ImageSet or throws DatasetParseError; see the files for the
 * exact rules of each format.
 */
import "server-only";
import { constants, gunzipSync } from "node:zlib";
import { cifarRecordSize } from "./cifar";
import { isGzip } from "./inflate";
import { DEFAULT_PARSE_LIMITS } from "./limits";
import { readZip } from "./zip";

export { DatasetParseError, type DatasetParseErrorInit } from "./errors";
export { DEFAULT_PARSE_LIMITS, resolveLimits, type ParseLimits } from "./limits";
export { parseIdx, encodeIdx, type IdxFiles } from "./idx";
export { parseCifar, encodeCifar, cifarRecordSize, type CifarOptions, type CifarVariant } from "./cifar";
export { parseNpy, readNpy, npyImages, npyLabels, encodeNpy, type NpyArray, type NpyDtype } from "./npy";
export { parseNpz, NPZ_KEY_PAIRS, type NpzOptions } from "./npz";
export { parsePngFolder, type PngFolderSet } from "./png-folder";
export { decodePng, type DecodedPng } from "./png";
export { readZip, type ZipArchive, type ZipEntry } from "./zip";
export { crc32 } from "./crc32";

export type DatasetFormat = "idx-images" | "idx-labels" | "cifar10" | "cifar100" | "npy" | "npz" | "png-zip" | "unknown";

export interface DetectedFormat {
  format: DatasetFormat;
  /** IDX files are often uploaded as .gz; the parsers gunzip them themselves. */
  gzipped: boolean;
  /** Why this format was chosen, for logs and "did you mean" messages. */
  reason: string;
}

const IDX_TYPES = new Set([0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e]);

/** The first bytes of a gzip stream, without inflating the whole file. */
function gunzipPrefix(bytes: Uint8Array): Uint8Array {
  try {
    // Z_SYNC_FLUSH returns what a truncated stream decodes to instead of
    // failing; 4 KiB of input inflates to at most ~4 MiB.
    return gunzipSync(bytes.subarray(0, 4096), { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: 8 * 1024 * 1024 });
  } catch {
    return new Uint8Array(0);
  }
}

/**
 * Guesses the format from magic numbers first and the file name second
 * (CIFAR has no magic, only a record size). Never throws; "unknown" when
 * nothing fits. Detection is a hint: the chosen parser still validates.
 */
export function detectFormat(fileName: string, bytes: Uint8Array): DetectedFormat {
  const name = fileName.toLowerCase().split(/[\\/]/).at(-1) ?? "";
  const gzipped = isGzip(bytes);
  const head = gzipped ? gunzipPrefix(bytes) : bytes;
  const result = (format: DatasetFormat, reason: string): DetectedFormat => ({ format, gzipped, reason });

  if (head.length >= 6 && head[0] === 0x93 && String.fromCharCode(...head.subarray(1, 6)) === "NUMPY") {
    return result("npy", "starts with \\x93NUMPY");
  }
  if (head.length >= 4 && head[0] === 0 && head[1] === 0 && IDX_TYPES.has(head[2] as number)) {
    if (head[3] === 3) return result("idx-images", `IDX magic ${head[2] === 8 ? "0x00000803" : "with 3 dimensions"}`);
    if (head[3] === 1) return result("idx-labels", "IDX magic with 1 dimension");
  }
  if (!gzipped && bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b) {
    try {
      const entries = readZip(bytes, DEFAULT_PARSE_LIMITS).entries.map((e) => e.name.toLowerCase());
      if (entries.some((e) => e.endsWith(".npy"))) return result("npz", "ZIP with .npy entries");
      if (entries.some((e) => e.endsWith(".png"))) return result("png-zip", "ZIP with .png entries");
    } catch {
      // Unreadable ZIP: fall through to name-based guesses and "unknown".
    }
    if (name.endsWith(".npz")) return result("npz", "file name ends in .npz");
    return result("unknown", "ZIP archive without .npy or .png entries");
  }
  if (!gzipped && bytes.length > 0) {
    const fits10 = bytes.length % cifarRecordSize("cifar10") === 0;
    const fits100 = bytes.length % cifarRecordSize("cifar100") === 0;
    // CIFAR-10 batches are data_batch_N.bin / test_batch.bin; CIFAR-100 are train.bin / test.bin.
    const named100 = /^(train|test)\.bin$/.test(name);
    if (fits10 && fits100) return result(named100 ? "cifar100" : "cifar10", "size fits both CIFAR record sizes; chose by file name");
    if (fits10) return result("cifar10", "size is a multiple of the 3073-byte CIFAR-10 record");
    if (fits100) return result("cifar100", "size is a multiple of the 3074-byte CIFAR-100 record");
  }
  return result("unknown", "no known magic number or record size");
}
