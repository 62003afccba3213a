import "@/lib/zod-config";
import { z } from "zod";

/** What a worker reports while training; stored with the attempt. */
export const progressSchema = z.strictObject({
  phase: z.enum(["data", "generator", "train", "eval"]).default("train"),
  step: z.number().int().min(0),
  totalSteps: z.number().int().min(1),
  loss: z.number().finite().nullable().optional(),
  imagesPerSecond: z.number().finite().min(0).optional(),
  etaSeconds: z.number().finite().min(0).optional(),
});
export type Progress = z.output<typeof progressSchema>;

/** How the backend was chosen: each candidate's measured ms per training step at the trial's shapes (lib/worker/calibration). */
export const calibrationEntrySchema = z.strictObject({
  backend: z.string().min(1).max(40),
  msPerStep: z.number().finite().min(0).nullable(),
  error: z.string().max(200).optional(),
});
export const calibrationSchema = z.strictObject({
  chosen: z.string().min(1).max(40),
  source: z.enum(["measured", "cached", "forced"]),
  reason: z.string().max(600),
  entries: z.array(calibrationEntrySchema).max(8),
});
export type CalibrationEntry = z.output<typeof calibrationEntrySchema>;
export type Calibration = z.output<typeof calibrationSchema>;

export const environmentSchema = z.strictObject({
  backend: z.string().min(1).max(40),
  adapter: z.string().max(300).optional(),
  userAgent: z.string().max(500).optional(),
  tfjsVersion: z.string().max(40).optional(),
  runtime: z.string().max(100).optional(),
  calibration: calibrationSchema.optional(),
});
export type Environment = z.output<typeof environmentSchema>;

const lossPoint = z.tuple([z.number().int().min(0), z.number().finite()]);

/** Extra measurements a result may carry: enough for every quality score, few enough to bound a stored result. */
export const MAX_RESULT_METRICS = 32;

/** The measured outcome of one trial. Accuracies are fractions in [0, 1]. */
export const trialResultSchema = z.strictObject({
  linearProbeAccuracy: z.number().min(0).max(1),
  knnAccuracy: z.number().min(0).max(1).nullable().default(null),
  finalLoss: z.number().finite(),
  lossCurve: z.array(lossPoint).max(2000).default([]),
  // A week; also keeps the value inside a 32-bit database integer.
  durationMs: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 3600 * 1000),
  imagesPerSecond: z.number().finite().min(0).nullable().default(null),
  realShare: z.number().min(0).max(1).nullable().default(null),
  environment: environmentSchema,
  metrics: z
    .record(z.string().min(1).max(60), z.number().finite())
    .refine((metrics) => Object.keys(metrics).length <= MAX_RESULT_METRICS, {
      message: `at most ${MAX_RESULT_METRICS} metrics per result`,
    })
    .default({}),
});
export type TrialResult = z.output<typeof trialResultSchema>;
export type TrialResultInput = z.input<typeof trialResultSchema>;

/** The result's headline numbers as stored on the Trial row (for listing and aggregation without parsing JSON). */
export function trialMetricColumns(result: TrialResult) {
  return {
    linearAcc: result.linearProbeAccuracy,
    knnAcc: result.knnAccuracy,
    finalLoss: result.finalLoss,
    durationMs: result.durationMs,
    imagesPerSec: result.imagesPerSecond,
    backend: result.environment.backend,
    generatedFid: finiteOrNull(result.metrics.generatedFid),
    generatedPrecision: finiteOrNull(result.metrics.generatedPrecision),
    generatedRecall: finiteOrNull(result.metrics.generatedRecall),
  };
}

function finiteOrNull(value: number | undefined): number | null {
  return value !== undefined && Number.isFinite(value) ? value : null;
}

export const tokenSchema = z.string().min(16).max(100);

export const claimRequestSchema = z.strictObject({
  workerId: z
    .string()
    .min(4)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/, "letters, digits, _ and - only")
    .optional(),
  workerLabel: z.string().max(80).optional(),
  userAgent: z.string().max(500).optional(),
});
export type ClaimRequest = z.output<typeof claimRequestSchema>;

export const heartbeatRequestSchema = z.strictObject({ token: tokenSchema, progress: progressSchema.optional() });
export const completeRequestSchema = z.strictObject({ token: tokenSchema, result: trialResultSchema });
export const releaseRequestSchema = z.strictObject({ token: tokenSchema });
export const failRequestSchema = z.strictObject({ token: tokenSchema, message: z.string().min(1).max(4000) });
export const trialSelectionSchema = z.strictObject({
  trialIds: z.array(z.string().min(1).max(64)).min(1).max(5000).optional(),
});

/**
 * Requeue: failed and cancelled trials, and with `resetDone` also finished
 * ones (their results cleared, their attempts kept as history), so that an
 * owner can repair results someone posted with the run link. Resetting
 * results needs the trials named: never a whole sweep by accident.
 */
export const requeueRequestSchema = trialSelectionSchema
  .extend({ resetDone: z.boolean().default(false) })
  .refine((body) => !body.resetDone || body.trialIds !== undefined, {
    path: ["trialIds"],
    message: "resetDone needs trialIds: name the finished trials whose results to clear",
  });
