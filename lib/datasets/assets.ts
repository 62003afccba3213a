import "server-only";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { NotFoundError } from "@/lib/errors";
import { promiseCache } from "@/lib/promise-cache";
import { parseDatasetAsset, type ImageSet } from "@/lib/images/image-set";
import { BUILTIN_MNIST_REF, shaFromRef } from "./refs";
import { getBlob } from "./store";

/**
 * Server-side access to the images behind a dataset reference, for previews
 * and quality scores. A few parsed sets stay in memory; uploads are
 * immutable (content-addressed), so nothing ever needs invalidating.
 */
const MiB = 1024 * 1024;
const cached = promiseCache<ImageSet>({
  maxEntries: 4,
  // Bounded by what the parsed sets hold, not by their count: four 256 MB uploads would be a gigabyte.
  maxBytes: Number(process.env.INFLATION_LAB_IMAGE_CACHE_MB ?? 512) * MiB,
  sizeOf: (set) => set.images.byteLength + (set.labels?.byteLength ?? 0),
});

async function readAsset(ref: string): Promise<Uint8Array> {
  if (ref === BUILTIN_MNIST_REF) return new Uint8Array(await readFile(path.join(process.cwd(), "public", "datasets", "mnist-10k.bin")));
  const sha = shaFromRef(ref);
  const bytes = sha ? await getBlob(sha) : null;
  if (!bytes) throw new NotFoundError("dataset file");
  return bytes;
}

export function loadImageSet(ref: string): Promise<ImageSet> {
  return cached(ref, () => readAsset(ref).then(parseDatasetAsset));
}

export interface PreviewSample {
  index: number;
  label: number | null;
  /** height*width*channels bytes, base64. */
  pixels: string;
}

/**
 * Up to `perClass` images of each of the first 10 classes for labelled sets,
 * else `total` images spread evenly over the set: enough to see at a glance
 * whether the upload is what the user meant.
 */
export function previewSamples(set: ImageSet, { perClass = 4, total = 40 } = {}): PreviewSample[] {
  const size = set.height * set.width * set.channels;
  const indices: number[] = [];
  if (set.labels) {
    const taken = new Map<number, number>();
    for (let i = 0; i < set.count && indices.length < total; i++) {
      const label = set.labels[i] as number;
      if (label >= 10) continue;
      const n = taken.get(label) ?? 0;
      if (n < perClass) {
        taken.set(label, n + 1);
        indices.push(i);
      }
    }
    indices.sort((a, b) => (set.labels![a] as number) - (set.labels![b] as number) || a - b);
  } else {
    const n = Math.min(total, set.count);
    for (let k = 0; k < n; k++) indices.push(Math.floor((k * set.count) / n));
  }
  return indices.map((index) => ({
    index,
    label: set.labels ? (set.labels[index] as number) : null,
    pixels: Buffer.from(set.images.subarray(index * size, (index + 1) * size)).toString("base64"),
  }));
}
