import type { CalibrationReply, CalibrationRequest } from "./calibrate.worker";
import { formatMs, SlowerThanBestError, type Workload } from "./calibration";
import type { BackendName } from "./protocol";

const WARMUP_STEPS = 2;
const TIMED_STEPS = 3;

/** A timed step this much slower than the best backend's ms/step ends the measurement: it cannot win. */
const LOSING_FACTOR = 1.5;

/**
 * The page side of one calibration measurement: a fresh Web Worker per
 * backend (so a backend that hangs or crashes takes nothing else down), ended
 * when it answers, when its time is up, or as soon as one timed step shows
 * it slower than the best so far.
 */
export function measureInWorker(
  workload: Workload,
  signal?: AbortSignal,
): (backend: BackendName, budgetMs: number, bestMsPerStep: number | null) => Promise<number> {
  return (backend, budgetMs, bestMsPerStep) =>
    new Promise<number>((resolve, reject) => {
      const worker = new Worker(new URL("./calibrate.worker.ts", import.meta.url), { type: "module" });
      const onAbort = () => {
        finish();
        reject(new Error("calibration stopped"));
      };
      const finish = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        worker.terminate();
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`stopped after ${(budgetMs / 1000).toFixed(1)} s`));
      }, budgetMs);
      worker.onmessage = (event: MessageEvent<CalibrationReply>) => {
        const reply = event.data;
        if ("step" in reply) {
          if (reply.step === "timed" && bestMsPerStep !== null && reply.ms > LOSING_FACTOR * bestMsPerStep) {
            finish();
            reject(new SlowerThanBestError(reply.ms, `stopped after a ${formatMs(reply.ms)} step`));
          }
          return;
        }
        finish();
        if (reply.ok) resolve(reply.msPerStep);
        else reject(new Error(reply.error));
      };
      worker.onerror = (event: ErrorEvent) => {
        finish();
        reject(new Error(event.message || "the calibration worker failed to start"));
      };
      const request: CalibrationRequest = { backend, workload, warmupSteps: WARMUP_STEPS, timedSteps: TIMED_STEPS };
      worker.postMessage(request);
    });
}
