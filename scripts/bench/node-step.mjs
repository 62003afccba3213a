// One Node.js run of lib/train/bench.ts's benchmarkTrainingStep on one tfjs
// backend, for `npm run bench:train` (which starts one process per backend, so
// that no backend's global state or threads leak into the next). Prints the
// result as the last line of stdout, as JSON.
//   node scripts/bench/node-step.mjs --backend wasm|cpu|webgpu [--steps N] [--batch N] [--threads N] [--profile 1]
// webgpu needs the optional `webgpu` npm package (Dawn for Node), which this
// project never installs; without it the entry reports why. BENCH_WEBGPU_MODULE
// names another copy (a specifier or a path to its index.js). Dawn picks its
// Vulkan driver from VK_ICD_FILENAMES (scripts/bench-train.mjs points it at Chromium's
// SwiftShader unless BENCH_SWIFTSHADER=0).
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createJiti } from "jiti";

const root = path.resolve(import.meta.dirname, "..", "..");
// lib/ imports through the `@/` alias of tsconfig.json.
const jiti = createJiti(import.meta.url, { alias: { "@/": `${root}/` } });

function parseArgs(argv) {
  const args = new Map();
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i];
    const value = argv[i + 1];
    if (!key?.startsWith("--") || value === undefined) throw new Error(`usage: --backend NAME [--steps N] [--batch N] [--threads N]`);
    args.set(key.slice(2), value);
  }
  return args;
}

/** Puts Dawn's navigator.gpu on globalThis before tfjs-backend-webgpu registers (it checks at import time). */
async function installNodeWebGpu() {
  const specifier = process.env.BENCH_WEBGPU_MODULE || "webgpu";
  let dawn;
  try {
    dawn = await import(path.isAbsolute(specifier) ? pathToFileURL(specifier).href : specifier);
  } catch (error) {
    throw new Error(`the optional "webgpu" package (Dawn for Node) cannot be imported: ${error.message.split("\n")[0]}`);
  }
  const { create, globals } = dawn.default ?? dawn;
  Object.assign(globalThis, globals);
  const gpu = create([]);
  const adapter = await gpu.requestAdapter();
  if (!adapter) throw new Error("Dawn for Node found no WebGPU adapter");
  if (!globalThis.navigator) Object.defineProperty(globalThis, "navigator", { value: {}, configurable: true, writable: true });
  Object.defineProperty(globalThis.navigator, "gpu", { value: gpu, configurable: true });
  const info = adapter.info ?? {};
  return [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(" / ") || "unknown adapter";
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const backend = args.get("backend");
  if (!backend) throw new Error("--backend is required");
  const threads = args.has("threads") ? Number(args.get("threads")) : undefined;
  const environment = { tfjsVersion: null };

  if (backend === "webgpu") environment.adapter = await installNodeWebGpu();
  const tf = await jiti.import("@tensorflow/tfjs-core");
  environment.tfjsVersion = tf.version_core;
  if (backend === "cpu") await jiti.import("@tensorflow/tfjs-backend-cpu");
  if (backend === "webgpu") await jiti.import("@tensorflow/tfjs-backend-webgpu");
  let wasm = null;
  if (backend === "wasm") {
    wasm = await jiti.import("@tensorflow/tfjs-backend-wasm");
    if (threads) wasm.setThreadsCount(threads);
  }
  if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend("${backend}") failed to initialise`);
  await tf.ready();
  if (wasm) {
    environment.wasmThreads = wasm.getThreadsCount();
    environment.wasmSimd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
    environment.wasmMultithread = await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT");
  }

  const { benchmarkTrainingStep } = await jiti.import("@/lib/train/bench");
  const { parseDatasetAsset } = await jiti.import("@/lib/train/dataset");
  const { sweepConfigSchema } = await jiti.import("@/lib/sweep/schema");
  const images = parseDatasetAsset(fs.readFileSync(path.join(root, "public/datasets/mnist-10k.bin")));
  const result = await benchmarkTrainingStep({
    images,
    config: sweepConfigSchema.parse({}),
    timedSteps: args.has("steps") ? Number(args.get("steps")) : undefined,
    batchSize: args.has("batch") ? Number(args.get("batch")) : undefined,
    profile: args.get("profile") === "1",
  });
  return { ok: true, ...result, environment };
}

let output;
try {
  output = await main();
} catch (error) {
  output = { ok: false, error: error instanceof Error ? error.message : String(error) };
}
process.stdout.write(`\n${JSON.stringify(output)}\n`);
// wasm worker threads and Dawn keep the event loop alive.
process.exit(0);
