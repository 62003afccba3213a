"use client";
import { useEffect, useRef, useState } from "react";
import type { DatasetView } from "@/lib/datasets/refs";
import type { Progress } from "@/lib/queue/schemas";
import type { SweepConfig } from "@/lib/sweep/schema";
import type { GeneratorReply, GeneratorRequest } from "@/lib/worker/generator.worker";
import { PreviewGrid } from "./PreviewGrid";

type State =
  | { kind: "idle" }
  | { kind: "running"; backend: string | null; progress: Progress | null }
  | { kind: "done"; dataset: DatasetView }
  | { kind: "error"; message: string };

const seconds = (s: number) => (s >= 90 ? `${Math.round(s / 60)} min` : `${Math.max(1, Math.round(s))} s`);

/**
 * Trains the sweep's generator here, in a Web Worker, with a progress bar,
 * then shows its samples. The set is stored bound to no sweep; the sweep
 * created from this form uses it, so its workers do not train again.
 */
export function GeneratorPreview({ config, datasetName, onReady }: { config: SweepConfig | null; datasetName: string; onReady: (dataset: DatasetView) => void }) {
  const [state, setState] = useState<State>({ kind: "idle" });
  const worker = useRef<Worker | null>(null);
  // The latest callback: the form may change while the generator trains.
  const ready = useRef(onReady);
  useEffect(() => {
    ready.current = onReady;
  });
  useEffect(() => () => worker.current?.terminate(), []);

  function start() {
    if (!config) return;
    worker.current?.terminate();
    const created = new Worker(new URL("../../../lib/worker/generator.worker.ts", import.meta.url), { type: "module" });
    worker.current = created;
    setState({ kind: "running", backend: null, progress: null });
    created.onmessage = (event: MessageEvent<GeneratorReply>) => {
      const message = event.data;
      if (message.type === "backend") setState((s) => (s.kind === "running" ? { ...s, backend: message.backend } : s));
      else if (message.type === "progress") setState((s) => (s.kind === "running" ? { ...s, progress: message.progress } : s));
      else if (message.type === "done") {
        setState({ kind: "done", dataset: message.dataset });
        ready.current(message.dataset);
        created.terminate();
      } else {
        setState({ kind: "error", message: message.message });
        created.terminate();
      }
    };
    const request: GeneratorRequest = { type: "start", config: { dataset: config.dataset, generated: config.generated, axes: config.axes }, datasetName };
    created.postMessage(request);
  }

  function stop() {
    worker.current?.postMessage({ type: "cancel" } satisfies GeneratorRequest);
  }

  const progress = state.kind === "running" ? state.progress : null;
  const fraction = progress && progress.phase === "generator" ? progress.step / progress.totalSteps : 0;
  return (
    <div className="generator-preview">
      <div className="row">
        <button type="button" className="button" disabled={!config || state.kind === "running"} onClick={start}>
          Train generator and preview
        </button>
        {state.kind === "running" ? (
          <button type="button" className="button" onClick={stop}>
            Stop
          </button>
        ) : null}
        {!config ? <span className="small muted">Fix the form first.</span> : null}
      </div>
      <p className="hint">
        Optional: the first worker of the sweep trains it otherwise. Either way it is trained once, on the labelled real train split only,
        and every worker of the sweep uses the same images.
      </p>
      {state.kind === "running" ? (
        <div aria-live="polite">
          <progress className="upload-progress" aria-label="Generator training progress" max={100} value={Math.round(fraction * 100)} />
          <span className="small muted mono">
            {progress?.phase === "generator"
              ? `step ${progress.step}/${progress.totalSteps}` +
                (progress.loss != null ? ` · loss ${progress.loss.toFixed(1)}` : "") +
                (progress.etaSeconds != null ? ` · ETA ${seconds(progress.etaSeconds)}` : "")
              : "loading the dataset…"}
            {state.backend ? ` · ${state.backend}` : ""}
          </span>
        </div>
      ) : null}
      {state.kind === "error" ? (
        <p className="error small" role="alert">
          Generator training failed: {state.message}
        </p>
      ) : null}
      {state.kind === "done" ? (
        <div data-testid="generator-result">
          <p className="small" role="status">
            Trained here: {state.dataset.count.toLocaleString("en-US")} samples. The sweep you create from this form trains on them.
          </p>
          <PreviewGrid datasetRef={state.dataset.ref} />
        </div>
      ) : null}
    </div>
  );
}
