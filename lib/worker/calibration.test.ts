import { describe, expect, it, vi } from "vitest";
import { sweepConfigSchema } from "@/lib/sweep/schema";
import {
  calibrationKey,
  chooseFastest,
  measureBackends,
  resolveBackend,
  SlowerThanBestError,
  workloadFor,
  type CalibrationStore,
} from "./calibration";
import type { BackendName } from "./protocol";

const workload = workloadFor(sweepConfigSchema.parse({}), [28, 28, 1], 2);

function memoryStore(): CalibrationStore & { values: Map<string, string> } {
  const values = new Map<string, string>();
  return { values, get: (key) => values.get(key) ?? null, set: (key, value) => void values.set(key, value) };
}

/** A fake measurement: resolves after `ms` (real timers, short) with a ms/step figure, or rejects. */
const fake =
  (figures: Partial<Record<BackendName, number | Error>>, calls: BackendName[] = []) =>
  async (backend: BackendName) => {
    calls.push(backend);
    const figure = figures[backend];
    if (figure instanceof Error) throw figure;
    if (figure === undefined) throw new Error("not registered");
    return figure;
  };

describe("backend calibration", () => {
  it("chooses the fastest measured backend, whatever the order, and says why", () => {
    const entries = [
      { backend: "webgpu", msPerStep: 12965 },
      { backend: "wasm", msPerStep: 151 },
      { backend: "webgl", msPerStep: 2509 },
      { backend: "cpu", msPerStep: null, error: "stopped after 8.0 s" },
    ];
    const { chosen, reason } = chooseFastest(entries);
    expect(chosen).toBe("wasm");
    expect(reason).toBe("fastest measured: wasm 151 ms/step (webgpu 13.0 s/step, webgl 2.5 s/step, cpu stopped after 8.0 s)");
    expect(
      chooseFastest([
        { backend: "webgpu", msPerStep: 9 },
        { backend: "wasm", msPerStep: 151 },
      ]).chosen,
    ).toBe("webgpu");
  });

  it("fails with every backend's error when none could train", () => {
    expect(() => chooseFastest([{ backend: "wasm", msPerStep: null, error: "magic word" }])).toThrow(
      /no backend could train here \(wasm magic word\)/,
    );
  });

  it("measures every candidate in turn and records failures without stopping", async () => {
    const calls: BackendName[] = [];
    const started: string[] = [];
    const result = await measureBackends({
      measure: fake({ wasm: 150, webgl: 900, webgpu: new Error("no adapter") }, calls),
      onMeasure: (backend, index, total) => started.push(`${index + 1}/${total} ${backend}`),
    });
    expect(calls).toEqual(["wasm", "webgpu", "webgl", "cpu"]);
    expect(started).toEqual(["1/4 wasm", "2/4 webgpu", "3/4 webgl", "4/4 cpu"]);
    expect(result.chosen).toBe("wasm");
    expect(result.entries).toEqual([
      { backend: "wasm", msPerStep: 150 },
      { backend: "webgpu", msPerStep: null, error: "no adapter" },
      { backend: "webgl", msPerStep: 900 },
      { backend: "cpu", msPerStep: null, error: "not registered" },
    ]);
  });

  it("gives later candidates a budget of 3x the fastest total so far (at least 8 s), and stops one that overruns it", async () => {
    let clock = 0;
    const budgets: number[] = [];
    vi.useFakeTimers();
    const pending = measureBackends({
      candidates: ["wasm", "webgpu"],
      now: () => clock,
      measure: async (backend, budgetMs) => {
        budgets.push(budgetMs);
        if (backend === "wasm") {
          clock += 4_000; // this measurement took 4 s of (fake) time
          return 150;
        }
        return new Promise<number>(() => {}); // never finishes: the budget must end it
      },
    });
    await vi.advanceTimersByTimeAsync(11_999);
    expect(budgets).toEqual([60_000, 12_000]);
    await vi.advanceTimersByTimeAsync(1);
    const result = await pending;
    vi.useRealTimers();
    expect(result).toMatchObject({
      chosen: "wasm",
      entries: [
        { backend: "wasm", msPerStep: 150 },
        { backend: "webgpu", msPerStep: null, error: "stopped after 12.0 s" },
      ],
    });
  });

  it("passes the best ms/step so far to later measurements and keeps a losing step as a lower bound", async () => {
    const bests: (number | null)[] = [];
    const result = await measureBackends({
      candidates: ["wasm", "webgl", "webgpu"],
      measure: async (backend, _budget, best) => {
        bests.push(best);
        if (backend === "webgl") throw new SlowerThanBestError(2400, "stopped after a 2.4 s step");
        return backend === "wasm" ? 150 : 90;
      },
    });
    expect(bests).toEqual([null, 150, 150]);
    expect(result.chosen).toBe("webgpu");
    expect(result.entries[1]).toEqual({ backend: "webgl", msPerStep: 2400, error: "stopped after a 2.4 s step" });
    expect(result.reason).toBe("fastest measured: webgpu 90 ms/step (wasm 150 ms/step, webgl ≥ 2.4 s/step, stopped after a 2.4 s step)");
  });

  it("stops between candidates when aborted", async () => {
    const controller = new AbortController();
    const calls: BackendName[] = [];
    const pending = measureBackends({
      signal: controller.signal,
      measure: async (backend) => {
        calls.push(backend);
        controller.abort();
        throw new Error("calibration stopped");
      },
    });
    await expect(pending).rejects.toThrow(/aborted/);
    expect(calls).toEqual(["wasm"]);
  });

  it("uses the forced backend without measuring, then a stored measurement, then measures afresh when asked", async () => {
    const store = memoryStore();
    const key = calibrationKey(workload, "Chrome/156", "google / swiftshader");
    const calls: BackendName[] = [];
    const measure = fake({ wasm: 150, webgl: 900 }, calls);

    const forced = await resolveBackend({ workload, key, forced: "webgl", store, measure });
    expect(forced).toMatchObject({ chosen: "webgl", source: "forced", entries: [] });
    expect(calls).toEqual([]);

    const first = await resolveBackend({ workload, key, store, measure });
    expect(first).toMatchObject({ chosen: "wasm", source: "measured" });
    expect(calls).toHaveLength(4);
    expect(store.values.has(key)).toBe(true);

    const second = await resolveBackend({ workload, key, store, measure });
    expect(second).toMatchObject({ chosen: "wasm", source: "cached", reason: first.reason });
    expect(calls).toHaveLength(4);

    await resolveBackend({ workload, key, store, measure, fresh: true });
    expect(calls).toHaveLength(8);

    store.values.set(key, "{not json");
    expect(await resolveBackend({ workload, key, store, measure })).toMatchObject({ source: "measured" });
  });

  it("keys the stored choice by browser, adapter and workload", () => {
    const base = calibrationKey(workload, "Chrome/156", "a");
    expect(calibrationKey(workload, "Firefox/140", "a")).not.toBe(base);
    expect(calibrationKey(workload, "Chrome/156", "b")).not.toBe(base);
    expect(calibrationKey({ ...workload, batchSize: 64 }, "Chrome/156", "a")).not.toBe(base);
    expect(calibrationKey({ ...workload, inputShape: [32, 32, 3] }, "Chrome/156", "a")).not.toBe(base);
    expect(calibrationKey({ ...workload, wasmThreads: 1 }, "Chrome/156", "a")).not.toBe(base);
    expect(calibrationKey({ ...workload }, "Chrome/156", "a")).toBe(base);
  });
});
