import type { ReferenceNet } from "@/lib/quality/reference";

/** The dataset's reference network from the server, fetched once per worker. */
const loaded = new Map<string, Promise<ReferenceNet>>();

async function fetchReference(ref: string): Promise<ReferenceNet> {
  const response = await fetch(`/api/datasets/${encodeURIComponent(ref)}/reference`);
  if (!response.ok) throw new Error(`could not fetch the reference network of ${ref}: HTTP ${response.status}`);
  return ((await response.json()) as { reference: ReferenceNet }).reference;
}

export function loadReferenceNet(ref: string): Promise<ReferenceNet> {
  let pending = loaded.get(ref);
  if (!pending) {
    pending = fetchReference(ref);
    loaded.set(ref, pending);
    pending.catch(() => loaded.delete(ref));
  }
  return pending;
}
