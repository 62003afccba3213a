import { describe, expect, it } from "vitest";
import { axisValuesEqual, matchImportedResults, type ExternalResultRow } from "./import-match";
import { makeTrial } from "@/lib/analysis/trial-fixture";

const trials = [
  makeTrial({ augValue: 0.1, mixRatio: "none", seed: 0, status: "queued" }),
  makeTrial({ augValue: 0.1, mixRatio: 10, seed: 0, status: "running" }),
  makeTrial({ augValue: 0.1, mixRatio: 10, seed: 1, status: "failed" }),
  makeTrial({ augValue: 0.5, mixRatio: 10, seed: 0, status: "cancelled" }),
  makeTrial({ augValue: 0.5, mixRatio: 10, seed: 1, status: "done" }),
];

const row = (overrides: Partial<ExternalResultRow>): ExternalResultRow => ({
  augValue: 0.1,
  mixRatio: 10,
  seed: 0,
  linearAcc: 0.9,
  ...overrides,
});

describe("axisValuesEqual", () => {
  it("tolerates 1e-9 relative error and nothing more", () => {
    expect(axisValuesEqual(0.1, 0.3 / 3)).toBe(true);
    expect(axisValuesEqual(1, 1 + 5e-10)).toBe(true);
    expect(axisValuesEqual(1, 1 + 2e-9)).toBe(false);
    expect(axisValuesEqual(0, 1e-12)).toBe(false);
    expect(axisValuesEqual(0, 0)).toBe(true);
  });
});

