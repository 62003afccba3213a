import { describe, expect, it } from "vitest";
import type { TrialView } from "@/lib/contracts/views";
import type { AugKnob, MixRatio } from "@/lib/sweep/schema";
import { optimumByMixRatio } from "./optimum";
import { NOT_ENOUGH_DATA_SENTENCE, describeOptimumShift } from "./shift-sentence";
import { makeTrial } from "./trial-fixture";

/** Trials of one line from {augValue: [value per seed]}. */
function line(mixRatio: MixRatio, bySeed: Record<number, number[]>, augKnob: AugKnob = "strength"): TrialView[] {
  return Object.entries(bySeed).flatMap(([aug, values]) =>
    values.map((linearAcc, seed) => makeTrial({ augKnob, augValue: Number(aug), mixRatio, seed, linearAcc })),
  );
}

const analyse = (trials: TrialView[]) => optimumByMixRatio(trials, { metric: "linearAcc", bootstrapSamples: 500, seed: 1 });

describe("optimumByMixRatio", () => {
  it("summarises each line along the augmentation axis", () => {
    const trials = [
      ...line("none", { 0.5: [0.8, 0.82], 1: [0.9, 0.92] }),
      makeTrial({ augValue: 1.5, mixRatio: "none", status: "queued" }),
      ...line(10, { 0.5: [0.9, 0.91, 0.92], 1: [0.85, 0.86, 0.87] }),
    ];
    const { lines, generatedSize } = analyse(trials);
    expect(generatedSize).toBe(5000);
    expect(lines.map((l) => l.mixRatio)).toEqual(["none", 10]);
    const none = lines[0]!;
    expect(none.points.map((p) => [p.augValue, p.n])).toEqual([
      [0.5, 2],
      [1, 2],
      [1.5, 0],
    ]);
    expect(none.points[0]!.mean).toBeCloseTo(0.81, 12);
    // t(0.975, 1) * s / sqrt(2) with s = 0.01 * sqrt(2): half-width 12.706 * 0.01.
    expect(none.points[0]!.hi! - 0.81).toBeCloseTo(0.12706, 4);
    expect(none.points[2]).toMatchObject({ mean: null, lo: null, hi: null, n: 0 });
    expect(none.optimum!.estimate).toBe(1);
    expect(lines[1]!.optimum!.estimate).toBe(0.5);
  });

  it("picks the largest generated size by default and lets 'none' fall back to any size", () => {
    const trials = [
      ...line("none", { 0.5: [0.8], 1: [0.9] }).map((t) => ({ ...t, generatedSize: 100 })),
      ...line(1, { 0.5: [0.7], 1: [0.6] }).map((t) => ({ ...t, generatedSize: 100 })),
      ...line(1, { 0.5: [0.9], 1: [0.8] }).map((t) => ({ ...t, generatedSize: 1000 })),
    ];
    const analysis = analyse(trials);
    expect(analysis.generatedSize).toBe(1000);
    expect(analysis.lines.map((l) => [l.mixRatio, l.generatedSize])).toEqual([
      ["none", 100],
      [1, 1000],
    ]);
    expect(analysis.lines[1]!.points[0]!.mean).toBe(0.9);
    expect(optimumByMixRatio(trials, { metric: "linearAcc", generatedSize: 100 }).lines[1]!.points[0]!.mean).toBe(0.7);
  });

  it("takes the minimum for lower-is-better metrics", () => {
    const trials = [0.5, 1].flatMap((augValue) =>
      [0, 1].map((seed) => makeTrial({ augValue, seed, finalLoss: augValue === 1 ? 4 + seed : 6 + seed })),
    );
    expect(optimumByMixRatio(trials, { metric: "finalLoss" }).lines[0]!.optimum!.estimate).toBe(1);
  });

  it("returns no lines for no trials", () => {
    expect(analyse([])).toEqual({ metric: "linearAcc", generatedSize: null, lines: [] });
  });
});

