import { getDb } from "@/lib/db/client";
import { checkId } from "@/lib/api/request";
import { ownerRoute } from "@/lib/api/owner-route";
import { json, route } from "@/lib/api/respond";
import { deleteSweep, getSweep } from "@/lib/repo/sweeps";

export const dynamic = "force-dynamic";
type Context = { params: Promise<{ id: string }> };

export const GET = route(async (_request, { params }: Context) => {
  const id = checkId((await params).id, "sweep");
  return json({ sweep: await getSweep(await getDb(), id) });
});

/** Owner only: the sweep with its trials, attempts and workers. */
export const DELETE = ownerRoute(async (_request, { db, sweepId }) => {
  await deleteSweep(db, sweepId);
  return json({ deleted: true });
});