describe("matchImportedResults", () => {
  it("matches rows to unfinished trials of every status", () => {
    const rows = [
      row({ mixRatio: "none" }),
      row({ augValue: 0.3 / 3 }), // 0.09999999999999999 still means 0.1
      row({ seed: 1, generatedSize: 5000 }),
      row({ augValue: 0.5 }),
    ];
    const report = matchImportedResults(rows, trials);
    expect(report.matched.map((m) => [m.rowIndex, m.trial.status])).toEqual([
      [0, "queued"],
      [1, "running"],
      [2, "failed"],
      [3, "cancelled"],
    ]);
    expect(report.alreadyDone).toEqual([]);
    expect(report.unmatched).toEqual([]);
    expect(report.duplicates).toEqual([]);
  });

  it("never overwrites a finished trial", () => {
    const report = matchImportedResults([row({ augValue: 0.5, seed: 1 })], trials);
    expect(report.alreadyDone).toHaveLength(1);
    expect(report.alreadyDone[0]!.trial.status).toBe("done");
    expect(report.matched).toEqual([]);
  });

  it("explains which axis value has no trial", () => {
    const report = matchImportedResults(
      [row({ augValue: 0.3 }), row({ mixRatio: 2 }), row({ generatedSize: 10 }), row({ seed: 7 }), row({ mixRatio: "none", seed: 1 })],
      trials,
    );
    expect(report.unmatched.map((u) => [u.rowIndex, u.code, u.reason])).toEqual([
      [0, "noSuchTrial", "augmentation value 0.3 is not in this sweep (swept: 0.1, 0.5)"],
      [1, "noSuchTrial", "mix ratio N=2 is not in this sweep (swept: none, N=10)"],
      [2, "noSuchTrial", "generated size 10 is not in this sweep (swept: 5000)"],
      [3, "noSuchTrial", "seed 7 is not in this sweep (seeds: 0, 1)"],
      [4, "noSuchTrial", "no trial has this combination of augmentation value, mix ratio, generated size, degradation and seed"],
    ]);
  });

  it("rejects invalid numbers, including percentages given as accuracies", () => {
    const report = matchImportedResults([row({ linearAcc: 91.3 }), row({ linearAcc: Number.NaN }), row({ seed: 0.5 }), row({ knnAcc: 2 })], trials);
    expect(report.unmatched.map((u) => u.code)).toEqual(["invalid", "invalid", "invalid", "invalid"]);
    expect(report.unmatched[0]!.reason).toMatch(/looks like a percentage/);
  });

  it("rejects images per second that are negative or not finite", () => {
    const report = matchImportedResults(
      [row({ imagesPerSec: Number.POSITIVE_INFINITY }), row({ imagesPerSec: -1 }), row({ imagesPerSec: 0 })],
      trials,
    );
    expect(report.unmatched.map((u) => [u.rowIndex, u.code, u.reason])).toEqual([
      [0, "invalid", "images per second must be a finite number >= 0"],
      [1, "invalid", "images per second must be a finite number >= 0"],
    ]);
  });

  it("asks for the generated size when several sizes match", () => {
    const sized = [makeTrial({ generatedSize: 100, status: "queued" }), makeTrial({ generatedSize: 1000, status: "queued" })];
    const report = matchImportedResults([row({ augValue: 1, mixRatio: "none" })], sized);
    expect(report.unmatched[0]).toMatchObject({
      code: "ambiguous",
      reason: "matches 2 trials at generated sizes 100, 1000; give the generated size",
    });
    expect(matchImportedResults([row({ augValue: 1, mixRatio: "none", generatedSize: 1000 })], sized).matched).toHaveLength(1);
  });

  it("keeps the first row for a trial and flags later ones, conflicting or not", () => {
    const rows = [row({}), row({ linearAcc: 0.9 }), row({ linearAcc: 0.8 }), row({ augValue: 0.5, seed: 1 }), row({ augValue: 0.5, seed: 1 })];
    const report = matchImportedResults(rows, trials);
    expect(report.matched.map((m) => m.rowIndex)).toEqual([0]);
    expect(report.alreadyDone.map((m) => m.rowIndex)).toEqual([3]);
    expect(report.duplicates.map((d) => [d.rowIndex, d.firstRowIndex, d.conflicting])).toEqual([
      [1, 0, false],
      [2, 0, true],
      [4, 3, false],
    ]);
  });

  it("passes extra row fields through untouched", () => {
    const report = matchImportedResults([{ ...row({}), source: "pytorch run 17" }], trials);
    expect(report.matched[0]!.row.source).toBe("pytorch run 17");
  });

  it("tells degradations apart on a sweep with a degradation axis, and asks for one when it is missing", () => {
    const graded = [
      makeTrial({ augValue: 1, mixRatio: "none", seed: 0, status: "queued" }),
      makeTrial({ augValue: 1, mixRatio: 1, degradation: 0, seed: 0, status: "queued" }),
      makeTrial({ augValue: 1, mixRatio: 1, degradation: 0.5, seed: 0, status: "queued" }),
    ];
    const report = matchImportedResults(
      [
        row({ augValue: 1, mixRatio: 1, degradation: 0.5 }),
        row({ augValue: 1, mixRatio: 1 }),
        row({ augValue: 1, mixRatio: 1, degradation: 0.25 }),
        row({ augValue: 1, mixRatio: "none", degradation: 0.5 }),
        row({ augValue: 1, mixRatio: 1, degradation: Number.NaN }),
      ],
      graded,
    );
    expect(report.matched.map((m) => [m.rowIndex, m.trial.degradation])).toEqual([
      [0, 0.5],
      // "none" uses no generated data: any degradation names its one trial.
      [3, null],
    ]);
    expect(report.unmatched.map((u) => [u.rowIndex, u.code, u.reason])).toEqual([
      [1, "ambiguous", "matches 2 trials at degradations 0, 0.5; give the degradation"],
      [2, "noSuchTrial", "degradation 0.25 is not in this sweep (swept: 0, 0.5)"],
      [4, "invalid", "degradation is not a finite number"],
    ]);
    expect(matchImportedResults([row({ degradation: 0.5 })], trials).unmatched[0]!.reason).toBe(
      "degradation 0.5 given, but this sweep has no degradation axis",
    );
  });
});
