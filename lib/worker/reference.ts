import { promiseCache } from "@/lib/promise-cache";
import type { ReferenceNet } from "@/lib/quality/reference";

/** The dataset's reference network from the server, fetched once per worker; `baseUrl` is the server's origin outside the page. */
const loaded = promiseCache<ReferenceNet>();

async function fetchReference(ref: string, baseUrl: string): Promise<ReferenceNet> {
  const response = await fetch(`${baseUrl}/api/datasets/${encodeURIComponent(ref)}/reference`);
  if (!response.ok) throw new Error(`could not fetch the reference network of ${ref}: HTTP ${response.status}`);
  return ((await response.json()) as { reference: ReferenceNet }).reference;
}

export function loadReferenceNet(ref: string, baseUrl = ""): Promise<ReferenceNet> {
  return loaded(`${baseUrl} ${ref}`, () => fetchReference(ref, baseUrl));
}
