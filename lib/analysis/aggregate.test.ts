import { describe, expect, it } from "vitest";
import { aggregateCells, collectAxes, defaultBaselineKey, differenceFromBaseline } from "./aggregate";
import { makeTrial } from "./trial-fixture";

const T975_DF2 = 4.302653;

/** One cell with three finished seeds plus one trial in every other state. */
function mixedCell() {
  return [
    makeTrial({ seed: 0, linearAcc: 0.8, knnAcc: 0.7 }),
    makeTrial({ seed: 1, linearAcc: 0.9, knnAcc: null }),
    makeTrial({ seed: 2, linearAcc: 0.85, knnAcc: 0.6 }),
    // A running trial may carry a stale value; it must not be averaged.
    makeTrial({ seed: 3, status: "running", linearAcc: 0.99 }),
    makeTrial({ seed: 4, status: "failed" }),
    makeTrial({ seed: 5, status: "queued" }),
    makeTrial({ seed: 6, status: "cancelled" }),
  ];
}

describe("aggregateCells", () => {
  it("averages only finished trials and counts the rest", () => {
    const [cell] = aggregateCells(mixedCell());
    expect(cell!.counts).toEqual({ done: 3, running: 1, queued: 1, failed: 1, cancelled: 1, total: 7 });
    const acc = cell!.metrics.linearAcc;
    expect(acc.n).toBe(3);
    expect(acc.value).toBeCloseTo(0.85, 12);
    expect(acc.mean).toBeCloseTo(0.85, 12);
    expect(acc.std).toBeCloseTo(0.05, 12);
    const half = (T975_DF2 * 0.05) / Math.sqrt(3);
    expect(acc.ci!.lo).toBeCloseTo(0.85 - half, 5);
    expect(acc.ci!.hi).toBeCloseTo(0.85 + half, 5);
    expect(acc.values).toEqual([
      { seed: 0, value: 0.8 },
      { seed: 1, value: 0.9 },
      { seed: 2, value: 0.85 },
    ]);
    // A finished trial without a k-NN result counts for linear accuracy only.
    expect(cell!.metrics.knnAcc.n).toBe(2);
    expect(cell!.metrics.knnAcc.mean).toBeCloseTo(0.65, 12);
  });

  it("applies the chosen aggregation but keeps the interval of the mean", () => {
    const trials = [0.8, 0.9, 0.85, 0.7].map((linearAcc, seed) => makeTrial({ seed, linearAcc }));
    const byAggregation = (aggregation: "mean" | "median" | "max" | "min") => aggregateCells(trials, { aggregation })[0]!.metrics.linearAcc;
    expect(byAggregation("mean").value).toBeCloseTo(0.8125, 12);
    expect(byAggregation("median").value).toBeCloseTo(0.825, 12);
    expect(byAggregation("max").value).toBe(0.9);
    expect(byAggregation("min").value).toBe(0.7);
    expect(byAggregation("max").mean).toBeCloseTo(0.8125, 12);
  });

  it("reports an unfinished cell with counts but no numbers", () => {
    const [cell] = aggregateCells([makeTrial({ status: "failed" }), makeTrial({ seed: 1, status: "running" })]);
    expect(cell!.metrics.linearAcc).toMatchObject({ n: 0, value: null, mean: null, std: null, ci: null, values: [] });
    expect(cell!.counts.failed).toBe(1);
    expect(cell!.counts.running).toBe(1);
  });

  it("orders cells by augmentation, then mix ratio ('none' first), then size", () => {
    const trials = [
      makeTrial({ augValue: 1, mixRatio: 10 }),
      makeTrial({ augValue: 0.5, mixRatio: 10, generatedSize: 100 }),
      makeTrial({ augValue: 0.5, mixRatio: 10, generatedSize: 20 }),
      makeTrial({ augValue: 1, mixRatio: "none" }),
      makeTrial({ augValue: 0.5, mixRatio: 2, generatedSize: 100 }),
    ];
    const cells = aggregateCells(trials);
    expect(cells.map((c) => c.key)).toEqual([
      "aug=0.5|mix=2|gen=100",
      "aug=0.5|mix=10|gen=20",
      "aug=0.5|mix=10|gen=100",
      "aug=1|mix=none|gen=5000",
      "aug=1|mix=10|gen=5000",
    ]);
    expect(cells[0]).toMatchObject({ augIndex: 0, mixIndex: 1, sizeIndex: 1 });
    expect(collectAxes(trials)).toEqual({
      augValues: [0.5, 1],
      mixRatios: ["none", 2, 10],
      generatedSizes: [20, 100, 5000],
    });
  });
});

