interface GpuAdapterInfo {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
}

/** The WebGPU adapter in words, or undefined without one. Light: usable on a page without loading tfjs. */
export async function describeWebGpuAdapter(): Promise<string | undefined> {
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
