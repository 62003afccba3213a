import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-webgl";
import "@tensorflow/tfjs-backend-webgpu";
import { getThreadsCount, setThreadsCount, setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import type { Environment } from "@/lib/queue/schemas";
import { describeWebGpuAdapter } from "./adapter";
import { loadThreadFactory, withThreadFactory } from "./wasm-threads";
import { BACKEND_ORDER, type BackendName } from "./protocol";

let wasmThreads: number | null = null;
let threadFactory: string | null = null;

const origin = () => globalThis.location?.origin ?? "";

/**
 * The wasm backend loads its binaries from public/tfjs-wasm/ (copied there
 * on install), never from outside. Its threaded build needs a cross-origin
 * isolated page (COOP + COEP, see next.config.js) and the unminified thread
 * factory (see wasm-threads.ts); without either it runs SIMD only. tfjs
 * would default to min(8, cores / 2) threads, one on a 2-core machine: the
 * caller passes its share of the cores instead (cores / slots). These
 * settings only count before the backend first initialises.
 */
async function configureWasm(threads: number | undefined): Promise<void> {
  if (wasmThreads !== null) return;
  setWasmPaths(`${origin()}/tfjs-wasm/`);
  const isolated = Boolean((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated);
  const wanted = isolated ? Math.max(1, Math.min(8, threads ?? globalThis.navigator?.hardwareConcurrency ?? 1)) : 1;
  if (wanted > 1) {
    threadFactory = await loadThreadFactory(origin()).catch((error: unknown) => {
      console.warn("wasm threads unavailable, running single-threaded:", error);
      return null;
    });
  }
  wasmThreads = threadFactory ? wanted : 1;
  if (wasmThreads > 1) {
    setThreadsCount(wasmThreads);
    allowThreadsPerLogicalCore(wasmThreads);
  } else {
    tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
  }
}

/**
 * The wasm backend caps its thread pool at navigator.hardwareConcurrency / 2
 * (it assumes two hyper-threads per core), read once when its module starts:
 * one thread on a 2-core machine, whatever setThreadsCount asked. This
 * worker's own navigator reports enough cores for the threads it was given
 * (the page already divided the cores among its slots).
 */
function allowThreadsPerLogicalCore(threads: number): void {
  const nav = globalThis.navigator as Navigator | undefined;
  if (!nav || (nav.hardwareConcurrency ?? 0) >= 2 * threads) return;
  Object.defineProperty(nav, "hardwareConcurrency", { value: 2 * threads, configurable: true });
}

function startBackend(name: BackendName): Promise<boolean> {
  if (name === "wasm" && threadFactory) return withThreadFactory(threadFactory, () => tf.setBackend(name));
  return tf.setBackend(name);
}

async function wasmRuntime(): Promise<string> {
  const simd = await Promise.resolve(tf.env().getAsync("WASM_HAS_SIMD_SUPPORT")).catch(() => false);
  // What the backend actually runs with (its thread pool), not what was asked for.
  const threads = getThreadsCount();
  return `browser wasm (${simd ? "simd" : "no simd"}, ${threads} thread${threads === 1 ? "" : "s"})`;
}

/**
 * Tries each backend in order. `tf.setBackend` resolves to false (rather
 * than throwing) when a backend fails to initialise, so its value is checked.
 * Software WebGL is allowed so that headless test browsers can use it.
 */
export async function selectBackend(preferred: readonly BackendName[] = BACKEND_ORDER, options: { wasmThreads?: number } = {}): Promise<Environment> {
  tf.env().set("SOFTWARE_WEBGL_ENABLED", true);
  if (preferred.includes("wasm")) await configureWasm(options.wasmThreads);
  const failures: string[] = [];
  for (const name of preferred) {
    try {
      if (await startBackend(name)) {
        await tf.ready();
        const adapter = name === "webgpu" ? await describeWebGpuAdapter() : undefined;
        return {
          backend: tf.getBackend(),
          tfjsVersion: tf.version_core,
          userAgent: globalThis.navigator?.userAgent?.slice(0, 500),
          runtime: name === "wasm" ? await wasmRuntime() : `browser ${name}`,
          ...(adapter ? { adapter: adapter.slice(0, 300) } : {}),
        };
      }
      failures.push(`${name}: initialisation failed`);
    } catch (error) {
      failures.push(`${name}: ${(error as Error).message}`);
    }
  }
  throw new Error(`no TensorFlow.js backend could start (${failures.join("; ")})`);
}
