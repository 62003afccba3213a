// Reads the V8 CPU profiles a server wrote (node --cpu-prof) and says where
// its time went: self time by package (next, @prisma/client, pg, zod, ...),
// the app's own bundle, Node internals and garbage collection, and the
// hottest functions. Used by `npm run bench:lease -- --profile`.
import fs from "node:fs";
import path from "node:path";

function categoryOf(url, name) {
  if (!url) {
    if (name === "(garbage collector)") return "garbage collection";
    if (name === "(idle)") return "idle";
    if (name === "(program)") return "V8 / native (program)";
    return `native ${name}`;
  }
  const packageName = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (packageName) return packageName[1];
  if (url.includes("/.next/server/")) return "app bundle (.next/server)";
  if (url.startsWith("node:")) return "node internals";
  return path.basename(url);
}

/** The largest profile in `dir` (the server's; npx writes a small one too), summarised. */
export function summariseProfiles(dir, { operations, top = Number(process.env.BENCH_PROFILE_TOP ?? 20) } = {}) {
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((file) => file.endsWith(".cpuprofile")) : [];
  if (files.length === 0) return `no CPU profile in ${dir}`;
  const largest = files.map((file) => path.join(dir, file)).sort((a, b) => fs.statSync(b).size - fs.statSync(a).size)[0];
  const profile = JSON.parse(fs.readFileSync(largest, "utf8"));
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfTime = new Map();
  profile.samples.forEach((id, i) => selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const categories = new Map();
  const functions = new Map();
  for (const [id, micros] of selfTime) {
    const { callFrame } = nodes.get(id);
    const category = categoryOf(callFrame.url, callFrame.functionName);
    categories.set(category, (categories.get(category) ?? 0) + micros);
    if (category === "idle") continue;
    const where = `${callFrame.functionName || "(anonymous)"} ${callFrame.url.split("/").slice(-2).join("/")}:${callFrame.lineNumber + 1}`;
    functions.set(where, (functions.get(where) ?? 0) + micros);
  }
  const busy = [...categories].filter(([name]) => name !== "idle").reduce((sum, [, micros]) => sum + micros, 0);
  const line = ([name, micros]) => `  ${(micros / 1000).toFixed(0).padStart(7)} ms ${((100 * micros) / busy).toFixed(1).padStart(5)}%  ${name}`;
  const perOperation = operations ? `, ${(busy / 1000 / operations).toFixed(2)} ms of server CPU per lease operation` : "";
  return [
    `server CPU profile ${path.basename(largest)}: ${(busy / 1e6).toFixed(1)} s busy${perOperation}`,
    "self time by package:",
    ...[...categories]
      .filter(([name]) => name !== "idle")
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(line),
    "hottest functions (self time):",
    ...[...functions]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(line),
  ].join("\n");
}
