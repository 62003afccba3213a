import type { SweepConfig } from "@/lib/sweep/schema";
import type { Progress } from "@/lib/queue/schemas";
import type { StatusCounts, TrialStatus } from "@/lib/queue/status";

/** Plain, serialisable shapes handed from server code to pages and API responses. */
export interface SweepView {
  id: string;
  shareId: string;
  name: string;
  description: string;
  config: SweepConfig;
  configHash: string;
  trialCount: number;
  /** The browser-trained generated set bound to the sweep ("sha256:<hex>"), null until a leased worker or the owner registers one. */
  generatedRef: string | null;
  createdAt: string;
  updatedAt: string;
  counts: StatusCounts;
}

export interface TrialView {
  id: string;
  orderIndex: number;
  cellKey: string;
  augKnob: string;
  augValue: number;
  mixRatio: number | "none";
  generatedSize: number;
  /** Generator degradation on a sweep with a degradation axis; null without one and for "none" trials. */
  degradation: number | null;
  seed: number;
  configHash: string;
  status: TrialStatus;
  attempts: number;
  failures: number;
  leaseExpiresAt: string | null;
  leaseLapsed: boolean;
  lastError: string | null;
  linearAcc: number | null;
  knnAcc: number | null;
  finalLoss: number | null;
  durationMs: number | null;
  imagesPerSec: number | null;
  backend: string | null;
  /** Fréchet distance and k-NN precision/recall of the trial's generated images (lib/quality). */
  generatedFid: number | null;
  generatedPrecision: number | null;
  generatedRecall: number | null;
  progress: Progress | null;
  updatedAt: string;
}
