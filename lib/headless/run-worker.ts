import type { StatusCounts } from "@/lib/queue/status";
import type { TrialView } from "@/lib/contracts/views";
import { ApiError, createLeaseClient, isTransient, withRetry } from "@/lib/worker/api";
import type { FromWorker } from "@/lib/worker/protocol";
import { TrainingSlot, type SlotState } from "@/lib/worker/slot";
import { nodeUserAgent, type NodeBackendName } from "./backend";
import { describeTrial, formatCounts, formatDuration, formatOutcome, formatProgress } from "./format";
import type { SweepTarget } from "./sweep-url";
import { TrainingThread } from "./thread-worker";

/**
 * A headless worker: N TrainingSlots (the browser's claim / heartbeat /
 * report loop, lib/worker/slot.ts) against a server's lease API, each
 * training in its own worker thread. The lease loop stays on this thread, so
 * heartbeats go out on time however long a training step blocks its thread.
 */
export interface HeadlessWorkerOptions {
  target: SweepTarget;
  slots: number;
  backends: NodeBackendName[];
  /** Directory for cached dataset assets, or null for memory only. */
  cacheDir: string | null;
  workerId: string;
  workerLabel: string;
  /** Least time between two progress lines of one slot. */
  progressEveryMs: number;
  log: (line: string) => void;
  /** Aborting stops the worker: running trials are cancelled and given back to the queue. */
  signal?: AbortSignal;
  /** After a stop, how long the training threads get to notice before the trials are released from here. */
  stopGraceMs?: number;
  /** Trials failing one after another before the worker gives up (default 3): a broken machine should not burn through a sweep's attempts. */
  maxConsecutiveFailures?: number;
}

export interface HeadlessSummary {
  /** Results the server accepted from this worker, in all and per slot. */
  completed: number;
  perSlot: number[];
  failed: number;
  /** Trials handed back unfinished (a stop, or a lease the server took back). */
  released: number;
  stopped: boolean;
  /** Why the worker gave up: a claim the server refused for good (e.g. a deleted sweep), or trials failing one after another. */
  errors: string[];
  backend: string | null;
  counts: StatusCounts | null;
  elapsedMs: number;
}

/** The sweep could not be read at start: no such sweep, or no server there. */
export class SweepLookupError extends Error {}

