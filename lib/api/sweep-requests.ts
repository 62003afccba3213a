import "@/lib/zod-config";
import { z } from "zod";
import { TRIAL_STATUSES } from "@/lib/queue/status";
import { sweepConfigSchema, type SweepConfig } from "@/lib/sweep/schema";
import { parseSweepSpec } from "@/lib/sweep/wandb";
import { BadRequestError } from "@/lib/errors";

/** Create a sweep from a config object (the builder form) or a pasted W&B-style spec. */
export const createSweepRequestSchema = z.strictObject({
  config: z.unknown().optional(),
  spec: z.string().max(200_000).optional(),
  /** A generated set stored by the builder's preview (POST /api/generated) for this sweep's browser-trained generator. */
  generatedSet: z
    .string()
    .regex(/^sha256:[0-9a-f]{64}$/, { error: 'generatedSet must be a dataset reference "sha256:<64 hex digits>"' })
    .optional(),
});

export function configFromCreateRequest(body: z.output<typeof createSweepRequestSchema>): SweepConfig {
  if (body.config !== undefined && body.spec !== undefined) {
    throw new BadRequestError('send either "config" or "spec", not both');
  }
  if (body.spec !== undefined) return parseSweepSpec(body.spec);
  return sweepConfigSchema.parse(body.config ?? {});
}

export const trialListQuerySchema = z.strictObject({
  status: z.enum(TRIAL_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(2000).default(2000),
  offset: z.coerce.number().int().min(0).default(0),
});
