import { getDb } from "@/lib/db/client";
import { checkId, ownerSecretFrom, readJson } from "@/lib/api/request";
import { json, route } from "@/lib/api/respond";
import { requeueTrials } from "@/lib/queue/lease";
import { requeueRequestSchema } from "@/lib/queue/schemas";
import { assertOwner, getSweep } from "@/lib/repo/sweeps";

export const dynamic = "force-dynamic";
type Context = { params: Promise<{ id: string }> };

/**
 * Owner only. Body `{ trialIds?: string[], resetDone?: boolean }`; without ids it applies to the whole sweep.
 * `resetDone` (ids required) also clears and requeues the named finished trials, keeping their attempts.
 */
export const POST = route(async (request, { params }: Context) => {
  const sweepId = checkId((await params).id, "sweep");
  const db = await getDb();
  await assertOwner(db, sweepId, ownerSecretFrom(request, sweepId));
  const selection = requeueRequestSchema.parse(await readJson(request, { emptyAsObject: true }));
  const outcome = await requeueTrials(db, { sweepId, trialIds: selection.trialIds, resetDone: selection.resetDone });
  return json({ ...outcome, counts: (await getSweep(db, sweepId)).counts });
});
