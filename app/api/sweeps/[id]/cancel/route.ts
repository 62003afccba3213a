import { getDb } from "@/lib/db/client";
import { checkId, ownerSecretFrom, readJson } from "@/lib/api/request";
import { json, route } from "@/lib/api/respond";
import { cancelTrials } from "@/lib/queue/lease";
import { trialSelectionSchema } from "@/lib/queue/schemas";
import { assertOwner, getSweep } from "@/lib/repo/sweeps";

export const dynamic = "force-dynamic";
type Context = { params: Promise<{ id: string }> };

/** Owner only. Body `{ trialIds?: string[] }`; without ids it applies to the whole sweep. */
export const POST = route(async (request, { params }: Context) => {
  const sweepId = checkId((await params).id, "sweep");
  const db = await getDb();
  await assertOwner(db, sweepId, ownerSecretFrom(request, sweepId));
  const selection = trialSelectionSchema.parse(await readJson(request, { emptyAsObject: true }));
  const outcome = await cancelTrials(db, { sweepId, trialIds: selection.trialIds });
  return json({ ...outcome, counts: (await getSweep(db, sweepId)).counts });
});
