/**
 * `npm run reproduce` end to end: the real script, with two real headless
 * worker processes, against a real HTTP server (the app's route handlers on
 * a real SQLite file). A tiny sweep stands in for a science preset; the
 * checks' statistics are tested on synthetic data in lib/analysis/findings.test.ts.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { useRouteDatabase } from "@/lib/testing/route-database";
import { useScratchRouteServer } from "@/lib/testing/route-server";

const ROOT = path.resolve(import.meta.dirname, "../..");
const JITI = path.join(ROOT, "node_modules", "jiti", "lib", "jiti-cli.mjs");

let work: string;

function runReproduce(args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [JITI, "scripts/reproduce.ts", ...args], {
    cwd: ROOT,
    env: { ...process.env, JITI_TSCONFIG_PATHS: "1", XDG_CACHE_HOME: path.join(work, "cache") },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.on("exit", (code) => resolve({ code, output })));
}

describe("npm run reproduce", () => {
  useRouteDatabase("sqlite");
  const server = useScratchRouteServer("inflation-lab-reproduce-");
  beforeAll(() => {
    work = server.work;
  });

  it("creates the sweep, trains it with N worker processes, prints the four checks per degradation and the best N against FID, and writes the export", async () => {
    const configFile = path.join(work, "tiny.json");
    fs.writeFileSync(
      configFile,
      JSON.stringify({
        name: "reproduce test",
        dataset: { trainSize: 200, testSize: 200 },
        encoder: { width: 8, depth: 2, projectionDim: 16 },
        training: { steps: 10, batchSize: 32, warmupSteps: 2 },
        evaluation: { linearProbeEpochs: 5, knnK: 5 },
        axes: {
          augmentation: { values: [0.5, 1] },
          mixRatio: { values: ["none", 1] },
          generatedSize: { values: [100] },
          degradation: { values: [0, 1] },
          seeds: { values: [0, 1] },
        },
        execution: { leaseSeconds: 10, maxAttempts: 2 },
      }),
    );
    const out = path.join(work, "export.json");
    const { code, output } = await runReproduce(["--config", configFile, "--workers", "2", "--server", server.url, "--out", out]);
    expect(code, output).toBe(0);
    // 2 strengths x 2 seeds x ("none" once + N=1 at two degradations)
    expect(output).toMatch(/sweep "reproduce test": 12 trials/);
    expect(output).toMatch(/\[worker 1\] /);
    expect(output).toMatch(/\[worker 2\] /);
    expect(output).toMatch(/sweep "reproduce test": 12\/12 done, 0 failed/);
    expect(output).toMatch(/== Generator degradation 0 ==\nFindings/);
    expect(output).toMatch(/== Generator degradation 1 ==\nFindings/);
    // Two strengths are too few for an inverted U, and the sweep has no N = 10: the checks say so.
    expect(output).toMatch(/1\. inverted U: not enough data\n {3}N = none: not enough data/);
    // Two seeds per point: never enough to name a direction, whatever the intervals say.
    expect(output).toMatch(/2\. optimum shift: (no shift|not distinguishable|not enough data)\n {3}(No clear shift|Not distinguishable)/);
    expect(output).toMatch(
      /3\. AdaInf vs vanilla inflation: not enough data\n {3}Cannot compare AdaInf with vanilla inflation \(AdaInf: the sweep has no trials at mix ratio N=10\)/,
    );
    expect(output).toMatch(/4\. vanilla inflation vs no inflation: (inflation helps|inflation hurts|not distinguishable)\n {3}.*2 paired seeds/);

    const exported = JSON.parse(fs.readFileSync(out, "utf8"));
    expect(exported.sweep.name).toBe("reproduce test");
    expect(exported.trials).toHaveLength(12);
    expect(exported.trials.every((trial: { status: string }) => trial.status === "done")).toBe(true);
    type Exported = { mixRatio: number | "none"; degradation: number | null; generatedFid: number | null };
    const trials: Exported[] = exported.trials;
    expect(trials.filter((t) => t.mixRatio === "none").every((t) => t.degradation === null && t.generatedFid === null)).toBe(true);
    // Each worker trained on its trial's degradation: the worse generator measured a larger FID on every trial.
    const fids = (degradation: number) => trials.filter((t) => t.degradation === degradation).map((t) => t.generatedFid!);
    expect(fids(0)).toHaveLength(4);
    expect(fids(1)).toHaveLength(4);
    expect(Math.max(...fids(0))).toBeLessThan(Math.min(...fids(1)));

    // --analyse reads the export back with no server: a table of every cell, then the same checks.
    const again = await runReproduce(["--analyse", out]);
    expect(again.code, again.output).toBe(0);
    expect(again.output).toMatch(/sweep "reproduce test": 12 trials \(12 done\)/);
    expect(again.output).toMatch(
      /\| N \\ strength \| 0\.5 \| 1 \|\n\|---\|---\|---\|\n\| none \| \d+\.\d\d ± \d+\.\d\d \(2\) \| \d+\.\d\d ± \d+\.\d\d \(2\) \|\n\| N=1 \|/,
    );
    // The best mix ratio at each degradation, placed by its measured FID.
    const quality = again.output.match(
      /== Best mix ratio against generator quality ==\n\| degradation \| FID \| N=1 \| none \| best N \[95% interval\] \|\n\|---\|---\|---\|---\|---\|\n\| 0 \| (\d+\.\d\d) ± \d+\.\d\d \| [^\n]+\n\| 1 \| (\d+\.\d\d) ± \d+\.\d\d \| /,
    );
    expect(quality, again.output).not.toBeNull();
    expect(Number(quality![2])).toBeGreaterThan(Number(quality![1]));
    const report = (text: string) =>
      text.slice(text.indexOf("Findings (Linear probe accuracy"), text.indexOf("\n\n", text.indexOf("Findings (Linear probe accuracy")));
    expect(report(again.output)).toBe(report(output));
  }, 240_000);

  it("refuses an unknown preset and an invalid config, saying what is wrong", async () => {
    const unknown = await runReproduce(["no-such-preset", "--server", server.url]);
    expect(unknown.code).toBe(2);
    expect(unknown.output).toMatch(/unknown preset "no-such-preset" \(known: quick-demo, /);
    const bad = path.join(work, "bad.json");
    fs.writeFileSync(bad, JSON.stringify({ training: { steps: 0 } }));
    const invalid = await runReproduce(["--config", bad, "--server", server.url]);
    expect(invalid.code).toBe(2);
    expect(invalid.output).toMatch(/is not a valid sweep config:\n {2}training\.steps: /);
  }, 60_000);
});
