"use client";
import { useEffect, useRef, useState } from "react";
import { TrainingSlot, type SlotState } from "@/lib/worker/slot";
import { datasetUrlFor } from "@/lib/datasets/refs";
import { formatMixRatio } from "@/lib/sweep/grid";
import { duration } from "../sweep/format";

const MAX_SLOTS = 4;

function tabWorkerId(): string {
  const key = "inflation-lab-worker-id";
  let id = sessionStorage.getItem(key);
  if (!id) {
    id = `tab-${crypto.randomUUID().replace(/-/g, "").slice(0, 16)}`;
    sessionStorage.setItem(key, id);
  }
  return id;
}

const idleState: SlotState = { status: "idle", trial: null, progress: null, environment: null, message: null, completed: 0 };

function SlotCard({ index, state }: { index: number; state: SlotState }) {
  const { trial, progress } = state;
  const fraction =
    progress && (progress.phase === "train" || progress.phase === "generator") ? progress.step / progress.totalSteps : progress?.phase === "eval" ? 1 : 0;
  return (
    <div className="panel slot" data-testid={`slot-${index}`} data-status={state.status}>
      <div className="row">
        <strong>Slot {index + 1}</strong>
        <span className={`badge status-${state.status === "training" ? "running" : state.status === "error" ? "failed" : "queued"}`}>{state.status}</span>
        <span className="spacer" />
        <span className="muted small">{state.completed} finished here</span>
      </div>
      {trial ? (
        <p className="small" style={{ margin: "0.4rem 0" }}>
          Trial {trial.orderIndex + 1}: {trial.augKnob} {trial.augValue}, {formatMixRatio(trial.mixRatio)}, seed {trial.seed}
        </p>
      ) : (
        <p className="small muted" style={{ margin: "0.4rem 0" }}>
          {state.status === "finished" ? "Nothing left to run." : "No trial."}
        </p>
      )}
      <div
        className="progress"
        role="progressbar"
        aria-label={`slot ${index + 1} progress`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(fraction * 100)}
      >
        <span className="seg-running" style={{ width: `${fraction * 100}%` }} />
      </div>
      <p className="small muted mono" style={{ margin: "0.3rem 0 0", minHeight: "1.4em" }}>
        {progress
          ? `${progress.phase} ${progress.step}/${progress.totalSteps}` +
            (progress.loss != null ? ` · loss ${progress.loss.toFixed(3)}` : "") +
            (progress.imagesPerSecond ? ` · ${progress.imagesPerSecond.toFixed(0)} img/s` : "") +
            (progress.etaSeconds != null ? ` · ETA ${duration(progress.etaSeconds * 1000)}` : "")
          : ""}
      </p>
      {state.environment ? <p className="small muted" style={{ margin: 0 }}>backend {state.environment.backend}{state.environment.adapter ? ` (${state.environment.adapter})` : ""}</p> : null}
      {state.message ? <p className="small error" style={{ margin: 0 }}>{state.message}</p> : null}
    </div>
  );
}

/** "Run in this browser": 1–4 slots, each a Web Worker training one trial at a time. */
export function RunPanel({ sweepId, datasetRef }: { sweepId: string; datasetRef: string }) {
  const [slotCount, setSlotCount] = useState(1);
  const [running, setRunning] = useState(false);
  const [states, setStates] = useState<SlotState[]>([]);
  const slots = useRef<TrainingSlot[]>([]);

  useEffect(() => {
    const onPageHide = () => slots.current.forEach((slot) => slot.releaseOnUnload());
    window.addEventListener("pagehide", onPageHide);
    return () => {
      window.removeEventListener("pagehide", onPageHide);
      slots.current.forEach((slot) => slot.dispose());
      slots.current = [];
    };
  }, []);

  function start() {
    try {
      datasetUrlFor(datasetRef);
    } catch (error) {
      setStates([{ ...idleState, status: "error", message: (error as Error).message }]);
      return;
    }
    const workerId = tabWorkerId();
    setRunning(true);
    setStates(Array.from({ length: slotCount }, () => idleState));
    const created = Array.from({ length: slotCount }, (_, index) => {
      return new TrainingSlot({
        sweepId,
        workerId: `${workerId}-${index}`,
        workerLabel: `browser tab slot ${index + 1}`,
        createWorker: () => new Worker(new URL("../../../lib/worker/training.worker.ts", import.meta.url), { type: "module" }),
        onState: (state) => setStates((previous) => previous.map((old, i) => (i === index ? state : old))),
      });
    });
    slots.current = created;
    void Promise.all(created.map((slot) => slot.run())).finally(() => {
      if (slots.current === created) {
        created.forEach((slot) => slot.dispose());
        slots.current = [];
        setRunning(false);
      }
    });
  }

  function stop() {
    slots.current.forEach((slot) => slot.stop());
  }

  return (
    <section className="panel" aria-labelledby="run-heading">
      <div className="row">
        <h2 id="run-heading" style={{ margin: 0 }}>
          Run in this browser
        </h2>
        <label htmlFor="slot-count" className="small muted">
          Parallel slots
        </label>
        <select id="slot-count" value={slotCount} disabled={running} onChange={(event) => setSlotCount(Number(event.target.value))}>
          {Array.from({ length: MAX_SLOTS }, (_, i) => i + 1).map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
        {running ? (
          <button type="button" className="button" onClick={stop}>
            Stop
          </button>
        ) : (
          <button type="button" className="button primary" onClick={start}>
            Run
          </button>
        )}
      </div>
      <p className="small muted">
        Each slot trains one trial at a time in a Web Worker with TensorFlow.js (WebGPU, else WebGL, else CPU) and reports
        its result. Closing the tab loses nothing: its trials go back to the queue.
      </p>
      {states.length > 0 ? (
        <div className="slots">
          {states.map((state, index) => (
            <SlotCard key={index} index={index} state={state} />
          ))}
        </div>
      ) : null}
    </section>
  );
}
