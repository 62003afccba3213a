import { describe, expect, it } from "vitest";
import { TRIAL_CSV_COLUMNS, csvField, trialsToCsv } from "./csv-export";
import { parseResultsCsv } from "./csv-parse";
import { makeTrial } from "@/lib/analysis/trial-fixture";

const AWKWARD = [
  "plain",
  "comma, inside",
  'a "quoted" word',
  "line\nbreak",
  "crlf\r\ninside",
  '"',
  "  spaces kept  ",
  "sum = A1 + A2 (formula characters inside, not first)",
  "ünïcödé ✓",
  "",
];

describe("csvField", () => {
  it("quotes only what needs quoting and doubles inner quotes", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("x\ny")).toBe('"x\ny"');
    expect(csvField(null)).toBe("");
    expect(csvField(undefined)).toBe("");
    expect(csvField(Number.NaN)).toBe("");
    expect(csvField(Infinity)).toBe("inf");
    expect(csvField(-Infinity)).toBe("-inf");
    expect(csvField(true)).toBe("true");
  });

  it("neutralises text a spreadsheet would run as a formula, leaving ids and numbers alone", () => {
    expect(csvField('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
    expect(csvField("+cmd|' /C calc'!A0")).toBe("'+cmd|' /C calc'!A0");
    expect(csvField("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvField("-2+3")).toBe("'-2+3");
    expect(csvField("\tx")).toBe("'\tx");
    // Our ids are base64url and may begin with "-"; numbers are never neutralised.
    expect(csvField("-aB3_x-")).toBe("-aB3_x-");
    expect(csvField(-0.5)).toBe("-0.5");
    expect(csvField("webgpu")).toBe("webgpu");
  });

  it("writes numbers at full precision without locale formatting", () => {
    expect(csvField(0.1 + 0.2)).toBe("0.30000000000000004");
    expect(csvField(1234567.891)).toBe("1234567.891");
    expect(csvField(1e-7)).toBe("1e-7");
    expect(csvField(1e21)).toBe("1e+21");
  });
});

describe("trialsToCsv", () => {
  it("writes a header and one CRLF-terminated row per trial", () => {
    const csv = trialsToCsv([makeTrial({ status: "queued" })], { sweep_id: "sw1" });
    const lines = csv.split("\r\n");
    expect(lines[0]).toBe(`${TRIAL_CSV_COLUMNS.join(",")},sweep_id`);
    expect(lines[1]).toBe("strength,1,none,5000,,0,queued,,,,,,,,,0,,t-1-none-5000-0,hash,sw1");
    expect(lines[2]).toBe("");
    expect(lines).toHaveLength(3);
  });

  it("round-trips awkward strings, nulls and exact numbers through the strict parser", () => {
    const trials = AWKWARD.map((backend, seed) =>
      makeTrial({
        seed,
        augValue: 0.1 + 0.2,
        mixRatio: seed % 2 === 0 ? "none" : 10,
        linearAcc: seed % 3 === 0 ? null : 1 / 3 + seed,
        knnAcc: 1e-7 * seed,
        finalLoss: -123456.789e-3,
        durationMs: 2 ** 31 - 1,
        backend,
        id: `id,"${seed}"\n`,
      }),
    );
    const csv = trialsToCsv(trials, { note: (t) => `seed ${t.seed}, "x"`, run: 7 });
    const parsed = parseResultsCsv(csv);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    expect(parsed.header).toEqual([...TRIAL_CSV_COLUMNS, "note", "run"]);
    expect(parsed.rows).toHaveLength(trials.length);
    parsed.rows.forEach((row, i) => {
      const trial = trials[i]!;
      expect(row.backend).toBe(trial.backend);
      expect(row.trial_id).toBe(trial.id);
      expect(Number(row.aug_value)).toBe(trial.augValue);
      expect(row.mix_ratio).toBe(String(trial.mixRatio));
      expect(row.linear_acc).toBe(trial.linearAcc === null ? "" : String(trial.linearAcc));
      if (trial.linearAcc !== null) expect(Number(row.linear_acc)).toBe(trial.linearAcc);
      expect(Number(row.knn_acc)).toBe(trial.knnAcc);
      expect(Number(row.final_loss)).toBe(trial.finalLoss);
      expect(Number(row.duration_ms)).toBe(trial.durationMs);
      expect(row.note).toBe(`seed ${trial.seed}, "x"`);
      expect(row.run).toBe("7");
    });
    // Embedded line breaks are quoted, so rows start on later physical lines.
    expect(parsed.rowLines[0]).toBe(2);
    expect(parsed.rowLines[1]).toBeGreaterThan(3);
  });

  it("rejects extra columns that clash with built-in ones", () => {
    expect(() => trialsToCsv([], { seed: 1 })).toThrow(/clashes/);
    expect(() => trialsToCsv([], { "": 1 })).toThrow(/non-empty/);
  });
});
