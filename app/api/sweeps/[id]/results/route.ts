import { getDb } from "@/lib/db/client";
import { checkId, ownerSecretFrom, parseBody } from "@/lib/api/request";
import { json, route } from "@/lib/api/respond";
import { externalResultRequestSchema, recordExternalResult } from "@/lib/repo/import";
import { assertOwner } from "@/lib/repo/sweeps";

export const dynamic = "force-dynamic";
type Context = { params: Promise<{ id: string }> };

/**
 * Owner only: one result computed elsewhere, `{augValue, mixRatio, generatedSize?, seed, result}`.
 * 201 accepted, 200 duplicate (same result again), 409 a different result for a finished
 * trial, 404 no trial with these axis values, 422 ambiguous or invalid.
 */
export const POST = route(async (request, { params }: Context) => {
  const sweepId = checkId((await params).id, "sweep");
  const db = await getDb();
  await assertOwner(db, sweepId, ownerSecretFrom(request, sweepId));
  const body = await parseBody(request, externalResultRequestSchema);
  const outcome = await recordExternalResult(db, sweepId, body);
  return json(outcome, { status: outcome.outcome === "accepted" ? 201 : 200 });
});
