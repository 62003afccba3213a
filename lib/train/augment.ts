import * as tf from "@tensorflow/tfjs-core";
import type { AugKnob } from "@/lib/sweep/schema";
import { cropBoxToNormalized, sampleCropBox } from "./crop";
import type { Rng } from "./rng";

export { sampleCropBox, cropBoxToNormalized, CROP_RATIO, type CropBox } from "./crop";

/** One SimCLR-style augmentation recipe (PAPER.md, "Augmentation"). */
export interface AugmentParams {
  /** a in RandomResizedCrop(scale=(a, 1)); 1 keeps the full image. */
  cropMinScale: number;
  /** p: probability that colour jitter is applied to an image. */
  jitterProb: number;
  /** j: jitter factors (brightness, contrast, saturation, hue) = (0.8j, 0.8j, 0.8j, 0.2j). */
  jitterStrength: number;
  /** RandomGrayscale probability; RGB only. */
  grayscaleProb: number;
  /** Horizontal flip probability (0 for digits, whose mirror images are other shapes). */
  flipProb: number;
}

export const SIMCLR_AUGMENT: Readonly<AugmentParams> = {
  cropMinScale: 0.08,
  jitterProb: 0.8,
  jitterStrength: 1,
  grayscaleProb: 0.2,
  flipProb: 0,
};

/**
 * Maps one swept knob to a full recipe. The composite strength s gives
 * a = 0.08^s, p = min(1, 0.8 s), j = s: s = 1 is the SimCLR default,
 * s = 0.5 gives a = 0.28, p = 0.4, j = 0.5 (about the AdaInf weak recipe),
 * s = 0 is the identity. Grayscale and flip ramp in as min(1, 2s) so that
 * both anchors keep their full value and s = 0 stays the identity. Any other
 * knob sets its own parameter and leaves the rest at the s = 1 default.
 */
export function augmentParams(knob: AugKnob, value: number, options: { flipProb?: number } = {}): AugmentParams {
  const flipProb = options.flipProb ?? SIMCLR_AUGMENT.flipProb;
  const base: AugmentParams = { ...SIMCLR_AUGMENT, flipProb };
  switch (knob) {
    case "strength": {
      const s = Math.max(0, value);
      const ramp = Math.min(1, 2 * s);
      return {
        cropMinScale: Math.pow(0.08, s),
        jitterProb: Math.min(1, 0.8 * s),
        jitterStrength: s,
        grayscaleProb: SIMCLR_AUGMENT.grayscaleProb * ramp,
        flipProb: flipProb * ramp,
      };
    }
    case "cropMinScale":
      return { ...base, cropMinScale: value };
    case "jitterStrength":
      return { ...base, jitterStrength: value };
    case "jitterProb":
      return { ...base, jitterProb: value };
  }
}

/** Every random choice for a batch of augmented views, drawn on the CPU from the seeded rng. */
export interface AugmentDraws {
  count: number;
  /** count x [y1, x1, y2, x2] for cropAndResize (flip folded in). */
  boxes: Float32Array;
  /** count x [brightness, contrast, saturation, hue]; null when no view is jittered. */
  jitter: Float32Array | null;
  /** count x {0, 1}; null for grayscale inputs or when no view is greyed. */
  grayscale: Float32Array | null;
}

export interface ImageShape {
  height: number;
  width: number;
  channels: number;
}

export function sampleAugmentDraws(rng: Rng, count: number, params: AugmentParams, shape: ImageShape): AugmentDraws {
  const { height, width, channels } = shape;
  const boxes = new Float32Array(count * 4);
  const jitter = new Float32Array(count * 4);
  const grayscale = new Float32Array(count);
  const j = params.jitterStrength;
  const factorLow = Math.max(0, 1 - 0.8 * j);
  const hueMax = Math.min(0.5, 0.2 * j);
  let anyJitter = false;
  let anyGray = false;
  for (let i = 0; i < count; i++) {
    const box = sampleCropBox(rng, height, width, params.cropMinScale);
    const flip = params.flipProb > 0 && rng.next() < params.flipProb;
    boxes.set(cropBoxToNormalized(box, height, width, height, width, flip), 4 * i);
    jitter.set([1, 1, 1, 0], 4 * i);
    if (params.jitterProb > 0 && j > 0 && rng.next() < params.jitterProb) {
      anyJitter = true;
      jitter[4 * i] = rng.uniform(factorLow, 1 + 0.8 * j);
      jitter[4 * i + 1] = rng.uniform(factorLow, 1 + 0.8 * j);
      if (channels === 3) {
        jitter[4 * i + 2] = rng.uniform(factorLow, 1 + 0.8 * j);
        jitter[4 * i + 3] = rng.uniform(-hueMax, hueMax);
      }
    }
    if (channels === 3 && params.grayscaleProb > 0 && rng.next() < params.grayscaleProb) {
      anyGray = true;
      grayscale[i] = 1;
    }
  }
  return { count, boxes, jitter: anyJitter ? jitter : null, grayscale: anyGray ? grayscale : null };
}

/** ITU-R 601 luma, as torchvision's rgb_to_grayscale. Written as a weighted sum: tf's rgbToGrayscale needs Einsum, which wasm lacks. */
const LUMA = [0.299, 0.587, 0.114];

