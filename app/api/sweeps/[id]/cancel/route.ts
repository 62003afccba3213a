import { readJson } from "@/lib/api/request";
import { ownerRoute } from "@/lib/api/owner-route";
import { json } from "@/lib/api/respond";
import { cancelTrials } from "@/lib/queue/lease";
import { trialSelectionSchema } from "@/lib/queue/schemas";
import { getSweep } from "@/lib/repo/sweeps";

export const dynamic = "force-dynamic";

/** Owner only. Body `{ trialIds?: string[] }`; without ids it applies to the whole sweep. */
export const POST = ownerRoute(async (request, { db, sweepId }) => {
  const selection = trialSelectionSchema.parse(await readJson(request, { emptyAsObject: true }));
  const outcome = await cancelTrials(db, { sweepId, trialIds: selection.trialIds });
  return json({ ...outcome, counts: (await getSweep(db, sweepId)).counts });
});
