import type { Calibration, Environment, Progress } from "@/lib/queue/schemas";
import type { AugKnob, SweepConfig } from "@/lib/sweep/schema";
import type { LeaseProof } from "./generated-set";

/** Messages between a page and its training Web Worker. */
export type BackendName = "webgpu" | "webgl" | "wasm" | "cpu";
/** Fallback order when nothing was measured: wasm (XNNPACK) first, it is the fastest on CPU-only machines. */
export const BACKEND_ORDER: readonly BackendName[] = ["wasm", "webgpu", "webgl", "cpu"];

export interface TrialToRun {
  augKnob: AugKnob;
  augValue: number;
  mixRatio: number | "none";
  generatedSize: number;
  seed: number;
}

export interface TrainOutcome {
  linearProbeAccuracy: number;
  knnAccuracy: number | null;
  finalLoss: number;
  lossCurve: [number, number][];
  durationMs: number;
  imagesPerSecond: number | null;
  realShare: number | null;
  /** Extra measurements, e.g. the generated images' quality (lib/quality). */
  metrics: Record<string, number>;
}

export type ToWorker =
  | {
      type: "start";
      jobId: string;
      config: SweepConfig;
      trial: TrialToRun;
      /** The claimed trial's lease: it lets the job register the sweep's browser-trained generated set. */
      lease?: LeaseProof;
      backends?: BackendName[];
      calibration?: Calibration;
      wasmThreads?: number;
    }
  | { type: "cancel"; jobId: string };

export type FromWorker =
  | { type: "backend"; environment: Environment }
  | { type: "progress"; jobId: string; progress: Progress }
  | { type: "result"; jobId: string; outcome: TrainOutcome; environment: Environment }
  | { type: "error"; jobId: string; message: string; cancelled: boolean };
