import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { datasetUrlFor, shaFromRef } from "@/lib/datasets/refs";
import { promiseCache } from "@/lib/promise-cache";
import { digestHex, loadDatasetBytes } from "@/lib/worker/dataset-cache";
import { vaeGeneratedSet } from "@/lib/worker/generated-set";
import { loadReferenceNet } from "@/lib/worker/reference";
import type { TrialJobSources } from "@/lib/worker/trial-job";

/**
 * Where a headless worker's trials get their bytes: the same server
 * endpoints and hash checks as the page's worker (lib/worker), with an
 * on-disk cache in place of the browser's Cache API. Only hash-named assets
 * (uploads, registered generator sets) are kept on disk, and a kept copy is
 * checked against its name every time it is read.
 */
export interface HttpSourceOptions {
  baseUrl: string;
  /** Directory for cached dataset assets; null keeps them in memory only. */
  cacheDir: string | null;
}

function asArrayBuffer(bytes: Buffer): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

async function readCached(file: string, sha256: string): Promise<ArrayBuffer | null> {
  let bytes: ArrayBuffer;
  try {
    bytes = asArrayBuffer(await readFile(file));
  } catch {
    return null;
  }
  if ((await digestHex(bytes)) === sha256) return bytes;
  await rm(file, { force: true }); // a bad copy: drop it and fetch again
  return null;
}

async function writeCached(file: string, bytes: ArrayBuffer): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  // Several worker processes may share the directory: write aside, then rename.
  const temp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
  await writeFile(temp, new Uint8Array(bytes));
  await rename(temp, file);
}

export function httpTrialSources({ baseUrl, cacheDir }: HttpSourceOptions): TrialJobSources {
  const loaded = promiseCache<ArrayBuffer>();
  const loadDataset = (ref: string) =>
    loaded(ref, async () => {
      const url = `${baseUrl}${datasetUrlFor(ref)}`;
      const sha256 = shaFromRef(ref);
      if (!sha256 || !cacheDir) return loadDatasetBytes(url, sha256);
      const file = path.join(cacheDir, `${sha256}.bin`);
      const cached = await readCached(file, sha256);
      if (cached) return cached;
      const bytes = await loadDatasetBytes(url, sha256);
      await writeCached(file, bytes).catch((error: unknown) => console.warn(`could not cache ${ref} in ${cacheDir}:`, (error as Error).message));
      return bytes;
    });
  return {
    loadDataset,
    loadReferenceNet: (ref) => loadReferenceNet(ref, baseUrl),
    vaeGeneratedSet: (config, train, options) => vaeGeneratedSet(config, train, { ...options, baseUrl }),
  };
}
