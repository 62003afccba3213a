// What `npm run bench:train` and `npm run bench:demo` share: a production
// build of the app, a `next start` on a scratch SQLite database, headless
// Debian Chromium, options from flags or the environment, and the machine's
// description.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "@playwright/test";
import { builtAt, buildIsStale } from "../build-state.mjs";

export const root = path.resolve(import.meta.dirname, "..", "..");

/**
 * `--name value` (or `--name=value`) beats the environment variable beats the
 * default. A bare `--flag` reads as "1".
 */
export function readOptions(argv, specs) {
  const flags = new Map();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith("--")) throw new Error(`unexpected argument ${arg}`);
    const eq = arg.indexOf("=");
    if (eq > 0) flags.set(arg.slice(2, eq), arg.slice(eq + 1));
    else if (argv[i + 1] !== undefined && !argv[i + 1].startsWith("--")) flags.set(arg.slice(2), argv[++i]);
    else flags.set(arg.slice(2), "1");
  }
  const unknown = [...flags.keys()].filter((key) => !(key in specs));
  if (unknown.length > 0)
    throw new Error(
      `unknown option --${unknown[0]} (known: ${Object.keys(specs)
        .map((k) => `--${k}`)
        .join(" ")})`,
    );
  const options = {};
  for (const [key, { env, fallback }] of Object.entries(specs)) {
    const raw = flags.get(key) ?? (env ? process.env[env] : undefined);
    options[key] = raw === undefined || raw === "" ? fallback : raw;
  }
  return options;
}

export const list = (value) =>
  String(value)
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);

/** Builds the app when there is no build or a source is newer than it (as `npm start` does); BENCH_BUILD=0 never builds. */
export function ensureBuilt() {
  if (process.env.BENCH_BUILD === "0" && builtAt(root) > 0) return;
  if (!buildIsStale(root)) return;
  console.error("[bench] building the app (no build, or sources changed)...");
  const result = spawnSync("npx", ["next", "build"], { cwd: root, stdio: ["ignore", 2, 2], env: { NEXT_TELEMETRY_DISABLED: "1", ...process.env } });
  if (result.status !== 0) throw new Error(`next build failed (exit ${result.status})`);
}

/**
 * The production server (scripts/serve.mjs) on a fresh SQLite file in a temp directory (or on `databaseUrl`); stop() kills the process
 * group and removes the directory.
 */
export async function startServer({ port, readyPath = "/api/sweeps", databaseUrl, env = {}, nodeArgs = [] }) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "inflation-lab-bench-"));
  const log = [];
  // The production server (Next.js plus the lease fast path), as `npm start` runs it.
  const server = spawn(process.execPath, [...nodeArgs, path.join(root, "scripts", "serve.mjs"), "-p", String(port)], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl ?? `file:${path.join(work, "bench.db")}`,
      NEXT_TELEMETRY_DISABLED: "1",
      NODE_ENV: "production",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const keep = (chunk) => {
    log.push(String(chunk));
    if (log.length > 200) log.shift();
  };
  server.stdout.on("data", keep);
  server.stderr.on("data", keep);
  const exited = new Promise((resolve) => server.once("exit", resolve));
  /** Resolves once the server has exited (at most 10 s), so a CPU profile it writes on exit is complete. */
  const stop = async () => {
    try {
      process.kill(-server.pid, "SIGTERM");
    } catch {
      // already gone
    }
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    fs.rmSync(work, { recursive: true, force: true });
  };
  /** SIGKILL to the whole process group, as a power cut or the OOM killer would: no shutdown code runs. */
  const crash = async () => {
    try {
      process.kill(-server.pid, "SIGKILL");
    } catch {
      // already gone
    }
    await exited;
    fs.rmSync(work, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 240; i++) {
    if (server.exitCode !== null) break;
    try {
      const response = await fetch(`${url}${readyPath}`);
      if (response.ok) return { url, stop, crash, log, pid: server.pid };
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  stop();
  throw new Error(`the app did not start on port ${port}:\n${log.join("").slice(-2000)}`);
}

/** CPU seconds (user + system) a process has used so far, from /proc; null where there is no /proc. */
export function processCpuSeconds(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

export const BASE_ARGS = [
  "--no-sandbox",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

/**
 * WebGPU without a GPU goes through SwiftShader (ENVIRONMENT.md); with
 * BENCH_SWIFTSHADER=0 a real GPU is used when present.
 */
export function webGpuArgs() {
  return [
    "--enable-unsafe-webgpu",
    "--enable-features=Vulkan",
    ...(process.env.BENCH_SWIFTSHADER === "0" ? [] : ["--use-webgpu-adapter=swiftshader", "--use-angle=swiftshader"]),
  ];
}

export function launchChromium({ webgpu }) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [...BASE_ARGS, ...(webgpu ? webGpuArgs() : [])],
  });
}

export function describeMachine(extra = {}) {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model ?? "unknown",
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    ...extra,
  };
}
