import { datasetUrlFor, shaFromRef } from "@/lib/datasets/refs";
import { promiseCache } from "@/lib/promise-cache";
import { sha256Bytes } from "@/lib/sweep/hash";

/**
 * Fetches a dataset asset once per browser: the Cache API keeps the bytes
 * across page loads, and a module-level map keeps them per worker. Uploaded
 * datasets are named by the SHA-256 of their bytes, and the bytes are
 * checked against that name before use, whether they came from the network
 * or the cache, so a corrupted or tampered copy is never trained on.
 */
const CACHE_NAME = "inflation-lab-datasets-v1";
const inMemory = promiseCache<ArrayBuffer>();

export class DatasetIntegrityError extends Error {
  constructor(url: string, expected: string, got: string) {
    super(`dataset ${url} does not match its hash: expected sha256 ${expected}, got ${got}`);
    this.name = "DatasetIntegrityError";
  }
}

const toHex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

/** SHA-256 hex of `data`: WebCrypto where the page is a secure context, else the pure-JS digest. */
export async function digestHex(data: ArrayBuffer): Promise<string> {
  const subtle = (globalThis as { crypto?: Crypto }).crypto?.subtle;
  if (subtle) return toHex(new Uint8Array(await subtle.digest("SHA-256", data)));
  return toHex(sha256Bytes(new Uint8Array(data)));
}

async function fetchWithCache(url: string, sha256: string | null): Promise<ArrayBuffer> {
  const cacheStorage = (globalThis as { caches?: CacheStorage }).caches;
  const cache = cacheStorage ? await cacheStorage.open(CACHE_NAME).catch(() => null) : null;
  const cached = await cache?.match(url);
  if (cached) {
    const bytes = await cached.arrayBuffer();
    if (!sha256 || (await digestHex(bytes)) === sha256) return bytes;
    await cache?.delete(url); // a bad cached copy: drop it and fetch again
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not fetch dataset ${url}: HTTP ${response.status}`);
  const bytes = await response.arrayBuffer();
  if (sha256) {
    const got = await digestHex(bytes);
    if (got !== sha256) throw new DatasetIntegrityError(url, sha256, got);
  }
  if (cache) await cache.put(url, new Response(bytes.slice(0), { headers: { "content-type": "application/octet-stream" } })).catch(() => undefined);
  return bytes;
}

export function loadDatasetBytes(url: string, sha256: string | null = null): Promise<ArrayBuffer> {
  return inMemory(url, () => fetchWithCache(url, sha256));
}

/** The bytes of a dataset reference ("builtin:mnist" or "sha256:<hex>"), hash-checked for uploads. */
export function loadDatasetRef(ref: string): Promise<ArrayBuffer> {
  return loadDatasetBytes(datasetUrlFor(ref), shaFromRef(ref));
}
