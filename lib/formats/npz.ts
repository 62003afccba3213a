/**
 * NumPy `.npz` archives (np.savez / np.savez_compressed): a ZIP whose
 * entries are `<key>.npy`. Only the image and label entries are inflated,
 * so other arrays in the archive cost nothing. Entries that are not `.npy`
 * are ignored. Labels are optional (generated sets are unlabelled).
 */
import type { ImageSet } from "@/lib/images/image-set";
import { fail, quote } from "./errors";
import { checkInputSize, checkLabelCount, resolveLimits, type ParseLimits } from "./limits";
import { npyImages, npyLabels, readNpy } from "./npy";
import { readZip, type ZipEntry } from "./zip";

const FORMAT = "NPZ archive";

/** Tried in order when no key is given; the first image key present wins. */
export const NPZ_KEY_PAIRS: readonly (readonly [string, string])[] = [
  ["image", "label"],
  ["images", "labels"],
  ["x", "y"],
  ["x_train", "y_train"],
];

export interface NpzOptions {
  imageKey?: string;
  /** A key, or null to ignore any labels in the archive. */
  labelKey?: string | null;
}

export function parseNpz(bytes: Uint8Array, options: NpzOptions = {}, limitOverrides?: Partial<ParseLimits>): ImageSet {
  const limits = resolveLimits(limitOverrides);
  checkInputSize(FORMAT, bytes.length, limits);
  const zip = readZip(bytes, limits, FORMAT);
  const arrays = new Map<string, ZipEntry>();
  for (const entry of zip.entries) {
    if (!entry.isDirectory && entry.name.endsWith(".npy")) arrays.set(entry.name.slice(0, -4), entry);
  }
  const keys = [...arrays.keys()];
  const keyList = keys.length ? keys.map((k) => quote(k)).join(", ") : "no .npy entries";

  let imageKey = options.imageKey;
  let labelKey = options.labelKey;
  if (imageKey === undefined) {
    const pair = NPZ_KEY_PAIRS.find(([x]) => arrays.has(x));
    if (!pair) {
      fail({
        format: FORMAT,
        problem: "no image array",
        field: "keys",
        expected: `one of ${NPZ_KEY_PAIRS.map(([x]) => quote(x)).join(", ")}`,
        found: keyList,
        hint: "pass imageKey to choose another array",
      });
    }
    imageKey = pair[0];
    if (labelKey === undefined) labelKey = arrays.has(pair[1]) ? pair[1] : null;
  } else if (labelKey === undefined) {
    // An explicit image key pairs with its usual label key when there is one.
    const pair = NPZ_KEY_PAIRS.find(([x]) => x === imageKey);
    labelKey = pair && arrays.has(pair[1]) ? pair[1] : null;
  }
  const imageEntry = arrays.get(imageKey);
  if (!imageEntry) fail({ format: FORMAT, problem: "image array not found", field: "keys", expected: quote(imageKey), found: keyList });
  const labelEntry = labelKey === null ? undefined : arrays.get(labelKey);
  if (labelKey !== null && !labelEntry)
    fail({ format: FORMAT, problem: "label array not found", field: "keys", expected: quote(labelKey), found: keyList });

  const imageFormat = `${FORMAT} array ${quote(imageKey)}`;
  const pixels = npyImages(readNpy(zip.read(imageEntry), "images", imageFormat), imageFormat, limits);
  if (!labelEntry || labelKey === null) return { ...pixels, labels: null, numClasses: 0 };
  const labelFormat = `${FORMAT} array ${quote(labelKey)}`;
  const { labels, numClasses } = npyLabels(readNpy(zip.read(labelEntry), "labels", labelFormat), labelFormat, limits);
  checkLabelCount(labelFormat, pixels.count, labels.length);
  return { ...pixels, labels, numClasses };
}
