// `npm start`: builds the app if there is no build or the sources changed
// since the last one, then serves it. The database (SQLite by default) is
// created and migrated by the server itself at start-up (instrumentation.ts).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const buildId = path.join(root, ".next", "BUILD_ID");
const sources = ["app", "lib", "prisma", "public", "instrumentation.ts", "next.config.js", "package.json"];

function newestMtime(entry) {
  const full = path.join(root, entry);
  if (!fs.existsSync(full)) return 0;
  const stat = fs.statSync(full);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const child of fs.readdirSync(full)) {
    if (child === "generated" || child === "node_modules") continue;
    newest = Math.max(newest, newestMtime(path.join(entry, child)));
  }
  return newest;
}

function run(args) {
  const result = spawnSync("npx", args, { cwd: root, stdio: "inherit", env: { NEXT_TELEMETRY_DISABLED: "1", ...process.env } });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const built = fs.existsSync(buildId) ? fs.statSync(buildId).mtimeMs : 0;
if (built === 0 || Math.max(...sources.map(newestMtime)) > built) {
  console.log("[inflation-lab] building the app (first start or sources changed)...");
  run(["next", "build"]);
}
run(["next", "start", "-p", process.env.PORT ?? "3000"]);
