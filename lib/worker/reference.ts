import { promiseCache } from "@/lib/promise-cache";
import type { ReferenceNet } from "@/lib/quality/reference";

/** The dataset's reference network from the server, fetched once per worker. */
const loaded = promiseCache<ReferenceNet>();

async function fetchReference(ref: string): Promise<ReferenceNet> {
  const response = await fetch(`/api/datasets/${encodeURIComponent(ref)}/reference`);
  if (!response.ok) throw new Error(`could not fetch the reference network of ${ref}: HTTP ${response.status}`);
  return ((await response.json()) as { reference: ReferenceNet }).reference;
}

export function loadReferenceNet(ref: string): Promise<ReferenceNet> {
  return loaded(ref, () => fetchReference(ref));
}
