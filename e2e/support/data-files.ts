import { readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { encodeIdx } from "../../lib/data/idx";
import { encodeNpy } from "../../lib/data/npy";
import { writeZip } from "../../lib/data/test-helpers";
import { parseDatasetAsset, subsetImageSet, type ImageSet } from "../../lib/train/dataset";
import { convertImageSet } from "../../lib/train/resize";

/**
 * Upload files made from real MNIST digits (the built-in asset): an IDX
 * dataset (gzipped images + labels, as Fashion-MNIST ships) and an .npz of
 * "generated" images at another size and channel count (32x32 RGB), so an
 * upload exercises the conversion to the encoder's input too.
 */
function mnist(): ImageSet {
  return parseDatasetAsset(readFileSync(path.resolve("public/datasets/mnist-10k.bin")));
}

/** Every `stride`-th image from `start`: a stride coprime with 10 keeps the classes balanced (the asset cycles through them). */
const spread = (start: number, count: number, stride: number) => Int32Array.from({ length: count }, (_, i) => (start + i * stride) % 10_000);

export function idxUpload(count = 600): { images: Buffer; labels: Buffer } {
  const files = encodeIdx(subsetImageSet(mnist(), spread(0, count, 7)));
  return { images: gzipSync(files.images), labels: gzipSync(files.labels!) };
}

export function npzGenerated(count = 300): Buffer {
  const picked = subsetImageSet(mnist(), spread(5000, count, 13));
  const rgb = convertImageSet({ ...picked, labels: null, numClasses: 0 }, { height: 32, width: 32, channels: 3 });
  return Buffer.from(writeZip([{ name: "x.npy", data: encodeNpy(rgb.images, "|u1", [count, 32, 32, 3]) }]));
}
