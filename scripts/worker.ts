/**
 * A headless worker for a sweep: `npm run worker -- <sweep URL> [--slots N]`.
 * Run with jiti (JITI_TSCONFIG_PATHS=1 resolves the `@/` alias); the code is in lib/headless.
 */
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { NODE_BACKEND_ORDER, NODE_BACKENDS, type NodeBackendName } from "@/lib/headless/backend";
import { formatSummary, runHeadlessWorker, SweepLookupError } from "@/lib/headless/run-worker";
import { parseSweepUrl, SweepUrlError } from "@/lib/headless/sweep-url";

const HELP = `Usage: npm run worker -- <sweep URL> [options]

Joins a sweep as a worker from Node, with no browser: claims trials through the
server's lease API (the same one browsers use), trains them with TensorFlow.js,
heartbeats progress, posts results, and exits when the sweep has nothing left
to claim. Ctrl-C or SIGTERM gives the running trials back to the queue.

<sweep URL>   the sweep page, e.g. http://host:3000/sweeps/<id>. Share links
              (/s/<shareId>) are read-only and do not reveal the sweep id, so
              they cannot be used: ask the sweep's owner for the sweep page URL.

Options:
  --slots N             trials trained at once, each in its own worker thread
                        (default 1; one per CPU core or two is about right)
  --backend NAME        auto (default: webgpu if a GPU is found, else wasm, else
                        cpu), webgpu, wasm or cpu. webgpu needs the optional
                        Dawn for Node package: npm install --no-save webgpu
  --cache-dir DIR       where uploaded datasets are kept between runs (checked
                        against their SHA-256 on every read; default
                        ~/.cache/inflation-lab/datasets)
  --no-cache            keep datasets in memory only
  --progress-seconds S  least time between two progress lines of a slot (default 5)
  --worker-id ID        this worker's id in the sweep's worker list (letters,
                        digits, _ and -; default node-<host>-<random>)
  --label TEXT          its label there (default the host name)
  -h, --help            this text

Generated data: held-out real images and uploaded generated sets work as in the
browser. A "generator trained in the browser" (VAE) sweep uses the images the
first worker registered; when none has yet, this worker trains the VAE itself
(on the CPU, slower than in a GPU browser) and registers them for the others.`;

interface CliOptions {
  url: string;
  slots: number;
  backends: NodeBackendName[];
  cacheDir: string | null;
  progressSeconds: number;
  workerId: string;
  label: string;
}

class UsageError extends Error {}

function defaultWorkerId(): string {
  const host = os
    .hostname()
    .replace(/[^A-Za-z0-9_-]/g, "-")
    .slice(0, 24);
  return `node-${host}-${randomBytes(4).toString("hex")}`;
}

function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  return path.join(base, "inflation-lab", "datasets");
}

function parseArgs(argv: string[]): CliOptions | null {
  const options: CliOptions = {
    url: "",
    slots: 1,
    backends: [...NODE_BACKEND_ORDER],
    cacheDir: defaultCacheDir(),
    progressSeconds: 5,
    workerId: defaultWorkerId(),
    label: os.hostname().slice(0, 60),
  };
  const value = (i: number, flag: string) => {
    const next = argv[i + 1];
    if (next === undefined) throw new UsageError(`${flag} needs a value`);
    return next;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] =
      arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
    const take = () => inline ?? value(i++, flag);
    if (flag === "-h" || flag === "--help") return null;
    else if (flag === "--slots") {
      const n = Number(take());
      if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError("--slots takes a whole number from 1 to 64");
      options.slots = n;
    } else if (flag === "--backend") {
      const name = take();
      if (name === "auto") options.backends = [...NODE_BACKEND_ORDER];
      else if ((NODE_BACKENDS as readonly string[]).includes(name)) options.backends = [name as NodeBackendName];
      else throw new UsageError(`--backend takes auto, ${NODE_BACKENDS.join(", ")}`);
    } else if (flag === "--cache-dir") options.cacheDir = path.resolve(take());
    else if (flag === "--no-cache") options.cacheDir = null;
    else if (flag === "--progress-seconds") {
      const s = Number(take());
      if (!Number.isFinite(s) || s < 0) throw new UsageError("--progress-seconds takes a number of seconds");
      options.progressSeconds = s;
    } else if (flag === "--worker-id") {
      const id = take();
      if (!/^[A-Za-z0-9_-]{4,64}$/.test(id)) throw new UsageError("--worker-id takes 4 to 64 letters, digits, _ or -");
      options.workerId = id;
    } else if (flag === "--label") options.label = take().slice(0, 60);
    else if (flag.startsWith("-")) throw new UsageError(`unknown option ${flag}`);
    else if (options.url) throw new UsageError(`one sweep URL only (got ${options.url} and ${arg})`);
    else options.url = arg;
  }
  if (!options.url) throw new UsageError("the sweep URL is missing");
  return options;
}

async function main(): Promise<number> {
  let options: CliOptions | null;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${HELP}`);
    return 2;
  }
  if (!options) {
    console.log(HELP);
    return 0;
  }
  const target = parseSweepUrl(options.url);
  if (options.slots > os.cpus().length) {
    console.warn(`note: ${options.slots} slots on ${os.cpus().length} CPU cores; slots beyond the core count mostly wait for each other`);
  }

  const stop = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (!stop.signal.aborted) {
      console.log(`${signal}: stopping (again to quit at once; unreleased trials then wait for their leases to lapse)`);
      stop.abort();
    } else process.exit(130);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  const summary = await runHeadlessWorker({
    target,
    slots: options.slots,
    backends: options.backends,
    cacheDir: options.cacheDir,
    workerId: options.workerId,
    workerLabel: options.label,
    progressEveryMs: options.progressSeconds * 1000,
    log: (line) => console.log(line),
    signal: stop.signal,
  });
  console.log(formatSummary(summary));
  for (const error of summary.errors) console.error(`error: ${error}`);
  return summary.errors.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const known = error instanceof SweepUrlError || error instanceof SweepLookupError;
    console.error(known ? `error: ${(error as Error).message}` : error);
    process.exit(1);
  },
);
