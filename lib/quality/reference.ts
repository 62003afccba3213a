import type { ImageSet } from "@/lib/images/image-set";
import { convertImageSet, fitShape, type ImageShape } from "@/lib/images/resize";
import { createRng, permutation } from "@/lib/train/rng";
import type { FeatureMatrix } from "./frechet";

/**
 * The fixed reference network whose features the Fréchet distance is
 * measured in: a one-hidden-layer classifier trained once per dataset on
 * its labelled images (images shrunk to at most 16 pixels a side). It is
 * plain deterministic float64 JavaScript, so the server and every browser
 * compute the same weights and the same features; its hidden ReLU layer is
 * the feature space. It never sees generated images and is never used for
 * training the contrastive encoders.
 */
export const REFERENCE_VERSION = 1;
const SIDE = 16;

export interface ReferenceNet {
  version: number;
  /** Shape of the dataset's images; other images are converted to it first. */
  imageShape: ImageShape;
  /** Shape the network reads (the image shrunk to <= 16 pixels a side). */
  inputShape: ImageShape;
  hidden: number;
  classes: number;
  /** inputs x hidden, row-major. */
  w1: number[];
  b1: number[];
  /** hidden x classes. */
  w2: number[];
  b2: number[];
  /** Accuracy on the training images, a sanity figure. */
  trainAccuracy: number;
}

export interface ReferenceOptions {
  seed?: number;
  maxImages?: number;
  epochs?: number;
  hidden?: number;
}

function inputs(set: ImageSet, net: Pick<ReferenceNet, "imageShape" | "inputShape">): { x: Float64Array; size: number } {
  const shaped = convertImageSet(convertImageSet(set, net.imageShape), net.inputShape);
  const size = net.inputShape.height * net.inputShape.width * net.inputShape.channels;
  const x = new Float64Array(shaped.count * size);
  for (let i = 0; i < x.length; i++) x[i] = (shaped.images[i] as number) / 255 - 0.5;
  return { x, size };
}

export function trainReferenceNet(set: ImageSet, options: ReferenceOptions = {}): ReferenceNet {
  if (!set.labels || set.numClasses < 2) throw new Error("the reference network needs a labelled dataset with at least 2 classes");
  const { seed = 1234, maxImages = 4000, epochs = 8, hidden = 32 } = options;
  const rng = createRng(seed);
  const count = Math.min(set.count, maxImages);
  const chosen = permutation(set.count, rng).subarray(0, count);
  const imageShape = { height: set.height, width: set.width, channels: set.channels };
  const shape = { imageShape, inputShape: fitShape(imageShape, SIDE) };
  const pickedImages = new Uint8Array(count * set.height * set.width * set.channels);
  const size0 = set.height * set.width * set.channels;
  const labels = new Uint8Array(count);
  chosen.forEach((source, i) => {
    pickedImages.set(set.images.subarray(source * size0, (source + 1) * size0), i * size0);
    labels[i] = set.labels![source] as number;
  });
  const { x, size } = inputs({ ...set, images: pickedImages, labels, count }, shape);
  const classes = set.numClasses;
  const scale1 = Math.sqrt(2 / size);
  const scale2 = Math.sqrt(1 / hidden);
  const w1 = Array.from({ length: size * hidden }, () => rng.normal() * scale1);
  const b1 = new Array<number>(hidden).fill(0);
  const w2 = Array.from({ length: hidden * classes }, () => rng.normal() * scale2);
  const b2 = new Array<number>(classes).fill(0);
  const h = new Float64Array(hidden);
  const p = new Float64Array(classes);
  const dh = new Float64Array(hidden);
  const rate = 0.05;
  for (let epoch = 0; epoch < epochs; epoch++) {
    const order = permutation(count, rng);
    const lr = rate * (1 - epoch / epochs) + 0.005;
    for (const n of order) {
      forward(x, n * size, size, w1, b1, w2, b2, hidden, classes, h, p);
      p[labels[n] as number]! -= 1; // softmax cross-entropy gradient
      dh.fill(0);
      for (let j = 0; j < hidden; j++) {
        if (h[j] === 0) continue;
        for (let c = 0; c < classes; c++) {
          dh[j]! += w2[j * classes + c]! * p[c]!;
          w2[j * classes + c]! -= lr * h[j]! * p[c]!;
        }
      }
      for (let c = 0; c < classes; c++) b2[c]! -= lr * p[c]!;
      for (let j = 0; j < hidden; j++) {
        const g = dh[j]!;
        if (g === 0) continue;
        b1[j]! -= lr * g;
        for (let i = 0; i < size; i++) w1[i * hidden + j]! -= lr * g * x[n * size + i]!;
      }
    }
  }
  let correct = 0;
  for (let n = 0; n < count; n++) {
    forward(x, n * size, size, w1, b1, w2, b2, hidden, classes, h, p);
    let best = 0;
    for (let c = 1; c < classes; c++) if (p[c]! > p[best]!) best = c;
    if (best === labels[n]) correct++;
  }
  return { version: REFERENCE_VERSION, ...shape, hidden, classes, w1, b1, w2, b2, trainAccuracy: correct / count };
}

function forward(
  x: Float64Array,
  offset: number,
  size: number,
  w1: number[],
  b1: number[],
  w2: number[],
  b2: number[],
  hidden: number,
  classes: number,
  h: Float64Array,
  p: Float64Array,
): void {
  for (let j = 0; j < hidden; j++) h[j] = b1[j]!;
  for (let i = 0; i < size; i++) {
    const xi = x[offset + i]!;
    if (xi === 0) continue;
    const row = i * hidden;
    for (let j = 0; j < hidden; j++) h[j]! += xi * w1[row + j]!;
  }
  for (let j = 0; j < hidden; j++) if (h[j]! < 0) h[j] = 0;
  let max = -Infinity;
  for (let c = 0; c < classes; c++) {
    let z = b2[c]!;
    for (let j = 0; j < hidden; j++) z += h[j]! * w2[j * classes + c]!;
    p[c] = z;
    if (z > max) max = z;
  }
  let total = 0;
  for (let c = 0; c < classes; c++) {
    p[c] = Math.exp(p[c]! - max);
    total += p[c]!;
  }
  for (let c = 0; c < classes; c++) p[c]! /= total;
}

/** Hidden-layer activations of every image (converted to the dataset's shape first). */
export function referenceFeatures(net: ReferenceNet, set: ImageSet): FeatureMatrix {
  const { x, size } = inputs(set, net);
  const { hidden } = net;
  const data = new Float64Array(set.count * hidden);
  for (let n = 0; n < set.count; n++) {
    for (let j = 0; j < hidden; j++) data[n * hidden + j] = net.b1[j]!;
    for (let i = 0; i < size; i++) {
      const xi = x[n * size + i]!;
      if (xi === 0) continue;
      for (let j = 0; j < hidden; j++) data[n * hidden + j]! += xi * net.w1[i * hidden + j]!;
    }
    for (let j = 0; j < hidden; j++) if (data[n * hidden + j]! < 0) data[n * hidden + j] = 0;
  }
  return { rows: set.count, dim: hidden, data };
}

/** The reference network of a dataset as the app trains it (fixed seed and options, all labelled images up to 4,000). */
export function datasetReferenceNet(set: ImageSet): ReferenceNet {
  return trainReferenceNet(set, { seed: 1234, maxImages: 4000, epochs: 6, hidden: 32 });
}
