import { getDb } from "@/lib/db/client";
import { checkId, parseBody } from "@/lib/api/request";
import { json, route } from "@/lib/api/respond";
import { completeTrial } from "@/lib/queue/lease";
import { completeRequestSchema } from "@/lib/queue/schemas";

export const dynamic = "force-dynamic";
type Context = { params: Promise<{ trialId: string }> };

/** Accepts the result exactly once; the same token and payload again answers 200 with `duplicate`. */
export const POST = route(async (request, { params }: Context) => {
  const trialId = checkId((await params).trialId, "trial");
  const body = await parseBody(request, completeRequestSchema);
  const outcome = await completeTrial(await getDb(), { trialId, token: body.token, result: body.result });
  return json({ outcome }, { status: outcome === "accepted" ? 201 : 200 });
});
