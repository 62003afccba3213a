// One Node.js run of lib/train/bench.ts's benchmarkTrainingStep on one tfjs
// backend, for `npm run bench:train` (which starts one process per backend, so
// that no backend's global state or threads leak into the next). Prints the
// result as the last line of stdout, as JSON.
//   node scripts/bench/node-step.mjs --backend wasm|cpu|webgpu [--steps N] [--batch N] [--profile 1]
//   (--threads N is accepted and ignored: wasm has no threads in Node)
// webgpu needs the optional `webgpu` npm package (Dawn for Node), which this
// project never installs; without it the entry reports why. BENCH_WEBGPU_MODULE
// names another copy (a specifier or a path to its index.js). Dawn picks its
// Vulkan driver from VK_ICD_FILENAMES (scripts/bench-train.mjs points it at Chromium's
// SwiftShader unless BENCH_SWIFTSHADER=0).
import fs from "node:fs";
import path from "node:path";
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

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const backend = args.get("backend");
  if (!backend) throw new Error("--backend is required");
  // The headless worker's own backend start-up (lib/headless/backend.ts), Dawn included: the bench measures
  // what `npm run worker` trains on. wasm has no threads in Node (tfjs 4.22 turns them off there).
  if (process.env.BENCH_WEBGPU_MODULE) process.env.INFLATION_LAB_WEBGPU_MODULE ||= process.env.BENCH_WEBGPU_MODULE;
  const { selectNodeBackend } = await jiti.import("@/lib/headless/backend");
  const environment = await selectNodeBackend([backend]);

  const { benchmarkTrainingStep } = await jiti.import("@/lib/train/bench");
  const { parseDatasetAsset } = await jiti.import("@/lib/images/image-set");
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