function grayOf(x: tf.Tensor4D): tf.Tensor4D {
  if (x.shape[3] === 1) return x;
  return tf.sum<tf.Tensor4D>(tf.mul(x, tf.tensor1d(LUMA)), 3, true);
}

function perImage(values: Float32Array, offset: number, stride: number, count: number): tf.Tensor4D {
  const column = new Float32Array(count);
  for (let i = 0; i < count; i++) column[i] = values[i * stride + offset] as number;
  return tf.tensor4d(column, [count, 1, 1, 1]);
}

/**
 * Hue rotation as a rotation of the chroma plane in YIQ space: a linear,
 * per-image 3x3 matrix (one batched matMul) instead of an RGB->HSV round
 * trip. It approximates torchvision's HSV hue shift; torchvision also
 * applies the four jitter ops in random order, here the order is fixed.
 */
function hueMatrices(hues: Float32Array, count: number): Float32Array {
  const toYiq = [0.299, 0.587, 0.114, 0.596, -0.274, -0.322, 0.211, -0.523, 0.312];
  const fromYiq = invert3(toYiq);
  const out = new Float32Array(count * 9);
  for (let n = 0; n < count; n++) {
    const hue = hues[4 * n + 3] as number;
    if (hue === 0) {
      out.set([1, 0, 0, 0, 1, 0, 0, 0, 1], 9 * n);
      continue;
    }
    const c = Math.cos(2 * Math.PI * hue);
    const s = Math.sin(2 * Math.PI * hue);
    const rotation = [1, 0, 0, 0, c, -s, 0, s, c];
    const m = mul3(fromYiq, mul3(rotation, toYiq)); // rgb' = m * rgb
    // Stored transposed: images are row vectors, [HW, 3] x m^T.
    for (let r = 0; r < 3; r++) for (let k = 0; k < 3; k++) out[9 * n + 3 * k + r] = m[3 * r + k] as number;
  }
  return out;
}

function mul3(a: number[], b: number[]): number[] {
  const out = new Array<number>(9).fill(0);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) for (let k = 0; k < 3; k++) out[3 * r + c]! += a[3 * r + k]! * b[3 * k + c]!;
  return out;
}

function invert3(m: number[]): number[] {
  const [a, b, c, d, e, f, g, h, i] = m as [number, number, number, number, number, number, number, number, number];
  const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  return [e * i - f * h, c * h - b * i, b * f - c * e, f * g - d * i, a * i - c * g, c * d - a * f, d * h - e * g, b * g - a * h, a * e - b * d].map(
    (v) => v / det,
  );
}

const clip01 = (t: tf.Tensor): tf.Tensor4D => tf.clipByValue(t, 0, 1) as tf.Tensor4D;

function colorJitter(x: tf.Tensor4D, draws: Float32Array, count: number): tf.Tensor4D {
  const [, height, width, channels] = x.shape;
  let out = clip01(tf.mul(x, perImage(draws, 0, 4, count)));
  const contrast = perImage(draws, 1, 4, count);
  const mean = tf.mean(grayOf(out), [1, 2, 3], true);
  out = clip01(tf.add(tf.mul(out, contrast), tf.mul(mean, tf.sub(1, contrast))));
  if (channels === 3) {
    const saturation = perImage(draws, 2, 4, count);
    out = clip01(tf.add(tf.mul(out, saturation), tf.mul(grayOf(out), tf.sub(1, saturation))));
    const hue = tf.tensor3d(hueMatrices(draws, count), [count, 3, 3]);
    const rotated = tf.matMul(tf.reshape(out, [count, height * width, 3]), hue);
    out = clip01(tf.reshape(rotated, [count, height, width, 3]));
  }
  return out;
}

/**
 * Applies the draws in one batched pass: crop+resize+flip for every view with
 * one cropAndResize call, then jitter and grayscale with per-view factors.
 * `sourceIndex[v]` names the input image that view v is cut from.
 */
export function applyAugmentation(images: tf.Tensor4D, sourceIndex: Int32Array, draws: AugmentDraws): tf.Tensor4D {
  return tf.tidy(() => {
    const [, height, width] = images.shape;
    const count = draws.count;
    let out = tf.image.cropAndResize(images, tf.tensor2d(draws.boxes, [count, 4]), tf.tensor1d(sourceIndex, "int32"), [height, width], "bilinear");
    if (draws.jitter) out = colorJitter(out, draws.jitter, count);
    if (draws.grayscale) {
      const mask = perImage(draws.grayscale, 0, 1, count);
      out = tf.add<tf.Tensor4D>(tf.mul(out, tf.sub(1, mask)), tf.mul(grayOf(out), mask));
    }
    return out;
  });
}

/**
 * `views` augmented copies of each image in the batch, stacked view-major:
 * rows [v*B, (v+1)*B) are view v, so row i and row i + B are a positive pair.
 */
export function augmentViews(images: tf.Tensor4D, params: AugmentParams, rng: Rng, views = 2): tf.Tensor4D {
  const [batch, height, width, channels] = images.shape;
  const draws = sampleAugmentDraws(rng, batch * views, params, { height, width, channels });
  const sourceIndex = new Int32Array(batch * views);
  for (let i = 0; i < sourceIndex.length; i++) sourceIndex[i] = i % batch;
  return applyAugmentation(images, sourceIndex, draws);
}
