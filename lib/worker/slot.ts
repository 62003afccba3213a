import type { Calibration, Environment, Progress } from "@/lib/queue/schemas";
import type { TrialView } from "@/lib/contracts/views";
import { configForTrial } from "@/lib/sweep/grid";
import { ApiError, browserLeaseClient, withRetry, type LeaseClient } from "./api";
import type { BackendName, FromWorker, ToWorker, TrainOutcome } from "./protocol";

/**
 * One training slot on the page: claims a trial, runs it in its own Web
 * Worker, heartbeats with progress, reports the result or the failure, and
 * claims the next, until the sweep has nothing left or the user stops it.
 */
export type SlotStatus = "idle" | "claiming" | "training" | "reporting" | "waiting" | "finished" | "stopped" | "error";

export interface SlotState {
  status: SlotStatus;
  trial: TrialView | null;
  progress: Progress | null;
  environment: Environment | null;
  message: string | null;
  completed: number;
}

/**
 * What a slot needs of its training worker: a Web Worker in a page, a
 * worker thread behind an adapter in the headless worker (lib/headless).
 */
export interface TrainingWorker {
  postMessage(message: ToWorker): void;
  addEventListener(type: "message", listener: (event: { data: FromWorker }) => void): void;
  addEventListener(type: "error", listener: (event: { message?: string }) => void): void;
  removeEventListener(type: "message", listener: (event: { data: FromWorker }) => void): void;
  removeEventListener(type: "error", listener: (event: { message?: string }) => void): void;
  terminate(): void;
}

export interface SlotOptions {
  sweepId: string;
  workerId: string;
  workerLabel: string;
  createWorker: () => TrainingWorker;
  onState: (state: SlotState) => void;
  /** The server's lease API; the page's own server by default. */
  api?: LeaseClient;
  /** A claim error for which run() gives up instead of retrying (default: none; a page keeps trying). */
  isFinalClaimError?: (error: unknown) => boolean;
  /** Backends the worker may start, in order (default: the worker's own order). */
  backends?: BackendName[];
  /** How the backend was chosen; recorded in every result's environment. */
  calibration?: Calibration;
  /** wasm threads for this slot's worker. */
  wasmThreads?: number;
}

type JobEnd = { kind: "result"; outcome: TrainOutcome; environment: Environment } | { kind: "error"; message: string; cancelled: boolean };

const MIN_HEARTBEAT_MS = 2000;
const IDLE_RETRY_MS = 5000;

export class TrainingSlot {
  private worker: TrainingWorker | null = null;
  private stopping = false;
  private currentJob: string | null = null;
  private currentLease: { trialId: string; token: string } | null = null;
  private state: SlotState = { status: "idle", trial: null, progress: null, environment: null, message: null, completed: 0 };

  private readonly api: LeaseClient;

  constructor(private readonly options: SlotOptions) {
    this.api = options.api ?? browserLeaseClient;
  }

  private update(patch: Partial<SlotState>): void {
    this.state = { ...this.state, ...patch };
    this.options.onState(this.state);
  }

  private ensureWorker(): TrainingWorker {
    this.worker ??= this.options.createWorker();
    return this.worker;
  }

  /** Runs until the sweep has nothing left to claim or stop() is called. */
  async run(): Promise<void> {
    this.stopping = false;
    while (!this.stopping) {
      this.update({ status: "claiming", trial: null, progress: null, message: null });
      let claim;
      try {
        claim = await withRetry(() => this.api.claimTrial(this.options.sweepId, this.options.workerId, this.options.workerLabel));
      } catch (error) {
        this.update({ status: "error", message: `could not claim a trial: ${(error as Error).message}` });
        if (this.options.isFinalClaimError?.(error)) return;
        await sleep(IDLE_RETRY_MS);
        continue;
      }
      if (!claim.trial || !claim.lease || !claim.config) {
        // Running trials may still come back if their workers vanish.
        if (claim.counts.running > 0 && !this.stopping) {
          this.update({ status: "waiting", message: "no queued trials; waiting in case a running one is released" });
          await sleep(IDLE_RETRY_MS);
          continue;
        }
        this.update({ status: "finished", message: "nothing left to run" });
        return;
      }
      if (this.stopping) {
        // Stopped while the claim was in flight: hand the new trial straight back.
        const { trial, lease } = claim;
        await withRetry(() => this.api.releaseTrial(trial.id, lease.token)).catch(() => undefined);
        break;
      }
      await this.runClaimed(claim.trial, claim.lease.token, claim.lease.leaseSeconds, claim.config);
    }
    this.update({ status: "stopped", trial: null, progress: null });
  }

