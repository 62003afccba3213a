import type { TrialView } from "@/lib/contracts/views";

/**
 * Builds a TrialView for tests with only the fields a test cares about.
 * Lives outside *.test.ts so several test files can share it; nothing in
 * the app imports it.
 */
export function makeTrial(overrides: Partial<TrialView> = {}): TrialView {
  const augValue = overrides.augValue ?? 1;
  const mixRatio = overrides.mixRatio ?? "none";
  const generatedSize = overrides.generatedSize ?? 5000;
  const degradation = overrides.degradation ?? null;
  const seed = overrides.seed ?? 0;
  const status = overrides.status ?? "done";
  const finished = status === "done";
  return {
    id: `t-${augValue}-${mixRatio}-${generatedSize}${degradation === null ? "" : `-d${degradation}`}-${seed}`,
    orderIndex: 0,
    cellKey: `aug=${augValue}|mix=${mixRatio}|gen=${generatedSize}${degradation === null ? "" : `|deg=${degradation}`}`,
    augKnob: "strength",
    augValue,
    mixRatio,
    generatedSize,
    degradation,
    seed,
    configHash: "hash",
    status,
    attempts: finished ? 1 : 0,
    failures: 0,
    leaseExpiresAt: null,
    leaseLapsed: false,
    lastError: null,
    linearAcc: finished ? 0.5 : null,
    knnAcc: finished ? 0.4 : null,
    finalLoss: finished ? 5 : null,
    durationMs: finished ? 1000 : null,
    imagesPerSec: finished ? 100 : null,
    backend: finished ? "webgl" : null,
    generatedFid: null,
    generatedPrecision: null,
    generatedRecall: null,
    progress: null,
    updatedAt: "2025-01-01T00:00:00.000Z",
    ...overrides,
  };
}
