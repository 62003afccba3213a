/**
 * tfjs-backend-wasm's threaded build starts its thread workers from a Blob
 * holding `wasmFactoryThreadedSimd.toString()`: the source text of its own
 * Emscripten factory. After the app's bundler has minified that function it
 * refers to renamed variables of the enclosing module that the Blob does not
 * have, and every thread dies with "n is not defined". While the backend
 * initialises, this swaps that one Blob's contents for the package's original,
 * unminified factory script (public/tfjs-wasm/, copied on install). Any
 * other Blob passes through untouched, and Blob is restored afterwards.
 */
const FACTORY_PREFIX = "var WasmBackendModuleThreadedSimd = ";
export const THREADED_FACTORY_PATH = "/tfjs-wasm/tfjs-backend-wasm-threaded-simd.js";

export async function loadThreadFactory(origin: string): Promise<string> {
  const response = await fetch(`${origin}${THREADED_FACTORY_PATH}`);
  if (!response.ok) throw new Error(`could not load the wasm thread factory (${THREADED_FACTORY_PATH}): HTTP ${response.status}`);
  const factory = await response.text();
  if (!factory.includes(FACTORY_PREFIX.trim())) throw new Error(`${THREADED_FACTORY_PATH} is not the wasm thread factory`);
  return factory;
}

export async function withThreadFactory<T>(factory: string, init: () => Promise<T>): Promise<T> {
  const OriginalBlob = globalThis.Blob;
  class FactoryBlob extends OriginalBlob {
    constructor(parts?: BlobPart[], options?: BlobPropertyBag) {
      const first = parts?.[0];
      const isFactory = parts?.length === 1 && typeof first === "string" && first.startsWith(FACTORY_PREFIX);
      super(isFactory ? [factory] : parts, options);
    }
  }
  globalThis.Blob = FactoryBlob;
  try {
    return await init();
  } finally {
    globalThis.Blob = OriginalBlob;
  }
}