  private async runClaimed(
    trial: TrialView,
    token: string,
    leaseSeconds: number,
    config: NonNullable<Awaited<ReturnType<LeaseClient["claimTrial"]>>["config"]>,
  ) {
    const jobId = `${trial.id}:${token.slice(0, 8)}`;
    this.currentJob = jobId;
    this.currentLease = { trialId: trial.id, token };
    this.update({ status: "training", trial, progress: null });
    let latest: Progress | undefined;
    let leaseLost: string | null = null;
    const beatEvery = Math.max(MIN_HEARTBEAT_MS, (leaseSeconds * 1000) / 4);
    const timer = setInterval(() => {
      this.api.sendHeartbeat(trial.id, token, latest).catch((error: unknown) => {
        if (error instanceof ApiError && (error.status === 409 || error.status === 404)) {
          leaseLost = error.message;
          this.cancelJob(jobId);
        }
      });
    }, beatEvery);
    try {
      const end = await this.runJob(
        {
          type: "start",
          jobId,
          config: configForTrial(config, trial),
          trial: {
            augKnob: config.axes.augmentation.knob,
            augValue: trial.augValue,
            mixRatio: trial.mixRatio,
            generatedSize: trial.generatedSize,
            seed: trial.seed,
          },
          lease: { sweepId: this.options.sweepId, trialId: trial.id, token },
          ...(this.options.backends ? { backends: this.options.backends } : {}),
          ...(this.options.calibration ? { calibration: this.options.calibration } : {}),
          ...(this.options.wasmThreads ? { wasmThreads: this.options.wasmThreads } : {}),
        },
        (progress) => {
          latest = progress;
          this.update({ progress });
        },
      );
      clearInterval(timer);
      this.update({ status: "reporting" });
      if (leaseLost) {
        this.update({ message: `trial ${trial.orderIndex + 1} was taken back: ${leaseLost}` });
      } else if (end.kind === "result") {
        await withRetry(() => this.api.completeTrial(trial.id, token, end.outcome, end.environment));
        this.update({ environment: end.environment, completed: this.state.completed + 1 });
      } else if (end.cancelled) {
        await withRetry(() => this.api.releaseTrial(trial.id, token)).catch(() => undefined);
      } else {
        await withRetry(() => this.api.failTrial(trial.id, token, end.message));
        this.update({ message: `trial ${trial.orderIndex + 1} failed: ${end.message}` });
      }
    } catch (error) {
      this.update({ message: `could not report trial ${trial.orderIndex + 1}: ${(error as Error).message}` });
    } finally {
      clearInterval(timer);
      this.currentJob = null;
      this.currentLease = null;
    }
  }

  private runJob(message: Extract<ToWorker, { type: "start" }>, onProgress: (progress: Progress) => void): Promise<JobEnd> {
    const worker = this.ensureWorker();
    return new Promise<JobEnd>((resolve) => {
      const listener = (event: { data: FromWorker }) => {
        const data = event.data;
        if (data.type === "backend") this.update({ environment: data.environment });
        if (!("jobId" in data) || data.jobId !== message.jobId) return;
        if (data.type === "progress") onProgress(data.progress);
        else {
          worker.removeEventListener("message", listener);
          worker.removeEventListener("error", onError);
          resolve(
            data.type === "result"
              ? { kind: "result", outcome: data.outcome, environment: data.environment }
              : { kind: "error", message: data.message, cancelled: data.cancelled },
          );
        }
      };
      const onError = (event: { message?: string }) => {
        worker.removeEventListener("message", listener);
        worker.removeEventListener("error", onError);
        // A crashed worker is replaced for the next trial.
        this.worker?.terminate();
        this.worker = null;
        resolve({ kind: "error", message: `the training worker crashed: ${event.message || "unknown error"}`, cancelled: false });
      };
      worker.addEventListener("message", listener);
      worker.addEventListener("error", onError);
      worker.postMessage(message satisfies ToWorker);
    });
  }

  private cancelJob(jobId: string): void {
    this.worker?.postMessage({ type: "cancel", jobId } satisfies ToWorker);
  }

  /** Cancels the running trial (it goes back to the queue) and ends the loop. */
  stop(): void {
    this.stopping = true;
    if (this.currentJob) this.cancelJob(this.currentJob);
  }

  /**
   * The tab is going away: hand the trial back at once with a beacon (which
   * survives the unload) instead of letting its lease lapse.
   */
  releaseOnUnload(): void {
    if (!this.currentLease) return;
    const { trialId, token } = this.currentLease;
    navigator.sendBeacon(this.api.url(`/api/trials/${trialId}/release`), new Blob([JSON.stringify({ token })], { type: "application/json" }));
    this.currentLease = null;
  }

  /**
   * Hands the held trial back now, without waiting for the training worker
   * to notice the cancel (a process about to exit). True when one was given back.
   */
  async releaseHeld(): Promise<boolean> {
    if (!this.currentLease) return false;
    const { trialId, token } = this.currentLease;
    this.currentLease = null;
    return withRetry(() => this.api.releaseTrial(trialId, token), 3, 500).then(
      () => true,
      () => false,
    );
  }

  dispose(): void {
    this.stop();
    this.worker?.terminate();
    this.worker = null;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
