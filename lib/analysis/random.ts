import { mulberry32 } from "@/lib/random";

/**
 * A small seeded PRNG (mulberry32). Analysis results must be reproducible:
 * reloading a results page must not move a confidence interval, so nothing
 * here may touch Math.random.
 */
export type Rng = () => number;

/** Uniform floats in [0, 1) from a 32-bit seed: the project's mulberry32 (lib/random.ts). */
export function createRng(seed: number): Rng {
  return mulberry32(seed);
}

/** Uniform integer in [0, n). */
export function randomInt(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}

/** A standard normal deviate (Box-Muller); used by tests and simulations. */
export function randomNormal(rng: Rng): number {
  let u = rng();
  while (u === 0) u = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}
