"use client";
import { useEffect, useRef, useState, useSyncExternalStore } from "react";
import { TrainingSlot, type SlotState } from "@/lib/worker/slot";
import { describeWebGpuAdapter } from "@/lib/worker/adapter";
import { calibrationKey, resolveBackend, type Calibration, type CalibrationStore, type Workload } from "@/lib/worker/calibration";
import { measureInWorker } from "@/lib/worker/calibrate-page";
import { BACKEND_ORDER, type BackendName } from "@/lib/worker/protocol";
import { datasetUrlFor } from "@/lib/datasets/refs";
import { formatMixRatio } from "@/lib/sweep/grid";
import { duration } from "../sweep/format";

const MAX_SLOTS = 4;
const CHOICE_KEY = "inflation-lab:backend-choice";

type BackendChoice = "auto" | BackendName;

const browserStore: CalibrationStore = {
  get: (key) => window.localStorage.getItem(key),
  set: (key, value) => window.localStorage.setItem(key, value),
};

function storedChoice(): BackendChoice {
  const value = typeof window === "undefined" ? null : window.localStorage.getItem(CHOICE_KEY);
  return value && (BACKEND_ORDER as readonly string[]).includes(value) ? (value as BackendName) : "auto";
}

const noSubscription = () => () => {};

/** A value only the browser knows (storage, the core count): `onServer` in the server render and at hydration, then the browser's. */
function useBrowserValue<T>(read: () => T, onServer: T): T {
  return useSyncExternalStore(noSubscription, read, () => onServer);
}

// One slot per core: on wasm, two single-threaded slots train about 1.15x more steps per second than
// one slot with two threads (measured on 2 cores: two slots at 185 ms per step vs one at 105 ms).
const slotsForCores = () => Math.min(MAX_SLOTS, Math.max(1, navigator.hardwareConcurrency || 1));

/** Each slot's share of the cores for wasm threads: slots already train in parallel. */
const threadsPerSlot = (slots: number) => Math.max(1, Math.floor((navigator.hardwareConcurrency || 1) / slots));

type Choosing =
  { phase: "idle" } | { phase: "measuring"; line: string } | { phase: "chosen"; calibration: Calibration } | { phase: "error"; message: string };

function BackendLine({ choosing }: { choosing: Choosing }) {
  if (choosing.phase === "idle") return null;
  if (choosing.phase === "measuring") {
    return (
      <p className="small" role="status" data-testid="backend-line">
        Choosing a backend: {choosing.line}
      </p>
    );
  }
  if (choosing.phase === "error") {
    return (
      <p className="small error" role="alert" data-testid="backend-line">
        {choosing.message}
      </p>
    );
  }
  const { calibration } = choosing;
  const how = calibration.source === "cached" ? "measured earlier in this browser, " : calibration.source === "measured" ? "just measured, " : "";
  return (
    <p className="small" role="status" data-testid="backend-line" data-backend={calibration.chosen}>
      Training on <strong>{calibration.chosen}</strong>{" "}
      <span className="muted">
        ({how}
        {calibration.reason})
      </span>
    </p>
  );
}

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
    progress && (progress.phase === "train" || progress.phase === "generator")
      ? progress.step / progress.totalSteps
      : progress?.phase === "eval"
        ? 1
        : 0;
  return (
    <div className="panel slot" data-testid={`slot-${index}`} data-status={state.status}>
      <div className="row">
        <strong>Slot {index + 1}</strong>
        <span className={`badge status-${state.status === "training" ? "running" : state.status === "error" ? "failed" : "queued"}`}>
          {state.status}
        </span>
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
      {state.environment ? (
        <p className="small muted" style={{ margin: 0 }}>
          backend {state.environment.backend}
          {state.environment.adapter ? ` (${state.environment.adapter})` : ""}
        </p>
      ) : null}
      {state.message ? (
        <p className="small error" style={{ margin: 0 }}>
          {state.message}
        </p>
      ) : null}
    </div>
  );
}

