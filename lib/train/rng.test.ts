import { describe, expect, it } from "vitest";
import { createRng, deriveSeed, permutation } from "./rng";

describe("seeded rng", () => {
  it("replays the same stream for a seed and a different one for a neighbouring seed", () => {
    const draw = (seed: number) => {
      const rng = createRng(seed);
      return Array.from({ length: 20 }, () => rng.next());
    };
    expect(draw(0)).toEqual(draw(0));
    expect(draw(1)).not.toEqual(draw(0));
  });

  it("draws uniforms in [0, 1), integers in [0, n) and roughly standard normals", () => {
    const rng = createRng(7);
    const uniforms = Array.from({ length: 20000 }, () => rng.next());
    expect(Math.min(...uniforms)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...uniforms)).toBeLessThan(1);
    expect(uniforms.reduce((a, b) => a + b, 0) / uniforms.length).toBeCloseTo(0.5, 1);
    const counts = new Array(5).fill(0);
    for (let i = 0; i < 5000; i++) counts[rng.int(5)]++;
    counts.forEach((c) => expect(Math.abs(c - 1000)).toBeLessThan(120));
    const normals = Array.from({ length: 20000 }, () => rng.normal());
    const mean = normals.reduce((a, b) => a + b, 0) / normals.length;
    const variance = normals.reduce((a, b) => a + (b - mean) ** 2, 0) / normals.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });

  it("derives distinct, stable seeds per stream", () => {
    expect(deriveSeed(5, "init")).toBe(deriveSeed(5, "init"));
    expect(new Set([deriveSeed(5, "init"), deriveSeed(5, "augment"), deriveSeed(6, "init"), deriveSeed(5, "sampler")]).size).toBe(4);
  });

  it("makes uniform permutations", () => {
    const p = permutation(50, createRng(2));
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect([...p]).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});
