import "server-only";
import type { Db } from "@/lib/db/client";
import { NotFoundError } from "@/lib/errors";
import { sweepDatasets } from "@/lib/datasets/records";
import { getSweep, getSweepByShareId, isOwner, listTrials } from "./sweeps";

const PAGE_ID_RE = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * What the sweep page (by id) and the share page (by share id) render: the
 * sweep, its trials (a sweep holds at most 2,000), the stored datasets its
 * config names, and whether the visitor's owner secret matches. The reads
 * after the sweep itself run together. Null when there is no such sweep
 * (or the id could never be one), for the page to answer 404.
 */
export async function loadSweepPage(db: Db, lookup: { id: string } | { shareId: string }, ownerSecret?: string) {
  const key = "id" in lookup ? lookup.id : lookup.shareId;
  if (!PAGE_ID_RE.test(key)) return null;
  try {
    const sweep = "id" in lookup ? await getSweep(db, lookup.id) : await getSweepByShareId(db, lookup.shareId);
    const [{ trials, total }, datasets, owner] = await Promise.all([
      listTrials(db, sweep.id, { limit: 2000, offset: 0 }),
      sweepDatasets(db, sweep.config),
      ownerSecret === undefined ? Promise.resolve(false) : isOwner(db, sweep.id, ownerSecret),
    ]);
    return { sweep, trials, total, datasets, owner };
  } catch (error) {
    if (error instanceof NotFoundError) return null;
    throw error;
  }
}
