import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseDatasetAsset, type ImageSet } from "@/lib/images/image-set";

/**
 * Test-only (Node): the real MNIST asset. Uses public/datasets/mnist-10k.bin
 * when postinstall built it, otherwise builds a private copy with the same
 * script, so tests never depend on install order.
 */
export function loadMnistFixture(): ImageSet {
  const root = path.resolve(import.meta.dirname, "../..");
  const built = path.join(root, "public/datasets/mnist-10k.bin");
  const file = existsSync(built) ? built : path.join(tmpdir(), "inflation-lab-test-mnist-10k.bin");
  if (file !== built) execFileSync(process.execPath, [path.join(root, "scripts/build-mnist.mjs"), "--out", file]);
  return parseDatasetAsset(readFileSync(file));
}
