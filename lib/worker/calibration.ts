import type { Calibration, CalibrationEntry } from "@/lib/queue/schemas";
import type { SweepConfig } from "@/lib/sweep/schema";
import type { BackendName } from "./protocol";

/**
 * Picks the training backend by measurement, not by name: a CPU-only
 * machine that exposes SwiftShader WebGPU runs it ~80x slower than wasm, and
 * a machine with a real GPU is the other way round. Each candidate trains a
 * few steps at the trial's real shapes (its own Web Worker, after warm-up);
 * the fastest wins. A candidate still busy when its time is up is stopped
 * and counted as slower than that. The choice is kept per browser, adapter
 * and workload, so it is measured once.
 */
export type { Calibration, CalibrationEntry };

export interface Workload {
  inputShape: [number, number, number];
  batchSize: number;
  encoder: SweepConfig["encoder"];
  temperature: number;
  learningRate: number;
  /** wasm threads the slot gets (cores / slots). */
  wasmThreads: number;
}

/** Cheapest first: wasm starts in about a second and sets the bar the GPU backends must beat. */
export const CALIBRATION_ORDER: readonly BackendName[] = ["wasm", "webgpu", "webgl", "cpu"];

/** What one candidate's measurement may cost: the first gets FIRST_BUDGET_MS, later ones a multiple of the best so far. */
const FIRST_BUDGET_MS = 60_000;
const MIN_BUDGET_MS = 8_000;
const BUDGET_FACTOR = 3;

export function workloadFor(config: Pick<SweepConfig, "encoder" | "training">, inputShape: [number, number, number], wasmThreads: number): Workload {
  return {
    inputShape,
    batchSize: config.training.batchSize,
    encoder: config.encoder,
    temperature: config.training.temperature,
    learningRate: config.training.learningRate,
    wasmThreads,
  };
}

export function calibrationKey(workload: Workload, userAgent: string, adapter: string | undefined): string {
  const { inputShape, batchSize, encoder, wasmThreads } = workload;
  const shape = `${inputShape.join("x")} b${batchSize} w${encoder.width} d${encoder.depth} p${encoder.projectionDim} t${wasmThreads}`;
  return `inflation-lab:calibration:v1|${userAgent}|${adapter ?? "no webgpu adapter"}|${shape}`;
}

export const formatMs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);

function describeEntry(entry: CalibrationEntry): string {
  if (entry.msPerStep !== null && entry.error) return `${entry.backend} ≥ ${formatMs(entry.msPerStep)}/step, ${entry.error}`;
  if (entry.msPerStep !== null) return `${entry.backend} ${formatMs(entry.msPerStep)}/step`;
  return `${entry.backend} ${entry.error ?? "failed"}`;
}

/** The fastest measured entry, and a sentence that says why. Throws when nothing could train. */
export function chooseFastest(entries: readonly CalibrationEntry[]): { chosen: BackendName; reason: string } {
  const measured = entries.filter((entry) => entry.msPerStep !== null).sort((a, b) => (a.msPerStep as number) - (b.msPerStep as number));
  const best = measured[0];
  if (!best) throw new Error(`no backend could train here (${entries.map(describeEntry).join("; ")})`);
  const others = entries.filter((entry) => entry !== best).map(describeEntry);
  const reason = `fastest measured: ${describeEntry(best)}` + (others.length > 0 ? ` (${others.join(", ")})` : "");
  return { chosen: best.backend as BackendName, reason };
}

export interface CalibrateOptions {
  candidates?: readonly BackendName[];
  /**
   * Trains a few steps on one backend; resolves to ms per step, rejects with what went wrong
   * (a SlowerThanBestError when one step already showed it losing to bestMsPerStep), or is
   * abandoned after budgetMs.
   */
  measure: (backend: BackendName, budgetMs: number, bestMsPerStep: number | null) => Promise<number>;
  /** Called as each candidate's measurement starts (for a progress line). */
  onMeasure?: (backend: BackendName, index: number, total: number) => void;
  /** Stops the calibration between candidates (the measure function ends the running one). */
  signal?: AbortSignal;
  now?: () => number;
}

