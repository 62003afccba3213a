import { parseBody } from "@/lib/api/request";
import { ownerRoute } from "@/lib/api/owner-route";
import { json } from "@/lib/api/respond";
import { externalResultRequestSchema, recordExternalResult } from "@/lib/repo/import";

export const dynamic = "force-dynamic";

/**
 * Owner only: one result computed elsewhere, `{augValue, mixRatio, generatedSize?, seed, result}`.
 * 201 accepted, 200 duplicate (same result again), 409 a different result for a finished
 * trial, 404 no trial with these axis values, 422 ambiguous or invalid.
 */
export const POST = ownerRoute(async (request, { db, sweepId }) => {
  const body = await parseBody(request, externalResultRequestSchema);
  const outcome = await recordExternalResult(db, sweepId, body);
  return json(outcome, { status: outcome.outcome === "accepted" ? 201 : 200 });
});
