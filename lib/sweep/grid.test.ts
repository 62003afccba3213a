import { describe, expect, it } from "vitest";
import { GridTooLargeError, bisectionLevels, bisectionOrder, countTrials, expandGrid, formatMixRatio, sortAxisValues, type TrialSpec } from "./grid";
import { sweepConfigSchema, type SweepConfig, type SweepConfigInput } from "./schema";

const config = (input: SweepConfigInput = {}): SweepConfig => sweepConfigSchema.parse(input);

/** A 5x5 grid over augmentation x mix ratio, one size, one seed. */
const grid5x5 = () =>
  config({
    axes: {
      augmentation: { values: [0, 0.25, 0.5, 0.75, 1] },
      mixRatio: { values: ["none", 1, 2, 5, 10] },
    },
  });

const pairs = (trials: TrialSpec[]) => trials.map((t) => `${t.augIndex},${t.mixIndex}`);

describe("axis helpers", () => {
  it("sorts 'none' first, then numbers ascending, without mutating", () => {
    const input = [10, "none", 0.5, 2] as const;
    expect(sortAxisValues(input)).toEqual(["none", 0.5, 2, 10]);
    expect(input).toEqual([10, "none", 0.5, 2]);
    expect(sortAxisValues([3, 1, 2])).toEqual([1, 2, 3]);
  });

  it("formats mix ratios", () => {
    expect(formatMixRatio("none")).toBe("none");
    expect(formatMixRatio(10)).toBe("N=10");
    expect(formatMixRatio(0.5)).toBe("N=0.5");
  });

  it("orders axis indices by recursive bisection", () => {
    expect(bisectionOrder(1)).toEqual([0]);
    expect(bisectionOrder(2)).toEqual([0, 1]);
    expect(bisectionOrder(3)).toEqual([0, 2, 1]);
    expect(bisectionOrder(4)).toEqual([0, 3, 1, 2]);
    expect(bisectionOrder(5)).toEqual([0, 4, 2, 1, 3]);
    expect(bisectionOrder(9)).toEqual([0, 8, 4, 2, 6, 1, 3, 5, 7]);
    expect(bisectionLevels(5)).toEqual([0, 2, 1, 2, 0]);
    for (let n = 1; n <= 60; n++) expect([...bisectionOrder(n)].sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
  });

  it("counts trials as the product of axis lengths", () => {
    expect(countTrials(config())).toBe(12);
    expect(countTrials(config({ axes: { seeds: { values: [1, 2, 3] }, generatedSize: { values: [1, 2] } } }))).toBe(72);
  });
});

describe("expandGrid", () => {
  const big = config({
    axes: {
      augmentation: { knob: "jitterProb", values: [0.8, 0, 0.4, 1, 0.2] },
      mixRatio: { values: [10, "none", 1] },
      generatedSize: { values: [50000, 5000] },
      seeds: { values: [7, 3, 5] },
    },
  });

  it("covers every combination exactly once with consistent fields", () => {
    const trials = expandGrid(big);
    expect(trials).toHaveLength(5 * 3 * 2 * 3);
    const seen = new Set(trials.map((t) => `${t.augValue}/${t.mixRatio}/${t.generatedSize}/${t.seed}`));
    expect(seen.size).toBe(trials.length);
    for (const a of big.axes.augmentation.values)
      for (const m of big.axes.mixRatio.values)
        for (const g of big.axes.generatedSize.values) for (const s of big.axes.seeds.values) expect(seen.has(`${a}/${m}/${g}/${s}`)).toBe(true);

    const sortedAug = sortAxisValues(big.axes.augmentation.values);
    const sortedMix = sortAxisValues(big.axes.mixRatio.values);
    trials.forEach((t, i) => {
      expect(t.orderIndex).toBe(i);
      expect(t.augKnob).toBe("jitterProb");
      expect(sortedAug[t.augIndex]).toBe(t.augValue);
      expect(sortedMix[t.mixIndex]).toBe(t.mixRatio);
      expect(t.cellKey).toBe(`aug=${t.augValue}|mix=${t.mixRatio}|gen=${t.generatedSize}`);
    });
    // Each cell appears once per seed.
    const perCell = new Map<string, number>();
    for (const t of trials) perCell.set(t.cellKey, (perCell.get(t.cellKey) ?? 0) + 1);
    expect([...perCell.values()].every((n) => n === 3)).toBe(true);
  });

  it("is deterministic and independent of the order values were typed in", () => {
    expect(expandGrid(big)).toEqual(expandGrid(big));
    const shuffled = config({
      axes: {
        augmentation: { knob: "jitterProb", values: [1, 0.2, 0.8, 0.4, 0] },
        mixRatio: { values: [1, 10, "none"] },
        generatedSize: { values: [5000, 50000] },
        seeds: { values: [5, 3, 7] },
      },
    });
    expect(expandGrid(shuffled)).toEqual(expandGrid(big));
  });

  it("finishes every cell of one seed before starting the next", () => {
    const trials = expandGrid(big);
    const cells = 5 * 3 * 2;
    trials.forEach((t, i) => expect(t.seedIndex).toBe(Math.floor(i / cells)));
    expect(trials.map((t) => t.seed).filter((s, i, all) => all.indexOf(s) === i)).toEqual([3, 5, 7]);
    // Every seed repeats the same cell order.
    const firstSeed = trials.slice(0, cells).map((t) => t.cellKey);
    expect(trials.slice(cells, 2 * cells).map((t) => t.cellKey)).toEqual(firstSeed);
  });

  it("starts a 5x5 grid with its four corners", () => {
    const first4 = pairs(expandGrid(grid5x5()).slice(0, 4));
    expect([...first4].sort()).toEqual(["0,0", "0,4", "4,0", "4,4"]);
  });

  it("covers the 3x3 sub-grid {0,2,4}^2 in the first 9 trials of a 5x5 grid", () => {
    const first9 = pairs(expandGrid(grid5x5()).slice(0, 9));
    const expected = [0, 2, 4].flatMap((a) => [0, 2, 4].map((m) => `${a},${m}`));
    expect([...first9].sort()).toEqual(expected.sort());
  });

  it("puts the extremes of the default demo first", () => {
    const trials = expandGrid(config());
    expect(trials.slice(0, 4).map((t) => [t.augValue, t.mixRatio])).toEqual(
      expect.arrayContaining([
        [0, "none"],
        [0, 10],
        [1, "none"],
        [1, 10],
      ]),
    );
  });

  it("never runs a finer cell before a coarser one", () => {
    const trials = expandGrid(big);
    const augLevels = bisectionLevels(5);
    const mixLevels = bisectionLevels(3);
    const levels = trials.map((t) => Math.max(augLevels[t.augIndex]!, mixLevels[t.mixIndex]!));
    for (let i = 1; i < 30; i++) expect(levels[i]!).toBeGreaterThanOrEqual(levels[i - 1]!);
  });

  it("throws GridTooLargeError for grids past the limit", () => {
    // Bypass the schema to simulate an unvalidated config.
    const huge = structuredClone(config());
    huge.axes.seeds.values = Array.from({ length: 1000 }, (_, i) => i);
    let caught: unknown;
    try {
      expandGrid(huge);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(GridTooLargeError);
    expect((caught as GridTooLargeError).trialCount).toBe(12000);
    expect((caught as GridTooLargeError).limit).toBe(2000);
    expect((caught as Error).message).toContain("12000");
  });

  it("rejects duplicate axis values that slipped past validation", () => {
    const dup = structuredClone(config());
    dup.axes.mixRatio.values = ["none", "none"];
    expect(() => expandGrid(dup)).toThrow(/duplicates/);
  });
});
