import { describe, expect, it } from "vitest";
import { countTrials } from "./grid";
import { presetConfig, SWEEP_PRESETS } from "./presets";

describe("sweep presets", () => {
  it("are all valid configs within the trial limit", () => {
    for (const preset of SWEEP_PRESETS) {
      const config = presetConfig(preset.id);
      expect(countTrials(config)).toBeGreaterThan(0);
      expect(countTrials(config)).toBeLessThanOrEqual(2000);
    }
  });

  it("the quick demo is 4 strengths × {none, 1, 10} × 1 seed", () => {
    const config = presetConfig("quick-demo");
    expect(config.axes.augmentation.values).toEqual([0, 0.25, 0.5, 1]);
    expect(config.axes.mixRatio.values).toEqual(["none", 1, 10]);
    expect(countTrials(config)).toBe(12);
  });

  it("rejects an unknown preset", () => {
    expect(() => presetConfig("nope")).toThrow(/unknown preset/);
  });
});
