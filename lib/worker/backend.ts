import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-webgl";
import "@tensorflow/tfjs-backend-webgpu";
import type { Environment } from "@/lib/queue/schemas";
import { BACKEND_ORDER, type BackendName } from "./protocol";

interface GpuAdapterInfo {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
}

async function describeWebGpuAdapter(): Promise<string | undefined> {
  const gpu = (globalThis.navigator as { gpu?: { requestAdapter(): Promise<{ info?: GpuAdapterInfo } | null> } } | undefined)?.gpu;
  if (!gpu) return undefined;
  try {
    const adapter = await gpu.requestAdapter();
    const info = adapter?.info;
    if (!info) return undefined;
    return [info.vendor, info.architecture, info.device, info.description].filter((part) => part && part.length > 0).join(" / ") || "unknown adapter";
  } catch {
    return undefined;
  }
}

/**
 * Tries each backend in order. `tf.setBackend` resolves to false (rather
 * than throwing) when a backend fails to initialise, so its value is checked.
 * Software WebGL is allowed so that headless test browsers can use it.
 */
export async function selectBackend(preferred: readonly BackendName[] = BACKEND_ORDER): Promise<Environment> {
  tf.env().set("SOFTWARE_WEBGL_ENABLED", true);
  const failures: string[] = [];
  for (const name of preferred) {
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        const adapter = name === "webgpu" ? await describeWebGpuAdapter() : undefined;
        return {
          backend: tf.getBackend(),
          tfjsVersion: tf.version_core,
          userAgent: globalThis.navigator?.userAgent?.slice(0, 500),
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
