/**
 * Test-only fuzz harness for lib/formats: random inputs and random mutations of
 * valid files. The contract it enforces: every input either parses or throws
 * DatasetParseError (anything else is a parser bug), within a time budget.
 */
import { DatasetParseError } from "./errors";
import { concatBytes, makeRng, type Rng } from "./test-helpers";

/** One random change: flips, overwrites with edge values, truncation, insertion, deletion, duplication. */
export function mutate(rng: Rng, input: Uint8Array): { bytes: Uint8Array; how: string } {
  const bytes = input.slice();
  const at = bytes.length ? rng.int(bytes.length) : 0;
  const strategy = rng.int(8);
  const edge = [0x00, 0xff, 0x7f, 0x80, 0x01][rng.int(5)] as number;
  switch (strategy) {
    case 0:
      bytes[at] = (bytes[at] ?? 0) ^ (1 << rng.int(8));
      return { bytes, how: `flip bit at ${at}` };
    case 1: {
      const n = 1 + rng.int(8);
      for (let i = 0; i < n; i++) bytes[at + i] = rng.int(256);
      return { bytes, how: `randomise ${n} bytes at ${at}` };
    }
    case 2: {
      const n = [1, 2, 4][rng.int(3)] as number;
      for (let i = 0; i < n; i++) bytes[at + i] = edge;
      return { bytes, how: `set ${n} bytes at ${at} to ${edge}` };
    }
    case 3:
      return { bytes: bytes.slice(0, at), how: `truncate to ${at}` };
    case 4:
      return { bytes: concatBytes(bytes, rng.bytes(1 + rng.int(16))), how: "append garbage" };
    case 5:
      return { bytes: concatBytes(bytes.subarray(0, at), rng.bytes(1 + rng.int(8)), bytes.subarray(at)), how: `insert at ${at}` };
    case 6:
      return { bytes: concatBytes(bytes.subarray(0, at), bytes.subarray(at + 1 + rng.int(8))), how: `delete at ${at}` };
    default: {
      // Header-sized fields are where hostile sizes live: write a big 32-bit value.
      const value = [0xffffffff, 0x7fffffff, 0x80000000, 0x00010000][rng.int(4)] as number;
      const big = rng.int(2) === 0;
      for (let i = 0; i < 4; i++) bytes[at + i] = big ? (value >>> (24 - 8 * i)) & 255 : (value >>> (8 * i)) & 255;
      return { bytes, how: `write ${value} (${big ? "BE" : "LE"}) at ${at}` };
    }
  }
}

export interface FuzzOptions {
  seeds: Uint8Array[];
  parse: (bytes: Uint8Array) => unknown;
  seed: number;
  randomCases?: number;
  mutationCases?: number;
  /** Random inputs start with one of these half of the time, to get past magic checks. */
  prefixes?: Uint8Array[];
  /** Applied after each mutation (e.g. fixing PNG CRCs). */
  afterMutation?: (bytes: Uint8Array) => Uint8Array;
  /** Several mutations in a row for some cases (multi-byte damage). */
  maxMutations?: number;
  caseBudgetMs?: number;
}

export interface FuzzReport {
  cases: number;
  parsed: number;
  rejected: number;
  slowestMs: number;
  totalMs: number;
  failures: string[];
}

/**
 * Every input must parse or throw DatasetParseError, within the per-case
 * budget. Parsers are synchronous, so a true hang would trip vitest's test
 * timeout; the budget catches the merely slow ones.
 */
export function fuzz(options: FuzzOptions): FuzzReport {
  const rng = makeRng(options.seed);
  const budget = options.caseBudgetMs ?? 500;
  const report: FuzzReport = { cases: 0, parsed: 0, rejected: 0, slowestMs: 0, totalMs: 0, failures: [] };
  const run = (bytes: Uint8Array, how: string) => {
    const start = performance.now();
    try {
      options.parse(bytes);
      report.parsed++;
    } catch (error) {
      if (error instanceof DatasetParseError) report.rejected++;
      else report.failures.push(`${how}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    }
    const ms = performance.now() - start;
    report.cases++;
    report.totalMs += ms;
    report.slowestMs = Math.max(report.slowestMs, ms);
    if (ms > budget) report.failures.push(`${how}: took ${ms.toFixed(0)} ms (budget ${budget} ms)`);
  };
  for (let i = 0; i < (options.randomCases ?? 300); i++) {
    let bytes = rng.bytes(rng.int(i % 10 === 0 ? 4096 : 200));
    const prefix = options.prefixes?.[rng.int(options.prefixes.length)];
    if (prefix && rng.int(2) === 0) bytes = concatBytes(prefix, bytes);
    run(bytes, `random case ${i} (${bytes.length} bytes)`);
  }
  for (let i = 0; i < (options.mutationCases ?? 300); i++) {
    let bytes = options.seeds[i % options.seeds.length] as Uint8Array;
    const steps = 1 + rng.int(options.maxMutations ?? 3);
    const hows: string[] = [];
    for (let k = 0; k < steps; k++) {
      const m = mutate(rng, bytes);
      bytes = m.bytes;
      hows.push(m.how);
    }
    if (options.afterMutation) bytes = options.afterMutation(bytes);
    run(bytes, `mutation case ${i} (seed file ${i % options.seeds.length}: ${hows.join(", ")})`);
  }
  return report;
}
