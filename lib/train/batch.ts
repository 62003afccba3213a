import * as tf from "@tensorflow/tfjs-core";
import { imageBytes, type ImageSet } from "@/lib/images/image-set";

/** uint8 -> [0, 1] lookup; the same table on every backend, so inputs are bit-identical. */
const UNIT_SCALE = Float32Array.from({ length: 256 }, (_, v) => v / 255);

/**
 * Builds one float batch [n, H, W, C] in [0, 1] from uint8 images. Batches
 * are assembled on the CPU and uploaded one at a time, so a dataset never
 * lives on the GPU as float32. `sources[which[i]]` holds image `index[i]`.
 */
export function batchTensor(sources: readonly ImageSet[], which: Uint8Array | null, index: Int32Array): tf.Tensor4D {
  const first = sources[0];
  if (!first) throw new Error("batchTensor needs at least one image source");
  const size = imageBytes(first);
  const pixels = new Float32Array(index.length * size);
  for (let i = 0; i < index.length; i++) {
    const source = sources[which ? (which[i] as number) : 0];
    if (!source) throw new Error(`batch entry ${i} names a missing image source`);
    const start = (index[i] as number) * size;
    const images = source.images;
    for (let p = 0; p < size; p++) pixels[i * size + p] = UNIT_SCALE[images[start + p] as number] as number;
  }
  return tf.tensor4d(pixels, [index.length, first.height, first.width, first.channels]);
}

/**
 * Indices of the `batch`-th fixed-size window over `count` images. The last
 * window is padded by repeating image 0 so every call has the same shape
 * (GPU backends cache buffers per exact size); `valid` says how many rows count.
 */
export function windowIndices(count: number, batchSize: number, batch: number): { index: Int32Array; valid: number } {
  const start = batch * batchSize;
  const valid = Math.max(0, Math.min(batchSize, count - start));
  const index = new Int32Array(batchSize);
  for (let i = 0; i < valid; i++) index[i] = start + i;
  return { index, valid };
}

export function sameImageShape(a: ImageSet, b: ImageSet): boolean {
  return a.height === b.height && a.width === b.width && a.channels === b.channels;
}
