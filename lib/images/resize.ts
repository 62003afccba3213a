import { imageBytes, type ImageSet } from "./image-set";

/**
 * Shape conversion for images that do not match the encoder's input: a
 * generated set made at another resolution, or RGB samples for a gray
 * dataset. Pure CPU code, identical in the server and in every worker, so
 * every browser trains on the same bytes.
 */
export interface ImageShape {
  height: number;
  width: number;
  channels: number;
}

/**
 * Resampling weights along one axis: output pixel o draws on `index[o][k]`
 * with `weight[o][k]`. Shrinking averages the source interval each output
 * pixel covers (area filter, no aliasing); enlarging interpolates between the
 * two nearest source centres (bilinear). Weights of each output sum to 1.
 */
function axisWeights(from: number, to: number): { index: number[][]; weight: number[][] } {
  const index: number[][] = [];
  const weight: number[][] = [];
  const scale = from / to;
  for (let o = 0; o < to; o++) {
    const taps: number[] = [];
    const ws: number[] = [];
    if (scale >= 1) {
      const start = o * scale;
      const end = start + scale;
      for (let s = Math.floor(start); s < Math.min(from, Math.ceil(end)); s++) {
        const overlap = Math.min(end, s + 1) - Math.max(start, s);
        if (overlap > 1e-9) {
          taps.push(s);
          ws.push(overlap / scale);
        }
      }
    } else {
      const centre = (o + 0.5) * scale - 0.5;
      const left = Math.floor(centre);
      const t = centre - left;
      const clamp = (s: number) => Math.min(from - 1, Math.max(0, s));
      taps.push(clamp(left), clamp(left + 1));
      ws.push(1 - t, t);
    }
    index.push(taps);
    weight.push(ws);
  }
  return { index, weight };
}

/** ITU-R BT.601 luma, the weights PIL's convert("L") uses. */
const LUMA = [0.299, 0.587, 0.114] as const;

/**
 * Returns `set` converted to `shape`: channels first (RGB -> gray by luma,
 * gray -> RGB by repetition), then a separable resize. Labels are kept. The
 * input is returned unchanged when it already has the shape.
 */
export function convertImageSet(set: ImageSet, shape: ImageShape): ImageSet {
  const { height, width, channels } = shape;
  if (!(height >= 1 && width >= 1) || (channels !== 1 && channels !== 3)) {
    throw new RangeError(`cannot convert to ${height}x${width}x${channels}: channels must be 1 or 3`);
  }
  if (set.height === height && set.width === width && set.channels === channels) return set;
  const inPlane = set.height * set.width;
  const inSize = imageBytes(set);
  const rows = axisWeights(set.height, height);
  const cols = axisWeights(set.width, width);
  const outSize = height * width * channels;
  const images = new Uint8Array(set.count * outSize);
  const plane = new Float32Array(inPlane);
  const tmp = new Float32Array(set.height * width);
  for (let n = 0; n < set.count; n++) {
    const base = n * inSize;
    for (let c = 0; c < channels; c++) {
      // Source plane for output channel c.
      for (let p = 0; p < inPlane; p++) {
        if (set.channels === channels) plane[p] = set.images[base + p * channels + c] as number;
        else if (set.channels === 1) plane[p] = set.images[base + p] as number;
        else {
          const q = base + p * 3;
          plane[p] = LUMA[0] * (set.images[q] as number) + LUMA[1] * (set.images[q + 1] as number) + LUMA[2] * (set.images[q + 2] as number);
        }
      }
      // Columns, then rows.
      for (let y = 0; y < set.height; y++) {
        for (let x = 0; x < width; x++) {
          const taps = cols.index[x] as number[];
          const ws = cols.weight[x] as number[];
          let acc = 0;
          for (let k = 0; k < taps.length; k++) acc += (ws[k] as number) * (plane[y * set.width + (taps[k] as number)] as number);
          tmp[y * width + x] = acc;
        }
      }
      for (let y = 0; y < height; y++) {
        const taps = rows.index[y] as number[];
        const ws = rows.weight[y] as number[];
        for (let x = 0; x < width; x++) {
          let acc = 0;
          for (let k = 0; k < taps.length; k++) acc += (ws[k] as number) * (tmp[(taps[k] as number) * width + x] as number);
          images[n * outSize + (y * width + x) * channels + c] = Math.min(255, Math.max(0, Math.round(acc)));
        }
      }
    }
  }
  return { ...set, images, height, width, channels };
}

/** Largest side an uploaded image keeps; larger uploads are shrunk to fit (aspect ratio kept). */
export const MAX_ENCODER_SIDE = 64;

/** `shape` itself, or shrunk (aspect ratio kept) so that its longer side is `maxSide`. */
export function fitShape(shape: ImageShape, maxSide: number): ImageShape {
  const longer = Math.max(shape.height, shape.width);
  if (longer <= maxSide) return shape;
  const scale = maxSide / longer;
  return {
    height: Math.max(1, Math.round(shape.height * scale)),
    width: Math.max(1, Math.round(shape.width * scale)),
    channels: shape.channels,
  };
}

/** The shape an upload is stored at: its own, or shrunk so that its longer side is MAX_ENCODER_SIDE. */
export function storedShape(shape: ImageShape): ImageShape {
  return fitShape(shape, MAX_ENCODER_SIDE);
}
