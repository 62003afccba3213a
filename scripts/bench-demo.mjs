// `npm run bench:demo`: the README's Quick demo, start to finish, as a user
// runs it: one headless Chromium presses "Start the quick demo" on the home
// page, then on the sweep page picks the parallel slots and presses Run.
// Prints JSON with the wall time of the whole sweep and of every trial (read
// from the API while it runs), and how responsive the page stayed while it
// trained: the gaps between animation frames on the page's main thread, long
// tasks (> 50 ms), and the time from a click on a control to the next painted
// frame. A benchmark, not a test: it asserts nothing.
// Options (flag, or env; flags win):
//   --slots / BENCH_DEMO_SLOTS       parallel slots (default: what the page preselects)
//   --timeout / BENCH_DEMO_TIMEOUT_S give up after this many seconds (14400)
//   --trials / BENCH_DEMO_TRIALS     stop once this many trials have finished (default: all)
//   --config / BENCH_DEMO_CONFIG     a JSON sweep config to create instead of pressing the
//                                    quick-demo button (for quick checks with a tiny sweep)
//   --webgpu / BENCH_DEMO_WEBGPU     1: expose WebGPU (SwiftShader without a GPU, see
//                                    ENVIRONMENT.md); default off, as a stock Chromium here
//   --port / BENCH_DEMO_PORT (3198)  BENCH_BUILD=0, BENCH_SWIFTSHADER=0, CHROMIUM_PATH as for bench:train
import fs from "node:fs";
import { describeMachine, ensureBuilt, launchChromium, readOptions, startServer } from "./bench/app.mjs";

const options = readOptions(process.argv.slice(2), {
  slots: { env: "BENCH_DEMO_SLOTS", fallback: "" },
  timeout: { env: "BENCH_DEMO_TIMEOUT_S", fallback: "14400" },
  trials: { env: "BENCH_DEMO_TRIALS", fallback: "" },
  config: { env: "BENCH_DEMO_CONFIG", fallback: "" },
  webgpu: { env: "BENCH_DEMO_WEBGPU", fallback: "0" },
  port: { env: "BENCH_DEMO_PORT", fallback: "3198" },
});
const timeoutMs = 1000 * Number(options.timeout);
const POLL_MS = 1000;
const TERMINAL = new Set(["done", "failed", "cancelled"]);
const isSweepPage = (url) => /^\/sweeps\/[A-Za-z0-9_-]+$/.test(url.pathname) && url.pathname !== "/sweeps/new";
const seconds = (ms) => (ms === null || ms === undefined ? null : Number((ms / 1000).toFixed(1)));

async function getJson(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  return response.json();
}

function percentiles(values) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => Number(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].toFixed(1));
  return { samples: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: Number(sorted[sorted.length - 1].toFixed(1)) };
}

/** Records every animation-frame gap and long task on the page's main thread from now on. */
async function startResponsivenessProbe(page) {
  await page.evaluate(() => {
    const gaps = [];
    const longTasks = [];
    let last = performance.now();
    const frame = (now) => {
      gaps.push(now - last);
      last = now;
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
    try {
      new PerformanceObserver((list) => list.getEntries().forEach((entry) => longTasks.push(entry.duration))).observe({
        type: "longtask",
        buffered: false,
      });
    } catch {
      // longtask entries unsupported: frame gaps still tell
    }
    const stats = (values) => {
      if (values.length === 0) return null;
      const sorted = [...values].sort((a, b) => a - b);
      const at = (q) => Number(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))].toFixed(1));
      return { samples: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: Number(sorted[sorted.length - 1].toFixed(1)) };
    };
    window.__probe = {
      summary: () => ({
        frameGapMs: stats(gaps),
        framesOver50ms: gaps.filter((gap) => gap > 50).length,
        longTasks: longTasks.length,
        longTaskTotalMs: Number(longTasks.reduce((a, b) => a + b, 0).toFixed(0)),
        longestTaskMs: longTasks.length ? Number(Math.max(...longTasks).toFixed(0)) : 0,
      }),
    };
  });
}

/**
 * A real input event (a mouse click on the page heading, harmless) through
 * the browser's input pipeline, until the page has painted the next frame:
 * what a user feels when the main thread is busy. Includes a few ms of
 * DevTools-protocol round trip.
 */
async function clickToPaintMs(page) {
  const box = await page.locator("h1").first().boundingBox();
  const begin = performance.now();
  await page.mouse.click((box?.x ?? 10) + 5, (box?.y ?? 10) + 5);
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(null))));
  return performance.now() - begin;
}

