// `npm run bench:train`: ms per step and images/s of the default encoder's
// SimCLR training step (lib/train/bench.ts) on each tfjs backend and runtime,
// printed as JSON with a description of the machine. A benchmark, not a test:
// it asserts nothing.
//   runtime "browser": the /bench page in headless Chromium (a production
//     build, made first if missing or stale), one page per backend;
//   runtime "node": scripts/bench/node-step.mjs, one process per backend
//     (wasm runs single-threaded in Node: tfjs 4.22 disables its threads there;
//     webgpu only with the optional `webgpu` package, Dawn for Node);
//   reference: bench/torch_step.py (native PyTorch, the same step; max(20, steps)
//     timed steps) with all cores and with 1 thread, when
//     `/usr/bin/python3 -c "import torch"` works.
//     Each tfjs entry gets ratioToReference = its ms/step / PyTorch's.
// Options (flag, or env; flags win):
//   --runtimes / BENCH_RUNTIMES            browser,node
//   --backends / BENCH_BACKENDS            both runtimes (default per runtime below; node skips webgl)
//   --browser-backends / BENCH_BROWSER_BACKENDS  webgpu,webgl,wasm,cpu
//   --node-backends / BENCH_NODE_BACKENDS  wasm,cpu,webgpu
//   --steps / BENCH_STEPS (timed steps, 5)  --batch / BENCH_BATCH (sweep default)
//   --threads / BENCH_THREADS (PyTorch and node wasm; default: all cores)
//   --profile / BENCH_PROFILE (1: one more step per entry under tf.profile, kernel times by name)
//   --reference / BENCH_REFERENCE (0 skips PyTorch)  --python / BENCH_PYTHON (/usr/bin/python3)
//   --port / BENCH_PORT (3199)  --timeout / BENCH_TIMEOUT_S (per entry, 900)
//   BENCH_SWIFTSHADER=0 (use a real GPU for WebGPU), BENCH_BUILD=0 (never rebuild),
//   CHROMIUM_PATH, BENCH_WEBGPU_MODULE (where to import Dawn for Node from).
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describeMachine, ensureBuilt, launchChromium, list, readOptions, root, startServer } from "./bench/app.mjs";

const options = readOptions(process.argv.slice(2), {
  runtimes: { env: "BENCH_RUNTIMES", fallback: "browser,node" },
  backends: { env: "BENCH_BACKENDS", fallback: "" },
  "browser-backends": { env: "BENCH_BROWSER_BACKENDS", fallback: "webgpu,webgl,wasm,cpu" },
  "node-backends": { env: "BENCH_NODE_BACKENDS", fallback: "wasm,cpu,webgpu" },
  steps: { env: "BENCH_STEPS", fallback: "5" },
  batch: { env: "BENCH_BATCH", fallback: "" },
  threads: { env: "BENCH_THREADS", fallback: String(os.cpus().length) },
  reference: { env: "BENCH_REFERENCE", fallback: "1" },
  profile: { env: "BENCH_PROFILE", fallback: "0" },
  python: { env: "BENCH_PYTHON", fallback: "/usr/bin/python3" },
  port: { env: "BENCH_PORT", fallback: "3199" },
  timeout: { env: "BENCH_TIMEOUT_S", fallback: "900" },
});
const runtimes = list(options.runtimes);
const steps = Number(options.steps);
const batch = options.batch ? Number(options.batch) : null;
const threads = Math.max(1, Number(options.threads));
const timeoutMs = 1000 * Number(options.timeout);
// Node has no WebGL; a shared --backends list simply skips it there.
const NODE_CAPABLE = new Set(["wasm", "cpu", "webgpu"]);
const backendsFor = (runtime) =>
  list(options.backends || options[`${runtime}-backends`]).filter((backend) => runtime !== "node" || NODE_CAPABLE.has(backend));
for (const runtime of runtimes) {
  if (runtime !== "browser" && runtime !== "node") throw new Error(`unknown runtime "${runtime}" (browser, node)`);
}

/** The fields every entry has, whatever happened; failures keep the timing fields null and say why. */
function entry(runtime, backend, raw) {
  const { ok, error, ...rest } = raw ?? {};
  if (ok === true) return { backend: rest.backend ?? backend, runtime, ...rest };
  return { backend, runtime, msPerStep: null, imagesPerSecond: null, error: error ?? "no result" };
}

/** Runs a command and resolves with its stdout, or rejects with the end of its output. */
function runProcess(command, args, { env, timeout }) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr = (stderr + chunk).slice(-4000)));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeout);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else
        reject(
          new Error(
            signal === "SIGKILL" ? `timed out after ${timeout / 1000} s` : `exit ${code}: ${stderr.trim().split("\n").slice(-3).join(" | ")}`,
          ),
        );
    });
  });
}

const lastJsonLine = (text) =>
  JSON.parse(
    text
      .trim()
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .at(-1) ?? "null",
  );

