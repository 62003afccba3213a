/**
 * One pending promise per key, shared by every caller: a dataset is fetched,
 * or a network trained, once however many trials ask for it at the same time.
 * A rejected promise is forgotten, so the next call tries again. With
 * `maxEntries`, the least recently used entry goes first.
 */
export function promiseCache<T>(maxEntries = Number.POSITIVE_INFINITY): (key: string, make: () => Promise<T>) => Promise<T> {
  const entries = new Map<string, Promise<T>>();
  return (key, make) => {
    const existing = entries.get(key);
    if (existing) {
      entries.delete(key);
      entries.set(key, existing); // most recently used last
      return existing;
    }
    const pending = make();
    entries.set(key, pending);
    pending.catch(() => {
      if (entries.get(key) === pending) entries.delete(key);
    });
    while (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
    return pending;
  };
}
