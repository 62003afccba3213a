import { getDb } from "@/lib/db/client";
import { checkId, parseBody } from "@/lib/api/request";
import { json, route } from "@/lib/api/respond";
import { claimNextTrial } from "@/lib/queue/lease";
import { claimRequestSchema } from "@/lib/queue/schemas";
import { getSweep, toTrialView, touchWorker } from "@/lib/repo/sweeps";

export const dynamic = "force-dynamic";
type Context = { params: Promise<{ id: string }> };

/** 200 with a trial, its lease token and the sweep config, or 200 with `trial: null` when nothing is left to claim. */
export const POST = route(async (request, { params }: Context) => {
  const sweepId = checkId((await params).id, "sweep");
  const body = await parseBody(request, claimRequestSchema);
  const db = await getDb();
  if (body.workerId) {
    await touchWorker(db, { sweepId, workerId: body.workerId, label: body.workerLabel, userAgent: body.userAgent });
  }
  const claim = await claimNextTrial(db, { sweepId, workerId: body.workerId });
  const sweep = await getSweep(db, sweepId);
  if (!claim) return json({ trial: null, lease: null, config: null, counts: sweep.counts });
  return json({
    trial: toTrialView({ ...claim.trial, attempts: [] }),
    lease: {
      token: claim.attempt.token,
      attemptId: claim.attempt.id,
      attemptNumber: claim.attempt.number,
      expiresAt: claim.attempt.leaseExpiresAt.toISOString(),
      leaseSeconds: sweep.config.execution.leaseSeconds,
    },
    config: sweep.config,
    counts: sweep.counts,
  });
});
