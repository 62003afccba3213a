import "server-only";
import { storableName } from "@/lib/text";
import {
  DatasetParseError,
  detectFormat,
  parseCifar,
  parseIdx,
  parseNpy,
  parseNpz,
  parsePngFolder,
  readNpy,
  resolveLimits,
  type DatasetFormat,
  type ParseLimits,
} from "@/lib/formats";
import type { ImageSet } from "@/lib/images/image-set";
import { convertImageSet, storedShape } from "@/lib/images/resize";

/**
 * Turns the files of one upload into one ImageSet, whatever the format:
 * detects each file, checks that the files make sense together (an IDX
 * images file with its labels file, CIFAR batches of one variant, ...),
 * parses, and applies the role's rules. Throws DatasetParseError, which the
 * API shows verbatim, for every problem with the input.
 */
export type UploadRole = "dataset" | "generated";

export interface UploadFile {
  name: string;
  bytes: Uint8Array;
}

export interface IngestOptions {
  role: UploadRole;
  /** NPZ keys; by default image/label, images/labels, x/y and x_train/y_train are tried. */
  imageKey?: string;
  labelKey?: string;
  /** CIFAR-100: fine (100) or coarse (20) labels. */
  cifarLabel?: "fine" | "coarse";
  limits?: Partial<ParseLimits>;
}

export type StoredFormat = "idx" | "cifar10" | "cifar100" | "npy" | "npz" | "png-zip";

export interface Ingested {
  set: ImageSet;
  format: StoredFormat;
  classNames: string[];
  /** What was changed on the way in (resizing, dropped labels), for the UI. */
  notes: string[];
}

const FORMAT = "upload";
const ACCEPTED = "IDX images (+ labels) files, CIFAR-10/100 binary batches, .npy, .npz, or a .zip of PNG files";

function reject(problem: string, expected: string, found: string, field?: string, hint?: string): never {
  throw new DatasetParseError({ format: FORMAT, problem, expected, found, field, hint });
}

const list = (names: string[]) => names.map((n) => JSON.stringify(n)).join(", ");

function parseFiles(files: UploadFile[], options: IngestOptions, limits: ParseLimits): { set: ImageSet; format: StoredFormat; classNames: string[] } {
  const detected = files.map((file) => ({ file, ...detectFormat(file.name, file.bytes) }));
  const unknown = detected.filter((d) => d.format === "unknown");
  if (unknown.length > 0) {
    const first = unknown[0]!;
    reject("unrecognised file", ACCEPTED, `${JSON.stringify(first.file.name)}: ${first.reason}`, "files");
  }
  const formats = new Set<DatasetFormat>(detected.map((d) => d.format));
  const only = (...allowed: DatasetFormat[]) => [...formats].every((f) => allowed.includes(f));
  const names = files.map((f) => f.name);

  if (only("idx-images", "idx-labels")) {
    const images = detected.filter((d) => d.format === "idx-images");
    const labels = detected.filter((d) => d.format === "idx-labels");
    if (images.length !== 1 || labels.length > 1) {
      reject(
        "wrong set of IDX files",
        "one images file (magic 0x00000803) and at most one labels file (0x00000801)",
        `${images.length} images file(s) and ${labels.length} labels file(s) among ${list(names)}`,
        "files",
      );
    }
    const set = parseIdx({ images: images[0]!.file.bytes, labels: labels[0]?.file.bytes ?? null }, limits);
    return { set, format: "idx", classNames: [] };
  }
  if (only("cifar10") || only("cifar100")) {
    const variant = formats.has("cifar10") ? "cifar10" : "cifar100";
    const set = parseCifar(
      files.map((f) => f.bytes),
      { variant, label: options.cifarLabel },
      limits,
    );
    return { set, format: variant, classNames: [] };
  }
  if (files.length === 1 && formats.has("npz")) {
    const labelKey = options.role === "generated" ? null : options.labelKey;
    return { set: parseNpz(files[0]!.bytes, { imageKey: options.imageKey, labelKey }, limits), format: "npz", classNames: [] };
  }
  if (only("npy") && files.length <= 2) {
    // With two files, the one-dimensional array is the labels.
    const ranked = files.map((file) => ({ file, ndim: safeNdim(file.bytes) }));
    const labelsFile = files.length === 2 ? ranked.find((r) => r.ndim === 1)?.file : undefined;
    const imagesFile = ranked.find((r) => r.file !== labelsFile)?.file;
    if (files.length === 2 && (!labelsFile || !imagesFile)) {
      reject(
        "wrong set of .npy files",
        "one image array (N x H x W [x C]) and one label array (N)",
        `${list(names)} with no one-dimensional array`,
        "files",
      );
    }
    const set = parseNpy({ images: imagesFile!.bytes, labels: options.role === "generated" ? null : (labelsFile?.bytes ?? null) }, limits);
    return { set, format: "npy", classNames: [] };
  }
  if (files.length === 1 && formats.has("png-zip")) {
    const { classNames, ...set } = parsePngFolder(files[0]!.bytes, limits);
    return { set, format: "png-zip", classNames };
  }
  return reject(
    "files of different or incompatible formats",
    `${ACCEPTED}; one format per upload (several files only for IDX images + labels, CIFAR batches or .npy images + labels)`,
    detected.map((d) => `${JSON.stringify(d.file.name)} (${d.format})`).join(", "),
    "files",
  );
}

