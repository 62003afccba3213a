import { imageBytes, subsetImageSet, type ImageSet } from "@/lib/images/image-set";
import { convertImageSet } from "@/lib/images/resize";
import { permutation, type Rng } from "@/lib/train/rng";

/**
 * Where the "generated" images of an inflation trial come from. Every source
 * returns plain uint8 images without labels, so the sampler and trainer do
 * not care whether they came from held-out real digits, an uploaded set or a
 * model trained in the browser.
 */
export interface GeneratedSource {
  readonly kind: "heldout-real" | "upload" | "vae" | (string & {});
  /** Most images the source can provide, or null when unbounded. */
  readonly capacity: number | null;
  describe(): string;
  /** Up to `count` images (capped at `capacity`); labels are always null. */
  sample(count: number, rng: Rng): ImageSet;
}

/** Blur sigma (pixels) and noise std (fraction of full scale) at degradation 1. */
export const MAX_BLUR_SIGMA = 1.5;
export const MAX_NOISE_STD = 0.25;

/**
 * Stand-in for a generative model: real images the encoder never sees as
 * real, labels dropped, optionally degraded so the "generator" can be made
 * worse (a larger distribution gap, the paper's TV term) with one knob.
 */
export function createHeldoutRealSource(pool: ImageSet, options: { degradation: number }): GeneratedSource {
  const { degradation } = options;
  if (!(degradation >= 0 && degradation <= 1)) {
    throw new RangeError(`degradation must be in [0, 1], got ${degradation}`);
  }
  return {
    kind: "heldout-real",
    capacity: pool.count,
    describe: () => `held-out real images (${pool.count} available), labels discarded, degradation ${degradation}`,
    sample(count, rng) {
      const take = Math.max(0, Math.min(Math.floor(count), pool.count));
      const chosen = permutation(pool.count, rng).subarray(0, take);
      const picked = subsetImageSet(pool, chosen);
      return degradeImages({ ...picked, labels: null, numClasses: 0 }, degradation, rng);
    },
  };
}

/**
 * A set of generated images the user made elsewhere (uploaded). Labels, if
 * the file had any, are dropped; images are converted to the shape of the
 * real training images (`like`) so both can share one encoder.
 */
export function createUploadedSource(
  set: ImageSet,
  like: Pick<ImageSet, "height" | "width" | "channels">,
  label = "uploaded generated set",
): GeneratedSource {
  const converted = set.height === like.height && set.width === like.width && set.channels === like.channels;
  return {
    kind: "upload",
    capacity: set.count,
    describe: () =>
      `${label} (${set.count} images, ${set.height}x${set.width}x${set.channels}${converted ? "" : `, converted to ${like.height}x${like.width}x${like.channels}`})`,
    sample(count, rng) {
      const take = Math.max(0, Math.min(Math.floor(count), set.count));
      const picked = subsetImageSet(set, permutation(set.count, rng).subarray(0, take));
      return convertImageSet({ ...picked, labels: null, numClasses: 0 }, like);
    },
  };
}

/**
 * Gaussian blur with sigma = 1.5 d, then additive Gaussian noise with std
 * 0.25 d (of full scale), rounded and clamped to uint8. d = 0 returns the
 * images unchanged; both effects grow monotonically with d. Done once per
 * trial on the CPU so it is identical on every backend.
 */
export function degradeImages(set: ImageSet, degradation: number, rng: Rng): ImageSet {
  if (degradation <= 0) return set;
  const sigma = MAX_BLUR_SIGMA * degradation;
  const noiseStd = MAX_NOISE_STD * degradation * 255;
  const kernel = gaussianKernel(sigma);
  const { height, width, channels } = set;
  const size = imageBytes(set);
  const out = new Uint8Array(set.images.length);
  const plane = new Float32Array(height * width);
  const scratch = new Float32Array(height * width);
  for (let n = 0; n < set.count; n++) {
    for (let c = 0; c < channels; c++) {
      for (let p = 0; p < height * width; p++) plane[p] = set.images[n * size + p * channels + c] as number;
      blurSeparable(plane, scratch, height, width, kernel);
      for (let p = 0; p < height * width; p++) {
        const noisy = (plane[p] as number) + noiseStd * rng.normal();
        out[n * size + p * channels + c] = Math.min(255, Math.max(0, Math.round(noisy)));
      }
    }
  }
  return { ...set, images: out };
}

function gaussianKernel(sigma: number): Float32Array {
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const kernel = new Float32Array(2 * radius + 1);
  let total = 0;
  for (let i = -radius; i <= radius; i++) {
    const w = Math.exp(-(i * i) / (2 * sigma * sigma));
    kernel[i + radius] = w;
    total += w;
  }
  return kernel.map((w) => w / total);
}

/** In-place separable blur; edges clamp so borders do not darken. */
function blurSeparable(plane: Float32Array, scratch: Float32Array, height: number, width: number, kernel: Float32Array): void {
  const radius = (kernel.length - 1) / 2;
  const clamp = (v: number, max: number) => (v < 0 ? 0 : v > max ? max : v);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let acc = 0;
      for (let k = -radius; k <= radius; k++) acc += (kernel[k + radius] as number) * (plane[y * width + clamp(x + k, width - 1)] as number);
      scratch[y * width + x] = acc;
    }
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let acc = 0;
      for (let k = -radius; k <= radius; k++) acc += (kernel[k + radius] as number) * (scratch[clamp(y + k, height - 1) * width + x] as number);
      plane[y * width + x] = acc;
    }
  }
}
