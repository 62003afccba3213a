/**
 * The one source of randomness for the engine. Math.random and tf.random*
 * are never used: they cannot be seeded per trial (tf.random* draws differ
 * across backends), and a trial must replay exactly from its seed.
 */
import { mulberry32 } from "@/lib/random";

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [min, max). */
  uniform(min: number, max: number): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal (Box-Muller). */
  normal(): number;
}

/** splitmix32-style finaliser: spreads nearby seeds (0, 1, 2...) far apart. */
function mix32(value: number): number {
  let z = (value + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** The project's mulberry32 (lib/random.ts) from a mixed seed, with the draws the engine needs. */
export function createRng(seed: number): Rng {
  const next = mulberry32(mix32(seed >>> 0));
  return {
    next,
    uniform: (min, max) => min + (max - min) * next(),
    int: (n) => Math.floor(next() * n),
    normal: () => {
      // 1 - u keeps the logarithm finite (u can be exactly 0).
      const u = 1 - next();
      const v = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
  };
}

/**
 * Independent stream per purpose ("init", "sampler", "augment", ...), so that
 * adding a draw in one place does not shift the draws of every other place.
 */
export function deriveSeed(seed: number, stream: string): number {
  let hash = 0x811c9dc5; // FNV-1a over the stream name
  for (let i = 0; i < stream.length; i++) {
    hash = Math.imul(hash ^ stream.charCodeAt(i), 0x01000193);
  }
  return mix32((seed >>> 0) ^ mix32(hash >>> 0));
}

/** Uniform Fisher-Yates shuffle in place. */
export function shuffleInPlace<T extends { length: number; [i: number]: number }>(values: T, rng: Rng): T {
  for (let i = values.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = values[i] as number;
    values[i] = values[j] as number;
    values[j] = tmp;
  }
  return values;
}

/** A seeded permutation of 0..n-1. */
export function permutation(n: number, rng: Rng): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return shuffleInPlace(out, rng);
}