describe("baseline", () => {
  it("defaults to no inflation at the strength closest to 1", () => {
    const cells = aggregateCells([
      makeTrial({ augValue: 0.75, mixRatio: "none" }),
      makeTrial({ augValue: 1.25, mixRatio: "none" }),
      makeTrial({ augValue: 0.9, mixRatio: "none" }),
      makeTrial({ augValue: 1, mixRatio: 10 }),
    ]);
    expect(defaultBaselineKey(cells, "strength")).toBe("aug=0.9|mix=none|gen=5000");
  });

  it("uses the SimCLR default of other knobs", () => {
    const values = [0.05, 0.08, 0.2];
    const cells = aggregateCells(values.map((augValue) => makeTrial({ augKnob: "cropMinScale", augValue })));
    expect(defaultBaselineKey(cells, "cropMinScale")).toBe("aug=0.08|mix=none|gen=5000");
    const prob = aggregateCells([0.4, 0.8, 1].map((augValue) => makeTrial({ augKnob: "jitterProb", augValue })));
    expect(defaultBaselineKey(prob, "jitterProb")).toBe("aug=0.8|mix=none|gen=5000");
  });

  it("prefers the 'none' cell with the most finished trials and is null without one", () => {
    const cells = aggregateCells([makeTrial({ generatedSize: 100, status: "queued" }), makeTrial({ generatedSize: 500 })]);
    expect(defaultBaselineKey(cells, "strength")).toBe("aug=1|mix=none|gen=500");
    expect(defaultBaselineKey(cells, "strength", 100)).toBe("aug=1|mix=none|gen=100");
    expect(defaultBaselineKey(aggregateCells([makeTrial({ mixRatio: 1 })]), "strength")).toBeNull();
  });

  it("differences every cell from the baseline, paired over shared seeds", () => {
    const base = [0.8, 0.82, 0.84].map((linearAcc, seed) => makeTrial({ seed, linearAcc }));
    const other = [0.83, 0.86, 0.86, 0.5].map((linearAcc, seed) => makeTrial({ seed, linearAcc, mixRatio: 10 }));
    const cells = aggregateCells([...base, ...other]);
    const result = differenceFromBaseline(cells, "aug=1|mix=none|gen=5000");
    if (!result.ok) throw new Error(result.reason);
    const row = result.rows.find((r) => r.mixRatio === 10)!;
    // Unpaired: mean(0.83, 0.86, 0.86, 0.5) - mean(0.8, 0.82, 0.84) = 0.7625 - 0.82.
    expect(row.metrics.linearAcc.difference).toBeCloseTo(0.7625 - 0.82, 12);
    // Paired over seeds 0-2 only: differences 0.03, 0.04, 0.02.
    expect(row.metrics.linearAcc.paired!.n).toBe(3);
    expect(row.metrics.linearAcc.paired!.mean).toBeCloseTo(0.03, 12);
    const half = (T975_DF2 * 0.01) / Math.sqrt(3);
    expect(row.metrics.linearAcc.paired!.ci!.lo).toBeCloseTo(0.03 - half, 5);
    expect(result.rows.find((r) => r.isBaseline)!.metrics.linearAcc.difference).toBe(0);
  });

  it("says so when the baseline cell does not exist", () => {
    const result = differenceFromBaseline(aggregateCells([makeTrial()]), "aug=7|mix=none|gen=1");
    expect(result).toEqual({ ok: false, reason: "no cell aug=7|mix=none|gen=1 in this sweep" });
  });
});