/** "Run in this browser": 1–4 slots, each a Web Worker training one trial at a time. */
export function RunPanel({ sweepId, datasetRef, workload }: { sweepId: string; datasetRef: string; workload: Omit<Workload, "wasmThreads"> }) {
  // The user's picks, or null for the defaults: one slot per core, the backend chosen last time (else auto).
  const [slotPick, setSlotCount] = useState<number | null>(null);
  const coreSlots = useBrowserValue(slotsForCores, 1);
  const slotCount = slotPick ?? coreSlots;
  const [running, setRunning] = useState(false);
  const [states, setStates] = useState<SlotState[]>([]);
  const [choicePick, setChoice] = useState<BackendChoice | null>(null);
  const lastChoice = useBrowserValue(storedChoice, "auto");
  const choice = choicePick ?? lastChoice;
  const [choosing, setChoosing] = useState<Choosing>({ phase: "idle" });
  const [remeasure, setRemeasure] = useState(false);
  const slots = useRef<TrainingSlot[]>([]);
  const stopped = useRef(false);
  const calibrating = useRef<AbortController | null>(null);

  useEffect(() => {
    const onPageHide = () => slots.current.forEach((slot) => slot.releaseOnUnload());
    window.addEventListener("pagehide", onPageHide);
    return () => {
      window.removeEventListener("pagehide", onPageHide);
      slots.current.forEach((slot) => slot.dispose());
      slots.current = [];
    };
  }, []);

  async function chooseBackend(wasmThreads: number): Promise<Calibration> {
    const full: Workload = { ...workload, wasmThreads };
    const adapter = await describeWebGpuAdapter();
    const controller = new AbortController();
    calibrating.current = controller;
    return resolveBackend({
      workload: full,
      key: calibrationKey(full, navigator.userAgent, adapter),
      forced: choice === "auto" ? null : choice,
      fresh: remeasure,
      store: browserStore,
      measure: measureInWorker(full, controller.signal),
      signal: controller.signal,
      onMeasure: (backend, index, total) => setChoosing({ phase: "measuring", line: `timing ${backend} (${index + 1} of ${total})…` }),
    }).finally(() => {
      if (calibrating.current === controller) calibrating.current = null;
    });
  }

  async function start() {
    try {
      datasetUrlFor(datasetRef);
    } catch (error) {
      setStates([{ ...idleState, status: "error", message: (error as Error).message }]);
      return;
    }
    const workerId = tabWorkerId();
    const count = slotCount;
    const wasmThreads = threadsPerSlot(count);
    stopped.current = false;
    setRunning(true);
    setStates([]);
    setChoosing({ phase: "measuring", line: "starting…" });
    let calibration: Calibration;
    try {
      calibration = await chooseBackend(wasmThreads);
    } catch (error) {
      setChoosing(stopped.current ? { phase: "idle" } : { phase: "error", message: (error as Error).message });
      setRunning(false);
      return;
    }
    setChoosing({ phase: "chosen", calibration });
    setRemeasure(false);
    if (stopped.current) {
      setRunning(false);
      return;
    }
    setStates(Array.from({ length: count }, () => idleState));
    const created = Array.from({ length: count }, (_, index) => {
      return new TrainingSlot({
        sweepId,
        workerId: `${workerId}-${index}`,
        workerLabel: `browser tab slot ${index + 1}`,
        createWorker: () => new Worker(new URL("../../../lib/worker/training.worker.ts", import.meta.url), { type: "module" }),
        onState: (state) => setStates((previous) => previous.map((old, i) => (i === index ? state : old))),
        // The chosen backend first; should it fail to start (a lost GPU adapter, say), the next one trains
        // rather than the trial failing. Results record the backend that actually ran.
        backends: [calibration.chosen as BackendName, ...BACKEND_ORDER.filter((name) => name !== calibration.chosen)],
        calibration,
        wasmThreads,
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

  function changeChoice(value: BackendChoice) {
    setChoice(value);
    window.localStorage.setItem(CHOICE_KEY, value);
  }

  function stop() {
    stopped.current = true;
    calibrating.current?.abort();
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
        <label htmlFor="backend-choice" className="small muted">
          Backend
        </label>
        <select id="backend-choice" value={choice} disabled={running} onChange={(event) => changeChoice(event.target.value as BackendChoice)}>
          <option value="auto">Fastest (measured)</option>
          {BACKEND_ORDER.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
        {choice === "auto" ? (
          <label className="small muted">
            <input type="checkbox" checked={remeasure} disabled={running} onChange={(event) => setRemeasure(event.target.checked)} /> measure again
          </label>
        ) : null}
        {running ? (
          <button type="button" className="button" onClick={stop}>
            Stop
          </button>
        ) : (
          <button type="button" className="button primary" onClick={() => void start()}>
            Run
          </button>
        )}
      </div>
      <p className="small muted">
        Each slot trains one trial at a time in a Web Worker with TensorFlow.js and reports its result. The backend (wasm, WebGPU, WebGL or CPU) is
        the one that trains fastest here: each is timed for a few steps at this sweep&apos;s shapes the first time, and the choice is remembered for
        this browser. Closing the tab loses nothing: its trials go back to the queue.
      </p>
      <BackendLine choosing={choosing} />
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
