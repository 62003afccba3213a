import "server-only";
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { promiseCache } from "@/lib/promise-cache";
import { REFERENCE_VERSION, datasetReferenceNet, type ReferenceNet } from "@/lib/quality/reference";
import { loadImageSet } from "./assets";
import { shaFromRef } from "./refs";
import { blobDir } from "./store";

/**
 * The reference network of a dataset is trained once, on first use, and
 * kept next to the dataset's blob (it is deterministic, so keeping it only
 * saves time, never changes a number). Every browser fetches the same
 * weights, so quality figures from different workers are comparable.
 */
const trained = promiseCache<ReferenceNet>({
  maxEntries: 32,
  // Weights are JS numbers (8 bytes each) in arrays.
  maxBytes: 64 * 1024 * 1024,
  sizeOf: (net) => 8 * (net.w1.length + net.b1.length + net.w2.length + net.b2.length),
});

function fileFor(ref: string): string {
  const key = shaFromRef(ref) ?? ref.replace(/[^a-z0-9-]/gi, "-");
  return path.join(blobDir(), "reference", `${key}-v${REFERENCE_VERSION}.json`);
}

async function loadOrTrain(ref: string): Promise<ReferenceNet> {
  const file = fileFor(ref);
  try {
    const stored = JSON.parse(await readFile(file, "utf8")) as ReferenceNet;
    if (stored.version === REFERENCE_VERSION) return stored;
  } catch {
    // Not trained yet (or unreadable): train it below.
  }
  const net = datasetReferenceNet(await loadImageSet(ref));
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${randomBytes(6).toString("hex")}.tmp`;
  await writeFile(temp, JSON.stringify(net));
  await rename(temp, file);
  return net;
}

export function getReferenceNet(ref: string): Promise<ReferenceNet> {
  // Keyed by the file, so a changed BLOB_DIR never serves a network from another store.
  return trained(fileFor(ref), () => loadOrTrain(ref));
}
