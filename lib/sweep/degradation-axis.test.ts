import { describe, expect, it } from "vitest";
import { evaluateForm, defaultFormState, formStateFromConfig } from "./form";
import { configForTrial, countTrials, degradationValues, expandGrid } from "./grid";
import { trialConfigHash, trialEffectiveConfig } from "./hash";
import { sweepConfigSchema, type SweepConfigInput } from "./schema";

const config = (input: SweepConfigInput) => sweepConfigSchema.parse(input);

/** Generator quality as a sweep axis: degradation values of the held-out-real stand-in generator. */
const qualitySweep = () =>
  config({
    axes: {
      augmentation: { values: [0.5, 1] },
      mixRatio: { values: ["none", 1, 10] },
      degradation: { values: [1, 0, 0.5] },
      seeds: { values: [0, 1] },
    },
  });

describe("degradation axis", () => {
  it("runs every inflated cell at every degradation and 'none' once", () => {
    const sweep = qualitySweep();
    const trials = expandGrid(sweep);
    // 2 aug x 2 seeds x (1 none + 2 inflated x 3 degradations)
    expect(trials).toHaveLength(28);
    expect(countTrials(sweep)).toBe(28);
    const none = trials.filter((t) => t.mixRatio === "none");
    expect(none).toHaveLength(4);
    expect(none.every((t) => t.degradation === null && !t.cellKey.includes("deg="))).toBe(true);
    const inflated = trials.filter((t) => t.mixRatio !== "none");
    expect(new Set(inflated.map((t) => t.degradation))).toEqual(new Set([0, 0.5, 1]));
    expect(inflated.find((t) => t.degradation === 0.5 && t.mixRatio === 10 && t.augValue === 1)!.cellKey).toBe("aug=1|mix=10|gen=5000|deg=0.5");
    expect(new Set(trials.map((t) => `${t.cellKey}#${t.seed}`)).size).toBe(trials.length);
    // degIndex follows the sorted axis
    expect(inflated.find((t) => t.degradation === 1)!.degIndex).toBe(2);
    expect(degradationValues(sweep)).toEqual([0, 0.5, 1]);
  });

  it("changes nothing for sweeps without the axis", () => {
    const plain = config({ generated: { degradation: 0.75 } });
    expect(plain.axes.degradation).toBeUndefined();
    const trials = expandGrid(plain);
    expect(trials.every((t) => t.degradation === null && !t.cellKey.includes("deg="))).toBe(true);
    expect(degradationValues(plain)).toEqual([0.75]);
    expect(configForTrial(plain, trials[0]!)).toBe(plain);
    // The hash of a trial without the axis is the hash of the config as it always was.
    const { name: _n, description: _d, axes: _a, execution: _e, ...rest } = plain;
    const first = trials[0]!;
    expect(trialEffectiveConfig(plain, first)).toEqual({
      ...rest,
      augKnob: first.augKnob,
      augValue: first.augValue,
      mixRatio: first.mixRatio,
      generatedSize: first.generatedSize,
      seed: first.seed,
    });
  });

  it("gives each trial its own degradation to train with and to hash", () => {
    const sweep = qualitySweep();
    const trials = expandGrid(sweep).filter((t) => t.mixRatio === 10 && t.augValue === 1 && t.seed === 0);
    expect(trials.map((t) => configForTrial(sweep, t).generated.degradation).sort()).toEqual([0, 0.5, 1]);
    expect(new Set(trials.map((t) => trialConfigHash(sweep, t))).size).toBe(3);
    // The trial at degradation 0.5 hashes like a plain sweep whose generator has degradation 0.5.
    const half = trials.find((t) => t.degradation === 0.5)!;
    const plain = config({ ...sweep, axes: { ...sweep.axes, degradation: undefined }, generated: { ...sweep.generated, degradation: 0.5 } });
    expect(trialConfigHash(sweep, half)).toBe(trialConfigHash(plain, { ...half, degradation: null }));
  });

  it("rejects the axis where degradation does not apply, or twice", () => {
    const upload = sweepConfigSchema.safeParse({
      generated: { source: "upload", ref: `sha256:${"a".repeat(64)}` },
      axes: { degradation: { values: [0, 1] } },
    });
    expect(upload.success).toBe(false);
    expect(upload.error!.issues.map((i) => i.path.join("."))).toContain("axes.degradation");
    const both = sweepConfigSchema.safeParse({ generated: { degradation: 0.5 }, axes: { degradation: { values: [0, 1] } } });
    expect(both.success).toBe(false);
    expect(both.error!.issues[0]!.message).toMatch(/either here or as axes.degradation/);
    const range = sweepConfigSchema.safeParse({ axes: { degradation: { values: [0, 1.5, 0, -1] } } });
    expect(range.success).toBe(false);
    expect(range.error!.issues.map((i) => i.path.join(".")).sort()).toEqual([
      "axes.degradation.values.1",
      "axes.degradation.values.2",
      "axes.degradation.values.3",
    ]);
  });

  it("counts the axis against the trial limit", () => {
    const result = sweepConfigSchema.safeParse({
      axes: {
        augmentation: { values: [0, 1] },
        mixRatio: { values: [1, 10] },
        degradation: { values: Array.from({ length: 11 }, (_, i) => i / 10) },
        seeds: { values: Array.from({ length: 100 }, (_, i) => i) },
      },
    });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.message).toMatch(/grid has 4400 trials/);
  });

  it("is one builder field: one value is the generator's degradation, several are the axis", () => {
    const single = evaluateForm({ ...defaultFormState(), degradation: "0.25" });
    expect(single.config!.generated.degradation).toBe(0.25);
    expect(single.config!.axes.degradation).toBeUndefined();
    const several = evaluateForm({ ...defaultFormState(), degradation: "0, 0.5 1" });
    expect(several.config!.axes.degradation).toEqual({ values: [0, 0.5, 1] });
    expect(several.config!.generated.degradation).toBe(0);
    expect(formStateFromConfig(several.config!).degradation).toBe("0, 0.5, 1");
    const bad = evaluateForm({ ...defaultFormState(), degradation: "0, 2" });
    expect(bad.config).toBeNull();
    expect([...bad.errors.keys()]).toEqual(["axes.degradation.values.1"]);
    // A list left in the hidden field does not block another source.
    const upload = evaluateForm({ ...defaultFormState(), degradation: "0, 1", generatedSource: "upload", generatedRef: `sha256:${"b".repeat(64)}` });
    expect(upload.config?.axes.degradation).toBeUndefined();
  });
});
