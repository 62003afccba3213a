import os from "node:os";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-wasm";
import type { Environment } from "@/lib/queue/schemas";

/**
 * TensorFlow.js backends for a Node process. `wasm` (XNNPACK, loads its
 * .wasm from node_modules by itself) is the workhorse, `cpu` (pure JS) the
 * fallback. `webgpu` runs through Dawn for Node, the optional `webgpu` npm
 * package: it is imported only if installed (about 130 MB of native binaries,
 * so not a dependency) and used only when it finds a real GPU adapter, unless
 * asked for by name.
 */
export const NODE_BACKENDS = ["webgpu", "wasm", "cpu"] as const;
export type NodeBackendName = (typeof NODE_BACKENDS)[number];
export const NODE_BACKEND_ORDER: readonly NodeBackendName[] = NODE_BACKENDS;

interface DawnAdapter {
  info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean; type?: string };
  isFallbackAdapter?: boolean;
}
interface DawnModule {
  create(flags: string[]): { requestAdapter(options?: object): Promise<DawnAdapter | null> };
  globals: Record<string, unknown>;
}

/** Software renderers that Dawn may offer: slower than wasm for training. */
const SOFTWARE_ADAPTER = /swiftshader|llvmpipe|lavapipe|software|cpu/i;

export function nodeUserAgent(): string {
  const cpus = os.cpus();
  return `inflation-lab-headless-worker (Node ${process.version}; ${os.type()} ${os.release()} ${process.arch}; ${cpus.length} CPUs ${cpus[0]?.model ?? ""})`
    .replace(/\s+/g, " ")
    .slice(0, 500);
}

/**
 * Installs navigator.gpu from Dawn and registers tfjs's webgpu backend (it
 * registers only when navigator.gpu exists at import time). Returns the
 * adapter's description, or null when the package or an adapter is missing.
 */
async function installDawn(requireHardware: boolean): Promise<string | null> {
  const specifier = process.env.INFLATION_LAB_WEBGPU_MODULE || "webgpu";
  let dawn: DawnModule;
  try {
    dawn = (await import(/* webpackIgnore: true */ specifier)) as DawnModule;
  } catch {
    return null;
  }
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create([]);
  const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" }).catch(() => null);
  if (!adapter) return null;
  const info = adapter.info ?? {};
  const description =
    [info.vendor, info.architecture, info.device, info.description].filter((part) => part && part.length > 0).join(" / ") || "unknown adapter";
  const software = Boolean(adapter.isFallbackAdapter ?? info.isFallbackAdapter) || info.type === "CPU" || SOFTWARE_ADAPTER.test(description);
  if (requireHardware && software) return null;
  const nav = (globalThis as { navigator?: object }).navigator;
  if (nav) Object.defineProperty(nav, "gpu", { value: gpu, configurable: true });
  else Object.defineProperty(globalThis, "navigator", { value: { gpu, userAgent: nodeUserAgent() }, configurable: true, writable: true });
  await import("@tensorflow/tfjs-backend-webgpu");
  return description;
}

async function wasmFeatures(): Promise<string> {
  const flags = await Promise.all(
    (["WASM_HAS_SIMD_SUPPORT", "WASM_HAS_MULTITHREAD_SUPPORT"] as const).map((flag) =>
      Promise.resolve(tf.env().getAsync(flag)).then(
        (on) => (on ? flag.replace("WASM_HAS_", "").replace("_SUPPORT", "").toLowerCase() : null),
        () => null,
      ),
    ),
  );
  return flags.filter(Boolean).join("+");
}

/**
 * Tries each backend in order and describes the one that started.
 * `preferred` with webgpu first (auto) skips software GPU adapters; a list
 * with only webgpu takes any adapter.
 */
export async function selectNodeBackend(preferred: readonly NodeBackendName[] = NODE_BACKEND_ORDER): Promise<Environment> {
  const failures: string[] = [];
  for (const name of preferred) {
    try {
      let adapter: string | undefined;
      if (name === "webgpu") {
        const described = await installDawn(preferred.length > 1);
        if (!described) {
          failures.push("webgpu: no GPU adapter (install the optional `webgpu` package on a machine with a GPU)");
          continue;
        }
        adapter = described;
      }
      if (!(await tf.setBackend(name))) {
        failures.push(`${name}: initialisation failed`);
        continue;
      }
      await tf.ready();
      const features = name === "wasm" ? await wasmFeatures() : "";
      return {
        backend: tf.getBackend(),
        tfjsVersion: tf.version_core,
        userAgent: nodeUserAgent(),
        runtime: `node ${process.version} ${process.platform}-${process.arch}${features ? ` wasm ${features}` : ""}`.slice(0, 100),
        ...(adapter ? { adapter: adapter.slice(0, 300) } : {}),
      };
    } catch (error) {
      failures.push(`${name}: ${(error as Error).message}`);
    }
  }
  throw new Error(`no TensorFlow.js backend could start (${failures.join("; ")})`);
}