async function createSweep(page, baseUrl) {
  if (options.config) {
    // Same browser context, so the owner cookie lands where the button would have put it.
    const config = JSON.parse(fs.readFileSync(options.config, "utf8"));
    const response = await page.request.post(`${baseUrl}/api/sweeps`, { data: { config } });
    if (response.status() !== 201) throw new Error(`creating the sweep from ${options.config}: ${response.status()} ${await response.text()}`);
    const { sweep } = await response.json();
    await page.goto(`${baseUrl}/sweeps/${sweep.id}`);
  } else {
    await page.goto(`${baseUrl}/`);
    await page.getByRole("button", { name: "Start the quick demo" }).click();
    await page.waitForURL(isSweepPage, { timeout: 60_000 });
  }
  return new URL(page.url()).pathname.split("/").pop();
}

async function main() {
  ensureBuilt();
  const server = await startServer({ port: Number(options.port) });
  const browser = await launchChromium({ webgpu: options.webgpu === "1" });
  const pageErrors = [];
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.on("pageerror", (error) => pageErrors.push(error.message));
    const sweepId = await createSweep(page, server.url);
    const { sweep } = await getJson(`${server.url}/api/sweeps/${sweepId}`);

    const slotPicker = page.getByLabel("Parallel slots");
    // The page preselects one slot per core (at most 4) once it has hydrated: wait for that.
    await page.waitForFunction(
      () => document.querySelector("#slot-count")?.value === String(Math.min(4, Math.max(1, navigator.hardwareConcurrency || 1))),
    );
    if (options.slots) await slotPicker.selectOption(String(options.slots));
    const slots = Number(await slotPicker.inputValue());
    const started = Date.now();
    await page.getByRole("button", { name: "Run", exact: true }).click();
    await startResponsivenessProbe(page);
    const clickLatencies = [];

    // Per trial: when the API first showed it running, and when it first showed it finished.
    const seen = new Map();
    let trials = [];
    let timedOut = false;
    const stopAfter = options.trials ? Number(options.trials) : Infinity;
    for (;;) {
      ({ trials } = await getJson(`${server.url}/api/sweeps/${sweepId}/trials`));
      const now = Date.now() - started;
      for (const trial of trials) {
        const times = seen.get(trial.id) ?? { runningAt: null, finishedAt: null };
        if (trial.status === "running" && times.runningAt === null) times.runningAt = now;
        if (TERMINAL.has(trial.status) && times.finishedAt === null) {
          times.finishedAt = now;
          console.error(`[bench:demo] trial ${trial.orderIndex} ${trial.status} at ${seconds(now)} s (${trial.backend ?? "?"})`);
        }
        seen.set(trial.id, times);
      }
      const finished = trials.filter((trial) => TERMINAL.has(trial.status)).length;
      if (finished === trials.length || finished >= stopAfter) break;
      if (trials.some((trial) => trial.status === "running")) clickLatencies.push(await clickToPaintMs(page));
      if (now > timeoutMs) {
        timedOut = true;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    const totalMs = Date.now() - started;
    const responsiveness = { ...(await page.evaluate(() => window.__probe.summary())), clickToPaintMs: percentiles(clickLatencies) };
    const finished = trials.filter((trial) => TERMINAL.has(trial.status));
    return {
      machine: describeMachine({ browser: `Chromium ${browser.version()}` }),
      sweepId,
      sweep: {
        name: sweep.name,
        trials: trials.length,
        training: sweep.config?.training,
        dataset: sweep.config?.dataset,
        encoder: sweep.config?.encoder,
      },
      slots,
      webgpuExposed: options.webgpu === "1",
      backends: [...new Set(finished.map((trial) => trial.backend).filter(Boolean))],
      totalSeconds: seconds(totalMs),
      complete: finished.length === trials.length,
      timedOut,
      counts: Object.fromEntries([...new Set(trials.map((t) => t.status))].map((s) => [s, trials.filter((t) => t.status === s).length])),
      trials: trials.map((trial) => {
        const times = seen.get(trial.id) ?? {};
        return {
          orderIndex: trial.orderIndex,
          augValue: trial.augValue,
          mixRatio: trial.mixRatio,
          status: trial.status,
          backend: trial.backend,
          // What the worker measured (data, training and evaluation) ...
          durationSeconds: seconds(trial.durationMs),
          // ... and what the API saw, to within the 1 s poll.
          startedAtSeconds: seconds(times.runningAt),
          finishedAtSeconds: seconds(times.finishedAt),
          imagesPerSecond: trial.imagesPerSec,
          linearAcc: trial.linearAcc,
          knnAcc: trial.knnAcc,
          error: trial.lastError ?? undefined,
        };
      }),
      responsiveness,
      pageErrors: pageErrors.slice(0, 10),
    };
  } finally {
    await browser.close();
    server.stop();
  }
}

console.log(JSON.stringify(await main(), null, 2));
