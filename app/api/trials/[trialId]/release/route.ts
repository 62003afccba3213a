import { getDb } from "@/lib/db/client";
import { checkId, parseBody } from "@/lib/api/request";
import { json, route } from "@/lib/api/respond";
import { releaseTrial } from "@/lib/queue/lease";
import { releaseRequestSchema } from "@/lib/queue/schemas";

export const dynamic = "force-dynamic";
type Context = { params: Promise<{ trialId: string }> };

/** Gives the trial back to the queue without counting a failure (the user stopped the worker). */
export const POST = route(async (request, { params }: Context) => {
  const trialId = checkId((await params).trialId, "trial");
  const body = await parseBody(request, releaseRequestSchema);
  return json(await releaseTrial(await getDb(), { trialId, token: body.token }));
});
