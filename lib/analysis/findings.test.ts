import { describe, expect, it } from "vitest";
import type { TrialView } from "@/lib/contracts/views";
import type { MixRatio } from "@/lib/sweep/schema";
import { sweepFindings } from "./findings";
import { createRng, randomNormal } from "./random";
import { pairedDifference } from "./stats";
import { makeTrial } from "./trial-fixture";

const STRENGTHS = [0, 0.25, 0.5, 0.75, 1, 1.5];
const SEEDS = 10;

/**
 * A synthetic sweep with a known answer: accuracy is an inverted parabola in
 * strength peaking at `peaks[mix]`, plus a per-seed offset shared by every
 * cell of that seed (as real seeds share data order) and independent noise.
 */
function simulate(options: {
  peaks: Partial<Record<string, number>>;
  /** Added to every cell of a mix ratio (e.g. AdaInf's or bad data's effect). */
  offsets?: Partial<Record<string, number>>;
  curvature?: number;
  noise?: number;
  seed?: number;
  mixes?: MixRatio[];
}): TrialView[] {
  const rng = createRng(options.seed ?? 7);
  const mixes = options.mixes ?? ["none", 1, 10];
  const seedOffsets = Array.from({ length: SEEDS }, () => 0.01 * randomNormal(rng));
  const trials: TrialView[] = [];
  for (const mixRatio of mixes) {
    const key = String(mixRatio);
    const peak = options.peaks[key]!;
    for (const augValue of STRENGTHS) {
      for (let seed = 0; seed < SEEDS; seed++) {
        const linearAcc =
          0.85 -
          (options.curvature ?? 0.08) * (augValue - peak) ** 2 +
          (options.offsets?.[key] ?? 0) +
          seedOffsets[seed]! +
          (options.noise ?? 0.002) * randomNormal(rng);
        trials.push(makeTrial({ augValue, mixRatio, seed, linearAcc }));
      }
    }
  }
  return trials;
}

describe("sweepFindings: the optimum shift", () => {
  it("finds the paper's shift when the peak really moves weaker", () => {
    const findings = sweepFindings(simulate({ peaks: { none: 1, "1": 0.75, "10": 0.5 } }), "strength");
    expect(findings.optimumShift.verdict).toBe("weaker");
    expect(findings.optimumShift.lines.map((l) => l.estimate)).toEqual([1, 0.75, 0.5]);
    expect(findings.optimumShift.sentence).toMatch(/^The best strength falls from 1 to 0.5 .*do not overlap/);
  });

  it("reports a reversed shift as stronger, not as the paper's effect", () => {
    const findings = sweepFindings(simulate({ peaks: { none: 0.5, "1": 0.75, "10": 1 } }), "strength");
    expect(findings.optimumShift.verdict).toBe("stronger");
    expect(findings.optimumShift.sentence).toMatch(/rises from 0.5 to 1 .*stronger augmentation/);
  });

  it("finds no shift when every line peaks at the same strength", () => {
    const findings = sweepFindings(simulate({ peaks: { none: 0.75, "1": 0.75, "10": 0.75 } }), "strength");
    expect(findings.optimumShift.verdict).toBe("no-shift");
    expect(findings.optimumShift.sentence).toBe("No clear shift: the best strength is 0.75 for every mix ratio.");
  });

  it("says not distinguishable, with no direction, when noise swamps a small shift", () => {
    // A real shift (1 to 0.5) on a nearly flat top (curvature 0.01) under noise 0.01: the
    // estimates differ, but the bootstrap argmax wanders over most of the grid on both lines.
    const findings = sweepFindings(simulate({ peaks: { none: 1, "1": 0.75, "10": 0.5 }, curvature: 0.01, noise: 0.01, seed: 1 }), "strength");
    const [first, , last] = findings.optimumShift.lines;
    expect(first!.estimate).not.toBe(last!.estimate);
    expect(findings.optimumShift.verdict).toBe("not-distinguishable");
    expect(findings.optimumShift.sentence).toMatch(/^Not distinguishable: /);
    expect(findings.optimumShift.sentence).not.toMatch(/falls|rises|weaker|stronger/);
  });
});

describe("sweepFindings: the inverted U", () => {
  it("calls an interior peak that beats both ends an inverted U", () => {
    const findings = sweepFindings(simulate({ peaks: { none: 0.75, "1": 0.75, "10": 0.5 } }), "strength");
    expect(findings.invertedU).toMatchObject({ mixRatio: "none", verdict: "yes", peak: 0.75 });
    expect(findings.invertedU!.vsLow!.ci!.lo).toBeGreaterThan(0);
    expect(findings.invertedU!.vsHigh!.ci!.lo).toBeGreaterThan(0);
    expect(findings.invertedULines).toHaveLength(3);
  });

  it("rejects a peak at the edge of the grid", () => {
    const findings = sweepFindings(simulate({ peaks: { none: 2, "1": 2, "10": 2 } }), "strength");
    expect(findings.invertedU).toMatchObject({ verdict: "no", peak: 1.5 });
    expect(findings.invertedU!.sentence).toMatch(/at the high end of the grid/);
  });

  it("does not claim a U whose one side is inside the noise", () => {
    // Peak at 1.25 between grid points 1 and 1.5: 1.5 is only 0.08 * 0.0625 = 0.005 below 1.
    const findings = sweepFindings(simulate({ peaks: { none: 1.2, "1": 1.2, "10": 1.2 }, noise: 0.02 }), "strength");
    expect(findings.invertedU!.verdict).toBe("not-distinguishable");
    expect(findings.invertedU!.sentence).toMatch(/not distinguishable from the high end/);
  });
});

