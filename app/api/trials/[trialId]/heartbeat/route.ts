import { getDb } from "@/lib/db/client";
import { checkId, parseBody } from "@/lib/api/request";
import { json, route } from "@/lib/api/respond";
import { heartbeatTrial } from "@/lib/queue/lease";
import { heartbeatRequestSchema } from "@/lib/queue/schemas";

export const dynamic = "force-dynamic";
type Context = { params: Promise<{ trialId: string }> };

/** Extends the lease; 409 when the token no longer holds it (the worker should stop). */
export const POST = route(async (request, { params }: Context) => {
  const trialId = checkId((await params).trialId, "trial");
  const body = await parseBody(request, heartbeatRequestSchema);
  const { leaseExpiresAt } = await heartbeatTrial(await getDb(), { trialId, token: body.token, progress: body.progress });
  return json({ leaseExpiresAt: leaseExpiresAt.toISOString() });
});
