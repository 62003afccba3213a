import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { setOwnerCookie, shareLinks } from "@/lib/api/links";
import { checkId, ownerSecretFrom, readJson } from "@/lib/api/request";
import { json, route } from "@/lib/api/respond";
import { randomId } from "@/lib/ids";
import { rotateRunLink } from "@/lib/queue/lease";
import { assertOwner, getSweep } from "@/lib/repo/sweeps";

export const dynamic = "force-dynamic";
type Context = { params: Promise<{ id: string }> };

/**
 * Owner only; empty body. Revokes the run link: the sweep moves to a new id
 * (the new run link), the old one answers 404, and running attempts are
 * cancelled with their trials queued again. The share link, finished trials
 * and their history stay. This browser's owner cookie moves with it.
 */
export const POST = route(async (request, { params }: Context) => {
  const sweepId = checkId((await params).id, "sweep");
  const db = await getDb();
  const secret = ownerSecretFrom(request, sweepId);
  await assertOwner(db, sweepId, secret);
  z.strictObject({}).parse(await readJson(request, { emptyAsObject: true }));
  const { sweepId: newId, requeued } = await rotateRunLink(db, { sweepId, newId: randomId() });
  const sweep = await getSweep(db, newId);
  return setOwnerCookie(json({ sweep, requeued, ...shareLinks(request, sweep) }), request, newId, secret!, sweepId);
});
