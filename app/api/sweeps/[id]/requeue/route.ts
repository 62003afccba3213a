import { readJson } from "@/lib/api/request";
import { ownerRoute } from "@/lib/api/owner-route";
import { json } from "@/lib/api/respond";
import { requeueTrials } from "@/lib/queue/lease";
import { requeueRequestSchema } from "@/lib/queue/schemas";
import { getSweep } from "@/lib/repo/sweeps";

export const dynamic = "force-dynamic";

/**
 * Owner only. Body `{ trialIds?: string[], resetDone?: boolean }`; without ids it applies to the whole sweep.
 * `resetDone` (ids required) also clears and requeues the named finished trials, keeping their attempts.
 */
export const POST = ownerRoute(async (request, { db, sweepId }) => {
  const selection = requeueRequestSchema.parse(await readJson(request, { emptyAsObject: true }));
  const outcome = await requeueTrials(db, { sweepId, trialIds: selection.trialIds, resetDone: selection.resetDone });
  return json({ ...outcome, counts: (await getSweep(db, sweepId)).counts });
});
