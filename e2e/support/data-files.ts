import { readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { encodeCifar } from "../../lib/formats/cifar";
import { encodeIdx } from "../../lib/formats/idx";
import { encodeNpy } from "../../lib/formats/npy";
import { writeZip } from "../../lib/formats/test-helpers";
import { parseDatasetAsset, subsetImageSet, type ImageSet } from "../../lib/images/image-set";
import { convertImageSet } from "../../lib/images/resize";

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

/** A small unlabelled .npy of real digits (`count` x 28 x 28), from a given start so two calls can differ. */
export function npyDigits(count: number, start: number): Buffer {
  const picked = subsetImageSet(mnist(), spread(start, count, 17));
  return Buffer.from(encodeNpy(picked.images, "|u1", [count, 28, 28]));
}

/**
 * A CIFAR-10 binary batch made of real digits at 32x32 RGB, each class
 * tinted its own colour, so a three-channel dataset can go through the whole
 * path (upload, split, training, evaluation) without downloading CIFAR.
 */
export function cifarBatch(count = 400): Buffer {
  const digits = subsetImageSet(mnist(), spread(3, count, 11));
  const rgb = convertImageSet(digits, { height: 32, width: 32, channels: 3 });
  const images = rgb.images.map((v, i) => {
    const label = digits.labels![Math.floor(i / (32 * 32 * 3))] as number;
    return i % 3 === label % 3 ? v : Math.round(v * 0.5);
  });
  return Buffer.from(encodeCifar({ ...rgb, images }, "cifar10"));
}
