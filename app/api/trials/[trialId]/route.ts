import { getDb } from "@/lib/db/client";
import { checkId } from "@/lib/api/request";
import { json, route } from "@/lib/api/respond";
import { getTrialDetail } from "@/lib/repo/export";

export const dynamic = "force-dynamic";
type Context = { params: Promise<{ trialId: string }> };

/** Public read: the trial and its attempts (results with loss curves), never lease tokens. */
export const GET = route(async (_request, { params }: Context) => {
  const trialId = checkId((await params).trialId, "trial");
  return json(await getTrialDetail(await getDb(), trialId));
});
