import { z } from "zod";
import { setOwnerCookie, shareLinks } from "@/lib/api/links";
import { ownerRoute } from "@/lib/api/owner-route";
import { readJson } from "@/lib/api/request";
import { json } from "@/lib/api/respond";
import { randomId } from "@/lib/ids";
import { rotateRunLink } from "@/lib/queue/lease";
import { getSweep } from "@/lib/repo/sweeps";

export const dynamic = "force-dynamic";

/**
 * Owner only; empty body. Revokes the run link: the sweep moves to a new id
 * (the new run link), the old one answers 404, and running attempts are
 * cancelled with their trials queued again. The share link, finished trials
 * and their history stay. This browser's owner cookie moves with it.
 */
export const POST = ownerRoute(async (request, { db, sweepId, secret }) => {
  z.strictObject({}).parse(await readJson(request, { emptyAsObject: true }));
  const { sweepId: newId, requeued } = await rotateRunLink(db, { sweepId, newId: randomId() });
  const sweep = await getSweep(db, newId);
  return setOwnerCookie(json({ sweep, requeued, ...shareLinks(request, sweep) }), request, newId, secret, sweepId);
});