export async function runHeadlessWorker(options: HeadlessWorkerOptions): Promise<HeadlessSummary> {
  const started = Date.now();
  const { target, log } = options;
  const api = createLeaseClient({ baseUrl: target.baseUrl, userAgent: nodeUserAgent });
  const sweep = await withRetry(() => api.getSweep(target.sweepId)).catch((error: unknown) => {
    if (error instanceof ApiError && error.status === 404) throw new SweepLookupError(`no sweep ${target.sweepId} at ${target.baseUrl}`);
    throw new SweepLookupError(`could not read sweep ${target.sweepId} from ${target.baseUrl}: ${(error as Error).message}`);
  });
  const total = sweep.sweep.trialCount;
  log(`sweep "${sweep.sweep.name}" at ${target.baseUrl}: ${formatCounts(sweep.sweep.counts)}`);
  log(`worker ${options.workerId}: ${options.slots} slot(s), backends ${options.backends.join(" > ")}`);

  const summary: HeadlessSummary = {
    completed: 0,
    perSlot: [],
    failed: 0,
    released: 0,
    stopped: false,
    errors: [],
    backend: null,
    counts: null,
    elapsedMs: 0,
  };
  const endStates: (() => SlotState | null)[] = [];
  const maxFailures = options.maxConsecutiveFailures ?? 3;
  let failuresInARow = 0;
  let stop: () => void = () => {};
  const trialFailed = (message: string) => {
    summary.failed++;
    failuresInARow++;
    if (failuresInARow === maxFailures) {
      summary.errors.push(`${maxFailures} trials failed in a row here (last: ${message}); stopped so that other workers can run them`);
      stop();
    }
  };
  const slots = Array.from({ length: options.slots }, (_, index) => {
    const name = `slot ${index + 1}`;
    let trial: TrialView | null = null;
    let lastMessage: string | null = null;
    let lastPrinted = 0;
    let lastPhase = "";
    let backendShown = false;
    let lastState: SlotState | null = null;
    summary.perSlot.push(0);
    endStates.push(() => lastState);

    const onMessage = (message: FromWorker) => {
      const label = trial ? describeTrial(trial, total) : "trial";
      if (message.type === "backend" && !backendShown) {
        backendShown = true;
        summary.backend ??= message.environment.backend;
        const { backend, adapter, runtime } = message.environment;
        log(`${name} | backend ${backend}${adapter ? ` (${adapter})` : ""}${runtime ? `, ${runtime}` : ""}`);
      } else if (message.type === "progress") {
        const now = Date.now();
        if (message.progress.phase === lastPhase && now - lastPrinted < options.progressEveryMs) return;
        lastPhase = message.progress.phase;
        lastPrinted = now;
        log(`${name} | ${label} | ${formatProgress(message.progress)}`);
      } else if (message.type === "result") {
        failuresInARow = 0;
        log(`${name} | ${label} trained | ${formatOutcome(message.outcome)}`);
      } else if (message.type === "error" && message.cancelled) {
        summary.released++;
        log(`${name} | ${label} stopped; giving it back to the queue`);
      } else if (message.type === "error") {
        trialFailed(message.message);
      }
    };

    const onState = (state: SlotState) => {
      lastState = state;
      if (state.trial && state.trial !== trial) {
        trial = state.trial;
        lastPhase = "";
        log(`${name} | claimed ${describeTrial(trial, total)}`);
      }
      if (state.completed !== summary.perSlot[index]) {
        summary.completed += state.completed - (summary.perSlot[index] ?? 0);
        summary.perSlot[index] = state.completed;
        if (trial) log(`${name} | ${describeTrial(trial, total)} reported`);
      }
      // Messages repeat while a slot waits: each distinct one is printed once.
      if (state.message && state.message !== lastMessage) {
        lastMessage = state.message;
        log(`${name} | ${state.message}`);
      }
    };

    return new TrainingSlot({
      sweepId: target.sweepId,
      workerId: options.workerId,
      workerLabel: `${options.workerLabel} ${name}`.slice(0, 80),
      api,
      createWorker: () =>
        new TrainingThread({ baseUrl: target.baseUrl, cacheDir: options.cacheDir, backends: options.backends }, onMessage, (message) =>
          trialFailed(`the training thread crashed: ${message}`),
        ),
      onState,
      isFinalClaimError: (error) => !isTransient(error),
    });
  });

  let forced: () => void = () => {};
  let grace: ReturnType<typeof setTimeout> | undefined;
  const forcedStop = new Promise<void>((resolve) => (forced = resolve));
  stop = () => {
    if (summary.stopped) return;
    summary.stopped = true;
    log(`stopping: cancelling running trials and giving them back to the queue`);
    slots.forEach((slot) => slot.stop());
    grace = setTimeout(() => {
      log(`the training threads did not stop within ${formatDuration((options.stopGraceMs ?? 10_000) / 1000)}; releasing from here`);
      void Promise.all(slots.map((slot) => slot.releaseHeld())).then((released) => {
        summary.released += released.filter(Boolean).length;
        forced();
      });
    }, options.stopGraceMs ?? 10_000);
  };
  if (options.signal?.aborted) stop();
  else options.signal?.addEventListener("abort", stop, { once: true });

  try {
    await Promise.race([Promise.all(slots.map((slot) => slot.run())), forcedStop]);
  } finally {
    clearTimeout(grace);
    options.signal?.removeEventListener("abort", stop);
    slots.forEach((slot) => slot.dispose());
  }
  for (const state of endStates.map((get) => get())) {
    if (state?.status === "error" && state.message) summary.errors.push(state.message);
  }
  summary.counts = await withRetry(() => api.getSweep(target.sweepId), 2)
    .then((reply) => reply.sweep.counts)
    .catch(() => null);
  summary.elapsedMs = Date.now() - started;
  return summary;
}

export function formatSummary(summary: HeadlessSummary): string {
  const slots = summary.perSlot.length > 1 ? ` (${summary.perSlot.map((n, i) => `slot ${i + 1}: ${n}`).join(", ")})` : "";
  return (
    `${summary.stopped ? "stopped" : "finished"} after ${formatDuration(summary.elapsedMs / 1000)}: ` +
    `${summary.completed} trial(s) done here${slots}, ${summary.failed} failed, ${summary.released} given back` +
    `${summary.backend ? ` [${summary.backend}]` : ""}` +
    (summary.counts ? `; sweep: ${formatCounts(summary.counts)}` : "")
  );
}
