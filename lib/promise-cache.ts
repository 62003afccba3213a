export interface PromiseCacheLimits<T> {
  /** Most entries kept; the least recently used goes first. */
  maxEntries?: number;
  /** Most bytes kept, as `sizeOf` counts them once a value arrives; a value larger than this alone is not kept. */
  maxBytes?: number;
  sizeOf?: (value: T) => number;
}

/**
 * One pending promise per key, shared by every caller: a dataset is fetched,
 * or a network trained, once however many trials ask for it at the same time.
 * A rejected promise is forgotten, so the next call tries again. With
 * limits (a number is `maxEntries`), the least recently used entries go
 * first: past `maxEntries`, or past `maxBytes` of resolved values.
 */
export function promiseCache<T>(limits: number | PromiseCacheLimits<T> = {}): (key: string, make: () => Promise<T>) => Promise<T> {
  const {
    maxEntries = Number.POSITIVE_INFINITY,
    maxBytes = Number.POSITIVE_INFINITY,
    sizeOf,
  } = typeof limits === "number" ? { maxEntries: limits } : limits;
  const entries = new Map<string, Promise<T>>();
  const sizes = new Map<string, number>();
  let bytes = 0;
  const drop = (key: string) => {
    entries.delete(key);
    bytes -= sizes.get(key) ?? 0;
    sizes.delete(key);
  };
  const evict = () => {
    while (entries.size > maxEntries || bytes > maxBytes) drop(entries.keys().next().value as string);
  };
  return (key, make) => {
    const existing = entries.get(key);
    if (existing) {
      entries.delete(key);
      entries.set(key, existing); // most recently used last
      return existing;
    }
    const pending = make();
    entries.set(key, pending);
    pending.then(
      (value) => {
        if (entries.get(key) !== pending || !sizeOf) return;
        const size = sizeOf(value);
        if (size > maxBytes) return drop(key);
        sizes.set(key, size);
        bytes += size;
        evict();
      },
      () => {
        if (entries.get(key) === pending) drop(key);
      },
    );
    evict();
    return pending;
  };
}
