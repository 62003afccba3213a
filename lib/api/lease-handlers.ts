import "server-only";
import type { z } from "zod";
import { getDb } from "@/lib/db/client";
import { checkId, parseBody } from "@/lib/api/request";
import { json, route } from "@/lib/api/respond";
import { claimForWorker, completeTrial, failTrial, heartbeatTrial, releaseTrial } from "@/lib/queue/lease";
import { claimRequestSchema, completeRequestSchema, failRequestSchema, heartbeatRequestSchema, releaseRequestSchema } from "@/lib/queue/schemas";
import { toTrialView } from "@/lib/repo/sweeps";
import type { TrialView } from "@/lib/contracts/views";
import type { StatusCounts } from "@/lib/queue/status";
import type { SweepConfig } from "@/lib/sweep/schema";

/**
 * The five worker endpoints of the lease protocol, as plain functions of
 * (id from the path, validated body) to (status, JSON body). Next.js
 * serves them under app/api (each route file is one `nextRoute`), and the
 * production server's fast path (fast-path.ts) calls the same operations
 * without Next's router.
 */
export interface LeaseOperation<S extends z.ZodType = z.ZodType, B = unknown> {
  /** The route segment that carries the id, and what the id names. */
  param: "id" | "trialId";
  names: "sweep" | "trial";
  schema: S;
  run(id: string, body: z.output<S>): Promise<{ status: number; body: B }>;
}

const operation = <S extends z.ZodType, B>(definition: LeaseOperation<S, B>) => definition;

/** A claim's answer: a trial with its lease and the sweep's config, or all three null when nothing is left to claim. */
export type ClaimAnswer =
  | {
      trial: TrialView;
      lease: { token: string; attemptId: string; attemptNumber: number; expiresAt: string; leaseSeconds: number };
      config: SweepConfig;
      counts: StatusCounts;
    }
  | { trial: null; lease: null; config: null; counts: StatusCounts };

export const leaseOperations = {
  /** 200 with a trial, its lease token and the sweep config, or 200 with `trial: null` when nothing is left to claim. */
  claim: operation({
    param: "id",
    names: "sweep",
    schema: claimRequestSchema,
    async run(sweepId, body): Promise<{ status: number; body: ClaimAnswer }> {
      const { claim, config, leaseSeconds, counts } = await claimForWorker(await getDb(), {
        sweepId,
        workerId: body.workerId,
        workerLabel: body.workerLabel,
        userAgent: body.userAgent,
      });
      if (!claim) return { status: 200, body: { trial: null, lease: null, config: null, counts } };
      return {
        status: 200,
        body: {
          trial: toTrialView({ ...claim.trial, attempts: [] }),
          lease: {
            token: claim.attempt.token,
            attemptId: claim.attempt.id,
            attemptNumber: claim.attempt.number,
            expiresAt: claim.attempt.leaseExpiresAt.toISOString(),
            leaseSeconds,
          },
          config,
          counts,
        },
      };
    },
  }),
  /** Extends the lease; 409 when the token no longer holds it (the worker should stop). */
  heartbeat: operation({
    param: "trialId",
    names: "trial",
    schema: heartbeatRequestSchema,
    async run(trialId, body) {
      const { leaseExpiresAt } = await heartbeatTrial(await getDb(), { trialId, token: body.token, progress: body.progress });
      return { status: 200, body: { leaseExpiresAt: leaseExpiresAt.toISOString() } };
    },
  }),
  /** Accepts the result exactly once; the same token and payload again answers 200 with `duplicate`. */
  complete: operation({
    param: "trialId",
    names: "trial",
    schema: completeRequestSchema,
    async run(trialId, body) {
      const outcome = await completeTrial(await getDb(), { trialId, token: body.token, result: body.result });
      return { status: outcome === "accepted" ? 201 : 200, body: { outcome } };
    },
  }),
  /** Records the failure; the trial is requeued until it has used the sweep's maxAttempts. */
  fail: operation({
    param: "trialId",
    names: "trial",
    schema: failRequestSchema,
    async run(trialId, body) {
      return { status: 200, body: await failTrial(await getDb(), { trialId, token: body.token, message: body.message }) };
    },
  }),
  /** Gives the trial back to the queue without counting a failure (the user stopped the worker). */
  release: operation({
    param: "trialId",
    names: "trial",
    schema: releaseRequestSchema,
    async run(trialId, body) {
      return { status: 200, body: await releaseTrial(await getDb(), { trialId, token: body.token }) };
    },
  }),
} satisfies Record<string, LeaseOperation<z.ZodType, unknown>>;

/** The JSON body a lease operation answers with on success (what lib/worker/api.ts receives). */
export type LeaseResponse<K extends keyof typeof leaseOperations> = Awaited<ReturnType<(typeof leaseOperations)[K]["run"]>>["body"];

/** The operation as a Next.js route handler: the id is checked before the body is read, as everywhere. */
export function nextRoute(op: LeaseOperation<z.ZodType>) {
  return route(async (request, { params }: { params: Promise<Record<string, string>> }) => {
    const id = checkId((await params)[op.param] ?? "", op.names);
    const body = await parseBody(request, op.schema);
    const { status, body: answer } = await op.run(id, body);
    return json(answer, { status });
  });
}
