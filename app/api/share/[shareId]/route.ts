import { getDb } from "@/lib/db/client";
import { checkId, parseQuery } from "@/lib/api/request";
import { publicSweep } from "@/lib/api/links";
import { json, route } from "@/lib/api/respond";
import { trialListQuerySchema } from "@/lib/api/sweep-requests";
import { getSweepByShareId, listTrials } from "@/lib/repo/sweeps";

export const dynamic = "force-dynamic";
type Context = { params: Promise<{ shareId: string }> };

/** Read-only: the sweep and its trials for anyone holding the share link. */
export const GET = route(async (request, { params }: Context) => {
  const shareId = checkId((await params).shareId, "sweep");
  const query = parseQuery(request, trialListQuerySchema);
  const db = await getDb();
  const sweep = await getSweepByShareId(db, shareId);
  const { trials, total } = await listTrials(db, sweep.id, query);
  return json({ sweep: publicSweep(sweep), counts: sweep.counts, total, trials });
});
