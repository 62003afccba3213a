import { describe, expect, it } from "vitest";
import { KNOB_ANALYSIS, augmentationDirection, formatAxisValue, nearestAxisValue } from "./knobs";
import { AGGREGATIONS, METRICS, METRIC_KEYS, finishedMetricValue, formatDuration, isBetter } from "./metrics";
import { makeTrial } from "./trial-fixture";

describe("metrics", () => {
  it("knows which direction is better", () => {
    expect(METRIC_KEYS.filter((k) => METRICS[k].higherIsBetter)).toEqual(["linearAcc", "knnAcc"]);
    expect(isBetter("linearAcc", 0.9, 0.8)).toBe(true);
    expect(isBetter("finalLoss", 4, 5)).toBe(true);
    expect(isBetter("durationMs", 2000, 1000)).toBe(false);
    expect(AGGREGATIONS).toEqual(["mean", "median", "max", "min"]);
  });

  it("formats values and differences for people", () => {
    expect(METRICS.linearAcc.format(0.9133)).toBe("91.33%");
    expect(METRICS.linearAcc.formatDifference(0.0204)).toBe("+2.04 pp");
    expect(METRICS.knnAcc.formatDifference(-0.01)).toBe("-1.00 pp");
    expect(METRICS.finalLoss.format(5.12345)).toBe("5.1235");
    expect(METRICS.linearAcc.format(null)).toBe("—");
    expect(formatDuration(850)).toBe("850 ms");
    expect(formatDuration(12_345)).toBe("12.3 s");
    expect(formatDuration(245_000)).toBe("4 min 05 s");
    expect(METRICS.durationMs.formatDifference(-1500)).toBe("-1.5 s");
  });

  it("takes values only from finished trials", () => {
    expect(finishedMetricValue(makeTrial({ linearAcc: 0.7 }), "linearAcc")).toBe(0.7);
    expect(finishedMetricValue(makeTrial({ status: "running", linearAcc: 0.7 }), "linearAcc")).toBeNull();
    expect(finishedMetricValue(makeTrial({ knnAcc: null }), "knnAcc")).toBeNull();
  });
});

describe("knobs", () => {
  it("says which way is weaker for each knob", () => {
    expect(augmentationDirection("strength", 1, 0.5)).toBe("weaker");
    expect(augmentationDirection("jitterStrength", 0.5, 1)).toBe("stronger");
    expect(augmentationDirection("jitterProb", 0.8, 0.4)).toBe("weaker");
    // Larger crop min scale keeps more of the image: weaker.
    expect(augmentationDirection("cropMinScale", 0.08, 0.3)).toBe("weaker");
    expect(augmentationDirection("cropMinScale", 0.2, 0.2)).toBeNull();
    expect(KNOB_ANALYSIS.cropMinScale).toMatchObject({ defaultValue: 0.08, adainfWeakValue: 0.2 });
  });

  it("formats axis values and finds the nearest one", () => {
    expect(formatAxisValue(0.1 + 0.2)).toBe("0.3");
    expect(formatAxisValue(0.08)).toBe("0.08");
    expect(nearestAxisValue([0.5, 1.5], 1)).toBe(0.5);
    expect(nearestAxisValue([2, 0.9, 1.2], 1)).toBe(0.9);
    expect(nearestAxisValue([], 1)).toBeNull();
  });
});
