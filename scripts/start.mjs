// `npm start`: builds the app if there is no build or the sources changed
// since the last one, then serves it. The database (SQLite by default) is
// created and migrated by the server itself at start-up (instrumentation.ts).
import { spawnSync } from "node:child_process";
import path from "node:path";
import { buildIsStale } from "./build-state.mjs";

const root = path.resolve(import.meta.dirname, "..");

function run(args) {
  const result = spawnSync("npx", args, { cwd: root, stdio: "inherit", env: { NEXT_TELEMETRY_DISABLED: "1", ...process.env } });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (buildIsStale(root)) {
  console.log("[inflation-lab] building the app (first start or sources changed)...");
  run(["next", "build"]);
}
// scripts/serve.mjs: Next.js plus the lease fast path (see there).
const served = spawnSync(process.execPath, [path.join(root, "scripts", "serve.mjs"), "-p", process.env.PORT ?? "3000"], {
  cwd: root,
  stdio: "inherit",
  env: { NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production", ...process.env },
});
process.exit(served.status ?? 1);
