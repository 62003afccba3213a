// Whether the production build in .next is missing or older than any source
// it is built from. Shared by `npm start` and the benchmarks, which build
// first when it is.
import fs from "node:fs";
import path from "node:path";

const SOURCES = ["app", "lib", "prisma", "public", "instrumentation.ts", "next.config.js", "security-headers.mjs", "package.json"];

function newestMtime(root, entry) {
  const full = path.join(root, entry);
  if (!fs.existsSync(full)) return 0;
  const stat = fs.statSync(full);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const child of fs.readdirSync(full)) {
    if (child === "generated" || child === "node_modules") continue;
    newest = Math.max(newest, newestMtime(root, path.join(entry, child)));
  }
  return newest;
}

/** Time of the last build (ms), or 0 when there is none. */
export function builtAt(root) {
  const buildId = path.join(root, ".next", "BUILD_ID");
  return fs.existsSync(buildId) ? fs.statSync(buildId).mtimeMs : 0;
}

export function buildIsStale(root) {
  const built = builtAt(root);
  return built === 0 || Math.max(...SOURCES.map((entry) => newestMtime(root, entry))) > built;
}
