// `npm run bench:train`: images/s of the default encoder's SimCLR training
// step on each tfjs backend (webgpu, webgl, cpu) in headless Chromium, printed
// as JSON with a description of the machine. A benchmark, not a test: it
// asserts nothing. Builds the app first if needed.
//   options (env): BENCH_STEPS (timed steps, default 5), BENCH_BATCH (default:
//   the sweep default), BENCH_BACKENDS (comma list), BENCH_PORT (default 3199)
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "@playwright/test";

const root = path.resolve(import.meta.dirname, "..");
const port = Number(process.env.BENCH_PORT ?? 3199);
const backends = (process.env.BENCH_BACKENDS ?? "webgpu,webgl,cpu").split(",").map((b) => b.trim());
const steps = Number(process.env.BENCH_STEPS ?? 5);
const batch = process.env.BENCH_BATCH ?? "";
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const work = fs.mkdtempSync(path.join(os.tmpdir(), "inflation-lab-bench-"));

if (!fs.existsSync(path.join(root, ".next", "BUILD_ID"))) {
  const built = spawnSync("npx", ["next", "build"], { cwd: root, stdio: "inherit" });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

const server = spawn("npx", ["next", "start", "-p", String(port)], {
  cwd: root,
  env: { ...process.env, DATABASE_URL: `file:${path.join(work, "bench.db")}`, NEXT_TELEMETRY_DISABLED: "1" },
  stdio: ["ignore", "pipe", "pipe"],
  detached: true,
});
const stopServer = () => {
  try {
    process.kill(-server.pid, "SIGTERM");
  } catch {
    // already gone
  }
};

async function waitForServer() {
  for (let i = 0; i < 120; i++) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/bench`);
      if (response.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error("the app did not start");
}

const results = [];
let browserVersion = null;
try {
  await waitForServer();
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      "--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
      // WebGPU without a GPU goes through SwiftShader (see ENVIRONMENT.md); a real GPU is used when present.
      "--enable-unsafe-webgpu", "--enable-features=Vulkan",
      ...(process.env.BENCH_SWIFTSHADER === "0" ? [] : ["--use-webgpu-adapter=swiftshader", "--use-angle=swiftshader"]),
    ],
  });
  browserVersion = browser.version();
  for (const backend of backends) {
    const page = await browser.newPage();
    const query = new URLSearchParams({ backend, steps: String(steps), ...(batch ? { batch } : {}) });
    await page.goto(`http://127.0.0.1:${port}/bench?${query}`);
    const handle = await page.waitForFunction(() => window.__benchResult, null, { timeout: 600_000, polling: 500 });
    results.push(await handle.jsonValue());
    await page.close();
  }
  await browser.close();
} finally {
  stopServer();
  fs.rmSync(work, { recursive: true, force: true });
}

const cpus = os.cpus();
console.log(
  JSON.stringify(
    {
      machine: {
        cpu: cpus[0]?.model ?? "unknown",
        cores: cpus.length,
        memoryGiB: Math.round(os.totalmem() / 2 ** 30),
        os: `${os.type()} ${os.release()} ${os.arch()}`,
        node: process.version,
        browser: `Chromium ${browserVersion}`,
      },
      steps,
      results,
    },
    null,
    2,
  ),
);
