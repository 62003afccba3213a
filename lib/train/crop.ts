import type { Rng } from "./rng";

/**
 * RandomResizedCrop box sampling, kept free of tensors so it can be tested
 * over thousands of draws. Follows torchvision: up to 10 tries of
 * (area fraction ~ U(a, 1), log aspect ~ U(log 3/4, log 4/3)), then a centre
 * crop. Unlike torchvision the box is continuous (not rounded to whole
 * pixels): cropAndResize samples sub-pixel positions anyway, and rounding
 * on a 28-pixel image would bend the scale bounds by up to ~12%.
 */
export interface CropBox {
  /** Pixel-edge coordinates: the full image is top 0, left 0, height H, width W. */
  top: number;
  left: number;
  height: number;
  width: number;
}

export const CROP_RATIO: readonly [number, number] = [3 / 4, 4 / 3];
const CROP_ATTEMPTS = 10;

export function sampleCropBox(
  rng: Rng,
  imageHeight: number,
  imageWidth: number,
  minScale: number,
  ratio: readonly [number, number] = CROP_RATIO,
): CropBox {
  const area = imageHeight * imageWidth;
  const logLow = Math.log(ratio[0]);
  const logHigh = Math.log(ratio[1]);
  for (let attempt = 0; attempt < CROP_ATTEMPTS; attempt++) {
    const targetArea = area * rng.uniform(minScale, 1);
    const aspect = Math.exp(rng.uniform(logLow, logHigh));
    const width = Math.sqrt(targetArea * aspect);
    const height = Math.sqrt(targetArea / aspect);
    if (width <= imageWidth && height <= imageHeight) {
      const top = rng.uniform(0, imageHeight - height);
      const left = rng.uniform(0, imageWidth - width);
      return { top, left, height, width };
    }
  }
  // Fallback: the largest centred box whose aspect is within the ratio range.
  const inRatio = imageWidth / imageHeight;
  let width = imageWidth;
  let height = imageHeight;
  if (inRatio < ratio[0]) height = width / ratio[0];
  else if (inRatio > ratio[1]) width = height * ratio[1];
  return { top: (imageHeight - height) / 2, left: (imageWidth - width) / 2, height, width };
}

/**
 * Converts a pixel-edge box to tf.image.cropAndResize's normalised
 * [y1, x1, y2, x2], which samples outH points from y1*(H-1) to y2*(H-1)
 * inclusive. Output pixel k is placed at the centre of its cell in the box
 * (half-pixel convention), so the full-image box maps to exactly [0, 0, 1, 1]
 * and resizing it is the identity. Coordinates are clamped to the image so
 * small crops near an edge never read cropAndResize's zero extrapolation.
 * A horizontal flip is free: swapping x1 and x2 samples right to left.
 */
export function cropBoxToNormalized(
  box: CropBox,
  imageHeight: number,
  imageWidth: number,
  outHeight: number,
  outWidth: number,
  flip: boolean,
): [number, number, number, number] {
  const axis = (start: number, length: number, inSize: number, outSize: number): [number, number] => {
    if (inSize <= 1) return [0, 0];
    const half = (0.5 * length) / outSize;
    const first = (start + half - 0.5) / (inSize - 1);
    const last = (start + length - half - 0.5) / (inSize - 1);
    return [Math.min(1, Math.max(0, first)), Math.min(1, Math.max(0, last))];
  };
  const [y1, y2] = axis(box.top, box.height, imageHeight, outHeight);
  const [x1, x2] = axis(box.left, box.width, imageWidth, outWidth);
  return flip ? [y1, x2, y2, x1] : [y1, x1, y2, x2];
}
