// Copies tfjs-backend-wasm's three .wasm binaries into public/tfjs-wasm/ (run on
// install), so the app serves them itself: workers point setWasmPaths at
// /tfjs-wasm/ and nothing is ever fetched from outside. Also the threaded
// build's unminified Emscripten factory, which lib/worker/wasm-threads.ts hands
// to wasm's thread workers in place of the bundler-minified copy. Skips files
// that are already identical.
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const out = path.join(root, "public", "tfjs-wasm");
const require = createRequire(import.meta.url);
const dist = path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json"));
const files = [
  ["dist", "tfjs-backend-wasm.wasm"],
  ["dist", "tfjs-backend-wasm-simd.wasm"],
  ["dist", "tfjs-backend-wasm-threaded-simd.wasm"],
  ["wasm-out", "tfjs-backend-wasm-threaded-simd.js"],
];

fs.mkdirSync(out, { recursive: true });
for (const [folder, file] of files) {
  const source = path.join(dist, folder, file);
  const target = path.join(out, file);
  const bytes = fs.readFileSync(source);
  if (fs.existsSync(target) && fs.readFileSync(target).equals(bytes)) continue;
  fs.writeFileSync(`${target}.tmp`, bytes);
  fs.renameSync(`${target}.tmp`, target);
  console.log(`copied ${file} (${(bytes.length / 1024).toFixed(0)} KiB) to public/tfjs-wasm/`);
}
