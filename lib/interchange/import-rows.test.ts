import { describe, expect, it } from "vitest";
import { parseResultsCsv } from "./csv-parse";
import { trialsToCsv } from "./csv-export";
import { matchImportedResults } from "./import-match";
import { resultRowsFromRecords } from "./import-rows";
import { makeTrial } from "@/lib/analysis/trial-fixture";

function rowsFrom(text: string) {
  const parsed = parseResultsCsv(text);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return resultRowsFromRecords(parsed.header, parsed.rows, parsed.rowLines);
}

describe("resultRowsFromRecords", () => {
  it("reads this app's own export back, skipping rows without a result", () => {
    const trials = [
      makeTrial({ seed: 0, mixRatio: 10, linearAcc: 0.91, knnAcc: null, backend: "webgpu" }),
      makeTrial({ seed: 1, mixRatio: "none", status: "queued" }),
    ];
    const result = rowsFrom(trialsToCsv(trials));
    expect(result.errors).toEqual([]);
    expect(result.skippedLines).toEqual([3]);
    expect(result.rows).toEqual([
      {
        augValue: 1,
        mixRatio: 10,
        generatedSize: 5000,
        seed: 0,
        linearAcc: 0.91,
        knnAcc: null,
        finalLoss: 5,
        durationMs: 1000,
        imagesPerSec: 100,
        backend: "webgpu",
        line: 2,
      },
    ]);
    // Re-importing an export into the same sweep changes nothing.
    expect(matchImportedResults(result.rows, trials).alreadyDone).toHaveLength(1);
  });

  it("accepts minimal files and the display form of mix ratios", () => {
    const result = rowsFrom("aug_value,mix_ratio,seed,linear_acc\n0.5,N=10,3,0.8\n0.5,none,3,.75\n");
    expect(result.rows.map((r) => [r.mixRatio, r.linearAcc, r.generatedSize])).toEqual([
      [10, 0.8, undefined],
      ["none", 0.75, undefined],
    ]);
  });

  it("names the line and column of a bad value", () => {
    const result = rowsFrom('aug_value,mix_ratio,seed,linear_acc,knn_acc\n0.5,10,0,"0,8",\n0.5,ten,1,0.8,\n0.5,10,,0.8,91%\n');
    expect(result.errors).toEqual([
      { line: 2, column: "linear_acc", message: 'linear_acc "0,8" is not a number' },
      { line: 3, column: "mix_ratio", message: 'mix_ratio "ten" is neither "none" nor a number' },
      { line: 4, column: "seed", message: "seed is empty" },
    ]);
  });

  it("lists missing required columns", () => {
    const result = rowsFrom("aug,seed\n1,2\n");
    expect(result.errors.map((e) => e.column)).toEqual(["aug_value", "mix_ratio", "linear_acc"]);
  });
});
