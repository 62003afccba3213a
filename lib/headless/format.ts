import type { Progress } from "@/lib/queue/schemas";
import type { StatusCounts } from "@/lib/queue/status";
import type { TrialView } from "@/lib/contracts/views";
import { formatMixRatio } from "@/lib/sweep/grid";
import type { TrainOutcome } from "@/lib/worker/protocol";

/** The one-line texts a headless worker prints. */
const KNOB_SYMBOL: Record<string, string> = { strength: "s", cropMinScale: "a", jitterStrength: "j", jitterProb: "p" };

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

export function describeTrial(
  trial: Pick<TrialView, "orderIndex" | "augKnob" | "augValue" | "mixRatio" | "seed"> & { degradation?: number | null },
  total?: number,
): string {
  const knob = KNOB_SYMBOL[trial.augKnob] ?? trial.augKnob;
  return `trial ${trial.orderIndex + 1}${total ? `/${total}` : ""} (${knob}=${trial.augValue} ${formatMixRatio(trial.mixRatio)}${trial.degradation == null ? "" : ` deg=${trial.degradation}`} seed ${trial.seed})`;
}

export function formatProgress(progress: Progress): string {
  const parts = [`${progress.phase} ${progress.step}/${progress.totalSteps}`];
  if (progress.loss != null) parts.push(`loss ${progress.loss.toFixed(4)}`);
  if (progress.imagesPerSecond) parts.push(`${progress.imagesPerSecond.toFixed(0)} img/s`);
  if (progress.etaSeconds != null) parts.push(`ETA ${formatDuration(progress.etaSeconds)}`);
  return parts.join(" | ");
}

export function formatOutcome(outcome: TrainOutcome): string {
  const parts = [`probe ${outcome.linearProbeAccuracy.toFixed(4)}`];
  if (outcome.knnAccuracy != null) parts.push(`kNN ${outcome.knnAccuracy.toFixed(4)}`);
  parts.push(`loss ${outcome.finalLoss.toFixed(4)}`);
  if (outcome.imagesPerSecond) parts.push(`${outcome.imagesPerSecond.toFixed(0)} img/s`);
  parts.push(`in ${formatDuration(outcome.durationMs / 1000)}`);
  return parts.join(" | ");
}

export function formatCounts(counts: StatusCounts): string {
  return `${counts.done}/${counts.total} done, ${counts.running} running, ${counts.queued} queued, ${counts.failed} failed, ${counts.cancelled} cancelled`;
}
