/**
 * Fetches a dataset asset once per browser: the Cache API keeps the bytes
 * across page loads, and a module-level map keeps them per worker.
 */
const CACHE_NAME = "inflation-lab-datasets-v1";
const inMemory = new Map<string, Promise<ArrayBuffer>>();

async function fetchWithCache(url: string): Promise<ArrayBuffer> {
  const cacheStorage = (globalThis as { caches?: CacheStorage }).caches;
  const cache = cacheStorage ? await cacheStorage.open(CACHE_NAME).catch(() => null) : null;
  const cached = await cache?.match(url);
  if (cached) return cached.arrayBuffer();
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not fetch dataset ${url}: HTTP ${response.status}`);
  if (cache) await cache.put(url, response.clone()).catch(() => undefined);
  return response.arrayBuffer();
}

export function loadDatasetBytes(url: string): Promise<ArrayBuffer> {
  let pending = inMemory.get(url);
  if (!pending) {
    pending = fetchWithCache(url);
    inMemory.set(url, pending);
    pending.catch(() => inMemory.delete(url));
  }
  return pending;
}