/** Measures each candidate in turn (never two at once: they would share the cores) and picks the fastest. */
export async function measureBackends(options: CalibrateOptions): Promise<{ entries: CalibrationEntry[]; chosen: BackendName; reason: string }> {
  const candidates = options.candidates ?? CALIBRATION_ORDER;
  const now = options.now ?? (() => performance.now());
  const entries: CalibrationEntry[] = [];
  let bestTotalMs: number | null = null;
  let bestMsPerStep: number | null = null;
  for (const [index, backend] of candidates.entries()) {
    options.signal?.throwIfAborted();
    options.onMeasure?.(backend, index, candidates.length);
    const budgetMs = bestTotalMs === null ? FIRST_BUDGET_MS : Math.max(MIN_BUDGET_MS, BUDGET_FACTOR * bestTotalMs);
    const started = now();
    try {
      const msPerStep: number = await withBudget(options.measure(backend, budgetMs, bestMsPerStep), budgetMs, backend);
      entries.push({ backend, msPerStep });
      const total = now() - started;
      bestTotalMs = bestTotalMs === null ? total : Math.min(bestTotalMs, total);
      bestMsPerStep = bestMsPerStep === null ? msPerStep : Math.min(bestMsPerStep, msPerStep);
    } catch (error) {
      options.signal?.throwIfAborted();
      const message = (error as Error).message.slice(0, 200);
      // A step that already lost is still a measurement (a lower bound), shown as such.
      if (error instanceof SlowerThanBestError) entries.push({ backend, msPerStep: error.msPerStep, error: message });
      else entries.push({ backend, msPerStep: null, error: message });
    }
  }
  return { entries, ...chooseFastest(entries) };
}

export class BudgetExceededError extends Error {}

/** One timed step was already much slower than the best backend's: measurement stopped. */
export class SlowerThanBestError extends Error {
  constructor(
    readonly msPerStep: number,
    message: string,
  ) {
    super(message);
  }
}

function withBudget<T>(work: Promise<T>, budgetMs: number, backend: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new BudgetExceededError(`stopped after ${formatMs(budgetMs)}`)), budgetMs);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(`${backend}: ${String(error)}`));
      },
    );
  });
}

export interface CalibrationStore {
  get(key: string): string | null;
  set(key: string, value: string): void;
}

/**
 * The backend for a workload: the user's forced choice, else a stored
 * measurement for this browser, adapter and workload, else a new one (then
 * stored). `fresh` ignores the stored one.
 */
export async function resolveBackend(options: {
  workload: Workload;
  key: string;
  forced?: BackendName | null;
  fresh?: boolean;
  store: CalibrationStore | null;
  measure: CalibrateOptions["measure"];
  onMeasure?: CalibrateOptions["onMeasure"];
  signal?: AbortSignal;
  candidates?: readonly BackendName[];
}): Promise<Calibration> {
  if (options.forced) {
    return { chosen: options.forced, source: "forced", reason: `chosen by you (${options.forced})`, entries: [] };
  }
  const stored = options.fresh ? null : readStored(options.store, options.key);
  if (stored) return { ...stored, source: "cached" };
  const measured = await measureBackends({
    measure: options.measure,
    onMeasure: options.onMeasure,
    signal: options.signal,
    candidates: options.candidates,
  });
  const calibration: Calibration = { chosen: measured.chosen, source: "measured", reason: measured.reason, entries: measured.entries };
  try {
    options.store?.set(options.key, JSON.stringify(calibration));
  } catch {
    // storage full or disabled: measure again next time
  }
  return calibration;
}

function readStored(store: CalibrationStore | null, key: string): Calibration | null {
  const raw = store?.get(key);
  if (!raw) return null;
  try {
    const parsed = JSON.parse(raw) as Calibration;
    if (typeof parsed?.chosen !== "string" || !Array.isArray(parsed.entries)) return null;
    return parsed;
  } catch {
    return null;
  }
}
