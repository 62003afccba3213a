/**
 * The one seeded pseudo-random generator of the project: mulberry32, tiny,
 * fast and good enough for sampling, augmentation draws, bootstrap
 * resampling and test fuzzing. Nothing that must replay from a seed may use
 * Math.random. The engine (lib/train/rng.ts) and the analysis
 * (lib/analysis/random.ts) wrap it with the helpers they need.
 */

/** Uniform floats in [0, 1) from a 32-bit seed, the same sequence for the same seed everywhere. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
