import { describe, expect, it } from "vitest";
import { aggregate, mean, meanConfidenceInterval, median, pairedDifference, sampleStd, valuesBySeed } from "./stats";

describe("summary statistics", () => {
  it("computes mean, median, sample std and min/max", () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    // Sample (n - 1) std of 1..5 is sqrt(2.5), not the population sqrt(2).
    expect(sampleStd([1, 2, 3, 4, 5])).toBeCloseTo(Math.sqrt(2.5), 12);
    expect(aggregate([3, 9, 1], "max")).toBe(9);
    expect(aggregate([3, 9, 1], "min")).toBe(1);
    expect(aggregate([], "mean")).toBeNull();
  });

  it("gives no spread or interval for fewer than two values", () => {
    expect(sampleStd([0.9])).toBeNull();
    expect(meanConfidenceInterval([0.9])).toBeNull();
    expect(mean([])).toBeNull();
  });

  it("uses the t distribution for the interval of the mean", () => {
    // 1..5: mean 3, s = sqrt(2.5), t(0.975, 4) = 2.776445.
    const ci = meanConfidenceInterval([1, 2, 3, 4, 5])!;
    const half = (2.776445 * Math.sqrt(2.5)) / Math.sqrt(5);
    expect(ci.lo).toBeCloseTo(3 - half, 5);
    expect(ci.hi).toBeCloseTo(3 + half, 5);
    const ci90 = meanConfidenceInterval([1, 2, 3, 4, 5], 0.9)!;
    expect(ci90.hi - ci90.lo).toBeLessThan(ci.hi - ci.lo);
  });

  it("averages a repeated seed instead of counting it twice", () => {
    const bySeed = valuesBySeed([
      { seed: 2, value: 1 },
      { seed: 1, value: 4 },
      { seed: 2, value: 3 },
    ]);
    expect([...bySeed.entries()]).toEqual([
      [1, 4],
      [2, 2],
    ]);
  });

  it("pairs differences over shared seeds only", () => {
    const a = [
      { seed: 0, value: 0.9 },
      { seed: 1, value: 0.8 },
      { seed: 2, value: 0.7 },
      { seed: 9, value: 0.1 },
    ];
    const b = [
      { seed: 0, value: 0.85 },
      { seed: 1, value: 0.76 },
      { seed: 2, value: 0.64 },
    ];
    const paired = pairedDifference(a, b)!;
    expect(paired.seeds).toEqual([0, 1, 2]);
    expect(paired.n).toBe(3);
    expect(paired.mean).toBeCloseTo(0.05, 12);
    // Differences 0.05, 0.04, 0.06: s = 0.01, half-width t(0.975, 2) * 0.01 / sqrt(3).
    const half = (4.302653 * 0.01) / Math.sqrt(3);
    expect(paired.ci!.lo).toBeCloseTo(0.05 - half, 5);
    expect(paired.ci!.hi).toBeCloseTo(0.05 + half, 5);
    expect(pairedDifference(a, [{ seed: 5, value: 1 }])).toBeNull();
  });
});
