/**
 * `npm run reproduce -- <preset> [--workers N]`: runs one of the science presets start to finish with
 * headless workers and prints the paper's checks with their intervals. Run with jiti
 * (JITI_TSCONFIG_PATHS=1 resolves the `@/` alias).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { formatSweepReport } from "@/lib/headless/findings-report";
import { formatDuration } from "@/lib/headless/format";
import { estimateSweepEta } from "@/lib/queue/eta";
import type { StatusCounts } from "@/lib/queue/status";
import type { TrialView } from "@/lib/contracts/views";
import { SWEEP_PRESETS } from "@/lib/sweep/presets";
import { sweepConfigSchema, type SweepConfig } from "@/lib/sweep/schema";
import { buildIsStale } from "./build-state.mjs";

const ROOT = path.resolve(import.meta.dirname, "..");
const JITI = path.join(ROOT, "node_modules", "jiti", "lib", "jiti-cli.mjs");

const HELP = `Usage: npm run reproduce -- <preset> [options]

Creates the preset's sweep on an Inflation Lab server, trains it with N headless
workers (npm run worker), prints the paper's checks with their intervals (inverted
U, optimum shift, AdaInf vs vanilla inflation, vanilla inflation vs none), and
writes the sweep's export.

<preset>        one of: ${SWEEP_PRESETS.map((preset) => preset.id).join(", ")}
                or --config FILE (a sweep config as JSON) instead

Options:
  --workers N   headless worker processes (default: one per CPU core, ${os.cpus().length} here)
  --server URL  use this server; without it a server already answering on
                http://127.0.0.1:$PORT (default 3000) is used, or one is started
                there with the app's defaults (as npm start, same database)
  --config FILE a sweep config (JSON) instead of a preset
  --out FILE    where to write the export (default exports/<preset>-<sweep id>.json)
  --analyse FILE  train nothing: print the checks and a table of every cell for
                an export already made (e.g. one of examples/*.json)
  -h, --help    this text`;

class UsageError extends Error {}

interface Options {
  analyse: string | null;
  preset: string | null;
  configFile: string | null;
  workers: number;
  server: string | null;
  out: string | null;
}

function parseArgs(argv: string[]): Options | null {
  const options: Options = { analyse: null, preset: null, configFile: null, workers: os.cpus().length, server: null, out: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new UsageError(`${arg} needs a value`);
      return next;
    };
    if (arg === "-h" || arg === "--help") return null;
    else if (arg === "--workers") {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError("--workers takes a whole number from 1 to 64");
      options.workers = n;
    } else if (arg === "--server") options.server = value().replace(/\/+$/, "");
    else if (arg === "--config") options.configFile = value();
    else if (arg === "--out") options.out = value();
    else if (arg === "--analyse" || arg === "--analyze") options.analyse = value();
    else if (arg.startsWith("-")) throw new UsageError(`unknown option ${arg}`);
    else if (options.preset) throw new UsageError(`one preset only (got ${options.preset} and ${arg})`);
    else options.preset = arg;
  }
  if (options.analyse) {
    if (options.preset || options.configFile) throw new UsageError("--analyse reads an export: name no preset or --config with it");
    return options;
  }
  if (!options.preset === !options.configFile) throw new UsageError("name a preset or give --config FILE (one of the two)");
  return options;
}

function loadConfig(options: Options): { name: string; config: SweepConfig } {
  if (options.configFile) {
    const text = fs.readFileSync(options.configFile, "utf8");
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new UsageError(`${options.configFile} is not JSON: ${(error as Error).message}`);
    }
    const parsed = sweepConfigSchema.safeParse(raw);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => `  ${issue.path.join(".") || "(root)"}: ${issue.message}`);
      throw new UsageError(`${options.configFile} is not a valid sweep config:\n${issues.join("\n")}`);
    }
    return { name: path.basename(options.configFile).replace(/\.json$/, ""), config: parsed.data };
  }
  const preset = SWEEP_PRESETS.find((candidate) => candidate.id === options.preset);
  if (!preset) throw new UsageError(`unknown preset "${options.preset}" (known: ${SWEEP_PRESETS.map((p) => p.id).join(", ")})`);
  return { name: preset.id, config: sweepConfigSchema.parse(preset.input) };
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/api/sweeps`, { signal: AbortSignal.timeout(3000) });
    return response.ok;
  } catch {
    return false;
  }
}

/** The server to use, and how to stop it if this script started it. */
async function ensureServer(explicit: string | null): Promise<{ url: string; stop: () => void }> {
  if (explicit) {
    if (!(await answers(explicit))) throw new UsageError(`no Inflation Lab server answers at ${explicit}`);
    return { url: explicit, stop: () => {} };
  }
  const port = process.env.PORT ?? "3000";
  const url = `http://127.0.0.1:${port}`;
  if (await answers(url)) {
    console.log(`using the server already running at ${url}`);
    return { url, stop: () => {} };
  }
  if (buildIsStale(ROOT)) {
    console.log("building the app (no build, or sources changed)...");
    const build = spawnSync("npx", ["next", "build"], {
      cwd: ROOT,
      stdio: ["ignore", "inherit", "inherit"],
      env: { NEXT_TELEMETRY_DISABLED: "1", ...process.env },
    });
    if (build.status !== 0) throw new Error(`next build failed (exit ${build.status})`);
  }
  console.log(`starting the app at ${url} (as npm start: same database)...`);
  const log: string[] = [];
  const server = spawn(process.execPath, [path.join(ROOT, "scripts", "serve.mjs"), "-p", port], {
    cwd: ROOT,
    env: { NEXT_TELEMETRY_DISABLED: "1", ...process.env, NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const keep = (chunk: Buffer) => void log.push(String(chunk));
  server.stdout?.on("data", keep);
  server.stderr?.on("data", keep);
  const stop = () => {
    try {
      process.kill(-server.pid!, "SIGTERM");
    } catch {
      // already gone
    }
  };
  for (let i = 0; i < 240 && server.exitCode === null; i++) {
    if (await answers(url)) return { url, stop };
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  stop();
  throw new Error(`the app did not start on port ${port}:\n${log.join("").slice(-2000)}`);
}

async function api<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  const text = await response.text();
  if (!response.ok) throw new Error(`${init?.method ?? "GET"} ${url}: ${response.status} ${text.slice(0, 500)}`);
  return JSON.parse(text) as T;
}

interface Counts {
  total: number;
  done: number;
  running: number;
  queued: number;
  failed: number;
  cancelled: number;
}

async function allTrials(server: string, sweepId: string): Promise<TrialView[]> {
  const trials: TrialView[] = [];
  for (;;) {
    const page = await api<{ total: number; trials: TrialView[] }>(`${server}/api/sweeps/${sweepId}/trials?limit=2000&offset=${trials.length}`);
    trials.push(...page.trials);
    if (page.trials.length === 0 || trials.length >= page.total) return trials;
  }
}

function startWorker(index: number, sweepUrl: string): { child: ChildProcess; exited: Promise<number | null> } {
  const id = `reproduce-${index + 1}-${randomBytes(3).toString("hex")}`;
  const child = spawn(process.execPath, [JITI, path.join(ROOT, "scripts", "worker.ts"), sweepUrl, "--worker-id", id, "--progress-seconds", "120"], {
    cwd: ROOT,
    env: { ...process.env, JITI_TSCONFIG_PATHS: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const prefix = `[worker ${index + 1}] `;
  for (const stream of [child.stdout, child.stderr]) {
    let pending = "";
    stream?.on("data", (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) if (line.trim()) console.log(prefix + line);
    });
  }
  return { child, exited: new Promise((resolve) => child.on("exit", (code) => resolve(code))) };
}

/** --analyse: the report of an export file, with no server and no training. */
function analyseExport(file: string): number {
  let raw: { format?: unknown; sweep?: { name?: unknown; config?: unknown }; trials?: unknown };
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new UsageError(`${file} is not readable JSON: ${(error as Error).message}`);
  }
  if (raw.format !== "inflation-lab-sweep" || !Array.isArray(raw.trials)) throw new UsageError(`${file} is not an Inflation Lab JSON export`);
  const config = sweepConfigSchema.safeParse(raw.sweep?.config);
  if (!config.success) throw new UsageError(`${file}: sweep.config is not a valid sweep config`);
  const trials = raw.trials as TrialView[];
  const knob = config.data.axes.augmentation.knob;
  const counts = trials.reduce<Record<string, number>>((acc, t) => ({ ...acc, [t.status]: (acc[t.status] ?? 0) + 1 }), {});
  console.log(
    `sweep "${config.data.name}": ${trials.length} trials (${Object.entries(counts)
      .map(([k, v]) => `${v} ${k}`)
      .join(", ")})`,
  );
  console.log("");
  console.log(formatSweepReport(trials, knob, { metric: "linearAcc", tables: true }));
  console.log("");
  console.log(formatSweepReport(trials, knob, { metric: "knnAcc", tables: true }));
  return 0;
}

async function main(): Promise<number> {
  let options: Options | null;
  let loaded: { name: string; config: SweepConfig };
  try {
    options = parseArgs(process.argv.slice(2));
    if (!options) {
      console.log(HELP);
      return 0;
    }
    if (options.analyse) return analyseExport(options.analyse);
    loaded = loadConfig(options);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${HELP}`);
    return 2;
  }
  const started = Date.now();
  const server = await ensureServer(options.server);
  const workers: ReturnType<typeof startWorker>[] = [];
  const stopAll = () => {
    for (const worker of workers) worker.child.kill("SIGTERM");
  };
  let interrupted = false;
  const onSignal = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    console.log("stopping: the workers give their trials back; the sweep stays on the server and can be resumed with npm run worker");
    stopAll();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    const created = await api<{ sweep: { id: string; counts: Counts }; sweepUrl: string; shareUrl: string; ownerSecret: string }>(
      `${server.url}/api/sweeps`,
      { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ config: loaded.config }) },
    );
    const sweepId = created.sweep.id;
    const sweepUrl = `${server.url}/sweeps/${sweepId}`;
    console.log(`sweep "${loaded.config.name}": ${created.sweep.counts.total} trials`);
    console.log(`  page:  ${sweepUrl}`);
    console.log(`  share: ${created.shareUrl}`);
    console.log(`  owner secret (for cancel/delete from scripts): ${created.ownerSecret}`);
    console.log(`training with ${options.workers} headless worker(s)...`);
    for (let i = 0; i < options.workers; i++) workers.push(startWorker(i, sweepUrl));

    let finished = false;
    const allExited = Promise.all(workers.map((worker) => worker.exited)).then((codes) => ((finished = true), codes));
    let lastLine = "";
    while (!finished) {
      await Promise.race([allExited, new Promise((resolve) => setTimeout(resolve, 30_000))]);
      const page = await api<{ counts: StatusCounts; trials: TrialView[] }>(`${server.url}/api/sweeps/${sweepId}/trials?limit=2000`).catch(
        () => null,
      );
      if (!page) continue;
      const { done, failed, total, running } = page.counts;
      const elapsed = Date.now() - started;
      // The sweep page's own estimate: measured step times of running and finished trials.
      const { remainingMs } = estimateSweepEta(page.trials, page.counts, loaded.config.training);
      const eta = remainingMs !== null && done < total ? `, about ${formatDuration(remainingMs / 1000)} left` : "";
      const line = `progress: ${done}/${total} done, ${running} running, ${failed} failed after ${formatDuration(elapsed / 1000)}${eta}`;
      if (line !== lastLine) console.log(line);
      lastLine = line;
    }
    const codes = await allExited;
    const { sweep } = await api<{ sweep: { counts: Counts } }>(`${server.url}/api/sweeps/${sweepId}`);
    const trials = await allTrials(server.url, sweepId);

    const exportText = await fetch(`${server.url}/api/sweeps/${sweepId}/export?format=json`).then((response) => {
      if (!response.ok) throw new Error(`export failed: ${response.status}`);
      return response.text();
    });
    const out = path.resolve(options.out ?? path.join(ROOT, "exports", `${loaded.name}-${sweepId}.json`));
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(`${out}.tmp`, exportText);
    fs.renameSync(`${out}.tmp`, out);

    console.log("");
    console.log(
      `sweep "${loaded.config.name}": ${sweep.counts.done}/${sweep.counts.total} done, ${sweep.counts.failed} failed, in ${formatDuration((Date.now() - started) / 1000)}`,
    );
    console.log(formatSweepReport(trials, loaded.config.axes.augmentation.knob, { metric: "linearAcc", tables: false }));
    console.log("");
    console.log(`export: ${path.relative(process.cwd(), out) || out}`);
    console.log(`page:   ${sweepUrl}`);
    console.log(`share:  ${created.shareUrl}`);
    if (interrupted) return 130;
    if (codes.some((code) => code !== 0)) {
      console.error(`error: a worker exited with ${codes.join(", ")}`);
      return 1;
    }
    return sweep.counts.done === sweep.counts.total ? 0 : 1;
  } finally {
    stopAll();
    server.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof UsageError ? `error: ${error.message}` : error);
    process.exit(1);
  },
);