function safeNdim(bytes: Uint8Array): number {
  try {
    return readNpy(bytes, "labels", "NPY file").shape.length;
  } catch {
    return -1;
  }
}

/** Longest stored class name, in code points. */
export const MAX_CLASS_NAME = 100;

/** The smallest side the conv encoder and its random crops can learn from. */
export const MIN_IMAGE_SIDE = 8;
/** A real dataset must hold the smallest train split (100) and the smallest test split (100). */
export const MIN_DATASET_IMAGES = 200;
/** A generated set below this cannot have its quality measured or inflate anything. */
export const MIN_GENERATED_IMAGES = 10;

/** Refuses sets nothing could be trained on, before anything is stored (a set of 1x1 images, say). */
export function checkTrainable(set: { count: number; height: number; width: number }, role: IngestOptions["role"]): void {
  if (set.height < MIN_IMAGE_SIDE || set.width < MIN_IMAGE_SIDE) {
    reject("images too small to train on", `at least ${MIN_IMAGE_SIDE}x${MIN_IMAGE_SIDE} pixels`, `${set.height}x${set.width} pixels`, "files");
  }
  const least = role === "dataset" ? MIN_DATASET_IMAGES : MIN_GENERATED_IMAGES;
  if (set.count < least) {
    const why = role === "dataset" ? "the smallest train split (100) plus the smallest test split (100)" : "enough to mix in and to measure";
    reject("too few images to train on", `at least ${least} images (${why})`, `${set.count} image${set.count === 1 ? "" : "s"}`, "files");
  }
}

export function ingestFiles(files: UploadFile[], options: IngestOptions): Ingested {
  const limits = resolveLimits(options.limits);
  if (files.length === 0) reject("no files", "at least one file", "none", "files");
  const total = files.reduce((sum, f) => sum + f.bytes.length, 0);
  if (total > limits.maxBytes) {
    reject("upload too large", `at most ${limits.maxBytes.toLocaleString("en-US")} bytes`, `${total.toLocaleString("en-US")} bytes`, "files");
  }
  const parsed = parseFiles(files, options, limits);
  let set = parsed.set;
  let classNames = parsed.classNames;
  const notes: string[] = [];
  if (set.count === 0) reject("no images", "at least one image", "0 images", "files");
  if (options.role === "dataset") {
    if (!set.labels || set.numClasses < 2) {
      reject(
        "a real dataset needs labels",
        "a label for every image and at least 2 classes (the linear probe and kNN evaluation use them)",
        set.labels ? `${set.numClasses} class` : "no labels",
        "labels",
        "upload the labels file too, or upload this set as generated data",
      );
    }
  } else if (set.labels) {
    notes.push("labels ignored: generated images are used without labels");
    set = { ...set, labels: null, numClasses: 0 };
    classNames = [];
  }
  const target = storedShape(set);
  if (target.height !== set.height || target.width !== set.width) {
    notes.push(`resized from ${set.height}x${set.width} to ${target.height}x${target.width} (the encoder takes at most 64 pixels a side)`);
    set = convertImageSet(set, target);
  }
  // Folder names in a zip can be any length: class names are stored, so they are bounded.
  return { set, format: parsed.format, classNames: classNames.map((name) => storableName(name, MAX_CLASS_NAME) || "(unnamed)"), notes };
}
