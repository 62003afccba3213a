import { AppError } from "@/lib/errors";

/**
 * Images stay uint8 on the CPU; tensors are made one batch at a time. A
 * float32 copy of a whole dataset on the GPU can exceed WebGPU's binding
 * limit, and the uint8 form is 4x smaller to ship to a worker.
 */
export interface ImageSet {
  /** count * height * width * channels bytes, NHWC, 0..255. */
  images: Uint8Array;
  /** One class index per image, or null for unlabelled (generated) sets. */
  labels: Uint8Array | null;
  count: number;
  height: number;
  width: number;
  channels: number;
  /** 0 when unlabelled. */
  numClasses: number;
}

/**
 * Binary asset layout (all integers little-endian uint32):
 *   0  magic "ILDS"   4 version (1)   8 count   12 height   16 width
 *   20 channels       24 numClasses   28 pixels (count*h*w*c bytes, NHWC)
 *   then labels (count bytes) when numClasses > 0.
 */
export const DATASET_MAGIC = "ILDS";
export const DATASET_VERSION = 1;
export const DATASET_HEADER_BYTES = 28;

/** Bytes that are not a dataset asset: 422 about the body. */
export class DatasetFormatError extends AppError {
  constructor(message: string) {
    super(422, message, [{ path: "body", message }]);
  }
}

export function imageBytes(set: Pick<ImageSet, "height" | "width" | "channels">): number {
  return set.height * set.width * set.channels;
}

export function datasetAssetSize(count: number, pixelsPerImage: number, numClasses: number): number {
  return DATASET_HEADER_BYTES + count * pixelsPerImage + (numClasses > 0 ? count : 0);
}

export function parseDatasetAsset(bytes: ArrayBuffer | Uint8Array): ImageSet {
  const data = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (data.byteLength < DATASET_HEADER_BYTES) {
    throw new DatasetFormatError(`dataset asset is truncated: ${data.byteLength} bytes, the header alone is ${DATASET_HEADER_BYTES}`);
  }
  const magic = String.fromCharCode(data[0] ?? 0, data[1] ?? 0, data[2] ?? 0, data[3] ?? 0);
  if (magic !== DATASET_MAGIC) {
    throw new DatasetFormatError(`not a dataset asset: magic is ${JSON.stringify(magic)}, expected "${DATASET_MAGIC}"`);
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const field = (offset: number) => view.getUint32(offset, true);
  const version = field(4);
  if (version !== DATASET_VERSION) {
    throw new DatasetFormatError(`unsupported dataset asset version ${version} (this build reads ${DATASET_VERSION})`);
  }
  const [count, height, width, channels, numClasses] = [field(8), field(12), field(16), field(20), field(24)];
  if (height < 1 || width < 1 || (channels !== 1 && channels !== 3) || numClasses > 256) {
    throw new DatasetFormatError(`invalid dataset header: ${height}x${width}x${channels}, ${numClasses} classes (channels must be 1 or 3)`);
  }
  const pixelsPerImage = height * width * channels;
  const expected = datasetAssetSize(count, pixelsPerImage, numClasses);
  if (data.byteLength < expected) {
    throw new DatasetFormatError(`dataset asset is truncated: ${data.byteLength} bytes, header promises ${expected} (${count} images)`);
  }
  if (data.byteLength > expected) {
    throw new DatasetFormatError(`dataset asset has ${data.byteLength - expected} unexpected trailing bytes`);
  }
  const pixelEnd = DATASET_HEADER_BYTES + count * pixelsPerImage;
  // Copies, so the parsed set does not pin (or alias) the caller's buffer.
  const images = data.slice(DATASET_HEADER_BYTES, pixelEnd);
  let labels: Uint8Array | null = null;
  if (numClasses > 0) {
    labels = data.slice(pixelEnd, pixelEnd + count);
    const bad = labels.findIndex((label) => label >= numClasses);
    if (bad >= 0) {
      throw new DatasetFormatError(`label ${labels[bad]} of image ${bad} is not below numClasses ${numClasses}`);
    }
  }
  return { images, labels, count, height, width, channels, numClasses };
}

export function encodeDatasetAsset(set: ImageSet): Uint8Array {
  const pixelsPerImage = imageBytes(set);
  const numClasses = set.labels ? set.numClasses : 0;
  const out = new Uint8Array(datasetAssetSize(set.count, pixelsPerImage, numClasses));
  out.set(
    [...DATASET_MAGIC].map((c) => c.charCodeAt(0)),
    0,
  );
  const view = new DataView(out.buffer);
  [DATASET_VERSION, set.count, set.height, set.width, set.channels, numClasses].forEach((value, i) => view.setUint32(4 + 4 * i, value, true));
  out.set(set.images.subarray(0, set.count * pixelsPerImage), DATASET_HEADER_BYTES);
  if (set.labels && numClasses > 0) out.set(set.labels.subarray(0, set.count), DATASET_HEADER_BYTES + set.count * pixelsPerImage);
  return out;
}

export function subsetImageSet(set: ImageSet, indices: ArrayLike<number>): ImageSet {
  const size = imageBytes(set);
  const images = new Uint8Array(indices.length * size);
  const labels = set.labels ? new Uint8Array(indices.length) : null;
  for (let i = 0; i < indices.length; i++) {
    const source = indices[i] as number;
    images.set(set.images.subarray(source * size, (source + 1) * size), i * size);
    if (labels && set.labels) labels[i] = set.labels[source] as number;
  }
  return { ...set, images, labels, count: indices.length };
}