describe("describeOptimumShift", () => {
  it("calls a shift clear when the intervals do not overlap", () => {
    const { lines } = analyse([
      ...line("none", { 0.25: [0.7, 0.71, 0.72], 0.5: [0.8, 0.81, 0.82], 1: [0.9, 0.91, 0.92] }),
      ...line(10, { 0.25: [0.8, 0.81, 0.82], 0.5: [0.9, 0.91, 0.92], 1: [0.7, 0.71, 0.72] }),
    ]);
    expect(describeOptimumShift(lines, "strength")).toBe(
      "The best strength falls from 1 to 0.5 as N goes from none to 10 (weaker augmentation); " +
        "the intervals do not overlap (95% bootstrap intervals: 1 at N = none, 0.5 at N = 10).",
    );
  });

  it("reports no shift when every line peaks at the same value", () => {
    const curve = { 0.25: [0.8, 0.81], 0.5: [0.9, 0.91], 1: [0.7, 0.71] };
    const { lines } = analyse([...line("none", curve), ...line(1, curve), ...line(10, curve)]);
    expect(describeOptimumShift(lines, "strength")).toBe("No clear shift: the best strength is 0.5 for every mix ratio.");
  });

  it("names no direction when the intervals overlap", () => {
    // Seed 0 and seed 1 disagree about the peak on both lines.
    const { lines } = analyse([...line("none", { 0.5: [0.8, 0.9], 1: [0.86, 0.85] }), ...line(10, { 0.5: [0.86, 0.85], 1: [0.8, 0.9] })]);
    expect(lines[0]!.optimum!.ci).toEqual({ lo: 0.5, hi: 1 });
    expect(describeOptimumShift(lines, "strength")).toBe(
      "Not distinguishable: the best strength is 1 at N = none and 0.5 at N = 10, but the intervals overlap " +
        "(95% bootstrap intervals: 0.5–1 at N = none, 0.5–1 at N = 10); more seeds are needed to tell a shift from noise.",
    );
  });

  it("names no direction from two seeds, even when their intervals do not overlap", () => {
    const { lines } = analyse([...line("none", { 0.5: [0.8, 0.81], 1: [0.9, 0.91] }), ...line(10, { 0.5: [0.9, 0.91], 1: [0.8, 0.81] })]);
    expect(lines[0]!.optimum!.ci).toEqual({ lo: 1, hi: 1 });
    expect(describeOptimumShift(lines, "strength")).toBe(
      "Not distinguishable yet: the best strength is 1 at N = none and 0.5 at N = 10; the intervals do not overlap " +
        "(95% bootstrap intervals: 1 at N = none, 0.5 at N = 10), but with fewer than 3 seeds at some point they cannot be trusted.",
    );
  });

  it("says when there is too little data", () => {
    const { lines } = analyse([
      ...line("none", { 0.5: [0.8, 0.9], 1: [0.86, 0.85] }),
      ...line(10, { 0.5: [0.86, 0.85] }),
      makeTrial({ augValue: 1, mixRatio: 10, status: "running" }),
    ]);
    expect(describeOptimumShift(lines, "strength")).toBe(NOT_ENOUGH_DATA_SENTENCE);
    expect(NOT_ENOUGH_DATA_SENTENCE).toBe("Not enough finished trials yet (need at least 2 augmentation values with results per mix ratio).");
    expect(describeOptimumShift([], "strength")).toBe(NOT_ENOUGH_DATA_SENTENCE);
  });

  it("knows that a larger crop min scale is weaker augmentation", () => {
    const { lines } = analyse([
      ...line("none", { 0.08: [0.9, 0.91, 0.92], 0.3: [0.8, 0.81, 0.82] }, "cropMinScale"),
      ...line(10, { 0.08: [0.8, 0.81, 0.82], 0.3: [0.9, 0.91, 0.92] }, "cropMinScale"),
    ]);
    expect(describeOptimumShift(lines, "cropMinScale")).toMatch(
      /^The best crop min scale a rises from 0\.08 to 0\.3 as N goes from none to 10 \(weaker augmentation\)/,
    );
    // The same numbers on a knob where larger is stronger read the other way.
    expect(describeOptimumShift(lines, "jitterProb")).toMatch(/jitter probability p rises .* \(stronger augmentation\)/);
  });

  it("does not claim anything without intervals from single seeds", () => {
    const { lines } = analyse([...line("none", { 0.5: [0.8], 1: [0.9] }), ...line(10, { 0.5: [0.9], 1: [0.8] })]);
    expect(describeOptimumShift(lines, "strength")).toBe(
      "Not distinguishable yet: the best strength is 1 at N = none and 0.5 at N = 10, " +
        "but without at least 2 seeds at every point there are no intervals.",
    );
  });

  it("handles a single mix ratio and a shift that returns to its start", () => {
    const one = analyse(line(10, { 0.5: [0.9, 0.91], 1: [0.8, 0.81] })).lines;
    expect(describeOptimumShift(one, "strength")).toBe(
      "Only one mix ratio (N = 10): the best strength is 0.5 (95% bootstrap interval: 0.5); add mix ratios to see a shift.",
    );
    const { lines } = analyse([
      ...line("none", { 0.5: [0.9, 0.91], 1: [0.8, 0.81] }),
      ...line(1, { 0.5: [0.8, 0.81], 1: [0.9, 0.91] }),
      ...line(10, { 0.5: [0.9, 0.91], 1: [0.8, 0.81] }),
    ]);
    expect(describeOptimumShift(lines, "strength")).toBe(
      "No clear shift: the best strength is 0.5 at both N = none and N = 10, though it differs in between (1 at N = 1).",
    );
  });
});
