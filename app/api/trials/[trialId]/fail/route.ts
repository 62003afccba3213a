import { getDb } from "@/lib/db/client";
import { checkId, parseBody } from "@/lib/api/request";
import { json, route } from "@/lib/api/respond";
import { failTrial } from "@/lib/queue/lease";
import { failRequestSchema } from "@/lib/queue/schemas";

export const dynamic = "force-dynamic";
type Context = { params: Promise<{ trialId: string }> };

/** Records the failure; the trial is requeued until it has used the sweep's maxAttempts. */
export const POST = route(async (request, { params }: Context) => {
  const trialId = checkId((await params).trialId, "trial");
  const body = await parseBody(request, failRequestSchema);
  return json(await failTrial(await getDb(), { trialId, token: body.token, message: body.message }));
});
