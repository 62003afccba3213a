/**
 * The headless worker end to end: real worker processes (`npm run worker`'s
 * command) against a real HTTP server (the app's route handlers, see
 * lib/testing/route-server.ts) on a real SQLite file. SQLite only: the lease
 * protocol's database behaviour is covered on both databases in lib/queue.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { useRouteDatabase } from "@/lib/testing/route-database";
import { useScratchRouteServer } from "@/lib/testing/route-server";

const ROOT = path.resolve(import.meta.dirname, "../..");
const JITI = path.join(ROOT, "node_modules", "jiti", "lib", "jiti-cli.mjs");

// Tiny trials: a few seconds each on the wasm backend.
const tinyConfig = (name: string, overrides: { steps: number; augValues: number[]; mixValues: (number | "none")[]; seeds: number[] }) => ({
  name,
  dataset: { trainSize: 200, testSize: 200 },
  encoder: { width: 8, depth: 2, projectionDim: 16 },
  training: { steps: overrides.steps, batchSize: 32, warmupSteps: 2 },
  evaluation: { linearProbeEpochs: 5, knnK: 5 },
  axes: {
    augmentation: { values: overrides.augValues },
    mixRatio: { values: overrides.mixValues },
    generatedSize: { values: [100] },
    seeds: { values: overrides.seeds },
  },
  execution: { leaseSeconds: 8, maxAttempts: 2 },
});

interface WorkerProcess {
  child: ChildProcess;
  output: () => string;
  waitFor: (pattern: RegExp, timeoutMs: number) => Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

let server: { readonly url: string };
let work: string;

function startWorker(sweepUrl: string, args: string[]): WorkerProcess {
  const child = spawn(
    process.execPath,
    [JITI, "scripts/worker.ts", sweepUrl, "--cache-dir", path.join(work, "cache"), "--progress-seconds", "0.5", ...args],
    {
      cwd: ROOT,
      env: { ...process.env, JITI_TSCONFIG_PATHS: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let text = "";
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  const append = (chunk: Buffer) => {
    text += chunk.toString();
    for (const waiter of waiters.filter((w) => w.pattern.test(text))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    output: () => text,
    exited,
    waitFor: (pattern, timeoutMs) =>
      new Promise<void>((resolve, reject) => {
        if (pattern.test(text)) return resolve();
        const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms; output:\n${text}`)), timeoutMs);
        waiters.push({ pattern, resolve: () => (clearTimeout(timer), resolve()) });
        void exited.then(() => setTimeout(() => reject(new Error(`worker exited before ${pattern}; output:\n${text}`)), 50));
      }),
  };
}

// Response bodies are checked field by field; `any` keeps that readable (as in app/api/api.test.ts).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

async function call(method: string, url: string, body?: unknown): Promise<Json> {
  const response = await fetch(`${server.url}${url}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

async function createSweep(config: unknown): Promise<{ id: string; sweepUrl: string; shareUrl: string }> {
  const reply = await call("POST", "/api/sweeps", { config });
  return { id: reply.sweep.id, sweepUrl: reply.sweepUrl, shareUrl: reply.shareUrl };
}

async function attemptsOf(sweepId: string) {
  const { trials } = await call("GET", `/api/sweeps/${sweepId}/trials?limit=100`);
  return Promise.all(
    (trials as { id: string; status: string }[]).map(async (trial) => ({
      trial,
      attempts: (await call("GET", `/api/trials/${trial.id}`)).attempts as Json[],
    })),
  );
}

describe("headless worker (npm run worker)", () => {
  useRouteDatabase("sqlite");
  const scratch = useScratchRouteServer("inflation-lab-headless-");
  beforeAll(() => {
    server = scratch;
    work = scratch.work;
  });

  it("two worker processes (one with two slots) share a sweep: every trial done exactly once, by both, with results and environment", async () => {
    const sweep = await createSweep(tinyConfig("two workers", { steps: 20, augValues: [0.5, 1], mixValues: ["none", 1], seeds: [0] }));
    // The URL the app gives, as a person would copy it; the server answers on its real address.
    const url = `${server.url}${new URL(sweep.sweepUrl).pathname}`;
    const workers = [startWorker(url, ["--worker-id", "test-worker-a", "--slots", "2"]), startWorker(url, ["--worker-id", "test-worker-b"])];
    const ends = await Promise.all(workers.map((w) => w.exited));
    const outputs = workers.map((w) => w.output());
    ends.forEach((end, i) => expect(end, outputs[i]).toEqual({ code: 0, signal: null }));

    const { sweep: after } = await call("GET", `/api/sweeps/${sweep.id}`);
    expect(after.counts).toMatchObject({ total: 4, done: 4, queued: 0, running: 0, failed: 0 });
    const rows = await attemptsOf(sweep.id);
    const doneBy = new Map<string, number>();
    for (const { trial, attempts } of rows) {
      expect(trial.status).toBe("done");
      const done = attempts.filter((a) => a.status === "done");
      expect(done, JSON.stringify(attempts)).toHaveLength(1);
      expect(attempts.filter((a) => a.status === "failed")).toHaveLength(0);
      const [attempt] = done;
      doneBy.set(attempt!.workerId, (doneBy.get(attempt!.workerId) ?? 0) + 1);
      expect(attempt!.result.linearProbeAccuracy).toBeGreaterThan(0);
      expect(attempt!.result.lossCurve.length).toBeGreaterThan(0);
      expect(attempt!.environment).toMatchObject({ backend: "wasm", tfjsVersion: "4.22.0" });
      expect(attempt!.environment.runtime).toMatch(/^node v\d+/);
      expect(attempt!.environment.userAgent).toMatch(/inflation-lab-headless-worker/);
      // Inflated trials score their generated images with the server's reference network.
      if (attempt!.result.realShare < 1) expect(attempt!.result.metrics.generatedFid).toBeGreaterThanOrEqual(0);
    }
    expect(outputs.join("\n")).toMatch(/trial \d\/4 .* \| train \d+\/20 \| loss \d/);
    expect([...doneBy.keys()].sort(), outputs.join("\n----\n")).toEqual(["test-worker-a", "test-worker-b"]);
    outputs.forEach((output, i) => {
      expect(output).toMatch(new RegExp(`finished after .*: ${doneBy.get(["test-worker-a", "test-worker-b"][i]!)} trial\\(s\\) done here`));
      expect(output).toMatch(/sweep: 4\/4 done/);
    });
  }, 150_000);

  it("SIGTERM during a trial gives the lease back: the trial is queued again and the process exits cleanly", async () => {
    const sweep = await createSweep(tinyConfig("stopped", { steps: 5000, augValues: [0.5], mixValues: ["none"], seeds: [0] }));
    const worker = startWorker(`${server.url}/sweeps/${sweep.id}`, ["--worker-id", "test-worker-stop"]);
    await worker.waitFor(/train \d+\/5000/, 60_000);
    expect((await call("GET", `/api/sweeps/${sweep.id}`)).sweep.counts).toMatchObject({ running: 1 });
    // Heartbeats (every leaseSeconds / 4 = 2 s) carry the progress to the server.
    let beating: Json | undefined;
    for (let i = 0; i < 50 && !beating; i++) {
      const { trial, attempts } = await call("GET", `/api/trials/${(await attemptsOf(sweep.id))[0]!.trial.id}`);
      if (attempts[0]?.heartbeatCount > 0 && trial.progress?.phase === "train") beating = trial;
      else await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(beating?.progress).toMatchObject({ phase: "train", totalSteps: 5000 });
    worker.child.kill("SIGTERM");
    const end = await worker.exited;
    expect(end, worker.output()).toEqual({ code: 0, signal: null });
    expect(worker.output()).toMatch(/stopped after .*: 0 trial\(s\) done here, 0 failed, 1 given back/);

    const [row] = await attemptsOf(sweep.id);
    expect(row!.trial.status).toBe("queued");
    expect(row!.attempts).toHaveLength(1);
    expect(row!.attempts[0]).toMatchObject({ status: "cancelled", errorMessage: "released by the worker", workerId: "test-worker-stop" });
  }, 90_000);

  it("a browser-trained-generator sweep: the worker trains the VAE, registers its samples for the sweep with its lease, and trains on them", async () => {
    const config = {
      ...tinyConfig("vae", { steps: 20, augValues: [0.5], mixValues: [1], seeds: [0] }),
      generated: { source: "vae", vae: { steps: 10, latentDim: 2, hidden: 16, batchSize: 32 } },
    };
    const sweep = await createSweep(config);
    const worker = startWorker(`${server.url}/sweeps/${sweep.id}`, ["--worker-id", "test-worker-vae"]);
    const end = await worker.exited;
    expect(end, worker.output()).toEqual({ code: 0, signal: null });
    expect(worker.output()).toMatch(/generator \d+\/10/);
    const registered = await call("GET", `/api/sweeps/${sweep.id}/generated`);
    expect(registered.dataset).toMatchObject({ count: 100, numClasses: 0 });
    expect((await call("GET", `/api/sweeps/${sweep.id}`)).sweep.generatedRef).toBe(registered.dataset.ref);
    const [row] = await attemptsOf(sweep.id);
    expect(row!.trial.status).toBe("done");
    expect(row!.attempts[0]!.result.realShare).toBeCloseTo(200 / 300, 5);
  }, 60_000);

  it("reports failures to the server and gives up after three in a row (here: a backend that cannot start)", async () => {
    const sweep = await createSweep({
      ...tinyConfig("failing", { steps: 20, augValues: [0.5, 1], mixValues: ["none"], seeds: [0] }),
      execution: { leaseSeconds: 8, maxAttempts: 2 },
    });
    const worker = startWorker(`${server.url}/sweeps/${sweep.id}`, ["--worker-id", "test-worker-fail", "--backend", "webgpu"]);
    const end = await worker.exited;
    expect(end.code, worker.output()).toBe(1);
    expect(worker.output()).toMatch(/3 trials failed in a row here .*no TensorFlow\.js backend could start/);
    const attempts = (await attemptsOf(sweep.id)).flatMap((row) => row.attempts);
    expect(attempts).toHaveLength(3);
    for (const attempt of attempts)
      expect(attempt).toMatchObject({ status: "failed", errorMessage: expect.stringMatching(/webgpu: no GPU adapter/) });
    expect((await call("GET", `/api/sweeps/${sweep.id}`)).sweep.counts).toMatchObject({ failed: 1, queued: 1, running: 0 });
  }, 60_000);

  it("refuses a share link, and says why", async () => {
    const sweep = await createSweep(tinyConfig("share", { steps: 20, augValues: [0.5], mixValues: ["none"], seeds: [0] }));
    const worker = startWorker(sweep.shareUrl, []);
    const end = await worker.exited;
    expect(end.code).toBe(1);
    expect(worker.output()).toMatch(/read-only share link/);
  }, 30_000);
});
