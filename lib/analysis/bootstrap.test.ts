import { describe, expect, it } from "vitest";
import { bootstrapArgmax, type ArgmaxBootstrapInput } from "./bootstrap";
import { createRng, randomNormal, type Rng } from "./random";
import type { SeedValue } from "./stats";

const AUG = [0, 0.25, 0.5, 0.75, 1, 1.25, 1.5];
const TRUE_OPTIMUM = 0.75;
/** Inverted U peaking at 0.75; the neighbours 0.5 and 1 are 0.0125 lower. */
const truth = (x: number) => 0.85 - 0.2 * (x - TRUE_OPTIMUM) ** 2;

/**
 * One synthetic sweep line: `seeds` seeds per value, trial noise `noise`,
 * plus (when `seedEffect` > 0) a per-seed offset shared by every value, as
 * a common initialisation would produce.
 */
function syntheticLine(rng: Rng, seeds: number, noise: number, seedEffect: number): SeedValue[][] {
  const offsets = Array.from({ length: seeds }, () => seedEffect * randomNormal(rng));
  return AUG.map((x) => offsets.map((offset, seed) => ({ seed, value: truth(x) + offset + noise * randomNormal(rng) })));
}

function input(samples: SeedValue[][], overrides: Partial<ArgmaxBootstrapInput> = {}): ArgmaxBootstrapInput {
  return { augValues: AUG, samples, higherIsBetter: true, resamples: 500, seed: 1, ...overrides };
}

describe("bootstrapArgmax", () => {
  it("is deterministic for a given seed and varies with the seed", () => {
    const samples = syntheticLine(createRng(7), 4, 0.02, 0);
    const a = bootstrapArgmax(input(samples))!;
    const b = bootstrapArgmax(input(samples))!;
    expect(a).toEqual(b);
    const shares = (seed: number) => bootstrapArgmax(input(samples, { seed }))!.distribution.map((d) => d.share);
    expect(shares(2)).not.toEqual(shares(1));
  });

  it("resamples seeds jointly when every value shares the same seeds", () => {
    const paired = bootstrapArgmax(input(syntheticLine(createRng(3), 4, 0.01, 0)))!;
    expect(paired.mode).toBe("paired");
    const samples = syntheticLine(createRng(3), 4, 0.01, 0);
    samples[2] = samples[2]!.slice(1); // one trial failed at aug 0.5
    expect(bootstrapArgmax(input(samples))!.mode).toBe("independent");
  });

  it("is not fooled by a large shared seed effect when paired", () => {
    // Seed offsets (sd 0.05) dwarf the curve differences; pairing cancels them.
    const result = bootstrapArgmax(input(syntheticLine(createRng(11), 5, 0.001, 0.05)))!;
    expect(result.mode).toBe("paired");
    expect(result.estimate).toBe(TRUE_OPTIMUM);
    expect(result.ci).toEqual({ lo: TRUE_OPTIMUM, hi: TRUE_OPTIMUM });
  });

  it("finds the minimum for lower-is-better metrics", () => {
    const samples = AUG.map((x) => [0, 1].map((seed) => ({ seed, value: (x - 1.25) ** 2 + seed * 1e-3 })));
    const result = bootstrapArgmax(input(samples, { higherIsBetter: false }))!;
    expect(result.estimate).toBe(1.25);
    expect(result.support).toBe(1);
  });

  it("skips values without results and needs two values with results", () => {
    const samples: SeedValue[][] = AUG.map(() => []);
    samples[1] = [
      { seed: 0, value: 0.5 },
      { seed: 1, value: 0.6 },
    ];
    expect(bootstrapArgmax(input(samples))).toBeNull();
    samples[4] = [
      { seed: 0, value: 0.7 },
      { seed: 1, value: 0.8 },
    ];
    const result = bootstrapArgmax(input(samples))!;
    expect(result.estimate).toBe(1);
    expect(result.distribution.map((d) => d.augValue)).toEqual([0.25, 1]);
  });

  it("gives no interval when a value has a single seed, rather than false certainty", () => {
    const samples = AUG.map((x) => [{ seed: 0, value: truth(x) }]);
    const result = bootstrapArgmax(input(samples))!;
    expect(result.estimate).toBe(TRUE_OPTIMUM);
    expect(result.ci).toBeNull();
    expect(result.reason).toMatch(/at least 2 finished seeds/);
  });

  it("covers the true optimum in most of 200 synthetic sweeps, without covering everything", () => {
    const rng = createRng(2024);
    const runs = 200;
    let covered = 0;
    let pointRight = 0;
    let widthSum = 0;
    for (let run = 0; run < runs; run++) {
      // Half the sweeps have a shared seed effect (paired), half lose a trial (independent).
      const paired = run % 2 === 0;
      // Noise 0.03 with 4 seeds: the neighbours (0.0125 lower) often win by chance.
      const samples = syntheticLine(rng, 4, 0.03, paired ? 0.02 : 0);
      if (!paired) samples[run % AUG.length] = samples[run % AUG.length]!.slice(1);
      const result = bootstrapArgmax(input(samples, { resamples: 400, seed: run }))!;
      expect(result.mode).toBe(paired ? "paired" : "independent");
      const ci = result.ci!;
      if (ci.lo <= TRUE_OPTIMUM && TRUE_OPTIMUM <= ci.hi) covered++;
      if (result.estimate === TRUE_OPTIMUM) pointRight++;
      widthSum += AUG.indexOf(ci.hi) - AUG.indexOf(ci.lo);
    }
    expect(covered / runs).toBeGreaterThanOrEqual(0.85);
    // The problem is hard (the point estimate alone is often wrong), so coverage is earned...
    expect(pointRight / runs).toBeLessThan(0.8);
    // ...and not by spanning the whole axis (6 steps), which would always cover.
    expect(widthSum / runs).toBeLessThan(2.5);
  });

  it("rejects malformed input", () => {
    expect(() => bootstrapArgmax(input([[]]))).toThrow(RangeError);
    expect(() => bootstrapArgmax(input(syntheticLine(createRng(1), 2, 0.1, 0), { resamples: 0 }))).toThrow(RangeError);
  });
});