describe("sweepFindings: AdaInf against vanilla inflation and no inflation", () => {
  const peaks = { none: 1, "1": 0.75, "10": 0.5 };

  it("says AdaInf wins only when the paired interval is above zero", () => {
    const findings = sweepFindings(simulate({ peaks, offsets: { "10": 0.01 } }), "strength");
    expect(findings.adainfVsVanilla.verdict).toBe("better");
    expect(findings.adainfVsVanilla.sentence).toMatch(/^AdaInf beats vanilla inflation \(AdaInf − vanilla inflation: \+/);
    expect(findings.adainfVsVanilla.difference!.n).toBe(SEEDS);
  });

  it("says vanilla wins when it does", () => {
    const findings = sweepFindings(simulate({ peaks, offsets: { "10": -0.03 } }), "strength");
    expect(findings.adainfVsVanilla.verdict).toBe("worse");
    expect(findings.adainfVsVanilla.sentence).toMatch(/^Vanilla inflation beats AdaInf/);
  });

  it("says not distinguishable when the difference is inside the noise", () => {
    // AdaInf (N=10, s=0.5, at its peak) and vanilla (N=1, s=1) are 0.0045 apart by construction:
    // vanilla is 0.08 * 0.25^2 = 0.005 below its own peak. The noise (0.02) swamps that.
    const findings = sweepFindings(simulate({ peaks, noise: 0.02, seed: 11 }), "strength");
    expect(findings.adainfVsVanilla.verdict).toBe("not-distinguishable");
    expect(findings.adainfVsVanilla.sentence).toMatch(/^AdaInf and vanilla inflation are not distinguishable/);
  });

  it("detects that vanilla inflation with bad data hurts", () => {
    const findings = sweepFindings(simulate({ peaks: { none: 1, "1": 1, "10": 1 }, offsets: { "1": -0.02 } }), "strength");
    expect(findings.vanillaVsNone.verdict).toBe("worse");
    expect(findings.vanillaVsNone.sentence).toMatch(/^Vanilla inflation hurts compared with no inflation/);
  });

  it("explains what is missing instead of comparing", () => {
    const findings = sweepFindings(simulate({ peaks: { none: 1 }, mixes: ["none"] }), "strength");
    expect(findings.adainfVsVanilla.verdict).toBe("not-enough-data");
    expect(findings.adainfVsVanilla.sentence).toMatch(/no trials at mix ratio/);
    expect(findings.optimumShift.verdict).toBe("not-enough-data");
  });
});

describe("the shipped reference sweeps (examples/*.json) show what docs/findings.md reports", () => {
  it("strength × inflation: an inverted U at 0.125 on every line, no shift, AdaInf ahead", async () => {
    const fs = await import("node:fs");
    const exported = JSON.parse(fs.readFileSync("examples/01-mnist-strength-inflation.json", "utf8")) as { trials: TrialView[] };
    expect(exported.trials).toHaveLength(150);
    const findings = sweepFindings(exported.trials, "strength");
    expect(findings.invertedULines.map((line) => [line.mixRatio, line.verdict, line.peak])).toEqual([
      ["none", "yes", 0.125],
      [1, "yes", 0.125],
      [10, "yes", 0.125],
    ]);
    expect(findings.optimumShift.verdict).toBe("no-shift");
    expect(findings.adainfVsVanilla.verdict).toBe("better");
    expect(findings.adainfVsVanilla.difference!.mean).toBeCloseTo(0.0156, 3);
    expect(findings.vanillaVsNone.verdict).toBe("not-distinguishable");
  });

  it("a bad generator: AdaInf further ahead, and vanilla inflation hurting at s = 0.5", async () => {
    const fs = await import("node:fs");
    const exported = JSON.parse(fs.readFileSync("examples/02-mnist-bad-generator.json", "utf8")) as { trials: TrialView[] };
    expect(exported.trials).toHaveLength(60);
    const findings = sweepFindings(exported.trials, "strength");
    expect(findings.adainfVsVanilla.verdict).toBe("better");
    expect(findings.adainfVsVanilla.difference!.mean).toBeCloseTo(0.0319, 3);
    expect(findings.vanillaVsNone.verdict).toBe("not-distinguishable");
    const at = (mix: number | "none") =>
      exported.trials.filter((t) => t.augValue === 0.5 && t.mixRatio === mix).map((t) => ({ seed: t.seed, value: t.linearAcc! }));
    const hurt = pairedDifference(at(1), at("none"))!;
    expect(hurt.n).toBe(10);
    expect(hurt.ci!.hi).toBeLessThan(0);
  });
});