async function benchReference() {
  if (options.reference === "0") return null;
  const probe = spawnSync(options.python, ["-c", "import torch"], { stdio: "ignore" });
  if (probe.status !== 0) return { error: `${options.python} cannot import torch (apt-get install -y python3-torch)` };
  const script = path.join(root, "bench", "torch_step.py");
  const run = async (count) => {
    const args = [
      script,
      "--json",
      "--threads",
      String(count),
      "--steps",
      String(Math.max(20, steps)),
      "--warmup",
      "3",
      ...(batch ? ["--batch", String(batch)] : []),
    ];
    try {
      return lastJsonLine(await runProcess(options.python, args, { timeout: timeoutMs }));
    } catch (error) {
      return { runtime: "native", framework: "pytorch", threads: count, msPerStep: null, error: error.message };
    }
  };
  const allCores = await run(threads);
  const oneThread = threads === 1 ? allCores : await run(1);
  return { allCores, oneThread };
}

async function benchNode() {
  const results = [];
  const icd = "/usr/lib/chromium/vk_swiftshader_icd.json";
  const env = process.env.BENCH_SWIFTSHADER !== "0" && !process.env.VK_ICD_FILENAMES && fs.existsSync(icd) ? { VK_ICD_FILENAMES: icd } : {};
  for (const backend of backendsFor("node")) {
    const args = [path.join(root, "scripts", "bench", "node-step.mjs"), "--backend", backend, "--steps", String(steps), "--threads", String(threads)];
    if (batch) args.push("--batch", String(batch));
    if (options.profile === "1") args.push("--profile", "1");
    console.error(`[bench] node ${backend}...`);
    try {
      results.push(entry("node", backend, lastJsonLine(await runProcess(process.execPath, args, { env, timeout: timeoutMs }))));
    } catch (error) {
      results.push(entry("node", backend, { ok: false, error: error.message }));
    }
  }
  return results;
}

async function benchBrowser() {
  const results = [];
  ensureBuilt();
  const server = await startServer({ port: Number(options.port), readyPath: "/bench" });
  let browserVersion = null;
  try {
    const browser = await launchChromium({ webgpu: true });
    browserVersion = browser.version();
    for (const backend of backendsFor("browser")) {
      console.error(`[bench] browser ${backend}...`);
      const page = await browser.newPage();
      try {
        const query = new URLSearchParams({
          backend,
          steps: String(steps),
          ...(batch ? { batch: String(batch) } : {}),
          ...(options.profile === "1" ? { profile: "1" } : {}),
        });
        await page.goto(`${server.url}/bench?${query}`);
        const handle = await page.waitForFunction(() => window.__benchResult, null, { timeout: timeoutMs, polling: 500 });
        results.push(entry("browser", backend, await handle.jsonValue()));
      } catch (error) {
        results.push(entry("browser", backend, { ok: false, error: error.message.split("\n")[0] }));
      } finally {
        await page.close();
      }
    }
    await browser.close();
  } finally {
    server.stop();
  }
  return { results, browser: `Chromium ${browserVersion}` };
}

/**
 * What the app's calibration (lib/worker/calibration.ts) would pick in this browser: the fastest measured
 * browser entry. The app measures at each sweep's own shapes; at the default shapes this is the same step.
 */
function calibrationChoice(entries) {
  const measured = entries.filter((entry) => entry.runtime === "browser" && entry.msPerStep);
  if (measured.length === 0) return null;
  const best = measured.reduce((a, b) => (b.msPerStep < a.msPerStep ? b : a));
  return {
    chosen: best.backend,
    msPerStep: best.msPerStep,
    rule: "fastest browser entry at the default shapes",
    candidates: measured.map((e) => e.backend),
  };
}

const ratio = (ms, reference) => (ms && reference?.msPerStep ? Number((ms / reference.msPerStep).toFixed(2)) : null);

const reference = await benchReference();
const results = [];
let browser = null;
if (runtimes.includes("node")) results.push(...(await benchNode()));
if (runtimes.includes("browser")) {
  const run = await benchBrowser();
  results.push(...run.results);
  browser = run.browser;
}
for (const result of results) {
  result.ratioToReference = reference?.allCores
    ? { allCores: ratio(result.msPerStep, reference.allCores), oneThread: ratio(result.msPerStep, reference.oneThread) }
    : null;
}

console.log(
  JSON.stringify(
    {
      machine: describeMachine({ browser }),
      steps,
      batchSize: batch ?? results.find((r) => r.batchSize)?.batchSize ?? null,
      threads,
      calibration: calibrationChoice(results),
      reference,
      results,
    },
    null,
    2,
  ),
);
for (const r of results) {
  const ms = r.msPerStep === null ? `error: ${r.error}` : `${r.msPerStep.toFixed(1)} ms/step`;
  const vs = r.ratioToReference?.allCores ? ` (${r.ratioToReference.allCores}x PyTorch ${threads} threads)` : "";
  console.error(`[bench] ${r.runtime.padEnd(7)} ${r.backend.padEnd(6)} ${ms}${vs}`);
}
if (reference?.allCores?.msPerStep) {
  console.error(
    `[bench] PyTorch ${reference.allCores.threads} threads ${reference.allCores.msPerStep.toFixed(1)} ms/step, 1 thread ${reference.oneThread.msPerStep?.toFixed(1)} ms/step`,
  );
}
