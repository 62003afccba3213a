import { Worker } from "node:worker_threads";
import type { FromWorker, ToWorker } from "@/lib/worker/protocol";
import type { TrainingWorker } from "@/lib/worker/slot";
import type { TrainingThreadData } from "./training-thread";

type MessageListener = (event: { data: FromWorker }) => void;
type ErrorListener = (event: { message?: string }) => void;

/**
 * A worker thread running training-thread.ts, shaped like the Web Worker a
 * TrainingSlot drives. `onMessage` sees every message first (the CLI prints
 * progress and results from it). A thread that dies is reported as an error,
 * as a crashed Web Worker is, and to `onCrash`.
 */
export class TrainingThread implements TrainingWorker {
  private readonly thread: Worker;
  private readonly messageListeners = new Set<MessageListener>();
  private readonly errorListeners = new Set<ErrorListener>();
  private terminated = false;

  constructor(
    data: TrainingThreadData,
    onMessage?: (message: FromWorker) => void,
    private readonly onCrash?: (message: string) => void,
  ) {
    this.thread = new Worker(new URL("./thread-entry.mjs", import.meta.url), { workerData: data });
    this.thread.on("message", (message: FromWorker) => {
      onMessage?.(message);
      for (const listener of [...this.messageListeners]) listener({ data: message });
    });
    this.thread.on("error", (error: Error) => this.fail(error.message));
    this.thread.on("exit", (code) => {
      if (!this.terminated) this.fail(`the training thread exited with code ${code}`);
    });
  }

  private fail(message: string): void {
    this.onCrash?.(message);
    for (const listener of [...this.errorListeners]) listener({ message });
  }

  postMessage(message: ToWorker): void {
    this.thread.postMessage(message);
  }

  addEventListener(type: "message", listener: MessageListener): void;
  addEventListener(type: "error", listener: ErrorListener): void;
  addEventListener(type: "message" | "error", listener: MessageListener | ErrorListener): void {
    if (type === "message") this.messageListeners.add(listener as MessageListener);
    else this.errorListeners.add(listener as ErrorListener);
  }

  removeEventListener(type: "message", listener: MessageListener): void;
  removeEventListener(type: "error", listener: ErrorListener): void;
  removeEventListener(type: "message" | "error", listener: MessageListener | ErrorListener): void {
    if (type === "message") this.messageListeners.delete(listener as MessageListener);
    else this.errorListeners.delete(listener as ErrorListener);
  }

  terminate(): void {
    this.terminated = true;
    void this.thread.terminate();
  }
}
