import { getDb } from "@/lib/db/client";
import { checkId, parseQuery } from "@/lib/api/request";
import { json, route } from "@/lib/api/respond";
import { trialListQuerySchema } from "@/lib/api/sweep-requests";
import { getSweep, listTrials } from "@/lib/repo/sweeps";

export const dynamic = "force-dynamic";
type Context = { params: Promise<{ id: string }> };

export const GET = route(async (request, { params }: Context) => {
  const id = checkId((await params).id, "sweep");
  const query = parseQuery(request, trialListQuerySchema);
  const db = await getDb();
  const sweep = await getSweep(db, id);
  const { trials, total } = await listTrials(db, id, query);
  return json({ counts: sweep.counts, total, trials });
});
