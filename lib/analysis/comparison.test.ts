import { describe, expect, it } from "vitest";
import type { TrialView } from "@/lib/contracts/views";
import type { AugKnob, MixRatio } from "@/lib/sweep/schema";
import { adainfComparison, type AvailableComparisonRow, type ComparisonRow } from "./comparison";
import { makeTrial } from "./trial-fixture";

function cell(augValue: number, mixRatio: MixRatio, values: number[], augKnob: AugKnob = "strength"): TrialView[] {
  return values.map((linearAcc, seed) => makeTrial({ augKnob, augValue, mixRatio, seed, linearAcc }));
}

function available(rows: ComparisonRow[], id: string): AvailableComparisonRow {
  const row = rows.find((r) => r.id === id);
  if (!row?.available) throw new Error(`row ${id} is not available: ${row && !row.available ? row.reason : "absent"}`);
  return row;
}

function reason(rows: ComparisonRow[], id: string): string {
  const row = rows.find((r) => r.id === id);
  if (!row || row.available) throw new Error(`row ${id} should be missing`);
  return row.reason;
}

const fullSweep = () => [
  ...cell(1, "none", [0.8, 0.81, 0.82]),
  ...cell(0.5, "none", [0.78, 0.79, 0.8]),
  ...cell(1, 1, [0.79, 0.8, 0.81]),
  ...cell(0.5, 1, [0.77, 0.78, 0.79]),
  ...cell(1, 10, [0.81, 0.82, 0.83]),
  ...cell(0.5, 10, [0.84, 0.86, 0.85]),
];

describe("adainfComparison", () => {
  it("fills the four rows with means, intervals and paired differences vs no inflation", () => {
    const { rows, metric, generatedSize } = adainfComparison(fullSweep(), "strength");
    expect(metric).toBe("linearAcc");
    expect(generatedSize).toBe(5000);
    expect(rows.map((r) => r.id)).toEqual(["none", "vanilla", "adainf", "best"]);

    const none = available(rows, "none");
    expect(none).toMatchObject({ augValue: 1, mixRatio: "none", n: 3, differenceVsNone: null, pairedVsNone: null });
    expect(none.mean).toBeCloseTo(0.81, 12);

    const vanilla = available(rows, "vanilla");
    expect(vanilla).toMatchObject({ augValue: 1, mixRatio: 1 });
    expect(vanilla.differenceVsNone).toBeCloseTo(-0.01, 12);
    expect(vanilla.pairedVsNone!.mean).toBeCloseTo(-0.01, 12);
    expect(vanilla.pairedVsNone!.std).toBeCloseTo(0, 12);

    const adainf = available(rows, "adainf");
    expect(adainf).toMatchObject({ augValue: 0.5, mixRatio: 10, n: 3, note: null });
    expect(adainf.mean).toBeCloseTo(0.85, 12);
    // Per-seed differences 0.04, 0.05, 0.03: mean 0.04, s = 0.01.
    expect(adainf.pairedVsNone!.mean).toBeCloseTo(0.04, 12);
    const half = (4.302653 * 0.01) / Math.sqrt(3);
    expect(adainf.pairedVsNone!.ci!.lo).toBeCloseTo(0.04 - half, 5);
    expect(adainf.ci!.hi - adainf.mean).toBeCloseTo(half, 5);

    const best = available(rows, "best");
    expect(best.key).toBe(adainf.key);
    expect(best.note).toMatch(/optimistic/);
  });

  it("explains a missing mix ratio", () => {
    const trials = fullSweep().filter((t) => t.mixRatio !== 10);
    const { rows } = adainfComparison(trials, "strength");
    expect(reason(rows, "adainf")).toBe("the sweep has no trials at mix ratio N=10");
    expect(available(rows, "vanilla").mixRatio).toBe(1);
  });

  it("refuses to stand a distant value in for the recipe, but accepts a near one", () => {
    const far = [...cell(1, "none", [0.8, 0.81]), ...cell(0.25, 10, [0.8, 0.81]), ...cell(1, 10, [0.8, 0.81])];
    expect(reason(adainfComparison(far, "strength").rows, "adainf")).toBe("no strength within ±0.05 of 0.5 at N=10 (swept: 0.25, 1)");
    const near = [...cell(1, "none", [0.8, 0.81]), ...cell(0.48, 10, [0.82, 0.84])];
    const adainf = available(adainfComparison(near, "strength").rows, "adainf");
    expect(adainf.augValue).toBe(0.48);
    expect(adainf.note).toBe("nearest swept strength 0.48 stands in for 0.5");
    expect(reason(adainfComparison(near, "strength", { tolerance: 0.01 }).rows, "adainf")).toMatch(/within ±0\.005/);
  });

  it("explains a cell that has not finished", () => {
    const trials = [
      ...cell(1, "none", [0.8, 0.81]),
      makeTrial({ augValue: 1, mixRatio: 1, seed: 0, status: "queued" }),
      makeTrial({ augValue: 1, mixRatio: 1, seed: 1, status: "failed" }),
    ];
    expect(reason(adainfComparison(trials, "strength").rows, "vanilla")).toBe("no finished trials yet at N=1, strength 1 (1 queued, 1 failed)");
  });

  it("leaves differences empty when the no-inflation row is missing", () => {
    const { rows } = adainfComparison(cell(0.5, 10, [0.84, 0.86]), "strength");
    expect(reason(rows, "none")).toBe("the sweep has no trials at mix ratio none");
    expect(available(rows, "adainf")).toMatchObject({ differenceVsNone: null, pairedVsNone: null });
  });

  it("uses each knob's own default and weak values", () => {
    const trials = [
      ...cell(0.08, "none", [0.8, 0.82], "cropMinScale"),
      ...cell(0.08, 1, [0.79, 0.81], "cropMinScale"),
      ...cell(0.2, 10, [0.85, 0.86], "cropMinScale"),
      // Trials of another knob are ignored.
      ...cell(0.5, 10, [0.99, 0.99], "strength"),
    ];
    const { rows } = adainfComparison(trials, "cropMinScale");
    expect(available(rows, "none").augValue).toBe(0.08);
    expect(available(rows, "adainf").augValue).toBe(0.2);
    expect(available(rows, "best").augValue).toBe(0.2);
  });

  it("does not let a single lucky seed be the best cell when others have two", () => {
    const trials = [...cell(1, "none", [0.8, 0.82]), ...cell(0.5, 10, [0.84, 0.85]), ...cell(0.25, 10, [0.99])];
    expect(available(adainfComparison(trials, "strength").rows, "best").augValue).toBe(0.5);
    expect(reason(adainfComparison([], "strength").rows, "best")).toBe("no finished trials yet");
  });
});
